"""B1 appearance encoder (PIDM-like; method.md sec. 2, paper Tab. 2 "B1").

A CNN encodes the source image I_S into features at several scales; each
scale is projected to the U-Net's cross-attention width with a 1x1
convolution, flattened into tokens with a learned per-scale embedding, and
the token sequences are concatenated. The U-Net cross-attends to them.
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor, nn

from mmrepose.registry import MODELS


class _ResidualBlock(nn.Module):

    def __init__(self, in_ch: int, out_ch: int, stride: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.GroupNorm(min(32, in_ch // 4 or 1), in_ch), nn.SiLU(),
            nn.Conv2d(in_ch, out_ch, 3, stride, 1),
            nn.GroupNorm(min(32, out_ch // 4 or 1), out_ch), nn.SiLU(),
            nn.Conv2d(out_ch, out_ch, 3, 1, 1))
        self.skip = nn.Conv2d(in_ch, out_ch, 1, stride) \
            if (in_ch != out_ch or stride != 1) else nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        return self.body(x) + self.skip(x)


@MODELS.register_module()
class SourceAppearanceEncoder(nn.Module):
    """Multi-scale CNN tokens of the source image.

    Args:
        in_channels: Source image channels (3; more if the source pose map
            is concatenated).
        channels: Width of each stage; every stage halves the resolution.
        token_stages: Which stages (indices into ``channels``) give tokens.
        context_dim: Token width (the U-Net's ``cross_attention_dim``).
    """

    def __init__(self, in_channels: int = 3,
                 channels: Sequence[int] = (64, 128, 256, 256),
                 token_stages: Sequence[int] = (1, 2, 3),
                 context_dim: int = 256):
        super().__init__()
        if not token_stages or max(token_stages) >= len(channels):
            raise ValueError(f'token_stages {tuple(token_stages)} must index '
                             f'the {len(channels)} stages')
        self.stem = nn.Conv2d(in_channels, channels[0], 3, 1, 1)
        widths = [channels[0], *channels]
        self.stages = nn.ModuleList(
            _ResidualBlock(widths[i], widths[i + 1], stride=2)
            for i in range(len(channels)))
        self.token_stages = tuple(token_stages)
        self.proj = nn.ModuleDict({
            str(i): nn.Conv2d(channels[i], context_dim, 1)
            for i in self.token_stages})
        self.scale_embed = nn.Parameter(
            torch.zeros(len(self.token_stages), context_dim))
        self.norm = nn.LayerNorm(context_dim)

    def forward(self, source: Tensor) -> Tensor:
        """``(B, C, H, W)`` in [-1, 1] -> tokens ``(B, N, context_dim)``."""
        x = self.stem(source)
        tokens = []
        for i, stage in enumerate(self.stages):
            x = stage(x)
            if i in self.token_stages:
                k = self.token_stages.index(i)
                feat = self.proj[str(i)](x).flatten(2).transpose(1, 2)
                tokens.append(feat + self.scale_embed[k])
        return self.norm(torch.cat(tokens, 1))
