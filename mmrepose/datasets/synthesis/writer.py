"""Write a SynthFashion dataset in the DeepFashion benchmark's file layout.

::

    OUT/
      {train,test,val}/<name>.jpg
      fasion-resize-annotation-{split}.csv   name:keypoints_y:keypoints_x
      fasion-resize-pairs-{split}.csv        from,to
      {split}.lst
      annotations/synthfashion_keypoints_{split}.json   (COCO keypoints)
      parts/{split}/<name>.png  parts/labels.json
      captions-{split}.json                  {name: a sentence (.captions)}
      meta.json

Every image is a pure function of ``(seed, identity id, pose index)``, so a
dataset is reproducible and identities never cross splits (train ids are
``1..N``, test ids ``N+1..N+M``, validation ids ``N+M+1..N+M+K``). The
``val`` split is written only when asked for (``val_ids > 0``); adding it
leaves train and test unchanged, image for image.
"""
from __future__ import annotations

import itertools
import json
import os
import os.path as osp

import cv2
import numpy as np
from tqdm import tqdm

from mmrepose.structures.keypoint_layout import (COCO17_FROM_OPENPOSE18,
                                                 COCO17_NAMES)
from mmrepose.version import __version__

from .appearance import PART_LABELS, Identity, sample_identity
from .backgrounds import BACKGROUNDS
from .captions import caption
from .renderer import VIEW_PROBS, extent_points, render_person
from .skeleton import VIEW_INDEX, VIEW_WORD, VIEWS, sample_camera, sample_pose

GENERATOR_VERSION = '1.0'
#: COCO's person skeleton (1-based COCO-17 keypoint indices).
COCO_SKELETON = [[16, 14], [14, 12], [17, 15], [15, 13], [12, 13], [6, 12],
                 [7, 13], [6, 7], [6, 8], [7, 9], [8, 10], [9, 11], [2, 3],
                 [1, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 7]]


def image_name(ident: Identity, identity_id: int, pose_index: int,
               view: str) -> str:
    """DeepFashion-style flat name, e.g.
    ``fashionWOMENSynthSkirtsid0000001202_3back.jpg``."""
    return (f'fashion{ident.gender}Synth{ident.category}id{identity_id:08d}'
            f'{pose_index:02d}_{VIEW_INDEX[view]}{VIEW_WORD[view]}.jpg')


def identity_views(rng: np.random.Generator, count: int) -> list[str]:
    """Views of one identity's images: front, back and a side first (so
    every identity has a disocclusion pair), then random ones."""
    views = ['front', 'back', str(rng.choice(('left', 'right')))][:count]
    views += [str(v) for v in rng.choice(VIEWS, size=max(count - 3, 0),
                                         p=VIEW_PROBS)]
    return views


def _coco_annotation(kps: np.ndarray, parts: np.ndarray, ann_id: int,
                     image_id: int) -> dict:
    coco = kps[list(COCO17_FROM_OPENPOSE18)]
    flat, visible = [], 0
    for x, y in coco:
        if x >= 0 and y >= 0:
            flat += [int(x), int(y), 2]
            visible += 1
        else:
            flat += [0, 0, 0]
    ys, xs = np.nonzero(parts)
    bbox = [0, 0, 0, 0]
    if len(xs):
        bbox = [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
                int(ys.max() - ys.min() + 1)]
    return dict(id=ann_id, image_id=image_id, category_id=1, keypoints=flat,
                num_keypoints=visible, bbox=bbox, area=int(len(xs)),
                iscrowd=0)


def _pairs(names: list[str], cap: int, rng: np.random.Generator
           ) -> list[tuple[str, str]]:
    perms = list(itertools.permutations(names, 2))
    if len(perms) > cap:
        keep = np.sort(rng.choice(len(perms), size=cap, replace=False))
        perms = [perms[i] for i in keep]
    return perms


def write_patn_annotations(path: str, rows: list) -> None:
    """A PATN/GFLA keypoint csv (``name:[y...]:[x...]``, integer pixels)
    of ``(name, keypoints (18, 2))`` rows."""
    with open(path, 'w', encoding='utf-8') as f:
        f.write('name:keypoints_y:keypoints_x\n')
        for name, kps in rows:
            ys = [int(v) for v in kps[:, 1]]
            xs = [int(v) for v in kps[:, 0]]
            f.write(f'{name}:{json.dumps(ys)}:{json.dumps(xs)}\n')


def _write_split(out_dir: str, split: str, rows: list, pairs: list,
                 coco: dict) -> None:
    write_patn_annotations(
        osp.join(out_dir, f'fasion-resize-annotation-{split}.csv'), rows)
    with open(osp.join(out_dir, f'fasion-resize-pairs-{split}.csv'), 'w',
              encoding='utf-8') as f:
        f.write('from,to\n')
        f.writelines(f'{a},{b}\n' for a, b in pairs)
    with open(osp.join(out_dir, f'{split}.lst'), 'w', encoding='utf-8') as f:
        f.writelines(f'{name}\n' for name, _ in rows)
    with open(osp.join(out_dir, 'annotations',
                       f'synthfashion_keypoints_{split}.json'), 'w',
              encoding='utf-8') as f:
        json.dump(coco, f)


def generate_synthfashion(out_dir: str, size: tuple[int, int] = (256, 176),
                          train_ids: int = 100, test_ids: int = 20,
                          poses_per_id: int = 6, seed: int = 0,
                          val_ids: int = 0,
                          background: str = 'studio',
                          max_pairs_per_id: int = 30, progress: bool = True,
                          crop_prob: float = 0.12, shading: bool = True,
                          only_splits: tuple[str, ...] | None = None
                          ) -> dict:
    """Generate a dataset under ``out_dir``; returns the counts.

    ``size`` is ``(H, W)``; ``train_ids``/``test_ids``/``val_ids``
    identities with ``poses_per_id`` images each (no ``val`` split when
    ``val_ids`` is 0); pairs are ordered permutations within an
    identity, at most ``max_pairs_per_id`` of them (a seeded subset).
    Every image is seeded by its identity's number, so ``only_splits``
    (e.g. ``('test',)``) writes those splits exactly as a whole set of the
    same settings has them, and skips the others.
    """
    h, w = (int(v) for v in size)
    if h < 16 or w < 16:
        raise ValueError(f'size must be at least 16x16, got {h}x{w}')
    if min(train_ids, test_ids, val_ids) < 0 or poses_per_id < 1:
        raise ValueError('need train_ids, test_ids, val_ids >= 0 and '
                         'poses_per_id >= 1')
    if background not in BACKGROUNDS:
        raise ValueError(f'unknown background {background!r}; expected one '
                         f'of {BACKGROUNDS}')
    first_id = dict(train=1, test=train_ids + 1,
                    val=train_ids + test_ids + 1)
    splits = {name: range(first, first + count) for (name, first), count
              in zip(first_id.items(), (train_ids, test_ids, val_ids))
              if count or name != 'val'}
    if only_splits is not None:
        unknown = set(only_splits) - set(splits)
        if unknown or not only_splits:
            raise ValueError(f'only_splits must name some of {sorted(splits)}'
                             f', got {list(only_splits)}')
        splits = {k: v for k, v in splits.items() if k in only_splits}
    for split in splits:
        os.makedirs(osp.join(out_dir, split), exist_ok=True)
        os.makedirs(osp.join(out_dir, 'parts', split), exist_ok=True)
    os.makedirs(osp.join(out_dir, 'annotations'), exist_ok=True)
    counts: dict = {}
    bar = tqdm(total=sum(map(len, splits.values())) * poses_per_id,
               desc='SynthFashion', unit='img', disable=not progress)
    categories = [dict(id=1, name='person', supercategory='person',
                       keypoints=list(COCO17_NAMES), skeleton=COCO_SKELETON)]
    for split, ids in splits.items():
        rows, pairs, captions = [], [], {}
        coco: dict = dict(images=[], annotations=[], categories=categories)
        for iid in ids:
            ident = sample_identity(np.random.default_rng([seed, 0, iid]))
            views = identity_views(np.random.default_rng([seed, 1, iid]),
                                   poses_per_id)
            names = []
            for p, view in enumerate(views, start=1):
                rng = np.random.default_rng([seed, 2, iid, p])
                pose = sample_pose(rng, ident.body)
                cam = sample_camera(rng, view, extent_points(ident, pose),
                                    (h, w), crop_prob)
                img, kps, parts = render_person(ident, pose, cam, (h, w), rng,
                                                background, shading=shading)
                name = image_name(ident, iid, p, view)
                cv2.imwrite(osp.join(out_dir, split, name), img,
                            [cv2.IMWRITE_JPEG_QUALITY, 95])
                cv2.imwrite(osp.join(out_dir, 'parts', split,
                                     name[:-4] + '.png'), parts)
                image_id = len(coco['images']) + 1
                coco['images'].append(dict(id=image_id, file_name=name,
                                           height=h, width=w))
                coco['annotations'].append(
                    _coco_annotation(kps, parts, image_id, image_id))
                rows.append((name, kps))
                names.append(name)
                captions[name] = caption(ident, view)
                bar.update()
            pairs += _pairs(names, max_pairs_per_id,
                            np.random.default_rng([seed, 3, iid]))
        _write_split(out_dir, split, rows, pairs, coco)
        with open(osp.join(out_dir, f'captions-{split}.json'), 'w',
                  encoding='utf-8') as f:
            json.dump(captions, f, indent=0)
        counts.update({f'{split}_ids': len(ids), f'{split}_images': len(rows),
                       f'{split}_pairs': len(pairs)})
    bar.close()
    with open(osp.join(out_dir, 'parts', 'labels.json'), 'w',
              encoding='utf-8') as f:
        json.dump({str(i): n for i, n in enumerate(PART_LABELS)}, f, indent=1)
    meta = dict(generator='mmrepose.datasets.synthesis (SynthFashion)',
                generator_version=GENERATOR_VERSION,
                mmrepose_version=__version__,
                settings=dict(size=[h, w], train_ids=train_ids,
                              test_ids=test_ids, val_ids=val_ids,
                              poses_per_id=poses_per_id,
                              seed=seed, background=background,
                              max_pairs_per_id=max_pairs_per_id,
                              crop_prob=crop_prob, shading=shading,
                              only_splits=only_splits and list(only_splits)),
                counts=counts, part_labels=list(PART_LABELS),
                keypoint_layout='openpose18')
    with open(osp.join(out_dir, 'meta.json'), 'w', encoding='utf-8') as f:
        json.dump(meta, f, indent=1)
    return counts
