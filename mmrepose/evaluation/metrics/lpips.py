"""LPIPS (AlexNet, ``lpips`` 0.1.4) as GFLA ``script/metrics.py`` and PIDM
``utils/metrics.py`` compute it: one distance per (generated, ground-truth)
pair, inputs in [-1, 1], averaged.

With ``masked=True`` it is the Market-1501 mask-LPIPS: both images
multiplied by the target's keypoint person mask first. The AlexNet trunk
comes from a local file (:mod:`..functional.lpips_net`); a random trunk is
an explicit option whose key says it is not comparable.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from mmrepose.registry import METRICS
from ..functional.images import images_to_tensor, same_shape_runs
from ..functional.lpips_net import build_lpips
from .base import NOT_COMPARABLE, PerImageMetric


@METRICS.register_module()
class LPIPS(PerImageMetric):
    """Mean LPIPS distance between ``pred_img`` and ``gt_img``.

    Args:
        alexnet_weights: Path of torchvision's ``alexnet-owt-7be5be79.pth``;
            None looks in ``$TORCH_HOME/hub/checkpoints``.
        random_backbone: Use a seeded random AlexNet trunk (no weights
            file; scores labelled not comparable).
        masked: Score inside the target's keypoint person mask
            (Market-1501 mask-LPIPS; needs ``target_keypoints``).
        device: Where the network runs (default: CUDA if available).
        **kwargs: :class:`PoseTransferMetric` arguments.
    """

    def __init__(self, alexnet_weights: str | None = None,
                 random_backbone: bool = False, masked: bool = False,
                 device: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.device = device or ('cuda' if torch.cuda.is_available()
                                 else 'cpu')
        self.masked = masked
        self.net = build_lpips(alexnet_weights, random_backbone,
                               device=self.device)
        self.name = ('mask_lpips' if masked else 'lpips') + (
            NOT_COMPARABLE if random_backbone else '')

    @torch.no_grad()
    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        # (H, W, 6) pred|gt stacks, batched by size
        pairs = [np.concatenate(self.pair(sample, self.masked)[::-1], axis=2)
                 for sample in data_samples]
        for run in same_shape_runs(pairs):
            both = images_to_tensor(run, 'signed').to(self.device)
            dist = self.net(both[:, :3], both[:, 3:])
            self.results.extend(dist.flatten().cpu().tolist())
