"""Data transforms for training mmpose estimators with mmpose's own
pipeline on this stack: a bottom-up (associative embedding) one and a
top-down heatmap one whose person box is the whole image.

They are registered in mmrepose's ``TRANSFORMS`` registry and used from an
mmpose-scoped config with the scope prefix, e.g.
``dict(type='mmrepose.PackAEKeypointIndices')`` (see
``configs/pose_estimators/`` and ``docs/pose_estimator.md``).

- :class:`PackAEKeypointIndices`: mmpose 1.3.2's ``PackPoseInputs`` does not
  pack the ``keypoint_indices`` that the ``AssociativeEmbedding`` codec
  encodes, so ``AssociativeEmbeddingHead.loss`` fails with "'InstanceData'
  object has no attribute 'keypoint_indices'" (the released AE config has
  an empty ``train_pipeline``). This transform adds them to the label table
  ``PackPoseInputs`` reads.
- :class:`ResizeImageAndKeypoints`: resize the image to a fixed size (or by
  a fixed factor) with area interpolation (as mmrepose's dataset pipelines
  downscale SynthFashion's 256x176 images for the CPU-sized models) and map
  the annotations with it, before mmpose's random affine augmentation.
- :class:`RandomBlurNoise`: blur and noise the network input at a random
  strength, so that an estimator also reads images like the diffusion
  model's blurred x0 estimates (a PIF guide; docs/pose_estimator.md).
- :class:`SetFullImageBBox`: make every instance's box the whole image
  (optionally extended on the right/bottom to a multiple of
  ``size_divisor``), so that a top-down model is trained on exactly the
  framing :class:`~mmrepose.models.pose_estimators.MMPoseEstimator` gives
  it at inference: the whole image, padded with black on the right and
  bottom.
"""
from __future__ import annotations

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from mmrepose.registry import TRANSFORMS

#: ``PackPoseInputs.label_mapping_table`` of mmpose 1.3.2.
_MMPOSE_LABEL_TABLE = {
    'keypoint_labels': 'keypoint_labels',
    'keypoint_weights': 'keypoint_weights',
    'keypoints_visible_weights': 'keypoints_visible_weights'}

_INTERPOLATIONS = dict(area=cv2.INTER_AREA, bilinear=cv2.INTER_LINEAR,
                       bicubic=cv2.INTER_CUBIC, nearest=cv2.INTER_NEAREST)


@TRANSFORMS.register_module()
class PackAEKeypointIndices(BaseTransform):
    """Make ``PackPoseInputs`` pack ``keypoint_indices`` (module doc).

    Place it after ``GenerateTarget`` and before ``PackPoseInputs``.
    """

    def transform(self, results: dict) -> dict:
        if 'keypoint_indices' not in results:
            raise KeyError('PackAEKeypointIndices: no keypoint_indices in the '
                           'results; put it after GenerateTarget with an '
                           'AssociativeEmbedding encoder')
        table = dict(results.get('label_mapping_table', _MMPOSE_LABEL_TABLE))
        table['keypoint_indices'] = 'keypoint_indices'
        results['label_mapping_table'] = table
        return results


@TRANSFORMS.register_module()
class ResizeImageAndKeypoints(BaseTransform):
    """Resize ``img`` to ``size`` (or by ``scale_factor``) and map
    ``keypoints``, ``bbox`` and ``area`` with it (pixel centres at integer
    coordinates, so ``x`` becomes ``(x + 0.5) * s - 0.5``, the mapping of
    cv2's and torch's resizing).

    Args:
        size: Output ``(w, h)``, e.g. ``(88, 128)`` for SynthFashion at
            128x88 whatever size it was generated at.
        scale_factor: Resize factor instead of ``size`` (exactly one).
        interpolation: 'area' (default), 'bilinear', 'bicubic' or 'nearest'.
    """

    def __init__(self, size: tuple[int, int] | None = None,
                 scale_factor: float | None = None,
                 interpolation: str = 'area'):
        super().__init__()
        if (size is None) == (scale_factor is None):
            raise ValueError('give exactly one of size and scale_factor')
        if size is not None and (len(size) != 2 or min(size) < 1):
            raise ValueError(f'size must be (w, h) >= 1, got {size}')
        if scale_factor is not None and scale_factor <= 0:
            raise ValueError(f'scale_factor must be > 0, got {scale_factor}')
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(f'unknown interpolation {interpolation!r}; '
                             f'expected one of {sorted(_INTERPOLATIONS)}')
        self.size = None if size is None else (int(size[0]), int(size[1]))
        self.scale_factor = scale_factor
        self.interpolation = interpolation

    def transform(self, results: dict) -> dict:
        img = results['img']
        h, w = img.shape[:2]
        if self.size is not None:
            new_w, new_h = self.size
        else:
            new_w = max(1, round(w * self.scale_factor))
            new_h = max(1, round(h * self.scale_factor))
        if (new_w, new_h) == (w, h):
            return results
        results['img'] = cv2.resize(img, (new_w, new_h),
                                    interpolation=_INTERPOLATIONS[
                                        self.interpolation])
        results['img_shape'] = (new_h, new_w)
        sx, sy = new_w / w, new_h / h
        scale = np.array([sx, sy], dtype=np.float32)
        if results.get('keypoints') is not None:
            kps = np.array(results['keypoints'], dtype=np.float32)
            kps[..., :2] = (kps[..., :2] + 0.5) * scale - 0.5
            results['keypoints'] = kps
        if results.get('bbox') is not None:  # (N, 4) x1 y1 x2 y2
            results['bbox'] = (np.asarray(results['bbox'], np.float32) *
                               np.tile(scale, 2))
        if results.get('area') is not None:
            results['area'] = np.asarray(results['area'], np.float32) * sx * sy
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(size={self.size}, scale_factor='
                f"{self.scale_factor}, interpolation='{self.interpolation}')")


@TRANSFORMS.register_module()
class SetFullImageBBox(BaseTransform):
    """Set each instance's ``bbox`` (``(N, 4)`` x1, y1, x2, y2) to the
    whole image ``[0, 0, W', H']``, where ``W'``/``H'`` are the image's
    width/height rounded up to a multiple of ``size_divisor`` (1: the image
    itself).

    Put it after ``RandomFlip`` (the box is then always anchored at the
    top-left corner of the flipped image, so the padding stays on the right
    and bottom) and before mmpose's ``GetBBoxCenterScale`` (padding 1.0).
    mmpose's ``TopdownAffine`` maps the box centre ``(W'/2, H'/2)`` to the
    centre of its ``input_size`` output; with ``input_size = (W', H')`` the
    warp is the identity, image pixel ``(x, y)`` stays at ``(x, y)`` and the
    columns/rows past the image are black: the input
    :class:`~mmrepose.models.pose_estimators.MMPoseEstimator` builds by
    padding on the right/bottom to ``size_divisor``. ``bbox_center`` and
    ``bbox_scale`` left by earlier transforms are dropped so that
    ``GetBBoxCenterScale`` recomputes them from the new box.

    Args:
        size_divisor: Round the box's width and height up to a multiple of
            this (e.g. 32 as ``MMPoseEstimator``'s default).
    """

    def __init__(self, size_divisor: int = 1):
        super().__init__()
        if int(size_divisor) < 1:
            raise ValueError(f'size_divisor must be >= 1, got {size_divisor}')
        self.size_divisor = int(size_divisor)

    def transform(self, results: dict) -> dict:
        h, w = results['img'].shape[:2]
        d = self.size_divisor
        box_w, box_h = -(-w // d) * d, -(-h // d) * d
        num = 1
        for key in ('bbox', 'keypoints'):
            if results.get(key) is not None:
                num = len(results[key])
                break
        results['bbox'] = np.tile(
            np.array([[0, 0, box_w, box_h]], np.float32), (num, 1))
        if 'bbox_score' not in results:
            results['bbox_score'] = np.ones(num, np.float32)
        results.pop('bbox_center', None)
        results.pop('bbox_scale', None)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(size_divisor={self.size_divisor})'


@TRANSFORMS.register_module()
class RandomBlurNoise(BaseTransform):
    """With probability ``prob``, Gaussian-blur ``img`` with a sigma drawn
    uniformly from ``[0, max_blur_sigma]`` pixels, then add Gaussian noise
    with a standard deviation drawn uniformly from ``[0, max_noise_std]``
    (in 0..255), clipped to 0..255. Keypoints and boxes are unchanged.

    A diffusion model's x0 estimate is the image blurred (early in
    sampling) plus what is left of the noise; an estimator trained on such
    inputs reads them, and noise augmentation is known to make a network's
    input gradient more aligned with what a person sees (the property a PIF
    guide needs). Draws from numpy's global generator, which mmengine seeds
    per worker.
    """

    def __init__(self, prob: float = 0.5, max_blur_sigma: float = 2.0,
                 max_noise_std: float = 25.0):
        super().__init__()
        if not 0 <= prob <= 1:
            raise ValueError(f'prob must be in [0, 1], got {prob}')
        if max_blur_sigma < 0 or max_noise_std < 0:
            raise ValueError('max_blur_sigma and max_noise_std must be >= 0, '
                             f'got {max_blur_sigma} and {max_noise_std}')
        self.prob = float(prob)
        self.max_blur_sigma = float(max_blur_sigma)
        self.max_noise_std = float(max_noise_std)

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        img = results['img'].astype(np.float32)
        sigma = np.random.uniform(0, self.max_blur_sigma)
        if sigma > 0.1:
            img = cv2.GaussianBlur(img, (0, 0), sigmaX=sigma, sigmaY=sigma,
                                   borderType=cv2.BORDER_REPLICATE)
        std = np.random.uniform(0, self.max_noise_std)
        img = img + np.random.normal(0, std, img.shape).astype(np.float32)
        results['img'] = np.clip(np.rint(img), 0, 255).astype(np.uint8)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(prob={self.prob}, max_blur_sigma='
                f'{self.max_blur_sigma}, max_noise_std={self.max_noise_std})')
