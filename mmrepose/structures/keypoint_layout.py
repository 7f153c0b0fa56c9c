"""Keypoint layouts: OpenPose-18 (the datasets' layout) and COCO-17 (mmpose's).

Every keypoint array in mmrepose is ``(K, 2)`` float in ``(x, y)`` image
coordinates, with ``-1`` in both coordinates where a keypoint is missing.

OpenPose-18 order (CMU OpenPose's "COCO" output, used by the DeepFashion and
Market-1501 annotations of PATN/GFLA/PIDM)::

    0 nose, 1 neck, 2 Rsho, 3 Relb, 4 Rwri, 5 Lsho, 6 Lelb, 7 Lwri,
    8 Rhip, 9 Rkne, 10 Rank, 11 Lhip, 12 Lkne, 13 Lank,
    14 Reye, 15 Leye, 16 Rear, 17 Lear

PATN's ``pose_utils.LABELS`` names 14-17 "Leye, Reye, Lear, Rear", but its own
limb table joins the right shoulder to keypoint 16, so the data follow
OpenPose's order above. The two readings differ only in names: flipping swaps
the same index pairs either way; the COCO-17 conversion uses OpenPose's order.
"""
from __future__ import annotations

import numpy as np
import torch

OPENPOSE18_NAMES = (
    'nose', 'neck', 'right_shoulder', 'right_elbow', 'right_wrist',
    'left_shoulder', 'left_elbow', 'left_wrist', 'right_hip', 'right_knee',
    'right_ankle', 'left_hip', 'left_knee', 'left_ankle', 'right_eye',
    'left_eye', 'right_ear', 'left_ear')

COCO17_NAMES = (
    'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
    'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow',
    'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee',
    'right_knee', 'left_ankle', 'right_ankle')

#: Left/right index pairs swapped by a horizontal flip.
OPENPOSE18_FLIP_PAIRS = ((2, 5), (3, 6), (4, 7), (8, 11), (9, 12), (10, 13),
                         (14, 15), (16, 17))
COCO17_FLIP_PAIRS = ((1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12),
                     (13, 14), (15, 16))

#: The 17 limbs of OpenPose's skeleton drawing (0-based keypoint pairs), in
#: the order the pose-map channels use.
OPENPOSE18_LIMBS = ((1, 2), (1, 5), (2, 3), (3, 4), (5, 6), (6, 7), (1, 8),
                    (8, 9), (9, 10), (1, 11), (11, 12), (12, 13), (1, 0),
                    (0, 14), (14, 16), (0, 15), (15, 17))

#: OpenPose's per-keypoint colours (RGB); limb i is drawn in colour i.
OPENPOSE18_COLORS = (
    (255, 0, 0), (255, 85, 0), (255, 170, 0), (255, 255, 0), (170, 255, 0),
    (85, 255, 0), (0, 255, 0), (0, 255, 85), (0, 255, 170), (0, 255, 255),
    (0, 170, 255), (0, 85, 255), (0, 0, 255), (85, 0, 255), (170, 0, 255),
    (255, 0, 255), (255, 0, 170), (255, 0, 85))

#: For each COCO-17 keypoint, its OpenPose-18 index.
COCO17_FROM_OPENPOSE18 = (0, 15, 14, 17, 16, 5, 2, 6, 3, 7, 4, 11, 8, 12, 9,
                          13, 10)

NUM_OPENPOSE18 = len(OPENPOSE18_NAMES)
NUM_COCO17 = len(COCO17_NAMES)
MISSING = -1.0


def keypoint_visible(keypoints: np.ndarray) -> np.ndarray:
    """Boolean ``(K,)`` mask of the keypoints that are present."""
    return np.all(keypoints >= 0, axis=-1)


def flip_permutation(pairs: tuple[tuple[int, int], ...],
                     num_keypoints: int) -> np.ndarray:
    """Index array that reorders keypoints after a horizontal flip."""
    perm = np.arange(num_keypoints)
    for a, b in pairs:
        perm[a], perm[b] = b, a
    return perm


def openpose18_to_coco17(keypoints: np.ndarray | torch.Tensor
                         ) -> np.ndarray | torch.Tensor:
    """Convert ``(..., 18, 2)`` OpenPose keypoints to ``(..., 17, 2)`` COCO
    (a new array or tensor of the same type; indexing copies).

    The neck has no COCO counterpart and is dropped.
    """
    _check_count(keypoints, NUM_OPENPOSE18, 'OpenPose-18')
    return keypoints[..., list(COCO17_FROM_OPENPOSE18), :]


def coco17_to_openpose18(keypoints: np.ndarray) -> np.ndarray:
    """Convert ``(..., 17, 2)`` COCO keypoints to ``(..., 18, 2)`` OpenPose.

    The neck is the midpoint of the shoulders where both are present, and
    missing otherwise.
    """
    _check_count(keypoints, NUM_COCO17, 'COCO-17')
    out = np.full(keypoints.shape[:-2] + (NUM_OPENPOSE18, 2), MISSING,
                  dtype=np.float32)
    out[..., list(COCO17_FROM_OPENPOSE18), :] = keypoints
    lsho, rsho = keypoints[..., 5, :], keypoints[..., 6, :]
    both = np.all(lsho >= 0, axis=-1) & np.all(rsho >= 0, axis=-1)
    out[..., 1, :] = np.where(both[..., None], (lsho + rsho) / 2, MISSING)
    return out


#: Keypoint layouts a pose estimator may predict, and by their count.
KEYPOINT_LAYOUTS = ('coco17', 'openpose18')
LAYOUTS_BY_COUNT = {NUM_COCO17: 'coco17', NUM_OPENPOSE18: 'openpose18'}


def from_openpose18(keypoints: np.ndarray | torch.Tensor, layout: str
                    ) -> np.ndarray | torch.Tensor:
    """OpenPose-18 ``(..., 18, 2)`` keypoints in ``layout`` (``'coco17'``
    drops the neck; ``'openpose18'``: unchanged), same array type."""
    _check_count(keypoints, NUM_OPENPOSE18, 'OpenPose-18')
    if layout == 'coco17':
        return openpose18_to_coco17(keypoints)
    if layout == 'openpose18':
        return keypoints
    raise ValueError(f'unknown keypoint layout {layout!r}; choose from '
                     f'{KEYPOINT_LAYOUTS}')


def to_openpose18(keypoints: np.ndarray | torch.Tensor, layout: str
                  ) -> np.ndarray | torch.Tensor:
    """``(..., K, 2)`` keypoints of ``layout`` as OpenPose-18 ``(..., 18,
    2)``, same array type (COCO-17 gains the neck, see
    :func:`coco17_to_openpose18`)."""
    if layout == 'openpose18':
        return keypoints
    if layout != 'coco17':
        raise ValueError(f'unknown keypoint layout {layout!r}; choose from '
                         f'{KEYPOINT_LAYOUTS}')
    if isinstance(keypoints, torch.Tensor):
        out = coco17_to_openpose18(keypoints.detach().cpu().float().numpy())
        return torch.from_numpy(out).to(keypoints.device)
    return coco17_to_openpose18(np.asarray(keypoints, dtype=np.float32))


def _check_count(keypoints: np.ndarray, expected: int, layout: str) -> None:
    if keypoints.ndim < 2 or keypoints.shape[-2:] != (expected, 2):
        raise ValueError(f'expected {layout} keypoints of shape (..., '
                         f'{expected}, 2), got {tuple(keypoints.shape)}')
