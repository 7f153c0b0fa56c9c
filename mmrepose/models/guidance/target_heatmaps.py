"""Target heatmaps H_T of the Pose Interaction Field (method.md sec. 4).

The target pose k_T (OpenPose-18 ``(x, y)`` in image pixels, -1 missing, as
``PoseTransferDataSample.target_keypoints``) is rendered as one unnormalised
Gaussian (peak 1) per keypoint at the pose estimator's output resolution and
in its keypoint layout, so that it can be compared with the estimator's
heatmaps H_phi.

Pixel convention (the one of mmpose's codecs and of
:meth:`MMPoseEstimator.keypoints`): heatmap cell ``(i, j)`` stands for the
image point ``(x, y) = (j * stride_x, i * stride_y)``, so a keypoint at image
``(x, y)`` is centred at the heatmap coordinate ``(x / stride_x,
y / stride_y)``; its argmax cell is ``round(x / stride_x)`` and maps back to
within half a stride of ``x``. (An estimator that resizes its input by
``scale`` maps cell ``j`` to ``(j * s_net + 0.5) / scale - 0.5``, i.e. an
``offset`` of ``0.5 - 0.5 / scale`` image pixels before the division by the
image-space stride ``s_net / scale``.) The centre is kept sub-pixel
(mmpose's codecs round it to the nearest cell when building training
targets; the two differ by at most half a heatmap cell). Near the right or
bottom border the centre can fall past the last cell (e.g. x = 22 in a
24-pixel row at stride 4 is cell 5.5 of 0..5); the argmax is then the last
cell.

A keypoint is missing (its channel all zero) when either coordinate is
negative (the -1 convention) or it lies outside the image (``x >= W`` or
``y >= H``). An image of several people (keypoints ``(B, P, K, 2)``, e.g.
Human-Art for RePoseSD) gets each joint's Gaussians of all people, merged by
their maximum (as a bottom-up estimator's heatmaps show them).
"""
from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor


#: Gaussian sigma (heatmap cells) of target heatmaps when the estimator
#: does not tell its own (mmpose's associative-embedding recipes use 2).
DEFAULT_HEATMAP_SIGMA = 2.0


def render_gaussian_heatmaps(keypoints: Tensor, image_size: Sequence[int],
                             heatmap_size: Sequence[int], sigma: float,
                             stride: Sequence[float] | None = None,
                             offset: float = 0.0) -> Tensor:
    """``(B, K, h, w)`` Gaussians ``exp(-d^2 / (2 sigma^2))`` (sigma in heatmap
    cells) at ``(B, K, 2)`` image-pixel keypoints, or the maximum over the
    people of ``(B, P, K, 2)`` (see module doc).

    Args:
        keypoints: ``(x, y)`` in pixels of an image of ``image_size``.
        image_size: ``(H, W)``.
        heatmap_size: ``(h, w)``.
        sigma: Gaussian standard deviation in heatmap cells.
        stride: ``(stride_y, stride_x)`` image pixels per heatmap cell;
            default ``(H / h, W / w)``.
        offset: Image pixels added before dividing by the stride: the centre
            is ``((x + offset) / stride_x, (y + offset) / stride_y)`` (0 by
            default; ``0.5 - 0.5 / scale`` for an estimator that resizes its
            input by ``scale`` with pixel centres at integers).
    """
    if keypoints.ndim not in (3, 4) or keypoints.shape[-1] != 2:
        raise ValueError(f'expected (B, K, 2) or (B, P, K, 2) keypoints, '
                         f'got {tuple(keypoints.shape)}')
    if sigma <= 0:
        raise ValueError(f'sigma must be > 0, got {sigma}')
    big_h, big_w = (int(s) for s in image_size)
    h, w = (int(s) for s in heatmap_size)
    sy, sx = stride if stride is not None else (big_h / h, big_w / w)
    kp = keypoints.float()
    x, y = kp[..., 0], kp[..., 1]
    present = (x >= 0) & (y >= 0) & (x < big_w) & (y < big_h)
    xs = torch.arange(w, device=kp.device, dtype=kp.dtype)
    ys = torch.arange(h, device=kp.device, dtype=kp.dtype)
    # separable: (B, K, h, 1) * (B, K, 1, w)
    gx = torch.exp(-(xs - ((x + offset) / sx)[..., None])**2 / (2 * sigma**2))
    gy = torch.exp(-(ys - ((y + offset) / sy)[..., None])**2 / (2 * sigma**2))
    heat = gy[..., :, None] * gx[..., None, :]
    heat = heat * present[..., None, None].to(heat.dtype)
    return heat.amax(1) if keypoints.ndim == 4 else heat


def stack_target_keypoints(data_samples: Sequence, device: torch.device
                           | str | None = None) -> Tensor:
    """``(B, 18, 2)`` float target keypoints of a batch of
    ``PoseTransferDataSample`` (their ``target_keypoints``); when a sample
    has several people (``(P, 18, 2)``), ``(B, P_max, 18, 2)`` with absent
    people all -1."""
    keypoints = [torch.as_tensor(s.target_keypoints, dtype=torch.float32)
                 for s in data_samples]
    if all(k.ndim == 2 for k in keypoints):
        return torch.stack(keypoints).to(device)
    people = [k[None] if k.ndim == 2 else k for k in keypoints]
    most = max(1, max(len(p) for p in people))
    return torch.stack([
        torch.cat([p, p.new_full((most - len(p), *p.shape[1:]), -1.0)])
        for p in people]).to(device)
