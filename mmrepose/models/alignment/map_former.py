"""MapFormer (paper Eq. 5): windowed self-attention over the source features
followed by windowed cross-attention from the target-pose features.

``F_S' = SelfAttn_K(F_S)``, ``F_T' = CrossAttn_K(q=F_T, kv=F_S')``, each a
pre-LayerNorm residual block with a feed-forward layer, ``K`` the window of
the current RPA iteration (:mod:`.windowed_attention`). Both inputs carry a
2-D sine position encoding (:func:`sine_position_encoding`).
"""
from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from .windowed_attention import WindowedMultiHeadAttention


def sine_position_encoding(height: int, width: int, dim: int,
                           device: torch.device | None = None) -> Tensor:
    """``(1, dim, H, W)``: sines and cosines of y (first half of the
    channels) and x (second half) at geometric frequencies, DETR-style."""
    if dim % 4:
        raise ValueError(f'position encoding needs dim % 4 == 0, got {dim}')
    quarter = dim // 4
    freq = torch.exp(torch.arange(quarter, device=device, dtype=torch.float32)
                     * (-math.log(10000.0) / quarter))
    ys = torch.arange(height, device=device, dtype=torch.float32)
    xs = torch.arange(width, device=device, dtype=torch.float32)
    ey = ys[:, None] * freq[None]                   # (H, quarter)
    ex = xs[:, None] * freq[None]                   # (W, quarter)
    enc_y = torch.cat([ey.sin(), ey.cos()], 1)[:, None].expand(-1, width, -1)
    enc_x = torch.cat([ex.sin(), ex.cos()], 1)[None].expand(height, -1, -1)
    return torch.cat([enc_y, enc_x], -1).permute(2, 0, 1)[None]


class _ChannelLayerNorm(nn.LayerNorm):
    """LayerNorm over the channels of a ``(B, C, h, w)`` map."""

    def forward(self, x: Tensor) -> Tensor:
        return super().forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


class _AttentionBlock(nn.Module):
    """``x + Attn(LN(x), LN(context))`` then ``x + FFN(LN(x))``."""

    def __init__(self, dim: int, num_heads: int, ffn_ratio: int):
        super().__init__()
        self.norm_q = _ChannelLayerNorm(dim)
        self.norm_kv = _ChannelLayerNorm(dim)
        self.attn = WindowedMultiHeadAttention(dim, num_heads)
        self.norm_ffn = _ChannelLayerNorm(dim)
        self.ffn = nn.Sequential(nn.Conv2d(dim, dim * ffn_ratio, 1), nn.GELU(),
                                 nn.Conv2d(dim * ffn_ratio, dim, 1))

    def forward(self, x: Tensor, context: Tensor,
                window: int | None) -> Tensor:
        x = x + self.attn(self.norm_q(x), self.norm_kv(context), window)
        return x + self.ffn(self.norm_ffn(x))


class MapFormer(nn.Module):
    """One self-attention and one cross-attention block (weights shared by
    all RPA iterations; the window changes per iteration).

    Args:
        dim: Feature channels.
        num_heads: Attention heads.
        ffn_ratio: Hidden width of the feed-forward layers over ``dim``.
    """

    def __init__(self, dim: int = 128, num_heads: int = 4, ffn_ratio: int = 2):
        super().__init__()
        self.self_attn = _AttentionBlock(dim, num_heads, ffn_ratio)
        self.cross_attn = _AttentionBlock(dim, num_heads, ffn_ratio)
        self.norm_out = _ChannelLayerNorm(dim)

    def forward(self, source_feats: Tensor, target_feats: Tensor,
                window: int | None) -> tuple[Tensor, Tensor]:
        """``(F_S', F_T')`` of ``(F_S, F_T)``, both ``(B, dim, h, w)``."""
        source_feats = self.self_attn(source_feats, source_feats, window)
        target_feats = self.cross_attn(target_feats, source_feats, window)
        return source_feats, self.norm_out(target_feats)
