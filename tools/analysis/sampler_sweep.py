"""Score one trained model with several samplers on a split, pair by pair.

    python tools/analysis/sampler_sweep.py CONFIG CHECKPOINT
        --samplers ddim:100,ddim:20,dpmsolver++:20,dpmsolver++:10,unipc:10
        [--reference LABEL] [--split val] [--cfg-scale S]
        [--guidance S[,S...]] [--guidance-steps all|START:END[,...]]
        [--view-shift D[,D...]] [--gradient-blur SIGMA[,SIGMA...]]
        [--reference-scores JSON]
        [--spec configs/ablation/synthfashion_64.py] [--out DIR]
        [--device cpu|cuda] [--cfg-options k=v ...]

Every setting samples the same pairs with the same noise (sampler seed 0)
and is scored by the ablation spec's metrics (SSIM, PSNR, masked L1,
per-part colour error, and pose accuracy by the independent judge and by
PIF's guide; docs/ablation.md). The table gives each setting's NFE (U-Net
evaluations per image: steps x 2 with CFG), its means, and its paired
difference from ``--reference`` (mean and bootstrap 95 % CI over the pairs)
for SSIM, part colour error and judge PCK@0.1. Per-pair scores are kept in
``--out`` (default ``work_dirs/sampler_sweep/CONFIG_NAME``), one JSON per
setting; a setting already scored there with the same checkpoint is read
back, not sampled again. The split is the spec's (val: every 5th pair).
This is how the default sampler is chosen (docs/speed.md).

For a model with PIF, every sampler is also crossed with the scales s of
Eq. 16 in ``--guidance`` and the windows of the trajectory in
``--guidance-steps`` (fractions, 0 = the first step; ``0:0.5`` guides the
first half), and with PIF's options against adversarial drift in
``--view-shift`` and ``--gradient-blur`` (pixels; 0 is off). A checkpoint
without
PIF's estimator (a B1 or B2 one) loads into a PIF config: the estimator
reads its own file.
"""
from __future__ import annotations

import argparse
import itertools
import os.path as osp
import sys

import numpy as np
from mmengine.config import DictAction

from mmrepose.ablation import AblationSpec, Evaluator
from mmrepose.ablation.evaluation import PairScores, cached_scores
from mmrepose.ablation.report import COLUMNS
from mmrepose.ablation.statistics import paired_comparison
from mmrepose.apis import SELF_LOADING, init_model
from mmrepose.datasets import AnnotationError
from mmrepose.datasets.transforms import ImageLoadError
from mmrepose.models.diffusion import DiffusionSampler
from mmrepose.utils import (parse_numbers, read_config,
                            register_all_modules)

COMPARED = ('synthfashion/ssim_256_sigma1.5',
            'synthfashion/part_colour_error', 'judge/pck@0.1')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('--samplers', required=True,
                   help='comma-separated NAME:STEPS, e.g. ddim:100,unipc:10')
    p.add_argument('--reference', help="the setting's label the others are "
                   "compared with, e.g. 'ddim:100' or 'ddim:20 s=0' "
                   '(default: the first)')
    p.add_argument('--reference-scores', metavar='JSON',
                   help='per-pair scores of another model on the same split '
                   '(a JSON this tool wrote, e.g. a distilled model\'s '
                   'teacher): its row comes first and is the reference')
    p.add_argument('--split', default='val', choices=('val', 'test'))
    p.add_argument('--cfg-scale', type=float,
                   help="default: the config's test_cfg.cfg_scale")
    p.add_argument('--guidance', help='PIF guidance scales, comma-separated '
                   "(models with PIF; default: the config's)")
    p.add_argument('--guidance-steps', metavar='START:END,...',
                   help="PIF guidance windows, comma-separated: 'all' or "
                   'START:END in fractions of the trajectory (default: the '
                   "config's sample_cfg.steps)")
    p.add_argument('--view-shift', help='PIF sample_cfg.view_shift values, '
                   "comma-separated (default: the config's)")
    p.add_argument('--gradient-blur', help='PIF sample_cfg.gradient_blur '
                   "values, comma-separated (default: the config's)")
    p.add_argument('--spec', default='configs/ablation/synthfashion_64.py',
                   help='ablation spec whose metrics score the samples')
    p.add_argument('--out', help='per-pair scores (default: '
                   'work_dirs/sampler_sweep/CONFIG_NAME)')
    p.add_argument('--device', default='cpu')
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    return p.parse_args(argv)


def parse_samplers(text: str) -> list[tuple[str, int]]:
    settings = []
    for item in text.split(','):
        name, _, steps = item.strip().partition(':')
        if not name or not steps.isdigit() or int(steps) < 1:
            raise ValueError(f'--samplers: {item!r} is not NAME:STEPS')
        settings.append((name, int(steps)))
    return settings


def parse_window(text: str) -> dict[str, float] | str:
    if text == 'all':
        return 'all'
    start, _, end = text.partition(':')
    try:
        window = dict(start=float(start), end=float(end))
    except ValueError:
        window = None
    if window is None or not 0 <= window['start'] <= window['end'] <= 1:
        raise ValueError(f'--guidance-steps: {text!r} is not START:END with '
                         '0 <= START <= END <= 1 (fractions of the '
                         'trajectory)')
    return window


def scored(evaluator: Evaluator, model, cfg, args: argparse.Namespace,
           settings: dict, path: str) -> PairScores:
    cached = cached_scores(path, settings, args.checkpoint)
    if cached is not None:
        return cached
    model.test_cfg.update({k: v for k, v in settings.items()
                           if k in model.test_cfg}, progress=False)
    scores = evaluator.score(model, cfg, args.split, settings,
                             args.checkpoint)
    scores.save(path)
    return scores


def render(rows: list[tuple[str, int, PairScores]], reference: str) -> str:
    titles = {key: title for title, key in COLUMNS}
    head = ['setting', 'NFE'] + [t for t, _ in COLUMNS] + [
        f'{titles[k]} vs {reference} [95 % CI]' for k in COMPARED]
    lines = ['| ' + ' | '.join(head) + ' |', '|---' * len(head) + '|']
    base = next(s for name, _, s in rows if name == reference)
    for name, nfe, scores in rows:
        cells = [name, str(nfe)] + [
            f'{scores.means[k]:.4f}' if k in scores.means else ''
            for _, k in COLUMNS]
        for key in COMPARED:
            if name == reference or key not in scores.values:
                cells.append('')
                continue
            c = paired_comparison(
                np.array(scores.values[key], np.float64),
                np.array(base.values[key], np.float64), key)
            cells.append(f"{c['mean_diff']:+.4f} [{c['ci_low']:+.4f}, "
                         f"{c['ci_high']:+.4f}]")
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def settings_grid(args: argparse.Namespace, model, cfg_scale: float
                  ) -> list[tuple[str, int, dict]]:
    """``(label, NFE, settings)`` for every sampler x guidance scale x
    window; an unknown sampler is a KeyError naming the known ones."""
    pif = model.pose_interaction_field
    if pif is None and (args.guidance or args.guidance_steps or
                        args.view_shift or args.gradient_blur):
        raise ValueError(f'{args.config} has no PIF guidance: --guidance, '
                         '--guidance-steps, --view-shift and --gradient-blur '
                         'need a full model')
    scales = parse_numbers(args.guidance, '--guidance', float) or \
        [model.test_cfg.get('guidance_scale')]
    windows = [parse_window(w) for w in args.guidance_steps.split(',')] \
        if args.guidance_steps else [pif and pif.sample_cfg['steps']]
    shifts = parse_numbers(args.view_shift, '--view-shift', int) or \
        [pif and pif.sample_cfg['view_shift']]
    blurs = parse_numbers(args.gradient_blur, '--gradient-blur', float) or \
        [pif and pif.sample_cfg['gradient_blur']]
    grid = []
    for name, steps in parse_samplers(args.samplers):
        nfe = DiffusionSampler(model.diffusion, name, steps, cfg_scale).nfe
        for scale in scales:  # s = 0 guides nothing: one setting
            guided = itertools.product(windows, shifts, blurs) \
                if scale != 0 else [('all', 0, 0)]
            for window, shift, blur in guided:
                label = f'{name}:{steps}'
                settings = dict(sampler=name, num_steps=steps, seed=0,
                                cfg_scale=cfg_scale)
                if pif is not None:
                    settings.update(guidance_scale=scale,
                                    guidance_steps=window)
                    label += f' s={scale:g}'
                    if window != 'all':
                        label += f" steps={window['start']:g}-" \
                                 f"{window['end']:g}"
                    if shift:  # absent when off: earlier scores stay valid
                        settings['view_shift'] = shift
                        label += f' shift={shift}'
                    if blur:
                        settings['gradient_blur'] = blur
                        label += f' blur={blur:g}'
                grid.append((label, nfe, settings))
    return grid


def reference_row(path: str, model) -> tuple[str, int, PairScores]:
    """``(label, NFE, scores)`` of a scores file of this tool."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'--reference-scores: no file {path}')
    try:
        scores = PairScores.load(path)
        settings = scores.settings
        nfe = DiffusionSampler(model.diffusion, settings['sampler'],
                               settings['num_steps'],
                               settings['cfg_scale']).nfe
    except (ValueError, TypeError, KeyError):
        raise ValueError(f'--reference-scores: {path} is not a scores file '
                         'of this tool') from None
    return f'ref {osp.splitext(osp.basename(path))[0]}', nfe, scores


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    register_all_modules()
    try:
        spec = AblationSpec(args.spec)
        cfg, model = init_model(read_config(args.config, args.cfg_options),
                                args.checkpoint, args.device,
                                keep_missing=SELF_LOADING)
        cfg_scale = args.cfg_scale or model.test_cfg['cfg_scale']
        grid = settings_grid(args, model, cfg_scale)
    except (ValueError, KeyError, FileNotFoundError) as err:
        sys.exit(f'error: {err.args[0]}')
    rows = []
    if args.reference_scores:
        try:
            rows.append(reference_row(args.reference_scores, model))
        except (FileNotFoundError, ValueError) as err:
            sys.exit(f'error: {err}')
    labels = [label for label, _, _ in rows + grid]
    reference = args.reference or labels[0]
    if reference not in labels:
        sys.exit(f'error: --reference {reference!r} is not one of {labels}')
    out = args.out or osp.join(
        'work_dirs', 'sampler_sweep',
        osp.splitext(osp.basename(args.config))[0])
    evaluator = Evaluator(spec, args.device)
    for label, nfe, settings in grid:
        if 'guidance_steps' in settings:
            model.pose_interaction_field.sample_cfg.update(
                steps=settings['guidance_steps'],
                view_shift=settings.get('view_shift', 0),
                gradient_blur=settings.get('gradient_blur', 0.0))
        tag = label.replace(':', '_').replace(' ', '_').replace('=', '')
        path = osp.join(out, f'{args.split}_{tag}_cfg{cfg_scale}.json')
        try:
            scores = scored(evaluator, model, cfg, args, settings, path)
        except (FileNotFoundError, AnnotationError, ImageLoadError) as err:
            sys.exit(f'error: {err}')
        if rows and scores.pairs != rows[0][2].pairs:
            sys.exit(f'error: {args.reference_scores} was scored on other '
                     f'pairs than {label}')
        rows.append((label, nfe, scores))
        print(f'[sweep] {label}: ' + ', '.join(
            f'{k} {scores.means[k]:.4f}' for k in COMPARED), flush=True)
    print(f'\n{args.split} split, CFG {cfg_scale}, {len(rows[0][2].pairs)} '
          f'pairs, {args.checkpoint}\n')
    print(render(rows, reference))


if __name__ == '__main__':
    main()
