"""Target poses given by users: keypoint JSON files, annotation rows, lists.

Every form becomes OpenPose-18 keypoints ``(18, 2)`` (x, y, -1 missing) in a
known frame ``(H, W)``, checked and then scaled to the model's image size:

- a JSON file ``{"keypoints": [[x, y], ...], "image_size": [H, W]}``
  (18 OpenPose or 17 COCO keypoints; ``"layout": "coco17"`` is optional, the
  count decides), as ``demo/examples/target_pose.json``;
- a row of a DeepFashion/Market-1501 annotation csv,
  ``name:[y0, ...]:[x0, ...]`` (frame: ``frame`` argument, DeepFashion's
  256x176 by default);
- a list or array of 18 (or 17 COCO) ``[x, y]`` pairs (frame: ``frame``).
"""
from __future__ import annotations

import json
import os.path as osp
from typing import Union

import numpy as np

from mmrepose.datasets.annotation_formats import (AnnotationError,
                                                  parse_patn_annotation_row)
from mmrepose.datasets.transforms.geometric import transform_keypoints
from mmrepose.structures.keypoint_layout import (MISSING, NUM_COCO17,
                                                 NUM_OPENPOSE18,
                                                 OPENPOSE18_NAMES,
                                                 coco17_to_openpose18)

PoseSpec = Union[str, list, tuple, np.ndarray]
DEEPFASHION_FRAME = (256, 176)


class PoseInputError(ValueError):
    """A target pose that cannot be used (the message says why and where)."""


def _as_openpose18(points, where: str) -> np.ndarray:
    try:
        kps = np.asarray(points, dtype=np.float32)
    except (TypeError, ValueError):
        raise PoseInputError(f'{where}: keypoints must be a list of [x, y] '
                             'pairs') from None
    if kps.ndim != 2 or kps.shape[1] != 2 or kps.shape[0] not in (
            NUM_OPENPOSE18, NUM_COCO17):
        raise PoseInputError(f'{where}: expected 18 (OpenPose) or 17 (COCO) '
                             f'[x, y] keypoints, got shape {kps.shape}')
    if not np.isfinite(kps).all():
        i = int(np.flatnonzero(~np.isfinite(kps).all(1))[0])
        raise PoseInputError(f'{where}: keypoint {i} is not a finite number '
                             f'pair ({kps[i].tolist()})')
    kps[np.any(kps == MISSING, axis=1)] = MISSING
    return coco17_to_openpose18(kps) if len(kps) == NUM_COCO17 else kps


def _from_json(path: str) -> tuple[np.ndarray, tuple[int, int]]:
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
    except (OSError, json.JSONDecodeError) as exc:
        raise PoseInputError(f'cannot read keypoint JSON {path}: {exc}') from None
    if not isinstance(data, dict) or 'keypoints' not in data \
            or 'image_size' not in data:
        raise PoseInputError(f'{path}: expected {{"keypoints": [[x, y], ...], '
                             '"image_size": [H, W]}')
    size = data['image_size']
    if not (isinstance(size, (list, tuple)) and len(size) == 2 and all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0
            for v in size)):
        raise PoseInputError(f'{path}: image_size must be [H, W], two '
                             f'positive integers, got {size!r}')
    return _as_openpose18(data['keypoints'], path), tuple(size)


def load_target_pose(spec: PoseSpec,
                     frame: tuple[int, int] = DEEPFASHION_FRAME
                     ) -> tuple[np.ndarray, tuple[int, int]]:
    """``(keypoints (18, 2), frame (H, W))`` from any supported form."""
    where = 'target pose'
    if isinstance(spec, str):
        where = spec
        if spec.lower().endswith('.json'):
            if not osp.isfile(spec):
                raise PoseInputError(f'keypoint JSON not found: {spec}')
            kps, frame = _from_json(spec)
        elif ':' in spec and '[' in spec:
            try:
                name, kps = parse_patn_annotation_row(spec)
                where = f'annotation row {name}'
            except AnnotationError as exc:
                raise PoseInputError(f'annotation row: {exc.reason} '
                                     f'({exc.detail})') from None
        else:
            raise PoseInputError(f'cannot read a pose from {spec!r}: give a '
                                 '.json keypoint file, an annotation row '
                                 '"name:[y...]:[x...]" or a list of [x, y]')
    else:
        kps = _as_openpose18(spec, 'target pose')
    check_keypoints_in_frame(kps, frame, where)
    return kps, (int(frame[0]), int(frame[1]))


def check_keypoints_in_frame(kps: np.ndarray, frame: tuple[int, int],
                             where: str = 'target pose') -> None:
    """Errors naming ``where`` (a file, row or argument) for a pose with
    no keypoints or with keypoints outside the ``(H, W)`` frame."""
    h, w = frame
    present = np.all(kps != MISSING, axis=1)
    if not present.any():
        raise PoseInputError(f'{where}: the pose has no keypoints')
    outside = present & ((kps[:, 0] < 0) | (kps[:, 0] > w - 1)
                         | (kps[:, 1] < 0) | (kps[:, 1] > h - 1))
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise PoseInputError(
            f'{where}: keypoint {i} ({OPENPOSE18_NAMES[i]}) at '
            f'({kps[i, 0]:g}, {kps[i, 1]:g}) lies outside the {h}x{w} frame '
            'of the pose')


def scale_keypoints(kps: np.ndarray, frame: tuple[int, int],
                    size: tuple[int, int]) -> np.ndarray:
    """Keypoints from ``frame`` (H, W) to ``size`` (H, W); missing stay -1."""
    return transform_keypoints(kps, (size[1] / frame[1], size[0] / frame[0]),
                               (0, 0), size)
