"""Sample grids during validation and testing.

Every ``interval`` validation (and test) batches, draws one grid image
with a row per pair — source | target pose | generated | ground truth — and
hands it to ``runner.visualizer.add_image``, so every configured visualisation
backend gets it (``LocalVisBackend`` writes
``{work_dir}/{timestamp}/vis_data/vis_image/{name}_{step}.png``,
``TensorboardVisBackend`` an image summary). The name is
``{val|test}_batch{batch_idx}`` and the step the training iteration, so the
same pairs can be followed through training (0 when no training loop was
built: reading ``runner.iter`` would build one, and with it the training
dataloader, which a data root holding only a test split cannot give).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.runner import BaseLoop

from mmrepose.structures import unit_range_to_images
from mmrepose.registry import HOOKS
from mmrepose.structures import PoseTransferDataSample
from mmrepose.visualization import pose_map_to_rgb, tile_grid


def image_to_rgb(image: torch.Tensor) -> np.ndarray:
    """``(3, H, W)`` image -> ``(H, W, 3)`` uint8 RGB.

    Accepts uint8 (the pipeline's and ``pred_img``'s type) or float in
    [-1, 1] (what the data preprocessor makes of ``gt_img``).
    """
    image = image.detach().cpu()
    if image.is_floating_point():
        image = unit_range_to_images(image)
    return image.numpy().transpose(1, 2, 0)


def pose_transfer_grid(inputs: dict, samples: Sequence[PoseTransferDataSample],
                       max_rows: int) -> np.ndarray:
    """One RGB grid of the first ``max_rows`` pairs of a batch.

    Args:
        inputs: The batch's ``inputs`` as the dataloader gives them
            (``target_pose`` and a pair's ``source_img``, stacked or
            lists; text-pose batches have no source column).
        samples: The model's predictions (with ``pred_img``; ``gt_img``
            when the dataset has targets).
    """
    rows, titles = [], []
    has_source = 'source_img' in inputs
    for i, sample in enumerate(samples[:max_rows]):
        pose = inputs['target_pose'][i].detach().cpu().float().numpy()
        row = [image_to_rgb(inputs['source_img'][i])] if has_source else []
        row += [pose_map_to_rgb(pose), image_to_rgb(sample.pred_img)]
        if 'gt_img' in sample:
            row.append(image_to_rgb(sample.gt_img))
        rows.append(row)
        titles.append(sample.metainfo.get('pair_name', str(i)))
    columns = ('source', 'target pose', 'generated', 'ground truth')
    if not has_source:
        columns = columns[1:]
    return tile_grid(rows, column_titles=columns[:max(map(len, rows))],
                     row_titles=titles)


@HOOKS.register_module()
class PoseTransferVisualizationHook(Hook):
    """Write sample grids of validation and test batches (see module doc).

    Args:
        interval: Draw batches ``0, interval, 2 * interval, ...`` of each
            validation or test run.
        max_rows: Pairs drawn per batch at most.
        on_val: Draw during validation.
        on_test: Draw during testing.
    """

    priority = 'NORMAL'

    def __init__(self, interval: int = 10, max_rows: int = 4,
                 on_val: bool = True, on_test: bool = True):
        if interval < 1 or max_rows < 1:
            raise ValueError('interval and max_rows must be >= 1, got '
                             f'{interval} and {max_rows}')
        self.interval = interval
        self.max_rows = max_rows
        self.on_val = on_val
        self.on_test = on_test

    def after_val_iter(self, runner, batch_idx: int, data_batch: dict = None,
                       outputs: Sequence | None = None) -> None:
        if self.on_val:
            self._draw(runner, 'val', batch_idx, data_batch, outputs)

    def after_test_iter(self, runner, batch_idx: int, data_batch: dict = None,
                        outputs: Sequence | None = None) -> None:
        if self.on_test:
            self._draw(runner, 'test', batch_idx, data_batch, outputs)

    def _draw(self, runner, mode: str, batch_idx: int, data_batch: dict,
              outputs: Sequence) -> None:
        if batch_idx % self.interval or not outputs:
            return
        grid = pose_transfer_grid(data_batch['inputs'], outputs, self.max_rows)
        runner.visualizer.add_image(f'{mode}_batch{batch_idx}', grid,
                                    step=training_iteration(runner))


def training_iteration(runner) -> int:
    """``runner.iter`` if the runner has built its training loop, else 0
    (without building it; see module doc)."""
    loop = getattr(runner, '_train_loop', None)
    return loop.iter if isinstance(loop, BaseLoop) else 0
