"""PSNR between generated and ground-truth images, as the reference
scripts compute it: ``skimage.metrics.peak_signal_noise_ratio(data_range=1)``
of float32 unit images (PIDM/GFLA ``compare_psnr``, CFLD
``models/metrics.py`` L75), averaged over images; as stored for the
``pidm`` preset, at the evaluation size otherwise (:mod:`.base`).

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
        gt, pred = self.pair(sample,
                             stored_size=self.option('ssim_at_stored_size'))
        if np.array_equal(gt, pred):
            return float('inf')
        return float(peak_signal_noise_ratio(gt, pred, data_range=1))
