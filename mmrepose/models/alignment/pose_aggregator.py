"""Pose Aggregator of the RPA (paper Eqs. 7-8).

From the correlation volume, the current flow and the target features it
predicts a flow update and an occlusion (visibility) logit: two 3x3
convolutions, a 3x3 max-pool with stride 1 (the paper's aggregation of the
neighbourhood), and a 3x3 head. The head is zero-initialised, so at
initialisation every update is zero and every warp is the identity.
"""
from __future__ import annotations

import torch
from torch import Tensor, nn


class PoseAggregator(nn.Module):
    """``(corr, flow, F_T') -> (d_flow (B, 2, h, w), visibility logit
    (B, 1, h, w))``.

    Args:
        corr_channels: Channels of the correlation volume, ``(2R + 1)^2``.
        feat_channels: Channels of ``F_T'``.
        hidden: Width of the two convolutions.
    """

    def __init__(self, corr_channels: int, feat_channels: int,
                 hidden: int = 128):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(corr_channels + 2 + feat_channels, hidden, 3, 1, 1),
            nn.ReLU(inplace=True),
            nn.Conv2d(hidden, hidden, 3, 1, 1), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=1, padding=1))
        self.head = nn.Conv2d(hidden, 3, 3, 1, 1)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, corr: Tensor, flow: Tensor,
                target_feats: Tensor) -> tuple[Tensor, Tensor]:
        out = self.head(self.body(torch.cat([corr, flow, target_feats], 1)))
        return out[:, :2], out[:, 2:3]
