"""Read keypoints back from an OpenPose-style pose image.

The common rendering of a pose (OpenPose, and the ControlNet / HumanSD
pose conditions): a black canvas, limbs as translucent coloured ellipses,
and each of the 18 joints as a filled circle in its own colour of the
OpenPose palette (``OPENPOSE18_COLORS``), drawn last, at full intensity.
A joint is found as the largest blob of pixels within ``tolerance`` of its
colour (limbs are drawn at 60%, so they do not match); a joint with no such
blob is missing. PIDM's skeleton image (``skeleton_rgb``) draws the limbs
over the joints, so it cannot be read back this way.
"""
from __future__ import annotations

import cv2
import numpy as np

from mmrepose.structures.keypoint_layout import (MISSING, NUM_OPENPOSE18,
                                                 OPENPOSE18_COLORS)

#: Share of near-black pixels above which an image is taken for a pose
#: image rather than a photo.
BLACK_SHARE = 0.6
MIN_JOINTS = 2


def is_mostly_black(image: np.ndarray) -> bool:
    """True when at least ``BLACK_SHARE`` of the pixels are near black."""
    return (image.max(axis=2) < 20).mean() >= BLACK_SHARE


def looks_like_pose_image(image: np.ndarray) -> bool:
    """True when ``image`` (H, W, 3 RGB uint8) is mostly black and shows at
    least ``MIN_JOINTS`` palette-coloured joints."""
    if not is_mostly_black(image):
        return False
    return int((keypoints_from_pose_image(image)[:, 0] != MISSING).sum()) \
        >= MIN_JOINTS


def keypoints_from_pose_image(image: np.ndarray, tolerance: int = 12,
                              min_pixels: int = 3) -> np.ndarray:
    """OpenPose-18 keypoints ``(18, 2)`` (x, y; -1 missing) of a pose image,
    in its pixels: the centroid of each joint colour's largest blob."""
    kps = np.full((NUM_OPENPOSE18, 2), MISSING, np.float32)
    pixels = image.astype(np.int16)
    for k, colour in enumerate(OPENPOSE18_COLORS):
        mask = (np.abs(pixels - np.array(colour, np.int16)).max(axis=2)
                <= tolerance).astype(np.uint8)
        count, _, stats, centroids = cv2.connectedComponentsWithStats(mask)
        if count < 2:
            continue
        best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        if stats[best, cv2.CC_STAT_AREA] >= min_pixels:
            kps[k] = centroids[best]
    return kps
