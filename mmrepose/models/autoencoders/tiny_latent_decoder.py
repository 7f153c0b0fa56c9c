"""A small decoder for PIF's gradient only (RePoseDM Eqs. 12-16 in latent
space).

PIF guidance differentiates the pose energy G(decode(x0_hat)) with respect
to the latent x0_hat. Through Stable Diffusion's VAE decoder that backward
pass costs about ten denoiser calls per guided step at 256x176. The gradient
only needs the decoder's Jacobian to point the same way, so this module
stands in for the decoder inside the guidance (and inside Eq. 15's training
target), while the exact VAE decoder still makes the final image.

It is a plain convolutional upsampler (a stem, then per 2x stage residual
blocks, nearest upsampling and a conv; a residual block and an RGB conv at
full resolution), with fewer channels as the resolution grows, so the
full-resolution stage is cheap. Its weights are distilled from the model's
own VAE with ``tools/distill_guidance_decoder.py``, which matches the exact
decoder's output on the training images' latents and on the blurry x0
estimates the guidance sees; it reports how closely the two decoders'
guidance gradients agree.
"""
from __future__ import annotations

import math
import os.path as osp
from collections.abc import Sequence

import torch
from torch import Tensor, nn

from mmrepose.registry import MODELS


class ResidualBlock(nn.Module):
    """``x + conv(relu(conv(relu(conv(x)))))``, then ReLU; widths kept."""

    def __init__(self, channels: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1))
        self.act = nn.ReLU()

    def forward(self, x: Tensor) -> Tensor:
        return self.act(x + self.body(x))


@MODELS.register_module()
class TinyLatentDecoder(nn.Module):
    """Diffusion samples (``scaling_factor * z``) -> RGB in about [-1, 1].

    Args:
        latent_channels: Channels of the latent (4 for SD's VAE).
        upsample_factor: Image pixels per latent cell, a power of 2 (8 for
            SD's VAE).
        channels: Widths from the latent resolution up to the full one,
            ``log2(upsample_factor) + 1`` entries; default 64 below half
            resolution, 32 at half and full resolution ((64, 64, 32, 32)
            for 8x).
        blocks_per_stage: Residual blocks before each upsampling.
        checkpoint: Weights written by ``tools/distill_guidance_decoder.py``;
            ``None`` keeps the random initialisation (for distilling it, and
            for cost measurements). A missing file is an error saying how to
            make it.
    """

    def __init__(self, latent_channels: int = 4, upsample_factor: int = 8,
                 channels: Sequence[int] | None = None,
                 blocks_per_stage: int = 2, checkpoint: str | None = None):
        super().__init__()
        stages = int(round(math.log2(upsample_factor)))
        if 2**stages != upsample_factor or upsample_factor < 1:
            raise ValueError(f'upsample_factor must be a power of 2, got '
                             f'{upsample_factor}')
        if channels is None:
            channels = (64, ) * max(stages - 1, 0) + (32, ) * min(stages + 1,
                                                                 2)
        if len(channels) != stages + 1:
            raise ValueError(f'channels needs {stages + 1} widths for '
                             f'upsample_factor {upsample_factor}, got '
                             f'{list(channels)}')
        self.latent_channels = latent_channels
        self.upsample_factor = upsample_factor
        layers: list[nn.Module] = [
            nn.Conv2d(latent_channels, channels[0], 3, padding=1), nn.ReLU()]
        for width, next_width in zip(channels[:-1], channels[1:]):
            layers += [ResidualBlock(width) for _ in range(blocks_per_stage)]
            layers += [nn.Upsample(scale_factor=2, mode='nearest'),
                       nn.Conv2d(width, next_width, 3, padding=1)]
        layers += [ResidualBlock(channels[-1]),
                   nn.Conv2d(channels[-1], 3, 3, padding=1)]
        self.layers = nn.Sequential(*layers)
        if checkpoint is not None:
            self.load_distilled(checkpoint)

    def forward(self, samples: Tensor) -> Tensor:
        return self.layers(samples)

    def load_distilled(self, path: str) -> None:
        """Load the weights the distillation tool wrote to ``path``."""
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'guidance decoder weights not found: {path} (distil them '
                'from the config\'s VAE with tools/distill_guidance_decoder.py '
                f'CONFIG --out {path}, or set '
                'model.autoencoder.guidance_decoder=None to guide through the '
                'exact VAE decoder)')
        state = torch.load(path, map_location='cpu', weights_only=True)
        try:
            self.load_state_dict(state['state_dict'])
        except (KeyError, RuntimeError) as err:
            raise RuntimeError(
                f'{path} does not hold weights of this guidance decoder '
                f'(architecture it was distilled with: '
                f'{state.get("architecture", "unknown")}): {err}') from None
