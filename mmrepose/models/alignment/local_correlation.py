"""Local correlation volume of the RPA (paper Eq. 6).

``C(x, r) = relu(<F_T'(x), F_S'(x + r)> / sqrt(C))`` for all offsets ``r``
with ``|r|_inf <= R``: ``(2R + 1)^2`` channels, ordered row-major over
``(dy, dx)`` from ``(-R, -R)`` to ``(R, R)``. Offsets outside the map score
0. Computed as the dense ``L x L`` correlation of the two maps, from which
each position's neighbourhood is gathered (:mod:`.neighbourhood`); cost
``B * L^2`` floats (254 MB at batch 8 on the 64x44 grid of 512x352).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from .neighbourhood import neighbourhood_index


def local_correlation(target_feats: Tensor, source_feats: Tensor,
                      radius: int) -> Tensor:
    """``(B, (2R+1)^2, h, w)`` correlation of two ``(B, C, h, w)`` maps."""
    b, c, h, w = target_feats.shape
    index, valid = neighbourhood_index(h, w, radius, target_feats.device)
    dense = torch.einsum('bcl,bcm->blm', target_feats.flatten(2),
                         source_feats.flatten(2)) / c**0.5
    corr = dense.gather(2, index.expand(b, -1, -1)) * valid
    return F.relu(corr).transpose(1, 2).reshape(b, -1, h, w)
