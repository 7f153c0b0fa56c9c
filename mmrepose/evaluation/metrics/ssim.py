"""SSIM as the pose-transfer codebases compute it (scikit-image).

Two variants exist and papers rarely say which, so every preset reports
both (evaluation.md):

- ``ssim``: ``structural_similarity(win_size=51, data_range=1)`` on unit
  images (PIDM/GFLA ``utils|script/metrics.py`` ``compare_ssim(...,
  win_size=51)``, CFLD ``models/metrics.py`` L76);
- ``ssim_256``: on the unit images times 255, ``gaussian_weights=True,
  use_sample_covariance=False, data_range=pred.max() - pred.min()``, sigma
  1.5 (GFLA, CFLD) or 1.2 (PIDM, PCDMs).

Both run on float32 unit images, as the reference scripts hold them
(``imread(f).astype(np.float32) / 255``), so that scikit-image computes in
the same precision. The key names the variant and the sigma
(``ssim_win51``, ``ssim_256_sigma1.2``); with ``masked=True`` it is the
Market-1501 mask-SSIM (``mask_ssim_256_...``): both images multiplied by the
keypoint person mask of the target (:mod:`..functional.person_mask`, GFLA
``script/metrics.py``). The ``pidm`` preset scores the images as stored
(PIDM reads the files directly; other presets resize, see :mod:`.base`).
"""
from __future__ import annotations

from typing import Any

import numpy as np
from skimage.metrics import structural_similarity

from mmrepose.registry import METRICS
from .base import PerImageMetric

SSIM_VARIANTS = ('ssim', 'ssim_256')
WINDOW = 51


class ImageTooSmallError(ValueError):
    """Images smaller than the 51x51 window of the ``ssim`` variant."""


def ssim_score(gt: np.ndarray, pred: np.ndarray, variant: str = 'ssim_256',
               sigma: float = 1.5) -> float:
    """SSIM of two ``(H, W, 3)`` images in one of :data:`SSIM_VARIANTS`
    (``sigma`` only for ``ssim_256``): unit images, or uint8 (made float32
    unit images first)."""
    gt, pred = (img.astype(np.float32) / 255.0 if img.dtype == np.uint8
                else img for img in (gt, pred))
    if variant == 'ssim':
        if min(gt.shape[:2]) < WINDOW:
            raise ImageTooSmallError(
                f'SSIM with a {WINDOW}x{WINDOW} window needs images of at '
                f'least that size, got {gt.shape[1]}x{gt.shape[0]} (WxH): '
                'score ssim_256 only')
        return float(structural_similarity(
            gt, pred, win_size=WINDOW, data_range=1, channel_axis=-1))
    if variant == 'ssim_256':
        gt, pred = gt * 255.0, pred * 255.0
        return float(structural_similarity(
            gt, pred, gaussian_weights=True, sigma=sigma,
            use_sample_covariance=False, channel_axis=-1,
            data_range=pred.max() - pred.min()))
    raise ValueError(f'unknown SSIM variant {variant!r}; expected one of '
                     f'{SSIM_VARIANTS}')


@METRICS.register_module()
class SSIM(PerImageMetric):
    """Mean SSIM between ``pred_img`` and ``gt_img`` over all samples.

    Args:
        variant: ``'ssim_256'`` (default) or ``'ssim'`` (see module doc).
        sigma: Gaussian sigma of ``ssim_256``: 1.5 (GFLA, CFLD) or 1.2
            (PIDM, PCDMs); None: the preset's.
        masked: Score the images inside the target's keypoint person mask
            (Market-1501 mask-SSIM; needs ``target_keypoints``).
        **kwargs: :class:`PoseTransferMetric` arguments.
    """

    def __init__(self, variant: str = 'ssim_256', sigma: float | None = None,
                 masked: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        if variant not in SSIM_VARIANTS:
            raise ValueError(f'unknown SSIM variant {variant!r}; expected '
                             f'one of {SSIM_VARIANTS}')
        self.variant = variant
        self.sigma = float(self.option('ssim_sigma', sigma))
        self.masked = masked
        self.stored_size = self.option('ssim_at_stored_size')
        self.name = ('mask_' if masked else '') + (
            'ssim_win51' if variant == 'ssim'
            else f'ssim_256_sigma{self.sigma:g}')

    def score(self, sample: Any) -> float:
        gt, pred = self.pair(sample, self.masked, self.stored_size)
        return ssim_score(gt, pred, self.variant, self.sigma)
