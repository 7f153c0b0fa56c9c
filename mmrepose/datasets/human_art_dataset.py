"""Human-Art (Ju et al. 2023), the evaluation set of HumanSD and RePoseSD
(Table 3): natural and artificial scenes with people, COCO-style keypoint
annotations and a caption per image.

Layout (as the Human-Art release; ``data_root`` is the folder that holds
``HumanArt/``)::

    HumanArt/images/{real_human,2D_virtual_human,3D_virtual_human}/<scene>/<id>.jpg
    HumanArt/annotations/validation_humanart.json   (and training_humanart.json)

The json is COCO's: ``images[i]`` has ``file_name`` (relative to
``data_root``), ``description`` (the caption) and ``category`` (the scene);
``annotations[j]`` has ``image_id``, COCO-17 ``keypoints`` (x, y, v with v
in {0, 1, 2}) and ``iscrowd``.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from mmrepose.registry import DATASETS
from .annotation_formats import AnnotationError
from .text_pose_dataset import BaseTextPoseDataset


@DATASETS.register_module()
class HumanArtDataset(BaseTextPoseDataset):
    """Human-Art images with captions and people (module doc).

    Args:
        data_root: The folder holding ``HumanArt/``.
        ann_file: The annotation json, relative to ``data_root``.
        scenes: Keep only images of these scenes (``category``, e.g.
            ``['cosplay', 'dance']``); None: all.
        **kwargs: :class:`BaseTextPoseDataset` arguments.

    Images with no annotated person are left out (counted in
    ``skipped['no annotated person']``).
    """

    def __init__(self, data_root: str,
                 ann_file: str = 'HumanArt/annotations/'
                 'validation_humanart.json',
                 scenes: Sequence[str] | None = None, **kwargs: Any):
        self.scenes = None if scenes is None else set(scenes)
        super().__init__(data_root=data_root, ann_file=ann_file, **kwargs)

    def read_items(self, errors: list | None) -> list[dict]:
        try:
            with open(self.ann_file, encoding='utf-8') as f:
                coco = json.load(f)
            images, annotations = coco['images'], coco['annotations']
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise AnnotationError('not a COCO keypoint json', self.ann_file,
                                  detail=str(err)) from None
        people = defaultdict(list)
        for ann in annotations:
            if ann.get('iscrowd'):
                continue
            kps = np.asarray(ann.get('keypoints', ()), np.float32)
            if kps.shape != (51,):
                error = AnnotationError(
                    'keypoints are not 17 (x, y, v) triples', self.ann_file,
                    detail=f'annotation {ann.get("id")}')
                if errors is None:
                    raise error
                errors.append(error)
                continue
            if (kps[2::3] > 0).any():
                people[ann.get('image_id')].append(kps.reshape(17, 3))
        items = []
        for image in images:
            if self.scenes is not None and \
                    image.get('category') not in self.scenes:
                continue
            if not people[image.get('id')]:
                self.skipped['no annotated person'] += 1
                continue
            items.append(dict(img_path=image.get('file_name', ''),
                              prompt=image.get('description'),
                              people=np.stack(people[image['id']]),
                              where=f'image {image.get("id")}'))
        return items
