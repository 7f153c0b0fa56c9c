"""Geometric transforms of a pair: resize, flip, PIDM's random scale-crop.

Each moves the keypoints with the pixels. Keypoints are pixel coordinates:
resizing multiplies them by the scale factor, a horizontal flip maps ``x`` to
``W - 1 - x`` and swaps left/right keypoints. A keypoint that leaves the
image becomes missing (-1), so every present keypoint lies inside its image.
"""
from __future__ import annotations

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform

from mmrepose.registry import TRANSFORMS
from mmrepose.structures.keypoint_layout import (MISSING, OPENPOSE18_FLIP_PAIRS,
                                                 flip_permutation)

PAIR_KEYS = ('source', 'target')


def transform_keypoints(kps: np.ndarray, scale: tuple[float, float],
                        offset: tuple[float, float],
                        shape: tuple[int, int]) -> np.ndarray:
    """``x * sx - ox``, ``y * sy - oy`` for present keypoints ``(..., 2)``
    (one person ``(18, 2)`` or several ``(P, 18, 2)``); keypoints outside
    the ``(H, W)`` image become missing."""
    if kps.ndim != 2:
        return transform_keypoints(kps.reshape(-1, 2), scale, offset,
                                   shape).reshape(kps.shape)
    out = np.full_like(kps, MISSING)
    present = np.all(kps != MISSING, axis=1)
    moved = kps[present] * np.asarray(scale, np.float32) - np.asarray(
        offset, np.float32)
    h, w = shape
    inside = (moved[:, 0] >= 0) & (moved[:, 0] <= w - 1) & \
        (moved[:, 1] >= 0) & (moved[:, 1] <= h - 1)
    idx = np.flatnonzero(present)[inside]
    out[idx] = moved[inside]
    return out


def pose_frame(results: dict, key: str) -> tuple[int, int]:
    """(H, W) of ``key``'s keypoints: its image's, or ``{key}_shape`` for a
    pose given without an image (a target pose at inference)."""
    if f'{key}_img' in results:
        return results[f'{key}_img'].shape[:2]
    if f'{key}_shape' in results:
        return tuple(results[f'{key}_shape'])
    raise KeyError(f'the {key} has neither {key}_img nor {key}_shape (the '
                   'frame of its keypoints)')


def _resize_one(results: dict, key: str, size_wh: tuple[int, int],
                interpolation: str) -> None:
    h, w = pose_frame(results, key)
    if f'{key}_img' in results:
        results[f'{key}_img'] = mmcv.imresize(results[f'{key}_img'], size_wh,
                                              interpolation=interpolation)
    else:
        results[f'{key}_shape'] = (size_wh[1], size_wh[0])
    if f'{key}_keypoints' in results:
        results[f'{key}_keypoints'] = transform_keypoints(
            results[f'{key}_keypoints'], (size_wh[0] / w, size_wh[1] / h),
            (0, 0), (size_wh[1], size_wh[0]))


@TRANSFORMS.register_module()
class ResizePair(BaseTransform):
    """Resize both images to ``scale = (W, H)`` and scale the keypoints.

    A pose given without its image (``{key}_shape``, the (H, W) frame of its
    keypoints, instead of ``{key}_img``: a target pose at inference) has its
    keypoints scaled and its shape set to the output size.

    Args:
        scale: Output size as ``(width, height)`` (mmcv's convention), e.g.
            ``(176, 256)`` for DeepFashion.
        interpolation: mmcv interpolation name (``'bicubic'`` as CFLD/PIDM).
    """

    def __init__(self, scale: tuple[int, int], interpolation: str = 'bicubic'):
        self.scale = tuple(int(s) for s in scale)
        self.interpolation = interpolation

    def transform(self, results: dict) -> dict:
        for key in PAIR_KEYS:
            _resize_one(results, key, self.scale, self.interpolation)
        results['img_shape'] = pose_frame(results, 'target')
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(scale={self.scale}, ' \
               f'interpolation={self.interpolation!r})'


@TRANSFORMS.register_module()
class RandomFlipPair(BaseTransform):
    """Flip source and target together with probability ``prob`` (as PIDM),
    swapping left/right keypoints. Sets ``flip`` in the results."""

    def __init__(self, prob: float = 0.5):
        if not 0.0 <= prob <= 1.0:
            raise ValueError(f'prob must be in [0, 1], got {prob}')
        self.prob = prob
        self._perm = flip_permutation(OPENPOSE18_FLIP_PAIRS, 18)

    def transform(self, results: dict) -> dict:
        flip = bool(np.random.rand() < self.prob)
        results['flip'] = flip
        if not flip:
            return results
        for key in PAIR_KEYS:
            img = results[f'{key}_img']
            results[f'{key}_img'] = np.ascontiguousarray(img[:, ::-1])
            if f'{key}_keypoints' in results:
                kps = results[f'{key}_keypoints'][self._perm].copy()
                present = np.all(kps != MISSING, axis=1)
                kps[present, 0] = img.shape[1] - 1 - kps[present, 0]
                results[f'{key}_keypoints'] = kps
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(prob={self.prob})'


@TRANSFORMS.register_module()
class RandomScaleCropPair(BaseTransform):
    """PIDM's training augmentation: enlarge by ``1 + U(0, scale_param)``
    and crop back to the original size at a random offset.

    PIDM draws the scale and offset for the source and the target image
    separately; ``independent=False`` uses one draw for both.

    Args:
        scale_param: Largest relative enlargement (PIDM: 0.05).
        independent: Separate draws for source and target.
        interpolation: mmcv interpolation name.
    """

    def __init__(self, scale_param: float = 0.05, independent: bool = True,
                 interpolation: str = 'bicubic'):
        if scale_param < 0:
            raise ValueError(f'scale_param must be >= 0, got {scale_param}')
        self.scale_param = scale_param
        self.independent = independent
        self.interpolation = interpolation

    def _draw(self, h: int, w: int) -> tuple[int, int, int, int]:
        scale = np.random.rand() * self.scale_param
        new_w, new_h = int(w * (1.0 + scale)), int(h * (1.0 + scale))
        x = np.random.randint(0, max(0, new_w - w) + 1)
        y = np.random.randint(0, max(0, new_h - h) + 1)
        return new_w, new_h, x, y

    def transform(self, results: dict) -> dict:
        draw = None
        for key in PAIR_KEYS:
            img = results[f'{key}_img']
            h, w = img.shape[:2]
            if draw is None or self.independent:
                draw = self._draw(h, w)
            new_w, new_h, x, y = draw
            big = mmcv.imresize(img, (new_w, new_h),
                                interpolation=self.interpolation)
            results[f'{key}_img'] = np.ascontiguousarray(big[y:y + h, x:x + w])
            if f'{key}_keypoints' in results:
                results[f'{key}_keypoints'] = transform_keypoints(
                    results[f'{key}_keypoints'], (new_w / w, new_h / h),
                    (x, y), (h, w))
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(scale_param={self.scale_param}, ' \
               f'independent={self.independent})'


@TRANSFORMS.register_module()
class ResizeShortSideCrop(BaseTransform):
    """Resize the target image so its shorter side is ``size`` and crop a
    ``size`` x ``size`` square (text-to-image data: HumanSD's
    SmallestMaxSize + RandomCrop at 512), moving the keypoints of every
    person; keypoints cropped away become missing.

    Args:
        size: Side of the output square.
        random_crop: A random crop offset (training), else the centre.
        interpolation: mmcv interpolation name (``'area'`` as HumanSD).
    """

    def __init__(self, size: int, random_crop: bool = False,
                 interpolation: str = 'area'):
        if size < 1:
            raise ValueError(f'size must be >= 1, got {size}')
        self.size = int(size)
        self.random_crop = random_crop
        self.interpolation = interpolation

    def transform(self, results: dict) -> dict:
        img = results['target_img']
        h, w = img.shape[:2]
        ratio = self.size / min(h, w)
        new_w = max(self.size, round(w * ratio))
        new_h = max(self.size, round(h * ratio))
        img = mmcv.imresize(img, (new_w, new_h),
                            interpolation=self.interpolation)
        if self.random_crop:
            x = np.random.randint(0, new_w - self.size + 1)
            y = np.random.randint(0, new_h - self.size + 1)
        else:
            x, y = (new_w - self.size) // 2, (new_h - self.size) // 2
        results['target_img'] = np.ascontiguousarray(
            img[y:y + self.size, x:x + self.size])
        if 'target_keypoints' in results:
            results['target_keypoints'] = transform_keypoints(
                results['target_keypoints'], (new_w / w, new_h / h), (x, y),
                (self.size, self.size))
        results['img_shape'] = (self.size, self.size)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(size={self.size}, ' \
               f'random_crop={self.random_crop})'
