"""Score garment editing against SynthFashion's exact ground truth.

    python tools/analysis/garment_editing_benchmark.py [--config C
        --checkpoint W] [--per-region N] [--regions upper lower full]
        [--seed S] [--steps K] [--sampler ddim] [--resample R] [--out DIR]

Renders fixed editing examples (``render_edit``: person A in A's pose and
scene, person B, and the truth: A wearing B's top / bottom / both; N per
region from seed S, at 256x176), edits A with B's garment through the model
(:func:`mmrepose.apis.garment_editing.edit_garment`, the region read from
A's part map; ``--resample R`` repeats each step R times, RePaint's
resampling) and scores each result at the model's size against the truth:

- SSIM (``ssim_256``, sigma 1.5) of the whole image;
- L1 (images in [0, 1]) inside the edit's region and outside it (the region
  of ``render_edit``: the garment in A or in the truth);
- the per-part colour error of the edited garments (the truth's part map).

Two naive baselines are scored the same way: *transfer*, plain pose
transfer of B to A's pose (B's face, hair and other garment come along),
and *paste*, A's image with the region filled from B's image where B's
part map shows the garment at the same pixel and with the mean colour of
B's garment elsewhere. Writes ``scores.json`` (per example), ``report.md``
(means and paired differences with a bootstrap CI) and ``grid.png`` under
``--out``; docs/applications.md.
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import sys

import cv2
import numpy as np
from tqdm import tqdm

from mmrepose.ablation.statistics import paired_comparison
from mmrepose.apis import PoseTransferInferencer
from mmrepose.datasets.synthesis import EditExample, render_edit
from mmrepose.datasets.synthesis.garment_swap import region_mask
from mmrepose.evaluation.metrics.part_colour_error import part_colour_errors
from mmrepose.evaluation.metrics.ssim import ssim_score
from mmrepose.visualization import tile_grid

METHODS = ('edit', 'transfer', 'paste')
METRICS = ('ssim', 'l1_inside', 'l1_outside', 'garment_colour_error')
GARMENT_PARTS = {'upper': ('top', ), 'lower': ('bottom', ),
                 'full': ('top', 'bottom')}
FRAME = (256, 176)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--config', help='model config (default: embedded model)')
    p.add_argument('--checkpoint', help='checkpoint (default: embedded)')
    p.add_argument('--device', default='cpu')
    p.add_argument('--per-region', type=int, default=20)
    p.add_argument('--regions', nargs='+', default=['upper', 'lower', 'full'],
                   choices=['upper', 'lower', 'full'])
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--sampler', default='ddim', choices=['ddim', 'ddpm'])
    p.add_argument('--steps', type=int, help="default: the config's")
    p.add_argument('--resample', type=int, default=0,
                   help="RePaint's resampling: repeats of each editing step")
    p.add_argument('--out', default='work_dirs/garment_editing')
    return p.parse_args(argv)


def rgb(bgr: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def paste(example: EditExample) -> np.ndarray:
    """The *paste* baseline at 256x176 (RGB)."""
    out = rgb(example.reference).copy()
    source = rgb(example.garment_source)
    for part in ('upper', 'lower') if example.region == 'full' \
            else (example.region, ):
        target = region_mask(example.reference_parts, part)
        garment = region_mask(example.garment_source_parts, part)
        colour = source[garment].mean(0) if garment.any() else \
            out[target].mean(0)
        out[target] = colour.round().astype(np.uint8)
        out[target & garment] = source[target & garment]
    return out


def scores(inferencer: PoseTransferInferencer, image: np.ndarray,
           example: EditExample) -> dict[str, float]:
    """The metrics of one result (model size, RGB) against the truth."""
    truth = inferencer.to_model_size(rgb(example.ground_truth))
    size = truth.shape[1::-1]
    inside = cv2.resize(example.region_mask.astype(np.uint8), size,
                        interpolation=cv2.INTER_NEAREST) > 0
    parts = cv2.resize(example.ground_truth_parts, size,
                       interpolation=cv2.INTER_NEAREST)
    diff = np.abs(image.astype(np.float64) - truth) / 255.0
    colour = part_colour_errors(image, truth, parts)
    garments = [colour[p] for p in GARMENT_PARTS[example.region]
                if p in colour]
    return dict(
        ssim=ssim_score(truth, image),
        l1_inside=float(diff[inside].mean()) if inside.any() else np.nan,
        l1_outside=float(diff[~inside].mean()),
        garment_colour_error=float(np.mean(garments)) if garments
        else np.nan)


def run(args: argparse.Namespace) -> dict:
    inferencer = PoseTransferInferencer(args.config, args.checkpoint,
                                        device=args.device)
    sampling = dict(sampler=args.sampler, progress=False)
    if args.steps:
        sampling['num_steps'] = args.steps
    rows, grid = [], []
    jobs = [(region, args.seed + i) for region in args.regions
            for i in range(args.per_region)]
    for region, seed in tqdm(jobs, desc='editing', unit='example'):
        example = render_edit(seed, region, FRAME)
        reference_pose = example.reference_keypoints.tolist()
        source_pose = example.garment_source_keypoints.tolist()
        edited = inferencer.edit_garment(
            rgb(example.reference), rgb(example.garment_source),
            parts=example.reference_parts, region=region,
            reference_pose=reference_pose, garment_pose=source_pose,
            frame=FRAME, self_recurrence=args.resample, **sampling)
        transfer = inferencer(rgb(example.garment_source), [reference_pose],
                              source_pose=source_pose
                              if inferencer.model.pose_alignment else None,
                              frame=FRAME, **sampling)['predictions'][0]
        results = dict(edit=edited['result'], transfer=transfer,
                       paste=inferencer.to_model_size(paste(example)))
        rows.append(dict(region=region, seed=seed, **{
            method: scores(inferencer, image, example)
            for method, image in results.items()}))
        if seed < args.seed + 2:
            grid.append([edited['reference'], edited['garment_source'],
                         np.repeat(edited['mask'][..., None] * 255, 3,
                                   2).astype(np.uint8),
                         *results.values(),
                         inferencer.to_model_size(rgb(example.ground_truth))])
    return dict(rows=rows, grid=grid,
                sampling=dict(sampling, resample=args.resample),
                config=args.config or 'embedded default')


def report(result: dict, args: argparse.Namespace) -> str:
    rows = result['rows']
    lines = ['# Garment editing on SynthFashion', '',
             f"Model: {result['config']}; {len(rows)} examples "
             f"({args.per_region} per region, seeds from {args.seed}); "
             f"sampling {result['sampling']}.", '',
             '| region | method | ' + ' | '.join(METRICS) + ' |',
             '|---' * (2 + len(METRICS)) + '|']
    for region in args.regions + ['all']:
        chosen = [r for r in rows if region in ('all', r['region'])]
        for method in METHODS:
            cells = [np.nanmean([r[method][m] for r in chosen])
                     for m in METRICS]
            lines.append(f'| {region} | {method} | ' +
                         ' | '.join(f'{c:.4f}' for c in cells) + ' |')
    lines += ['', '## Paired: edit minus each baseline (all examples; mean '
              '[95 % bootstrap CI], edit better / worse / tied)', '',
              '| baseline | metric | edit - baseline | better / worse / '
              'tied |', '|---|---|---|---|']
    for baseline in METHODS[1:]:
        for metric in METRICS:
            pairs = [(r['edit'][metric], r[baseline][metric]) for r in rows
                     if np.isfinite(r['edit'][metric])
                     and np.isfinite(r[baseline][metric])]
            c = paired_comparison(np.array([a for a, _ in pairs]),
                                  np.array([b for _, b in pairs]), metric)
            lines.append(f"| {baseline} | {metric} | {c['mean_diff']:+.4f} "
                         f"[{c['ci_low']:+.4f}, {c['ci_high']:+.4f}] | "
                         f"{c['better']} / {c['worse']} / {c['ties']} |")
    return '\n'.join(lines) + '\n'


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.per_region < 1:
        sys.exit('error: --per-region must be >= 1')
    try:
        result = run(args)
    except (FileNotFoundError, ValueError) as exc:
        sys.exit(f'error: {exc}')
    os.makedirs(args.out, exist_ok=True)
    with open(osp.join(args.out, 'scores.json'), 'w') as f:
        json.dump(dict(rows=result['rows'], sampling=result['sampling'],
                       config=result['config']), f, indent=1)
    markdown = report(result, args)
    with open(osp.join(args.out, 'report.md'), 'w') as f:
        f.write(markdown)
    zoom = 3  # the model's small images, enlarged for viewing
    rows = [[cv2.resize(p, None, fx=zoom, fy=zoom,
                        interpolation=cv2.INTER_NEAREST) for p in row]
            for row in result['grid']]
    grid = tile_grid(rows, column_titles=[
        'reference', 'garment source', 'region', *METHODS, 'truth'])
    cv2.imwrite(osp.join(args.out, 'grid.png'),
                cv2.cvtColor(grid, cv2.COLOR_RGB2BGR))
    print(markdown)


if __name__ == '__main__':
    main()
