"""The keypoint person mask of the Market-1501 mask-SSIM / mask-LPIPS.

As GFLA ``script/metrics.py`` (after PATN's ``produce_ma_mask``): every limb
of OpenPose's skeleton plus six extra segments that close the torso and the
head becomes a quadrilateral of half-width ``radius`` (4 px) around the
segment between its two present keypoints, every present keypoint a disc
of that radius; the union is then dilated and eroded with a 5x5 square (a
morphological closing). Images are multiplied by the mask before SSIM and
LPIPS are computed on them.
"""
from __future__ import annotations

import numpy as np
from skimage.draw import disk, polygon
from skimage.morphology import dilation, erosion

from mmrepose.structures.keypoint_layout import (OPENPOSE18_LIMBS,
                                                 keypoint_visible)

#: OpenPose's 17 limbs plus neck-ears, hips, hip-shoulder diagonals and
#: ear-ear (0-based OpenPose-18 indices).
MASK_LIMBS = OPENPOSE18_LIMBS + ((1, 16), (1, 17), (8, 11), (11, 5), (8, 2),
                                 (16, 17))


def keypoint_person_mask(keypoints: np.ndarray, shape: tuple[int, int],
                         radius: float = 4, closing_size: int = 5
                         ) -> np.ndarray:
    """Boolean ``(H, W)`` mask from OpenPose-18 ``(x, y)`` keypoints (-1
    missing)."""
    keypoints = np.asarray(keypoints, np.float64)
    visible = keypoint_visible(keypoints)
    mask = np.zeros(shape, dtype=bool)
    for a, b in MASK_LIMBS:
        if not (visible[a] and visible[b]):
            continue
        direction = keypoints[a] - keypoints[b]
        length = np.linalg.norm(direction)
        if length == 0:
            continue
        normal = radius * np.array([-direction[1], direction[0]]) / length
        corners = np.stack([keypoints[a] + normal, keypoints[a] - normal,
                            keypoints[b] - normal, keypoints[b] + normal])
        rows, cols = polygon(corners[:, 1], corners[:, 0], shape=shape)
        mask[rows, cols] = True
    for x, y in keypoints[visible]:
        rows, cols = disk((y, x), radius, shape=shape)
        mask[rows, cols] = True
    footprint = np.ones((closing_size, closing_size), dtype=bool)
    return erosion(dilation(mask, footprint), footprint)
