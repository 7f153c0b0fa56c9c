"""Follow PIF's energy and gradient (Eqs. 11-16) along a model's sampling
trajectory, as read by the guide and by an independent judge.

    python tools/analysis/pif_trajectory.py CONFIG CHECKPOINT
        [--guidance 0,1] [--cfg-scale S] [--num-steps N] [--num 32]
        [--split val]
        [--spec configs/ablation/synthfashion_64.py] [--out FILE.json]
        [--device cpu|cuda] [--cfg-options k=v ...]

At every sampling step, on the x0 estimate of the CFG-combined eps (the
point where Eq. 16 takes its gradient), it records per pair:

- ``G_guide`` and ``G_judge``: the heatmap energy of Eq. 11 under the
  config's PIF estimator (the guide) and under the ablation spec's judge
  estimator (``PoseAccuracy`` with ``prefix='judge'``), each with its own
  target heatmaps;
- ``cos(g_guide, g_judge)``: whether a step down the guide's energy is a
  step down the judge's. Near 0, guidance moves the image in directions the
  judge does not see as pose (adversarial drift); 1 is the same direction;
- ``cos(-g, x_gt - x0_hat)`` for each: whether a step down the energy
  points towards the ground-truth target (its encoding, for a latent
  model).

Sampling is the model's own (the spec's sampler and seed), with the
guidance scales in ``--guidance`` (0: unguided; the probe still measures).
The table gives the means over the pairs at every other step; ``--out``
keeps them all. A B1/B2 checkpoint loads into a PIF config (the estimator
reads its own file). docs/ablation.md reports what it found.
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import sys
from collections.abc import Callable

import torch
import torch.nn.functional as F
from mmengine.config import DictAction
from torch import Tensor

from mmrepose.ablation import AblationSpec
from mmrepose.ablation.evaluation import pair_dataloader
from mmrepose.apis import SELF_LOADING, init_model
from mmrepose.models.guidance import PoseInteractionField
from mmrepose.utils import (parse_numbers, read_config,
                            register_all_modules)

QUANTITIES = ('G_guide', 'G_judge', 'cos_guide_judge', 'cos_guide_gt',
              'cos_judge_gt')


def cosine(a: Tensor, b: Tensor) -> Tensor:
    """``(B,)`` cosine similarity of flattened per-sample tensors."""
    return F.cosine_similarity(a.flatten(1), b.flatten(1), dim=1, eps=1e-12)


class TrajectoryProbe:
    """A sampler guidance callback that measures before it delegates.

    ``inner`` is the model's Eq. 16 callback (None: unguided); ``x_gt`` is
    the ground truth in the sample space. Every call appends one record
    ``{t, quantity: (B,) list}`` to :attr:`records`."""

    def __init__(self, inner: Callable | None, guide: PoseInteractionField,
                 judge: PoseInteractionField, diffusion, decode: Callable,
                 target_keypoints: Tensor, x_gt: Tensor):
        self.inner = inner
        self.guide, self.judge = guide, judge
        self.diffusion, self.decode = diffusion, decode
        self.target_keypoints = target_keypoints
        self.x_gt = x_gt
        self.records: list[dict] = []
        # the sampler reads self_recurrence from its guidance object
        self.self_recurrence = getattr(inner, 'self_recurrence', 0)

    def __call__(self, x_t: Tensor, t: Tensor, eps: Tensor) -> Tensor:
        x0_hat = self.diffusion.predict_x0(x_t.detach(), t, eps.detach())
        g_guide, e_guide = self.guide.energy_and_gradient(
            x0_hat, self.decode, self.target_keypoints, mode='heatmap')
        g_judge, e_judge = self.judge.energy_and_gradient(
            x0_hat, self.decode, self.target_keypoints, mode='heatmap')
        towards_gt = self.x_gt.to(x0_hat) - x0_hat
        values = dict(G_guide=e_guide, G_judge=e_judge,
                      cos_guide_judge=cosine(g_guide, g_judge),
                      cos_guide_gt=cosine(-g_guide, towards_gt),
                      cos_judge_gt=cosine(-g_judge, towards_gt))
        self.records.append(dict(
            t=int(t[0]), **{k: v.float().cpu().tolist()
                            for k, v in values.items()}))
        return eps if self.inner is None else self.inner(x_t, t, eps)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('config', help='a config with PIF (its guide)')
    p.add_argument('checkpoint')
    p.add_argument('--guidance', default='0',
                   help='PIF guidance scales s, comma-separated (default 0)')
    p.add_argument('--cfg-scale', type=float,
                   help="default: the config's test_cfg.cfg_scale")
    p.add_argument('--num-steps', type=int,
                   help="sampling steps (default: the spec's sampler's)")
    p.add_argument('--num', type=int, default=32,
                   help='pairs (the first of the split subset; default 32)')
    p.add_argument('--split', default='val', choices=('val', 'test'))
    p.add_argument('--spec', default='configs/ablation/synthfashion_64.py',
                   help='ablation spec: its judge, sampler and val subset')
    p.add_argument('--out', help='JSON with every step (default: none)')
    p.add_argument('--device', default='cpu')
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    return p.parse_args(argv)


def judge_field(spec: AblationSpec, guide: PoseInteractionField,
                device: str) -> PoseInteractionField:
    """The spec's judge estimator as a PIF energy (the guide's mask
    threshold)."""
    estimators = [m['estimator'] for m in spec.evaluation['metrics']
                  if m.get('prefix') == 'judge' and 'estimator' in m]
    if not estimators:
        raise ValueError(f'{spec.path} has no PoseAccuracy metric with '
                         "prefix='judge'")
    return PoseInteractionField(estimators[0], mode='heatmap',
                                mask_threshold=guide.mask_threshold).to(
                                    device)


def probe_batches(model, judge: PoseInteractionField, evaluation: dict,
                  cfg, split: str, num: int, settings: dict) -> list[dict]:
    """Sample ``num`` pairs at ``settings`` and return the records of every
    batch, concatenated per step."""
    model.test_cfg.update(settings, progress=False)
    steps: list[dict] = []
    done = 0
    for batch in pair_dataloader(evaluation, cfg, split):
        if done >= num:
            break
        data = model.data_preprocessor(batch, False)
        inputs, samples = data['inputs'], data['data_samples']
        keep = min(num - done, inputs['source_img'].shape[0])
        inputs = {k: v[:keep] for k, v in inputs.items()}
        samples = samples[:keep]
        keypoints = model.pif_targets(samples, inputs['source_img'].device)
        with torch.no_grad():
            x_gt = model.autoencoder.encode(inputs['target_img'])
        cfg_now = model.sampling_cfg({})
        probe = TrajectoryProbe(
            model.pif_guidance(cfg_now, keypoints),
            model.pose_interaction_field, judge, model.diffusion,
            model.autoencoder.decode_for_guidance, keypoints, x_gt)
        model.sample(inputs, guidance=probe, progress=False)
        for i, record in enumerate(probe.records):
            if i == len(steps):
                steps.append(dict(t=record['t'],
                                  **{q: [] for q in QUANTITIES}))
            for q in QUANTITIES:
                steps[i][q] += record[q]
        done += keep
    return steps


def render(results: dict[float, list[dict]]) -> str:
    head = ['s', 'step', 't'] + list(QUANTITIES)
    lines = ['| ' + ' | '.join(head) + ' |', '|---' * len(head) + '|']
    for scale, steps in results.items():
        last = len(steps) - 1
        for i, step in enumerate(steps):
            if i % 2 and i != last:
                continue
            cells = [f'{scale:g}', str(i), str(step['t'])] + [
                f'{sum(step[q]) / len(step[q]):.4g}' for q in QUANTITIES]
            lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    register_all_modules()
    try:
        scales = parse_numbers(args.guidance, '--guidance')
        if not scales:
            raise ValueError('--guidance: no guidance scale given')
        spec = AblationSpec(args.spec)
        cfg, model = init_model(read_config(args.config, args.cfg_options),
                                args.checkpoint, args.device,
                                keep_missing=SELF_LOADING)
        if model.pose_interaction_field is None:
            raise ValueError(f'{args.config} has no pose_interaction_field '
                             '(the guide); use a full-model config')
        judge = judge_field(spec, model.pose_interaction_field, args.device)
    except (ValueError, KeyError, FileNotFoundError) as err:
        sys.exit(f'error: {err.args[0]}')
    cfg_scale = args.cfg_scale or model.test_cfg['cfg_scale']
    results = {}
    for scale in scales:
        settings = {**spec.evaluation['sampler'], 'cfg_scale': cfg_scale,
                    'guidance_scale': scale}
        if args.num_steps:
            settings['num_steps'] = args.num_steps
        results[scale] = probe_batches(model, judge, spec.evaluation,
                                       cfg, args.split, args.num, settings)
        print(f'[trajectory] s={scale:g}: {len(results[scale])} steps, '
              f'{len(results[scale][0]["G_guide"])} pairs', flush=True)
    print(f'\n{args.split} split, CFG {cfg_scale}, {args.checkpoint}\n')
    print(render(results))
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump({str(s): v for s, v in results.items()}, f)


if __name__ == '__main__':
    main()
