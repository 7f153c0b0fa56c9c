"""Market-1501 pose-transfer pairs (PATN/GFLA csv, 128x64 images)."""
from __future__ import annotations

import os.path as osp

import numpy as np

from mmrepose.registry import DATASETS
from .annotation_formats import read_patn_annotations, read_patn_pairs
from .base_pose_transfer_dataset import BasePoseTransferDataset


@DATASETS.register_module()
class Market1501PoseDataset(BasePoseTransferDataset):
    """Market-1501 pairs: ``market-pairs-{split}.csv`` and
    ``market-annotation-{split}.csv`` in ``data_root``, images in
    ``data_root/{split}`` (see :class:`BasePoseTransferDataset`)."""

    def read_pairs(self, errors: list | None) -> list[tuple[str, int, str, str]]:
        path = osp.join(self.data_root, f'market-pairs-{self.split}.csv')
        return [(path, *p) for p in read_patn_pairs(path, errors)]

    def read_keypoints(self, names: set[str], errors: list | None
                       ) -> dict[str, np.ndarray]:
        return read_patn_annotations(
            osp.join(self.data_root, f'market-annotation-{self.split}.csv'),
            errors)
