"""Base class of the text-pose datasets of RePoseSD (Human-Art,
LAION-Human): one item per image, with its caption and the COCO-17
keypoints of every person in it.

An item's data info: ``target_img_path``, ``prompt``, ``target_keypoints``
``(P, 18, 2)`` (the people's keypoints as OpenPose-18, missing ones -1: the
pose encodings draw every person) or, for poses kept in a file per image,
``pose_path`` (read by :class:`LoadPeoplePose`), and ``pair_name`` (the
image's name, for the files tools/test.py writes). Subclasses read their
format in :meth:`read_items`. Bad entries raise an error naming the file and entry,
or with ``skip_invalid=True`` are dropped with one counted warning.
"""
from __future__ import annotations

import os.path as osp
from collections import Counter
from typing import Any

import numpy as np
from mmengine.dataset import BaseDataset

from mmrepose.structures.keypoint_layout import MISSING, coco17_to_openpose18
from .annotation_formats import AnnotationError
from .counted_skips import CountedSkips


def people_to_openpose18(people: np.ndarray, min_score: float = 0.0
                         ) -> np.ndarray:
    """COCO-17 people ``(P, 17, 3)`` (x, y, visibility or score) as
    OpenPose-18 ``(P, 18, 2)``; a keypoint whose third value is not above
    ``min_score`` is missing."""
    people = np.asarray(people, np.float32).reshape(-1, 17, 3)
    xy = np.where(people[..., 2:] > min_score, people[..., :2], MISSING)
    return coco17_to_openpose18(xy)


class BaseTextPoseDataset(CountedSkips, BaseDataset):
    """Images with a caption and their people's poses.

    Args:
        data_root: The dataset's folder.
        ann_file: Its annotation file, relative to ``data_root``.
        split: A name for messages (``'train'``, ``'val'``, ``'test'``).
        pipeline: Transforms applied to each item.
        skip_invalid: Drop bad entries with a counted warning instead of
            raising.
        max_images: Keep only the first ``max_images`` valid items.
        test_mode: mmengine's test mode.
    """

    item_name, item_names = 'entry', 'entries'

    def __init__(self, data_root: str, ann_file: str, split: str = 'val',
                 pipeline: list | None = None, skip_invalid: bool = False,
                 max_images: int | None = None, test_mode: bool = False,
                 **kwargs: Any):
        self.split = split
        self.skip_invalid = skip_invalid
        self.max_images = max_images
        self.skipped: Counter[str] = Counter()
        super().__init__(data_root=data_root, ann_file=ann_file,
                         pipeline=pipeline or [], test_mode=test_mode,
                         **kwargs)

    def read_items(self, errors: list | None) -> list[dict]:
        """``[dict(img_path, prompt, where, people (P, 17, 3) or
        pose_path), ...]``: paths relative to ``data_root``, ``where``
        naming the entry in errors, ``people``'s third column the
        visibility; bad entries go to ``errors`` (None: raise)."""
        raise NotImplementedError

    def load_data_list(self) -> list[dict]:
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'{type(self).__name__}: annotation file not found: '
                f'{self.ann_file}')
        errors: list[AnnotationError] | None = [] if self.skip_invalid \
            else None
        items = self.read_items(errors)
        num_read = len(items) + len(errors or [])
        data_list = []
        for item in items:
            problem = self._check(item)
            if problem is not None:
                if errors is None:
                    raise problem
                errors.append(problem)
                continue
            info = dict(
                target_img_path=osp.join(self.data_root, item['img_path']),
                prompt=item['prompt'].strip(),
                pair_name=osp.splitext(item['img_path'].replace('/', '_'))[0])
            if 'people' in item:
                info['target_keypoints'] = people_to_openpose18(
                    item['people'])
            else:
                info['pose_path'] = osp.join(self.data_root,
                                             item['pose_path'])
            data_list.append(info)
            if self.max_images is not None and \
                    len(data_list) >= self.max_images:
                break
        if errors:
            self.skipped.update(e.reason for e in errors)
            self._warn_skipped(errors[0], num_read)
        if not data_list:
            raise ValueError(f'{type(self).__name__}: no valid images in '
                             f'{self.ann_file}')
        return data_list

    def _check(self, item: dict) -> AnnotationError | None:
        if not isinstance(item['prompt'], str) or not item['prompt'].strip():
            return AnnotationError('image without a caption', self.ann_file,
                                   detail=item['where'])
        if not osp.isfile(osp.join(self.data_root, item['img_path'])):
            return AnnotationError('image file not found', self.ann_file,
                                   detail=osp.join(self.data_root,
                                                   item['img_path']))
        return None
