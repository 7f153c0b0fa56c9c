"""Square neighbourhoods on a feature grid, as flat indices.

The MapFormer's windowed attention (Eq. 5) and the local correlation
(Eq. 6) both look, from every position of an ``h x w`` grid, at the
``(2r + 1)^2`` positions within ``r`` in both axes. The offsets are ordered
row-major over ``(dy, dx)`` from ``(-r, -r)`` to ``(r, r)``; offsets that
leave the grid are marked invalid (they are padding, never a real score).

At the working resolutions of RPA (at most 64x44 = 2,816 positions, at
512x352 in latent space) dense ``L x L`` products with these indices are
faster than ``unfold`` (which copies every feature ``(2r + 1)^2`` times)
on both CPU and GPU.
"""
from __future__ import annotations

import torch
from torch import Tensor


def neighbourhood_index(height: int, width: int, radius: int,
                        device: torch.device | None = None
                        ) -> tuple[Tensor, Tensor]:
    """``(index, valid)``, both ``(h * w, (2r + 1)^2)``: the flat index of
    each neighbour (clamped into the grid where invalid) and its validity."""
    ys, xs = torch.meshgrid(torch.arange(height, device=device),
                            torch.arange(width, device=device), indexing='ij')
    offsets = torch.arange(-radius, radius + 1, device=device)
    dy, dx = torch.meshgrid(offsets, offsets, indexing='ij')
    ny = ys.reshape(-1, 1) + dy.reshape(1, -1)
    nx = xs.reshape(-1, 1) + dx.reshape(1, -1)
    valid = (ny >= 0) & (ny < height) & (nx >= 0) & (nx < width)
    index = ny.clamp(0, height - 1) * width + nx.clamp(0, width - 1)
    return index, valid


def neighbourhood_mask(height: int, width: int, radius: int,
                       device: torch.device | None = None) -> Tensor:
    """``(L, L)`` boolean: True where key ``j`` is in query ``i``'s window."""
    index, valid = neighbourhood_index(height, width, radius, device)
    size = height * width
    rows = torch.arange(size, device=device).unsqueeze(1).expand_as(index)
    mask = torch.zeros(size, size, dtype=torch.bool, device=device)
    mask[rows[valid], index[valid]] = True
    return mask
