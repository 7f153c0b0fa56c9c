"""Does adding generated people help re-ID? (RePoseDM Fig. 8, at small
scale on a SynthFashion re-ID set.)

    python tools/reid/run_augmentation_study.py --data-root DIR
        [--config C --checkpoint W] [--fractions 0.2 0.4 0.6 0.8]
        [--seeds 0 1 2] [--generated-per-real 1.0] [--arch resnet18]
        [--size 128x88] [--epochs 30] [--p 8] [--k 4]
        [--work-dir work_dirs/reid_study] [--out DIR]

For each fraction of the real training images and each seed, three
training sets (:mod:`mmrepose.reid.augmented_set`) and one re-ID model
each (:mod:`mmrepose.reid.trainer`):

- ``real``: the kept real images only;
- ``copy``: plus, for every planned generated image, a copy of its source
  (as many images, no new pose);
- ``generated``: plus the planned images rendered by the model (default
  the embedded SynthFashion model): a kept image's person in another kept
  image's pose.

``DIR`` is a set of ``tools/dataset_converters/make_synthfashion_reid.py``.
Each run's metrics are kept in the work dir, so a killed study continues
where it stopped. Writes ``results.json`` and ``report.md`` (mAP and
Rank-1, mean ± std over seeds, and generated minus real / copy per
fraction) to ``--out``; docs/applications.md.
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import sys

import numpy as np

from mmrepose.apis import PoseTransferInferencer
from mmrepose.reid import real_subset
from mmrepose.reid.augmented_set import (annotated_images,
                                         write_augmented_set)
from mmrepose.reid.reid_net import ARCHS
from mmrepose.reid.trainer import train_and_score
from mmrepose.utils import parse_image_size

CONDITIONS = ('real', 'copy', 'generated')
SPLIT = 'bounding_box_train'


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data-root', required=True)
    p.add_argument('--config', help='generator (default: embedded model)')
    p.add_argument('--checkpoint')
    p.add_argument('--fractions', type=float, nargs='+',
                   default=[0.2, 0.4, 0.6, 0.8])
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    p.add_argument('--generated-per-real', type=float, default=1.0)
    p.add_argument('--arch', default='resnet18', choices=ARCHS)
    p.add_argument('--size', type=parse_image_size, default=(128, 88))
    p.add_argument('--epochs', type=int, default=30)
    p.add_argument('--p', type=int, default=8)
    p.add_argument('--k', type=int, default=4)
    p.add_argument('--device', default='cpu')
    p.add_argument('--work-dir', default='work_dirs/reid_study')
    p.add_argument('--out', default='work_dirs/reid_study')
    return p.parse_args(argv)


def run_one(args: argparse.Namespace, fraction: float, seed: int,
            condition: str, inferencer) -> dict:
    """The metrics of one training set (cached in the work dir)."""
    run_dir = osp.join(args.work_dir, f'real{fraction:g}', f'seed{seed}',
                       condition)
    metrics_path = osp.join(run_dir, 'metrics.json')
    if osp.isfile(metrics_path):
        with open(metrics_path) as f:
            return json.load(f)
    with open(osp.join(args.data_root, 'meta.json')) as f:
        frame = tuple(json.load(f)['size'])
    real = len(real_subset(annotated_images(args.data_root, SPLIT)[1],
                           fraction, seed))
    num = 0 if condition == 'real' else round(real *
                                              args.generated_per_real)
    write_augmented_set(args.data_root, SPLIT, run_dir, fraction, num, seed,
                        frame, inferencer, copy_source=condition == 'copy')
    metrics = train_and_score(
        args.data_root, osp.join(run_dir, 'bounding_box_train'), args.arch,
        None, args.size, args.epochs, args.p, args.k, seed=seed,
        device=args.device)
    with open(metrics_path, 'w') as f:
        json.dump(metrics, f, indent=1)
    return metrics


def report(results: dict, args: argparse.Namespace) -> str:
    lines = ['# Re-ID augmentation on SynthFashion', '',
             f'{args.arch} at {args.size[0]}x{args.size[1]}, '
             f'{args.epochs} epochs, P {args.p} x K {args.k}; generated per '
             f'real image {args.generated_per_real:g}; seeds '
             f'{args.seeds}.', '',
             '| real | condition | mAP | Rank-1 |', '|---|---|---|---|']
    for fraction in args.fractions:
        for condition in CONDITIONS:
            runs = results[f'{fraction:g}'][condition]
            cells = [f'{np.mean([r[k] for r in runs]):.4f} ± '
                     f'{np.std([r[k] for r in runs]):.4f}'
                     for k in ('mAP', 'rank1')]
            lines.append(f'| {fraction:.0%} | {condition} | ' +
                         ' | '.join(cells) + ' |')
    lines += ['', '## generated minus real and minus copy (mAP, per seed '
              'then mean)', '', '| real | generated - real | generated - '
              'copy |', '|---|---|---|']
    for fraction in args.fractions:
        runs = results[f'{fraction:g}']
        cells = []
        for other in ('real', 'copy'):
            diff = [g['mAP'] - o['mAP'] for g, o in
                    zip(runs['generated'], runs[other])]
            cells.append(', '.join(f'{d:+.4f}' for d in diff) +
                         f' (mean {np.mean(diff):+.4f})')
        lines.append(f'| {fraction:.0%} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        inferencer = PoseTransferInferencer(args.config, args.checkpoint,
                                            device=args.device)
        results = {f'{f:g}': {c: [run_one(args, f, s, c, inferencer)
                                  for s in args.seeds]
                              for c in CONDITIONS}
                   for f in args.fractions}
    except (FileNotFoundError, ValueError) as exc:
        sys.exit(f'error: {exc}')
    os.makedirs(args.out, exist_ok=True)
    with open(osp.join(args.out, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)
    markdown = report(results, args)
    with open(osp.join(args.out, 'report.md'), 'w') as f:
        f.write(markdown)
    print(markdown)


if __name__ == '__main__':
    main()
