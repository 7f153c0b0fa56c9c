"""Look at a dataset before training: a grid of pairs with their poses.

    python tools/analysis/browse_dataset.py CONFIG --out grid.png \
        [--split train|val|test] [--num 8] [--check-all] [--cfg-options k=v]

Each row is one pair after the config's pipeline (augmentations included):
source | source + its pose | target | target + its pose | target pose input
(drawn from the pose encoding the model receives).
``--check-all`` also runs the pipeline on every pair (with a progress bar)
and reports how many load, so a broken file is found before training.
"""
from __future__ import annotations

import argparse
import os
import os.path as osp
import sys

import cv2
import numpy as np
from mmengine.config import DictAction
from tqdm import tqdm

from mmrepose.datasets import AnnotationError
from mmrepose.datasets.transforms import ImageLoadError
from mmrepose.registry import DATASETS
from mmrepose.utils import read_config, register_all_modules
from mmrepose.visualization import overlay_pose, pose_map_to_rgb, tile_grid


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='config file with *_dataloader')
    parser.add_argument('--out', default='outputs/browse_dataset.png',
                        help='output PNG (default: %(default)s)')
    parser.add_argument('--split', default='train',
                        choices=['train', 'val', 'test'],
                        help='which dataloader of the config to browse')
    parser.add_argument('--num', type=int, default=8,
                        help='number of pairs in the grid')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the random augmentations')
    parser.add_argument('--check-all', action='store_true',
                        help='run the pipeline on every pair and report')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. '
                        'train_dataloader.dataset.data_root=/tmp/sf')
    return parser.parse_args()


def to_hwc(tensor) -> np.ndarray:
    return tensor.numpy().transpose(1, 2, 0)


def pair_panels(item: dict) -> list[tuple[str, np.ndarray]]:
    """(title, RGB panel) for each column of one pair's row."""
    inputs, sample = item['inputs'], item['data_samples']
    source = to_hwc(inputs['source_img'])
    target_pose = pose_map_to_rgb(inputs['target_pose'].numpy())
    panels = [('source', source)]
    if 'source_pose' in inputs:
        source_pose = pose_map_to_rgb(inputs['source_pose'].numpy())
        panels.append(('source + pose', overlay_pose(source, source_pose)))
    if 'gt_img' in sample:
        target = to_hwc(sample.gt_img)
        panels += [('target', target),
                   ('target + pose', overlay_pose(target, target_pose))]
    encoding = sample.metainfo.get('pose_encoding', 'pose')
    panels.append((f'{encoding} input', target_pose))
    return panels


def main() -> None:
    args = parse_args()
    if not osp.isfile(args.config):
        sys.exit(f'error: config file not found: {args.config}')
    cfg = read_config(args.config, args.cfg_options)
    key = f'{args.split}_dataloader'
    if key not in cfg:
        sys.exit(f'error: {args.config} has no {key}')
    register_all_modules()
    np.random.seed(args.seed)
    try:
        browse(cfg[key]['dataset'], args)
    except (AnnotationError, ImageLoadError, FileNotFoundError) as exc:
        sys.exit(f'error: {exc}')


def browse(dataset_cfg: dict, args: argparse.Namespace) -> None:
    dataset = DATASETS.build(dataset_cfg)
    skipped = getattr(dataset, 'skipped', {})
    print(f'{type(dataset).__name__} ({args.split}): {len(dataset)} pairs'
          + (f', skipped {dict(skipped)}' if skipped else ''))

    if args.check_all:
        failed = sum(dataset.prepare_data(idx) is None
                     for idx in tqdm(range(len(dataset)), desc='checking pairs'))
        print(f'all {len(dataset)} pairs load' if not failed else
              f'{len(dataset) - failed} of {len(dataset)} pairs load; '
              f'{failed} skipped (see the warnings above)')

    num = min(args.num, len(dataset))
    rows, names = [], []
    for idx in np.linspace(0, len(dataset) - 1, num).round().astype(int):
        item = dataset[int(idx)]
        rows.append(pair_panels(item))
        names.append(item['data_samples'].metainfo.get('pair_name', str(idx)))
    grid = tile_grid([[panel for _, panel in row] for row in rows],
                     column_titles=[title for title, _ in rows[0]],
                     row_titles=names)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    cv2.imwrite(args.out, cv2.cvtColor(grid, cv2.COLOR_RGB2BGR))
    print(f'wrote {num} pairs to {args.out}')


if __name__ == '__main__':
    main()
