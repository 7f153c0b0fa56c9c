"""Two ways to keep PIF's gradient (Eqs. 12-14) from exploiting the
estimator instead of moving the pose.

A sample pushed along one estimator's image gradient can lower that
estimator's energy G (Eq. 11) with small, high-frequency changes that do
not move a limb; an independent estimator then sees no better pose
(docs/ablation.md, "adversarial drift"). Both options below are off by
default and act on sampling only (Eq. 16, ``sample_cfg``):

- ``view_shift`` (d pixels): G averaged over five translated views of the
  decoded x0 estimate, unshifted and shifted by d pixels left, right, up
  and down (the target keypoints shifted with them; borders repeat the edge
  pixels). A change that lowers G only at one exact pixel alignment averages
  out: the expectation-over-transformation of adversarial-robustness work.
  Costs five estimator passes instead of one.
- ``gradient_blur`` (sigma, in sample-space pixels): the gradient g low-pass
  filtered with a Gaussian before it enters Eq. 16, keeping the coarse part
  that moves colour regions (limbs) and dropping pixel-level patterns.
  Costs a convolution.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

#: (dx, dy) of the views, in units of the shift
VIEW_OFFSETS = ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1))


def _translate(images: Tensor, dx: int, dy: int) -> Tensor:
    """``images`` moved by ``(dx, dy)`` pixels, edges repeated."""
    if dx == 0 and dy == 0:
        return images
    h, w = images.shape[-2:]
    pad = max(abs(dx), abs(dy))
    padded = F.pad(images, (pad, pad, pad, pad), mode='replicate')
    top, left = pad - dy, pad - dx
    return padded[..., top:top + h, left:left + w]


def shifted_views(images: Tensor, keypoints: Tensor, shift: int
                  ) -> tuple[Tensor, Tensor]:
    """The five views of ``(B, C, H, W)`` images and their ``(B, K, 2)``
    ``(x, y)`` keypoints (-1: missing, kept missing), stacked view-major:
    ``(5 B, C, H, W)`` and ``(5 B, K, 2)``."""
    if shift < 0:
        raise ValueError(f'view_shift must be >= 0, got {shift}')
    present = (keypoints >= 0).all(-1, keepdim=True)
    views, points = [], []
    for ox, oy in VIEW_OFFSETS:
        dx, dy = ox * shift, oy * shift
        views.append(_translate(images, dx, dy))
        moved = keypoints + keypoints.new_tensor([dx, dy])
        points.append(torch.where(present, moved, keypoints))
    return torch.cat(views), torch.cat(points)


def mean_over_views(values: Tensor) -> Tensor:
    """``(5 B,)`` per-view values of :func:`shifted_views` -> ``(B,)``."""
    return values.view(len(VIEW_OFFSETS), -1).mean(0)


def gaussian_blur(x: Tensor, sigma: float) -> Tensor:
    """Each channel of ``(B, C, H, W)`` ``x`` convolved with a normalised
    Gaussian of ``sigma`` pixels (radius 3 sigma, reflected borders); ``x``
    itself for sigma 0."""
    if sigma < 0:
        raise ValueError(f'gradient_blur must be >= 0, got {sigma}')
    if sigma == 0:
        return x
    radius = max(1, math.ceil(3 * sigma))
    radius = min(radius, x.shape[-2] - 1, x.shape[-1] - 1)
    taps = torch.arange(-radius, radius + 1, device=x.device, dtype=x.dtype)
    kernel = torch.exp(-taps**2 / (2 * sigma**2))
    kernel = kernel / kernel.sum()
    channels = x.shape[1]
    padded = F.pad(x, (radius, radius, radius, radius), mode='reflect')
    out = F.conv2d(padded, kernel.view(1, 1, 1, -1).repeat(channels, 1, 1, 1),
                   groups=channels)
    return F.conv2d(out, kernel.view(1, 1, -1, 1).repeat(channels, 1, 1, 1),
                    groups=channels)
