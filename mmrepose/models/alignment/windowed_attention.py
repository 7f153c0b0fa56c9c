"""Windowed multi-head attention of the MapFormer (paper Eq. 5).

Each query at position ``x`` attends to the keys in the ``K x K``
neighbourhood centred on ``x`` (``K`` odd), or to all positions when the
window is ``None`` ("global"). Positions outside the map are not part of
the softmax (method.md sec. 3: padding is masked out, not scored 0), so a
window that covers the whole map from every position
(``K >= 2 * max(h, w) - 1``) equals global attention exactly.

Implementation: PyTorch's ``scaled_dot_product_attention`` over all
``L = h * w`` positions with a boolean ``L x L`` window mask
(:func:`.neighbourhood.neighbourhood_mask`); on GPU it dispatches to the
memory-efficient kernel, which does not materialise the ``L x L`` scores.
"""
from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from .neighbourhood import neighbourhood_mask


def windowed_attention(q: Tensor, k: Tensor, v: Tensor, num_heads: int,
                       window: int | None) -> Tensor:
    """Attention of ``q`` over ``k``/``v``, all ``(B, C, h, w)`` on the same
    grid; returns ``(B, C, h, w)``."""
    b, c, h, w = q.shape
    if c % num_heads:
        raise ValueError(f'channels ({c}) must divide into {num_heads} heads')
    mask = None
    if window is not None:
        if window < 1 or window % 2 == 0:
            raise ValueError(f'window must be an odd size or None, got '
                             f'{window}')
        mask = neighbourhood_mask(h, w, window // 2, q.device)

    def heads(x: Tensor) -> Tensor:
        return x.reshape(b, num_heads, c // num_heads, h * w).transpose(-1, -2)

    out = F.scaled_dot_product_attention(heads(q), heads(k), heads(v),
                                         attn_mask=mask)
    return out.transpose(-1, -2).reshape(b, c, h, w)


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
