"""Base class of the paired pose-transfer datasets (DeepFashion, Market-1501).

A dataset item is one ordered pair (source image, target image) of the same
person with both images' OpenPose-18 keypoints; the pipeline turns it into
network inputs and a :class:`~mmrepose.structures.PoseTransferDataSample`.

Subclasses read their annotation format in :meth:`read_pairs` and
:meth:`read_keypoints`. This class checks every pair (known images, files on
disk) and, with ``skip_invalid=True``, drops bad rows and pairs with one
warning that counts them by reason; otherwise the first problem raises an
error naming the file and the row.
"""
from __future__ import annotations

import os.path as osp
from collections import Counter
from typing import Any

import numpy as np
from mmengine.dataset import BaseDataset

from .annotation_formats import AnnotationError
from .counted_skips import CountedSkips


class BasePoseTransferDataset(CountedSkips, BaseDataset):
    """Pairs of (source, target) images with keypoints.

    Args:
        data_root: Folder holding the annotation files and image folders.
        split: ``'train'``, ``'test'`` or ``'val'`` (a validation split,
            which SynthFashion has); selects the annotation files.
        img_dir: Image folder relative to ``data_root`` (default: ``split``).
        pipeline: Transforms applied to each pair.
        skip_invalid: Drop malformed rows, pairs naming unknown or missing
            images, and (at load time) undecodable images, with a counted
            warning, instead of raising.
        test_mode: mmengine's test mode (no refetching of a failed sample).
        max_pairs: Keep only the first ``max_pairs`` valid pairs (quick runs).
        keypoint_frame: ``(H, W)`` of the frame the annotation's keypoints
            are given in, when it differs from the images' size (e.g. the
            256x176 DeepFashion csv used with 512x352 images); None: the
            images' own size. :class:`LoadPairFromFile` rescales.
    """

    item_name, item_names = 'pair', 'pairs'

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 img_dir: str | None = None,
                 pipeline: list | None = None,
                 skip_invalid: bool = False,
                 test_mode: bool = False,
                 max_pairs: int | None = None,
                 keypoint_frame: tuple[int, int] | None = None,
                 **kwargs: Any):
        if split not in ('train', 'test', 'val'):
            raise ValueError(
                f"split must be 'train', 'test' or 'val', got {split!r}")
        self.split = split
        self.img_dir = split if img_dir is None else img_dir
        self.skip_invalid = skip_invalid
        self.max_pairs = max_pairs
        self.keypoint_frame = None if keypoint_frame is None else tuple(
            int(v) for v in keypoint_frame)
        self.skipped: Counter[str] = Counter()
        super().__init__(data_root=data_root, pipeline=pipeline or [],
                         test_mode=test_mode, **kwargs)

    # -- to be provided by the format ------------------------------------
    def read_pairs(self, errors: list | None) -> list[tuple[str, int, str, str]]:
        """``[(pairs_file, line, source_name, target_name), ...]``."""
        raise NotImplementedError

    def read_keypoints(self, names: set[str], errors: list | None
                       ) -> dict[str, np.ndarray]:
        """``{image name: (18, 2) keypoints}`` for (at least) ``names``."""
        raise NotImplementedError

    def image_path(self, name: str) -> str:
        return osp.join(self.data_root, self.img_dir, name)

    @staticmethod
    def pair_name(source: str, target: str) -> str:
        """Name of a generated image: ``{source stem}_2_{target stem}``."""
        def stem(name: str) -> str:
            return osp.splitext(osp.basename(name))[0]
        return f'{stem(source)}_2_{stem(target)}'

    # -- mmengine hooks ---------------------------------------------------
    def load_data_list(self) -> list[dict]:
        errors: list[AnnotationError] | None = [] if self.skip_invalid else None
        try:
            pairs = self.read_pairs(errors)
        except FileNotFoundError as exc:
            if self.split != 'val':
                raise
            raise FileNotFoundError(
                f"{exc}; a 'val' split is written by make_synthfashion.py "
                f"--val-ids (train and test stay the same); DeepFashion and "
                f"Market-1501 have none: validate on 'test'") from None
        names = {n for _, _, src, tgt in pairs for n in (src, tgt)}
        keypoints = self.read_keypoints(names, errors)
        exists: dict[str, bool] = {}
        data_list = []
        for pairs_file, line, src, tgt in pairs:
            problem = self._check_pair(pairs_file, line, src, tgt, keypoints,
                                       exists)
            if problem is not None:
                if errors is None:
                    raise problem
                errors.append(problem)
                continue
            data_list.append(dict(
                source_img_path=self.image_path(src),
                target_img_path=self.image_path(tgt),
                source_keypoints=keypoints[src].copy(),
                target_keypoints=keypoints[tgt].copy(),
                pair_name=self.pair_name(src, tgt),
                keypoint_frame=self.keypoint_frame))
            if self.max_pairs is not None and len(data_list) >= self.max_pairs:
                break
        if errors:
            self.skipped.update(e.reason for e in errors)
            self._warn_skipped(errors[0], len(pairs))
        if not data_list:
            raise ValueError(f'{type(self).__name__}: no valid pairs in '
                             f'{self.data_root} (split {self.split!r})')
        return data_list

    def _check_pair(self, pairs_file: str, line: int, src: str, tgt: str,
                    keypoints: dict, exists: dict) -> AnnotationError | None:
        for name in (src, tgt):
            if name not in keypoints:
                return AnnotationError('pair names an image without a valid '
                                       'annotation', pairs_file, line, name)
            if name not in exists:
                exists[name] = osp.isfile(self.image_path(name))
            if not exists[name]:
                return AnnotationError('image file not found', pairs_file,
                                       line, self.image_path(name))
        return None
