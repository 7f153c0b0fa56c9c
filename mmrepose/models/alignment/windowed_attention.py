"""Windowed multi-head attention of the MapFormer (paper Eq. 5).

Each query at position ``x`` attends to the keys in the ``K x K``
neighbourhood centred on ``x`` (``K`` odd), or to all positions when the
window is ``None`` ("global", PyTorch SDPA). The neighbourhood is gathered
with ``F.unfold``; positions that fall in the zero padding are removed from
the softmax with ``-inf`` scores (method.md sec. 3), so a window that covers
the whole map from every position (``K >= 2 * max(h, w) - 1``) equals global
attention exactly.

Cost of a window: the unfolded keys and values are ``K^2`` times the size of
the feature map (``B * C * K^2 * h * w`` elements each).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def windowed_attention(q: Tensor, k: Tensor, v: Tensor, num_heads: int,
                       window: int | None) -> Tensor:
    """Attention of ``q`` over ``k``/``v``, all ``(B, C, h, w)`` on the same
    grid; returns ``(B, C, h, w)``."""
    b, c, h, w = q.shape
    if c % num_heads:
        raise ValueError(f'channels ({c}) must divide into {num_heads} heads')
    d = c // num_heads
    if window is None:
        def heads(x: Tensor) -> Tensor:
            return x.reshape(b, num_heads, d, h * w).transpose(-1, -2)

        out = F.scaled_dot_product_attention(heads(q), heads(k), heads(v))
        return out.transpose(-1, -2).reshape(b, c, h, w)
    if window < 1 or window % 2 == 0:
        raise ValueError(f'window must be an odd size or None, got {window}')
    pad, area = window // 2, window * window
    k_win = F.unfold(k, window, padding=pad).view(b, num_heads, d, area, h * w)
    v_win = F.unfold(v, window, padding=pad).view(b, num_heads, d, area, h * w)
    inside = F.unfold(q.new_ones(1, 1, h, w), window, padding=pad) > 0
    q = q.reshape(b, num_heads, d, h * w)
    scores = torch.einsum('bndl,bndkl->bnkl', q, k_win) / d**0.5
    scores = scores.masked_fill(~inside.view(1, 1, area, h * w),
                                float('-inf'))
    attn = scores.softmax(dim=2)                    # (B, heads, K^2, h*w)
    return torch.einsum('bnkl,bndkl->bndl', attn, v_win).reshape(b, c, h, w)


class WindowedMultiHeadAttention(nn.Module):
    """Projections around :func:`windowed_attention` (self- or cross-).

    Args:
        dim: Feature channels.
        num_heads: Attention heads.
    """

    def __init__(self, dim: int, num_heads: int):
        super().__init__()
        self.num_heads = num_heads
        self.to_q = nn.Conv2d(dim, dim, 1)
        self.to_kv = nn.Conv2d(dim, 2 * dim, 1)
        self.to_out = nn.Conv2d(dim, dim, 1)

    def forward(self, query: Tensor, context: Tensor,
                window: int | None) -> Tensor:
        k, v = self.to_kv(context).chunk(2, dim=1)
        out = windowed_attention(self.to_q(query), k, v, self.num_heads,
                                 window)
        return self.to_out(out)
