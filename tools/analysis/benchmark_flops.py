"""FLOPs of a model for tools/analysis/benchmark.py: per U-Net call, per
training sample (the expectation over the timesteps drawn when PIF acts in
training, Eq. 15) and per image for each sampling setting, counted with
``torch.utils.flop_counter`` (:func:`benchmarking.count_flops`)."""
from __future__ import annotations

from collections.abc import Callable

import torch

from benchmarking import count_flops, sample_kwargs, sampling_call


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

    def mix(a: float, b: float) -> float:
        return a + p * (b - a)

    parts = set(none['by_component']) | set(every['by_component'])
    return dict(total=mix(none['total'], every['total']), pif_fraction=p,
                by_component={k: mix(none['by_component'].get(k, 0),
                                     every['by_component'].get(k, 0))
                              for k in parts})


def measure_flops(model, train_data, sample_data, settings: list[dict]
                  ) -> dict:
    """FLOPs per U-Net call (one sample), per training sample (forward +
    backward of the loss) and per image for each sampling setting."""
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
    sample = sampling_call(model, sample_batch)
    for s in settings:
        f = count_flops(lambda: sample(**sample_kwargs(s)), model)
        flops['per_image'].append(dict(total=f['total'] / n_img, by_component={
            k: v / n_img for k, v in f['by_component'].items()}))
    return flops
