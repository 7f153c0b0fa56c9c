"""DeepFashion In-shop pose-transfer pairs (PATN/GFLA csv or NTED/PIDM txt)."""
from __future__ import annotations

import os.path as osp
from typing import Any

import numpy as np

from mmrepose.registry import DATASETS
from .annotation_formats import (AnnotationError, deepfashion_flat_name,
                                 read_nted_pairs, read_nted_pose,
                                 read_patn_annotations, read_patn_pairs)
from .base_pose_transfer_dataset import BasePoseTransferDataset


@DATASETS.register_module()
class DeepFashionPoseDataset(BasePoseTransferDataset):
    """DeepFashion pairs for pose transfer.

    ``ann_format='patn'`` (default) reads ``fasion-resize-pairs-{split}.csv``
    and ``fasion-resize-annotation-{split}.csv`` from ``data_root``, images
    from ``data_root/img_dir`` (default ``{split}``) by their flattened names.
    SynthFashion writes this layout.

    ``ann_format='nted'`` reads ``{split}_pairs.txt`` (``target,src...`` image
    paths relative to ``data_root``) and one pose file per image under
    ``pose/``; ``nted_x_offset`` (40) maps the pose files' 256-wide padded
    frame to the 176-wide images; ``nted_image_ext`` replaces the listed
    extension (NTED/PIDM store ``.png``). Pairs get the same flattened names
    as the csv format, so results of both formats can be scored alike.

    See :class:`BasePoseTransferDataset` for the other arguments.
    """

    def __init__(self, data_root: str, ann_format: str = 'patn',
                 nted_x_offset: float = 40.0,
                 nted_image_ext: str | None = None, **kwargs: Any):
        if ann_format not in ('patn', 'nted'):
            raise ValueError(f"ann_format must be 'patn' or 'nted', got "
                             f'{ann_format!r}')
        self.ann_format = ann_format
        self.nted_x_offset = nted_x_offset
        self.nted_image_ext = nted_image_ext
        if ann_format == 'nted':
            kwargs.setdefault('img_dir', '')
        super().__init__(data_root=data_root, **kwargs)

    def read_pairs(self, errors: list | None) -> list[tuple[str, int, str, str]]:
        if self.ann_format == 'patn':
            path = osp.join(self.data_root,
                            f'fasion-resize-pairs-{self.split}.csv')
            return [(path, *p) for p in read_patn_pairs(path, errors)]
        path = osp.join(self.data_root, f'{self.split}_pairs.txt')
        return [(path, line, self._nted_image(src), self._nted_image(tgt))
                for line, src, tgt in read_nted_pairs(path, errors)]

    def read_keypoints(self, names: set[str], errors: list | None
                       ) -> dict[str, np.ndarray]:
        if self.ann_format == 'patn':
            return read_patn_annotations(
                osp.join(self.data_root,
                         f'fasion-resize-annotation-{self.split}.csv'), errors)
        out = {}
        for name in sorted(names):
            pose = osp.join(self.data_root, self._nted_pose(name))
            try:
                out[name] = read_nted_pose(pose, self.nted_x_offset)
            except AnnotationError as exc:
                if errors is None:
                    raise
                errors.append(exc)
        return out

    def pair_name(self, source: str, target: str) -> str:
        if self.ann_format == 'nted':
            source, target = (deepfashion_flat_name(source),
                              deepfashion_flat_name(target))
        return super().pair_name(source, target)

    def _nted_image(self, path: str) -> str:
        if self.nted_image_ext is None:
            return path
        return osp.splitext(path)[0] + self.nted_image_ext

    @staticmethod
    def _nted_pose(image: str) -> str:
        path = image.replace('\\', '/')
        path = 'pose/' + path[len('img/'):] if path.startswith('img/') \
            else osp.join('pose', path)
        return osp.splitext(path)[0] + '.txt'
