"""Backward warping with dense flows (method.md sec. 3, paper Eq. 9).

Convention, used everywhere in mmrepose: a flow ``(B, 2, h, w)`` holds, for
every pixel ``x`` of the *target* frame, the offset ``(dx, dy)`` in pixels of
its own grid such that the output at ``x`` is sampled from the source at
``x + flow(x)`` (a backward flow). Pixel ``i`` has its centre at coordinate
``i`` and the image covers ``[-0.5, W - 0.5]``; this is ``grid_sample``'s
``align_corners=False`` convention, so a flow of ``(+1, 0)`` moves the image
content one pixel to the left, exactly, at any resolution. Samples outside
the source are taken from its border.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def coordinate_grid(batch: int, height: int, width: int,
                    device: torch.device | None = None,
                    dtype: torch.dtype = torch.float32) -> Tensor:
    """``(B, 2, H, W)`` pixel-centre coordinates ``(x, y)``."""
    ys, xs = torch.meshgrid(
        torch.arange(height, device=device, dtype=dtype),
        torch.arange(width, device=device, dtype=dtype), indexing='ij')
    return torch.stack([xs, ys]).expand(batch, 2, height, width)


def warp(source: Tensor, flow: Tensor) -> Tensor:
    """Sample ``source`` (B, C, H, W) at ``x + flow(x)``; ``flow`` must be
    at the source's resolution, in its pixels."""
    if flow.shape[-2:] != source.shape[-2:] or flow.shape[1] != 2:
        raise ValueError(f'flow {tuple(flow.shape)} must be (B, 2, H, W) at '
                         f'the source resolution {tuple(source.shape[-2:])}')
    b, _, h, w = flow.shape
    coords = coordinate_grid(b, h, w, flow.device, flow.dtype) + flow
    # pixel centre i -> normalised (2i + 1) / size - 1 (align_corners=False)
    grid = torch.stack([(2 * coords[:, 0] + 1) / w - 1,
                        (2 * coords[:, 1] + 1) / h - 1], dim=-1)
    return F.grid_sample(source, grid.to(source.dtype), mode='bilinear',
                         padding_mode='border', align_corners=False)


def upsample_flow(flow: Tensor, size: tuple[int, int]) -> Tensor:
    """Resize a flow to ``size`` (H, W), scaling its values to the new
    pixels (x by W / w, y by H / h)."""
    h, w = flow.shape[-2:]
    if (h, w) == tuple(size):
        return flow
    scale = flow.new_tensor([size[1] / w, size[0] / h]).view(1, 2, 1, 1)
    return F.interpolate(flow, size=size, mode='bilinear',
                         align_corners=False) * scale


def warp_with_flow(source: Tensor, flow: Tensor) -> Tensor:
    """Warp ``source`` with a flow given at any (coarser) resolution."""
    return warp(source, upsample_flow(flow, source.shape[-2:]))
