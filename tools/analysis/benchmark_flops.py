"""FLOPs of a model for tools/analysis/benchmark.py: per U-Net call, per
training sample (the expectation over the timesteps drawn when PIF acts in
training, Eq. 15) and per image for each sampling setting, counted with
``torch.utils.flop_counter`` (:func:`benchmarking.count_flops`).

A sampling run costs a fixed part (source encoding, RPA, the final decode)
plus the same FLOPs at every step (the U-Net calls of CFG and, on guided
steps, PIF's gradient), so with ``steps_counted=K`` a setting of N > 2K
steps is counted at K and at 2K steps and extrapolated along that line:
F(N) = F(K) + (N - K) / K * (F(2K) - F(K)). This is exact when PIF guides
no step or every step (a window of steps is refused), which the tests check
against a direct count; it makes DDIM-100 at 512x352 countable on a CPU."""
from __future__ import annotations

from collections.abc import Callable

import torch

from benchmarking import count_flops, sample_kwargs, sampling_call


def along_line(a: dict, b: dict, w: float) -> dict:
    """``a + w * (b - a)`` of two counts, total and every component."""
    def at(x: float, y: float) -> float:
        return x + w * (y - x)

    ca, cb = a['by_component'], b['by_component']
    return dict(total=at(a['total'], b['total']),
                by_component={p: at(ca.get(p, 0), cb.get(p, 0))
                              for p in set(ca) | set(cb)})


def expected_training_flops(model, fwd_bwd: Callable[[], None]) -> dict:
    """FLOPs of one training step (``fwd_bwd``): counted once, or, for a
    model whose PIF acts in training (Eq. 15), the expectation over the
    timesteps and CFG drops drawn: counted with no sample guided and with
    every sample guided, mixed by the expected fraction guided,
    ``batch_fraction * P(t < max_timestep) * (1 - cfg_dropout)`` (t
    uniform)."""
    pif = model.pose_interaction_field
    if pif is None or not pif.train_cfg['enabled']:
        return count_flops(fwd_bwd, model)
    saved_cfg, saved_dropout = dict(pif.train_cfg), model.cfg_dropout
    try:
        pif.train_cfg['enabled'] = False
        none = count_flops(fwd_bwd, model)
        pif.train_cfg.update(enabled=True, max_timestep=None,
                             batch_fraction=1.0)
        model.cfg_dropout = 0.0
        every = count_flops(fwd_bwd, model)
    finally:
        pif.train_cfg.clear()
        pif.train_cfg.update(saved_cfg)
        model.cfg_dropout = saved_dropout
    steps = model.diffusion.num_timesteps
    below = steps if saved_cfg['max_timestep'] is None else \
        min(saved_cfg['max_timestep'], steps)
    p = saved_cfg['batch_fraction'] * below / steps * (1 - saved_dropout)
    return dict(along_line(none, every, p), pif_fraction=p)


def check_extrapolable(model, settings: list[dict]) -> None:
    """Raise ValueError where a setting guides a window of steps, whose
    FLOPs are not on the line through K and 2K steps."""
    pif = getattr(model, 'pose_interaction_field', None)
    if pif is None or pif.sample_cfg['steps'] in ('all', None):
        return
    if any(s['guidance_scale'] != 0 for s in settings):
        raise ValueError('--flops-steps extrapolates only guidance on every '
                         'step or none; this config guides a window of '
                         f"steps ({pif.sample_cfg['steps']}): count it "
                         'without --flops-steps')


def sampling_flops(sample: Callable[..., torch.Tensor], setting: dict,
                   model, steps_counted: int | None = None,
                   counted: dict | None = None) -> dict:
    """FLOPs of one ``sample(**overrides)`` run at ``setting``, counted, or
    extrapolated from K and 2K steps (``steps_counted`` = K, module doc);
    ``counted_steps`` says which. ``counted`` keeps the counts across
    settings (DDIM-100 and DDIM-20 share the counts at K and 2K)."""
    counted = {} if counted is None else counted

    def count(num_steps: int) -> dict:
        kw = sample_kwargs(dict(setting, num_steps=num_steps))
        key = tuple(sorted(kw.items()))
        if key not in counted:
            counted[key] = count_flops(lambda: sample(**kw), model)
        return counted[key]

    n = setting['num_steps']
    if not steps_counted or n <= 2 * steps_counted:
        return dict(count(n), counted_steps=[n])
    k = steps_counted
    return dict(along_line(count(k), count(2 * k), (n - k) / k),
                counted_steps=[k, 2 * k])


def measure_flops(model, train_data, sample_data, settings: list[dict],
                  steps_counted: int | None = None) -> dict:
    """FLOPs per U-Net call (one sample), per training sample (forward +
    backward of the loss) and per image for each sampling setting
    (extrapolated from ``steps_counted`` steps, :func:`sampling_flops`)."""
    model.eval()
    sample_batch = model.data_preprocessor(sample_data, False)
    n_img = len(sample_batch['data_samples'])
    batch = len(train_data['inputs']['source_img'])
    captured = []  # the U-Net's arguments in a one-image, one-step call
    hook = model.unet.register_forward_pre_hook(
        lambda m, a, kw: captured.append((a, kw)), with_kwargs=True)
    sampling_call(model, sample_batch, 1)(num_steps=1, cfg_scale=1.0,
                                          progress=False)
    hook.remove()
    a, kw = captured[0]
    with torch.no_grad():
        flops = dict(per_unet_call=count_flops(
            lambda: model.unet(*a, **kw), model)['total'])
    model.train()

    def fwd_bwd():
        losses = model(**model.data_preprocessor(train_data, True),
                       mode='loss')
        model.parse_losses(losses)[0].backward()

    f = expected_training_flops(model, fwd_bwd)
    model.zero_grad(set_to_none=True)
    flops['per_train_sample'] = f['total'] / batch
    flops['per_train_sample_by_component'] = {
        k: v / batch for k, v in f['by_component'].items()}
    if 'pif_fraction' in f:
        flops['train_pif_fraction'] = f['pif_fraction']
    model.eval()
    flops['per_image'] = []
    sample, counted = sampling_call(model, sample_batch), {}
    for s in settings:
        f = sampling_flops(sample, s, model, steps_counted, counted)
        flops['per_image'].append(dict(
            total=f['total'] / n_img, counted_steps=f['counted_steps'],
            by_component={k: v / n_img
                          for k, v in f['by_component'].items()}))
    return flops
