"""Mean absolute error inside the person: L1 on [0, 1] images over the
pixels (and channels) of the target's keypoint person mask (the Market-1501
mask of GFLA ``script/metrics.py``, :mod:`..functional.person_mask`), so
that the background does not dominate; at the evaluation size
(:mod:`.base`).

Each image's mean over its mask is averaged over the images; an image with
an empty mask (a target without visible keypoints) is left out and
counted in the log.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from mmrepose.registry import METRICS
from .base import PerImageMetric


@METRICS.register_module()
class MaskedL1(PerImageMetric):
    """Mean L1 inside the target's keypoint person mask.

    Args:
        **kwargs: :class:`PoseTransferMetric` arguments.
    """
    name = 'masked_l1'

    def score(self, sample: Any) -> float | None:
        gt, pred = self.pair(sample)
        stored = self.image(sample, 'gt_img').shape[:2]
        mask = self.person_mask(sample, stored, gt.shape[:2])
        if not mask.any():
            return None
        diff = np.abs(pred.astype(np.float64) - gt)
        return float(diff[mask].mean())
