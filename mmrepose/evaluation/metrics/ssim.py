"""SSIM as the pose-transfer codebases compute it (scikit-image).

Two variants exist and papers rarely say which (evaluation.md):

- ``ssim``: ``structural_similarity(win_size=51, data_range=1,
  channel_axis=-1)`` on [0, 1] images;
- ``ssim_256``: on 0..255 images, ``gaussian_weights=True,
  use_sample_covariance=False, data_range=pred.max() - pred.min()``, sigma
  1.5 (GFLA ``script/metrics.py``, CFLD) or 1.2 (PIDM ``utils/metrics.py``,
  PCDMs).

The key names the variant and the sigma (``ssim_win51``,
``ssim_256_sigma1.2``); with ``masked=True`` it is the Market-1501
mask-SSIM (``mask_ssim_256_...``): both images multiplied by the keypoint
person mask of the target (:mod:`..functional.person_mask`, GFLA
``script/metrics.py``).
"""
from __future__ import annotations

from typing import Any

import numpy as np
from skimage.metrics import structural_similarity

from mmrepose.registry import METRICS
from .base import PerImageMetric

SSIM_VARIANTS = ('ssim', 'ssim_256')


def ssim_score(gt: np.ndarray, pred: np.ndarray, variant: str = 'ssim_256',
               sigma: float = 1.5) -> float:
    """SSIM of two uint8 ``(H, W, 3)`` images in one of
    :data:`SSIM_VARIANTS` (``sigma`` only for ``ssim_256``)."""
    if variant == 'ssim':
        return float(structural_similarity(
            gt / 255.0, pred / 255.0, win_size=51, data_range=1,
            channel_axis=-1))
    if variant == 'ssim_256':
        return float(structural_similarity(
            gt, pred, gaussian_weights=True, sigma=sigma,
            use_sample_covariance=False, channel_axis=-1,
            data_range=float(pred.max()) - float(pred.min())))
    raise ValueError(f'unknown SSIM variant {variant!r}; expected one of '
                     f'{SSIM_VARIANTS}')


@METRICS.register_module()
class SSIM(PerImageMetric):
    """Mean SSIM between ``pred_img`` and ``gt_img`` over all samples.

    Args:
        variant: ``'ssim_256'`` (default) or ``'ssim'`` (see module doc).
        sigma: Gaussian sigma of ``ssim_256``: 1.5 (GFLA, CFLD) or 1.2
            (PIDM, PCDMs).
        masked: Score the images inside the target's keypoint person mask
            (Market-1501 mask-SSIM; needs ``target_keypoints``).
        **kwargs: :class:`PoseTransferMetric` arguments.
    """

    def __init__(self, variant: str = 'ssim_256', sigma: float = 1.5,
                 masked: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        if variant not in SSIM_VARIANTS:
            raise ValueError(f'unknown SSIM variant {variant!r}; expected '
                             f'one of {SSIM_VARIANTS}')
        self.variant = variant
        self.sigma = float(sigma)
        self.masked = masked
        self.name = ('mask_' if masked else '') + (
            'ssim_win51' if variant == 'ssim' else f'ssim_256_sigma{sigma:g}')

    def score(self, sample: Any) -> float:
        gt, pred = self.pair(sample, self.masked)
        return ssim_score(gt, pred, self.variant, self.sigma)
