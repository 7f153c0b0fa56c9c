"""Show what Recurrent Pose Alignment does (the paper's Supp. Fig. 9).

    python tools/analysis/visualize_rpa.py CONFIG CHECKPOINT \
        [--out outputs/rpa_iterations.png] [--num 4] [--split test] \
        [--zoom 3] [--device cpu] [--cfg-options k=v]

For a few pairs of the config's dataset, one row each: the source, the
source warped by the flow after each RPA iteration (1..N), the target,
the final flow (colour: direction; white: no motion, see
``mmrepose.visualization.flow_to_rgb``) and the predicted visibility.
The title of each warped panel gives that iteration's L1 to the target
(images in [0, 1]); the unwarped source's L1 is under "source".
"""
from __future__ import annotations

import argparse
import os
import os.path as osp
import sys

import cv2
import numpy as np
import torch
from mmengine.config import DictAction
from mmengine.dataset import pseudo_collate

from mmrepose.apis import CheckpointMismatchError, init_model
from mmrepose.models.alignment import warp_with_flow
from mmrepose.structures import unit_range_to_images
from mmrepose.registry import DATASETS
from mmrepose.visualization import flow_to_rgb, tile_grid


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='a B2 or full RePoseDM config')
    parser.add_argument('checkpoint', help='its checkpoint')
    parser.add_argument('--out', default='outputs/rpa_iterations.png',
                        help='output PNG (default: %(default)s)')
    parser.add_argument('--num', type=int, default=4, help='pairs to show')
    parser.add_argument('--split', default='test', choices=['train', 'test'])
    parser.add_argument('--zoom', type=int, default=3,
                        help='enlarge panels by this factor (small models)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. '
                        'test_dataloader.dataset.data_root=data/sf')
    return parser.parse_args()


def to_rgb(image: torch.Tensor) -> np.ndarray:
    """``(3, H, W)`` in [-1, 1] -> ``(H, W, 3)`` uint8."""
    return unit_range_to_images(image).permute(1, 2, 0).cpu().numpy()


@torch.no_grad()
def iteration_rows(model, batch: dict) -> tuple[list, list[str]]:
    """Panels and column titles for a preprocessed batch."""
    inputs = batch['inputs']
    _, _, alignment = model.condition(inputs)
    source, target = inputs['source_img'], inputs['target_img']
    warped = [warp_with_flow(source, flow) for flow in alignment.flows]
    size = target.shape[-2:]

    def l1(images: torch.Tensor) -> torch.Tensor:
        return ((images - target).abs() / 2).mean((1, 2, 3))

    errors = torch.stack([l1(source)] + [l1(w) for w in warped], 1)
    rows = []
    for i in range(source.shape[0]):
        flow = alignment.flows[-1][i].cpu().numpy()
        visibility = alignment.visibility[i, 0].cpu().numpy()
        vis_rgb = np.repeat((visibility[..., None] * 255).astype(np.uint8),
                            3, axis=2)
        rows.append([to_rgb(source[i])] + [to_rgb(w[i]) for w in warped] +
                    [to_rgb(target[i]),
                     cv2.resize(flow_to_rgb(flow), size[::-1],
                                interpolation=cv2.INTER_NEAREST),
                     cv2.resize(vis_rgb, size[::-1],
                                interpolation=cv2.INTER_NEAREST)])
    mean = errors.mean(0).tolist()
    titles = [f'source {mean[0]:.3f}'] + \
        [f'it{n + 1} {e:.3f}' for n, e in enumerate(mean[1:])] + \
        ['target', 'flow', 'visible']
    return rows, titles


def main() -> int:
    args = parse_args()
    try:
        cfg, model = init_model(args.config, args.checkpoint, args.device)
    except (FileNotFoundError, CheckpointMismatchError) as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 1
    if model.pose_alignment is None:
        print(f'error: {args.config} has no pose_alignment (a B1 model): '
              'nothing to show', file=sys.stderr)
        return 1
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    dataset = DATASETS.build(cfg[f'{args.split}_dataloader'].dataset)
    index = np.linspace(0, len(dataset) - 1, args.num).round().astype(int)
    batch = model.data_preprocessor(
        pseudo_collate([dataset[int(i)] for i in index]), False)
    rows, titles = iteration_rows(model, batch)
    if args.zoom > 1:
        rows = [[cv2.resize(p, None, fx=args.zoom, fy=args.zoom,
                            interpolation=cv2.INTER_NEAREST) for p in row]
                for row in rows]
    grid = tile_grid(rows, column_titles=titles)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    cv2.imwrite(args.out, cv2.cvtColor(grid, cv2.COLOR_RGB2BGR))
    print('mean L1 to the target (images in [0, 1]): '
          + ', '.join(titles[:len(titles) - 3]))
    print(f'wrote {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
