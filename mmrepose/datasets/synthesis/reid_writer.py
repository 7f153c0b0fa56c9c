"""SynthFashion people as a person re-identification set, in Market-1501's
layout (the re-ID augmentation experiment, RePoseDM Fig. 8, at small
scale).

Each identity is seen by four "cameras", one per view (c1 front, c2 left,
c3 back, c4 right), ``images_per_camera`` images each in random poses.
Training identities go to ``bounding_box_train/`` with their keypoints in
``market-annotation-bounding_box_train.csv`` (the PATN csv the augmentation
tool reads with ``--split bounding_box_train``). Of each test identity, the
first image of every camera goes to ``query/`` and the others to
``bounding_box_test/``: a query is matched against the identity's other
views, as Market-1501's protocol leaves out the query's own camera.
"""
from __future__ import annotations

import json
import os
import os.path as osp

import cv2
import numpy as np
from tqdm import tqdm

from mmrepose.reid.market_names import MarketName
from .appearance import sample_identity
from .renderer import extent_points, render_person
from .skeleton import VIEWS, sample_camera, sample_pose
from .writer import write_patn_annotations

#: Market-1501 folders of the three parts of the set.
FOLDERS = ('bounding_box_train', 'query', 'bounding_box_test')


def generate_synthfashion_reid(out_dir: str,
                               size: tuple[int, int] = (128, 88),
                               train_ids: int = 100, test_ids: int = 50,
                               images_per_camera: int = 2, seed: int = 0,
                               background: str = 'studio',
                               progress: bool = True) -> dict:
    """Write the set under ``out_dir``; returns the image counts."""
    if min(train_ids, test_ids) < 1 or images_per_camera < 2:
        raise ValueError('need train_ids, test_ids >= 1 and '
                         'images_per_camera >= 2 (a query and a gallery '
                         'image per camera)')
    for folder in FOLDERS:
        os.makedirs(osp.join(out_dir, folder), exist_ok=True)
    counts = dict.fromkeys(FOLDERS, 0)
    rows = []
    total = (train_ids + test_ids) * len(VIEWS) * images_per_camera
    bar = tqdm(total=total, desc='SynthFashion re-ID', unit='img',
               disable=not progress)
    for identity in range(1, train_ids + test_ids + 1):
        person = sample_identity(np.random.default_rng([seed, 10, identity]))
        for camera, view in enumerate(VIEWS, start=1):
            for shot in range(images_per_camera):
                rng = np.random.default_rng([seed, 11, identity, camera, shot])
                pose = sample_pose(rng, person.body)
                cam = sample_camera(rng, view, extent_points(person, pose),
                                    size, crop_prob=0.0)
                image, kps, _ = render_person(person, pose, cam, size, rng,
                                              background)
                name = str(MarketName(identity, camera, 1,
                                      camera * 100 + shot, 0))
                if identity <= train_ids:
                    folder = FOLDERS[0]
                    rows.append((name, kps))
                else:
                    folder = FOLDERS[1] if shot == 0 else FOLDERS[2]
                cv2.imwrite(osp.join(out_dir, folder, name), image,
                            [cv2.IMWRITE_JPEG_QUALITY, 95])
                counts[folder] += 1
                bar.update()
    bar.close()
    write_patn_annotations(osp.join(
        out_dir, 'market-annotation-bounding_box_train.csv'), rows)
    with open(osp.join(out_dir, 'meta.json'), 'w', encoding='utf-8') as f:
        json.dump(dict(size=list(size), train_ids=train_ids,
                       test_ids=test_ids,
                       images_per_camera=images_per_camera, seed=seed,
                       background=background, counts=counts), f, indent=1)
    return counts
