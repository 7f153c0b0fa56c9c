"""Writing a re-ID training set augmented with generated people (RePoseDM
Fig. 8): the kept real images and, beside them, generated ones (or, for
the baseline, copies of their sources), in Market-1501's layout;
``tools/reid/make_augmented_set.py`` is its command line.
"""
from __future__ import annotations

import csv
import os
import os.path as osp
import shutil
import sys
from collections import defaultdict

import cv2
import numpy as np
from tqdm import tqdm

from mmrepose.datasets.annotation_formats import read_patn_annotations
from .augmentation_plan import plan_generation, real_subset


def annotated_images(data_root: str, split: str
                     ) -> tuple[dict[str, np.ndarray], list[str]]:
    """The split's keypoints and the sorted names of its annotated images
    that are in ``split/`` (those missing are counted on stderr)."""
    annotations = read_patn_annotations(osp.join(
        data_root, f'market-annotation-{split}.csv'))
    names = sorted(n for n in annotations
                   if osp.isfile(osp.join(data_root, split, n)))
    missing = len(annotations) - len(names)
    if missing:
        print(f'[augment] {missing} annotated image(s) are not in '
              f'{split}/ and are left out', file=sys.stderr)
    return annotations, names


def write_augmented_set(data_root: str, split: str, out: str,
                        real_fraction: float, num: int, seed: int,
                        frame: tuple[int, int], inferencer=None,
                        copy_source: bool = False,
                        **sampling) -> dict:
    """Keep ``real_fraction`` of ``data_root/split`` (its annotated
    images), copy them to ``out/bounding_box_train/`` and add ``num``
    planned images: rendered by ``inferencer`` (a
    :class:`~mmrepose.apis.PoseTransferInferencer`; keypoints of the
    annotation csv in ``frame``), or with ``copy_source`` the source image
    itself (the baseline that adds no new pose). Writes
    ``out/generated.csv``; returns the counts and the folder."""
    annotations, names = annotated_images(data_root, split)
    real = real_subset(names, real_fraction, seed)
    plan = plan_generation(real, num, seed)
    out_dir = osp.join(out, 'bounding_box_train')
    os.makedirs(out_dir, exist_ok=True)
    for name in real:
        shutil.copyfile(osp.join(data_root, split, name),
                        osp.join(out_dir, name))
    if copy_source:
        for item in plan:
            shutil.copyfile(osp.join(data_root, split, item.source),
                            osp.join(out_dir, item.name))
    else:
        if inferencer is None:
            raise ValueError('generating needs a model (or copy_source)')
        uses_source_pose = inferencer.model.pose_alignment is not None
        by_source = defaultdict(list)
        for item in plan:
            by_source[item.source].append(item)
        for source, items in tqdm(by_source.items(), desc='generating',
                                  unit='source'):
            result = inferencer(
                osp.join(data_root, split, source),
                [annotations[i.pose_of].tolist() for i in items],
                source_pose=annotations[source].tolist()
                if uses_source_pose else None,
                frame=frame, progress=False, **sampling)
            for item, image in zip(items, result['predictions']):
                cv2.imwrite(osp.join(out_dir, item.name),
                            cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    with open(osp.join(out, 'generated.csv'), 'w', newline='') as f:
        rows = csv.writer(f)
        rows.writerow(['name', 'source', 'pose_of'])
        rows.writerows((i.name, i.source, i.pose_of) for i in plan)
    return dict(real=len(real), generated=len(plan), out=out_dir)
