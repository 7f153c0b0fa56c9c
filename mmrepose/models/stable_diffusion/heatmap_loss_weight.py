"""HumanSD's heatmap-guided denoising loss (Ju et al. 2023), the training
loss of RePoseSD's baseline, as HumanSD's code computes it
(``LatentPoseText2ImageDiffusion_HumanSD.p_losses`` in its
``ldm/models/diffusion/ddpm.py``, commit c5db29dd; its config
``humansd-finetune.yaml``: threshold 0.05, weight 0.1):

1. the error of the noise prediction, decoded as if it were a sample:
   ``D = decode(eps_theta - eps)`` (no gradient);
2. the pose estimator's heatmaps of ``D`` (17 joints), resized to the image
   size;
3. per joint 0 where the heatmap exceeds ``threshold``, else 1, summed over
   the joints (0 .. 17), on three channels;
4. that map encoded like an image into the sample space (latent: the VAE,
   scaled; pixels: itself): the weight map ``W``;
5. ``loss = mean((eps_theta - eps)^2 * (1 + weight * W))``, every
   timestep.

Departure, stated: HumanSD feeds ``D`` in [0, 1] to its HigherHRNet without
the mean/std normalisation; here the estimator gets ``D`` in [-1, 1] and
normalises as it always does (the weights are meant to find joints in D).
"""
from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmrepose.registry import MODELS

#: images in [-1, 1] -> samples (the autoencoder's encode)
EncodeFn = Callable[[Tensor], Tensor]


@MODELS.register_module()
class HumanSDHeatmapWeight(nn.Module):
    """Per-element weights ``1 + weight * W`` of the denoising MSE.

    Args:
        estimator: Frozen pose estimator (with ``heatmaps(images)``), or
            its config (e.g. ``dict(type='MMPoseEstimator', ...)``).
        threshold: Heatmap value over which a joint counts as found.
        weight: Factor of ``W`` (HumanSD's ``pose_loss_weight``).
    """

    def __init__(self, estimator: dict | nn.Module, threshold: float = 0.05,
                 weight: float = 0.1):
        super().__init__()
        self.estimator = MODELS.build(estimator) \
            if isinstance(estimator, dict) else estimator
        self.estimator.requires_grad_(False).eval()
        self.threshold = threshold
        self.weight = weight

    def train(self, mode: bool = True) -> 'HumanSDHeatmapWeight':
        super().train(mode)
        self.estimator.eval()  # frozen: always in eval mode
        return self

    @torch.no_grad()
    def forward(self, eps_pred: Tensor, noise: Tensor,
                decode: Callable[[Tensor], Tensor],
                encode: EncodeFn) -> Tensor:
        """Weights shaped like ``eps_pred`` (steps 1-5 of the module doc)."""
        error_image = decode(eps_pred.detach() - noise).clamp(-1, 1)
        heatmaps = self.estimator.heatmaps(error_image)
        heatmaps = F.interpolate(heatmaps.float(),
                                 size=error_image.shape[-2:],
                                 mode='bicubic', align_corners=False)
        missed = (heatmaps <= self.threshold).float().sum(1, keepdim=True)
        weight_map = encode(missed.expand(-1, 3, -1, -1).contiguous())
        return 1 + self.weight * weight_map.to(eps_pred.dtype)
