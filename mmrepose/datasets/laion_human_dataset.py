"""LAION-Human as HumanSD distributes it, RePoseSD's training set (Sec.
4.4): LAION-Aesthetics images with people, a caption each, and the people's
poses as estimated by HumanSD.

Layout (``data_root`` as in HumanSD's ``mapping_file_training.json``)::

    mapping_file_training.json   {idx: {"img_path", "prompt", "pose_path"}}
    images/<part>/<key>.jpg
    pose/<part>/<key>.npz        arr_0: one dict per person, keypoints (17, 3)

Paths in the mapping are relative to ``data_root``. Poses are read when an
item is loaded (:class:`LoadPeoplePose`), safely
(:mod:`mmrepose.datasets.people_npz`), keeping keypoints scored above 0.02
as HumanSD's loader does.
"""
from __future__ import annotations

import json
from typing import Any

from mmrepose.registry import DATASETS
from .annotation_formats import AnnotationError
from .text_pose_dataset import BaseTextPoseDataset


@DATASETS.register_module()
class LaionHumanDataset(BaseTextPoseDataset):
    """LAION-Human image-caption-pose triples (module doc).

    Args:
        data_root: The dataset's folder.
        ann_file: The mapping json, relative to ``data_root``.
        **kwargs: :class:`BaseTextPoseDataset` arguments.
    """

    def __init__(self, data_root: str,
                 ann_file: str = 'mapping_file_training.json',
                 **kwargs: Any):
        super().__init__(data_root=data_root, ann_file=ann_file, **kwargs)

    def read_items(self, errors: list | None) -> list[dict]:
        try:
            with open(self.ann_file, encoding='utf-8') as f:
                mapping = json.load(f)
            entries = list(mapping.items())
        except (json.JSONDecodeError, AttributeError) as err:
            raise AnnotationError('not a {idx: {img_path, prompt, pose_path}} '
                                  'json', self.ann_file,
                                  detail=str(err)) from None
        items = []
        for idx, entry in entries:
            if not isinstance(entry, dict) or not all(
                    isinstance(entry.get(k), str)
                    for k in ('img_path', 'pose_path')):
                error = AnnotationError('entry without img_path and '
                                        'pose_path', self.ann_file,
                                        detail=f'entry {idx}')
                if errors is None:
                    raise error
                errors.append(error)
                continue
            items.append(dict(img_path=entry['img_path'],
                              pose_path=entry['pose_path'],
                              prompt=entry.get('prompt'),
                              where=f'entry {idx}'))
        return items
