"""The report's image grid: source | each variant | ground truth, on the
same test pairs, chosen to include the hard view changes (back to front,
side to front) as well as easy ones.

Generated images are those the test stage kept
(``{run}/eval/test_images/{pair}.png``, the ``select_seed`` runs); source
and ground truth come from the test pipeline, at the size the models see.
"""
from __future__ import annotations

import os.path as osp
import re

import cv2
import numpy as np

from mmrepose.registry import DATASETS
from mmrepose.visualization import tile_grid
from .spec import AblationSpec

#: (source view, target view) wanted, in row order.
VIEW_CHANGES = (('back', 'front'), ('side', 'front'), ('front', 'back'),
                ('front', 'side'), ('side', 'back'), ('front', 'front'))
_VIEW = re.compile(r'(front|back|side)$')


def views(pair_name: str) -> tuple[str, str] | None:
    """(source view, target view) of a SynthFashion pair name."""
    found = [_VIEW.search(stem) for stem in pair_name.split('_2_')]
    if len(found) != 2 or not all(found):
        return None
    return found[0].group(1), found[1].group(1)


def choose_pairs(names: list[str]) -> list[str]:
    """The first pair of each wanted view change, in the order wanted."""
    chosen = []
    for change in VIEW_CHANGES:
        match = next((n for n in names if views(n) == change), None)
        if match is not None:
            chosen.append(match)
    return chosen


def _rgb(tensor) -> np.ndarray:
    return tensor.permute(1, 2, 0).cpu().numpy()


def write_grid(spec: AblationSpec, variants: list[str], path: str,
               zoom: int = 3) -> str | None:
    """Write the grid of ``variants`` to ``path``; None when the
    ``select_seed`` test images of a variant are missing or no test pair
    shows a wanted view change."""
    seed = spec.evaluation['select_seed']
    runs = spec.runs([seed], variants)
    folders = [osp.join(r.work_dir, 'eval', 'test_images') for r in runs]
    if not runs or not all(osp.isdir(f) for f in folders):
        return None
    dataset_cfg = spec.run_config(runs[0]).test_dataloader.dataset.copy()
    dataset_cfg.update(split='test', test_mode=True)
    dataset = DATASETS.build(dataset_cfg)
    dataset.full_init()
    index = {dataset.get_data_info(i)['pair_name']: i
             for i in range(len(dataset))}
    rows = []
    pairs = choose_pairs(list(index))
    if not pairs:
        return None
    for pair in pairs:
        item = dataset[index[pair]]
        panels = [_rgb(item['inputs']['source_img'])]
        for folder in folders:
            image = cv2.imread(osp.join(folder, f'{pair}.png'))
            if image is None:
                return None
            panels.append(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
        panels.append(_rgb(item['data_samples'].gt_img))
        h, w = panels[0].shape[:2]
        rows.append([cv2.resize(np.ascontiguousarray(p), (w * zoom, h * zoom),
                                interpolation=cv2.INTER_NEAREST)
                     for p in panels])
    grid = tile_grid(rows, column_titles=['source', *variants,
                                          'ground truth'],
                     row_titles=['{} -> {}'.format(*views(p)) for p in pairs])
    cv2.imwrite(path, cv2.cvtColor(grid, cv2.COLOR_RGB2BGR))
    return path
