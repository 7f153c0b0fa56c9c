"""Save every generated test image as ``{pair_name}.png``.

``tools/test.py`` adds this hook; the field's evaluation scripts (and
mmrepose's folder-based metrics) read generated images by pair name from one
folder. Each rank saves the images of its own batches; after the test epoch
:attr:`GeneratedImageSaverHook.num_saved` is the number of distinct pairs
saved over all ranks and :attr:`~GeneratedImageSaverHook.image_size` their
``(H, W)``.
"""
from __future__ import annotations

import os
import os.path as osp
from collections.abc import Sequence

import cv2
from mmengine.dist import all_gather_object
from mmengine.hooks import Hook

from mmrepose.registry import HOOKS

from .pose_transfer_visualization_hook import image_to_rgb


@HOOKS.register_module()
class GeneratedImageSaverHook(Hook):
    """Write each test prediction's ``pred_img`` to
    ``{out_dir}/{pair_name}.png``.

    Args:
        out_dir: Folder of the images; None: ``{work_dir}/generated``.
    """

    priority = 'NORMAL'

    def __init__(self, out_dir: str | None = None):
        self.out_dir = out_dir
        self.num_saved = 0
        self.image_size: tuple[int, int] | None = None  # (H, W)
        self._names: set[str] = set()

    def before_test(self, runner) -> None:
        if self.out_dir is None:
            self.out_dir = osp.join(runner.work_dir, 'generated')
        os.makedirs(self.out_dir, exist_ok=True)
        self._names = set()

    def after_test_iter(self, runner, batch_idx: int, data_batch: dict = None,
                        outputs: Sequence | None = None) -> None:
        for sample in outputs or ():
            name = sample.metainfo.get('pair_name')
            if name is None:
                raise KeyError('GeneratedImageSaverHook needs the metainfo '
                               '"pair_name" in every prediction')
            path = osp.join(self.out_dir, f'{name}.png')
            bgr = cv2.cvtColor(image_to_rgb(sample.pred_img),
                               cv2.COLOR_RGB2BGR)
            if not cv2.imwrite(path, bgr):
                raise OSError(f'could not write {path}')
            self._names.add(name)
            self.image_size = tuple(sample.pred_img.shape[-2:])

    def after_test_epoch(self, runner, metrics: dict | None = None) -> None:
        names = set().union(*all_gather_object(self._names))
        self.num_saved = len(names)
        runner.logger.info(f'{self.num_saved} generated images saved to '
                           f'{self.out_dir}')
