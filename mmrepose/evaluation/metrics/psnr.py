"""PSNR between generated and ground-truth images, on 0..255 uint8 images
(``skimage.metrics.peak_signal_noise_ratio(data_range=255)``, as the
PATN/GFLA-era papers that report it), averaged over images.

Identical images have an infinite PSNR; the mean is then infinite too and
the results JSON writes it as the string ``"inf"``.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from skimage.metrics import peak_signal_noise_ratio

from mmrepose.registry import METRICS
from .base import PerImageMetric


@METRICS.register_module()
class PSNR(PerImageMetric):
    """Mean PSNR (dB) between ``pred_img`` and ``gt_img``.

    Args:
        **kwargs: :class:`PoseTransferMetric` arguments.
    """
    name = 'psnr'

    def score(self, sample: Any) -> float:
        gt, pred = self.pair(sample)
        if np.array_equal(gt, pred):
            return float('inf')
        return float(peak_signal_noise_ratio(gt, pred, data_range=255))
