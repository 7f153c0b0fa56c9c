"""Pose encodings: target-pose inputs of the field's methods, from keypoints.

All functions take OpenPose-18 keypoints ``(18, 2)`` in (x, y) pixels (-1
missing) and an image size ``(H, W)``, and return ``(C, H, W)`` float32 in
[0, 1]. Coordinates are truncated to ints before drawing, as in the
reference code.

=================  ==  ==========================================================
name               C   what
=================  ==  ==========================================================
``pidm20``         20  PIDM/NTED: RGB skeleton (joint discs of radius 4, limbs as
                       ellipses of half-width 4, each limb blended 0.4/0.6 over
                       the canvas) + 17 limb distance maps: the L1 distance
                       transform (3x3) to each limb ellipse, divided by 3,
                       clipped to 255, over 255. A missing limb's map is all 0,
                       as in PIDM.
``gfla18``         18  PATN/GFLA: Gaussian heatmaps
                       ``exp(-d^2 / (2 sigma^2))``, sigma 6; missing -> all 0.
``cfld21``         21  CFLD: RGB skeleton (limb lines of width 2 in 0.6x the
                       joint colours, joint discs of radius 3, anti-aliased) +
                       the 18 ``gfla18`` heatmaps.
``skeleton_rgb``    3  The RGB skeleton of ``pidm20`` alone: the image the VAE
                       encodes in latent mode.
=================  ==  ==========================================================

Colours are OpenPose's joint colours in RGB order (PIDM draws the same list
into a BGR canvas, so its red and blue are swapped; the information is the
same).
"""
from __future__ import annotations

import math
from collections.abc import Callable

import cv2
import numpy as np

from mmrepose.registry import POSE_ENCODINGS
from mmrepose.structures.keypoint_layout import (MISSING, NUM_OPENPOSE18,
                                                 OPENPOSE18_COLORS,
                                                 OPENPOSE18_LIMBS)

Shape = tuple[int, int]


def _present(kps: np.ndarray, i: int) -> bool:
    return bool(kps[i, 0] != MISSING and kps[i, 1] != MISSING)


def _check(kps: np.ndarray) -> np.ndarray:
    kps = np.asarray(kps, dtype=np.float32)
    if kps.shape != (NUM_OPENPOSE18, 2):
        raise ValueError(f'pose encodings need OpenPose-18 keypoints of shape '
                         f'(18, 2), got {kps.shape}')
    return kps


def _limb_ellipse(kps: np.ndarray, a: int, b: int,
                  half_width: int) -> np.ndarray:
    (xa, ya), (xb, yb) = kps[a], kps[b]
    length = math.hypot(xa - xb, ya - yb)
    angle = math.degrees(math.atan2(ya - yb, xa - xb))
    centre = (int((xa + xb) / 2), int((ya + yb) / 2))
    return cv2.ellipse2Poly(centre, (int(length / 2), half_width), int(angle),
                            0, 360, 1)


def _pidm_skeleton(kps: np.ndarray, shape: Shape
                   ) -> tuple[np.ndarray, list[np.ndarray | None]]:
    """PIDM's RGB canvas (uint8) and the 17 limb ellipses (None if missing)."""
    canvas = np.zeros((*shape, 3), np.uint8)
    for i in range(NUM_OPENPOSE18):
        if _present(kps, i):
            cv2.circle(canvas, (int(kps[i, 0]), int(kps[i, 1])), 4,
                       OPENPOSE18_COLORS[i], thickness=-1)
    polygons: list[np.ndarray | None] = []
    for i, (a, b) in enumerate(OPENPOSE18_LIMBS):
        if not (_present(kps, a) and _present(kps, b)):
            polygons.append(None)
            continue
        poly = _limb_ellipse(kps, a, b, half_width=4)
        limb = canvas.copy()
        cv2.fillConvexPoly(limb, poly, OPENPOSE18_COLORS[i])
        canvas = cv2.addWeighted(canvas, 0.4, limb, 0.6, 0)
        polygons.append(poly)
    return canvas, polygons


@POSE_ENCODINGS.register_module(name='skeleton_rgb')
def skeleton_rgb(kps: np.ndarray, shape: Shape) -> np.ndarray:
    """PIDM's RGB skeleton image, ``(3, H, W)``."""
    canvas, _ = _pidm_skeleton(_check(kps), shape)
    return canvas.transpose(2, 0, 1).astype(np.float32) / 255.0


@POSE_ENCODINGS.register_module(name='pidm20')
def pidm20(kps: np.ndarray, shape: Shape) -> np.ndarray:
    """PIDM's 20-channel pose map (see module doc)."""
    canvas, polygons = _pidm_skeleton(_check(kps), shape)
    maps = np.zeros((len(polygons), *shape), np.float32)
    for i, poly in enumerate(polygons):
        if poly is None:
            continue
        outside = np.full(shape, 255, np.uint8)
        cv2.fillConvexPoly(outside, poly, 0)
        dist = cv2.distanceTransform(outside, cv2.DIST_L1, 3)
        maps[i] = np.clip(dist / 3, 0, 255).astype(np.uint8) / 255.0
    rgb = canvas.transpose(2, 0, 1).astype(np.float32) / 255.0
    return np.concatenate([rgb, maps])


@POSE_ENCODINGS.register_module(name='gfla18')
def gfla18(kps: np.ndarray, shape: Shape, sigma: float = 6.0) -> np.ndarray:
    """Gaussian keypoint heatmaps, ``(18, H, W)``."""
    kps = _check(kps)
    h, w = shape
    ys = np.arange(h, dtype=np.float32)[:, None]
    xs = np.arange(w, dtype=np.float32)[None, :]
    maps = np.zeros((NUM_OPENPOSE18, h, w), np.float32)
    for i in range(NUM_OPENPOSE18):
        if _present(kps, i):
            x, y = int(kps[i, 0]), int(kps[i, 1])
            maps[i] = np.exp(-((ys - y)**2 + (xs - x)**2) / (2 * sigma**2))
    return maps


@POSE_ENCODINGS.register_module(name='cfld21')
def cfld21(kps: np.ndarray, shape: Shape) -> np.ndarray:
    """CFLD's 21-channel pose map: RGB skeleton + 18 heatmaps."""
    kps = _check(kps)
    canvas = np.zeros((*shape, 3), np.uint8)
    for i, (a, b) in enumerate(OPENPOSE18_LIMBS):
        if _present(kps, a) and _present(kps, b):
            colour = tuple(int(0.6 * c) for c in OPENPOSE18_COLORS[i])
            cv2.line(canvas, (int(kps[a, 0]), int(kps[a, 1])),
                     (int(kps[b, 0]), int(kps[b, 1])), colour, 2, cv2.LINE_AA)
    for i in range(NUM_OPENPOSE18):
        if _present(kps, i):
            cv2.circle(canvas, (int(kps[i, 0]), int(kps[i, 1])), 3,
                       OPENPOSE18_COLORS[i], -1, cv2.LINE_AA)
    rgb = canvas.transpose(2, 0, 1).astype(np.float32) / 255.0
    return np.concatenate([rgb, gfla18(kps, shape)])


def _lookup(encoding: str) -> Callable[[np.ndarray, Shape], np.ndarray]:
    function = POSE_ENCODINGS.get(encoding)
    if function is None:
        raise KeyError(f'unknown pose encoding {encoding!r}; choose from '
                       f'{sorted(POSE_ENCODINGS.module_dict)}')
    return function


def encode_pose(kps: np.ndarray, shape: Shape, encoding: str) -> np.ndarray:
    """Encode keypoints with the named encoding (``POSE_ENCODINGS``): one
    person ``(18, 2)``, or several ``(P, 18, 2)``, each encoded and the
    encodings merged by their maximum (an image with several people)."""
    function = _lookup(encoding)
    kps = np.asarray(kps, np.float32)
    if kps.ndim == 3:
        if not len(kps):
            return function(np.full((NUM_OPENPOSE18, 2), MISSING, np.float32),
                            shape)
        return np.max([function(person, shape) for person in kps], axis=0)
    return function(kps, shape)


def pose_encoding_channels(encoding: str) -> int:
    """Number of channels of a named pose encoding: those it renders (an
    empty pose on a 1x1 canvas), so no separate count can disagree."""
    empty = np.full((NUM_OPENPOSE18, 2), MISSING, np.float32)
    return int(_lookup(encoding)(empty, (1, 1)).shape[0])
