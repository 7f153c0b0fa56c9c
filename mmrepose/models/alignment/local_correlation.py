"""Local correlation volume of the RPA (paper Eq. 6).

``C(x, r) = relu(<F_T'(x), F_S'(x + r)> / sqrt(C))`` for all offsets ``r``
with ``|r|_inf <= R``: ``(2R + 1)^2`` channels, ordered row-major over
``(dy, dx)`` from ``(-R, -R)`` to ``(R, R)``. Offsets outside the map
correlate with zero padding (score 0).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def local_correlation(target_feats: Tensor, source_feats: Tensor,
                      radius: int) -> Tensor:
    """``(B, (2R+1)^2, h, w)`` correlation of two ``(B, C, h, w)`` maps."""
    b, c, h, w = target_feats.shape
    size = 2 * radius + 1
    windows = F.unfold(source_feats, size, padding=radius).view(
        b, c, size * size, h, w)
    corr = torch.einsum('bchw,bckhw->bkhw', target_feats, windows) / c**0.5
    return F.relu(corr)
