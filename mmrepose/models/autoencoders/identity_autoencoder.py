"""Pixel-space "autoencoder": diffusion runs on the image itself (PIDM-like)."""
from __future__ import annotations

from torch import Tensor, nn

from mmrepose.registry import MODELS


@MODELS.register_module()
class IdentityAutoencoder(nn.Module):
    """``encode``/``decode`` are the identity on images in [-1, 1].

    Args:
        channels: Image channels (the diffusion sample's channels).
    """

    downsample_factor = 1
    is_latent = False

    def __init__(self, channels: int = 3):
        super().__init__()
        self.latent_channels = channels

    def encode(self, images: Tensor) -> Tensor:
        return images

    def decode(self, samples: Tensor) -> Tensor:
        return samples

    def decode_for_guidance(self, samples: Tensor) -> Tensor:
        return samples
