"""Latent space: a frozen diffusers ``AutoencoderKL`` from a local folder.

The paper's DeepFashion model is a latent diffusion model (Stable Diffusion's
VAE, downsampling 8x: 256x176 images -> 32x22 latents). Samples are
``scaling_factor * z`` with the factor read from the VAE's own config.
PIF's gradient can go through a small distilled decoder instead of the VAE's
(``guidance_decoder``, :mod:`.tiny_latent_decoder`); the final image is
always the VAE's.
"""
from __future__ import annotations

import os.path as osp

import torch
from torch import Tensor, nn

from mmrepose.registry import MODELS


@MODELS.register_module()
class LatentAutoencoderKL(nn.Module):
    """Frozen ``AutoencoderKL`` loaded with ``from_pretrained(path)``.

    Args:
        path: Local diffusers folder (``config.json`` + weights), e.g.
            ``pretrained/stable-diffusion-2-1-base/vae``. Nothing is
            downloaded: a missing folder is an error saying where to put it.
        sample_posterior: Encode with a sample of the posterior (training, as
            Stable Diffusion) instead of its mean.
        guidance_decoder: Config of the decoder PIF differentiates through
            (:meth:`decode_for_guidance`), e.g. a ``TinyLatentDecoder`` with
            its distilled ``checkpoint``; None: the VAE's own decoder.
    """

    is_latent = True

    def __init__(self, path: str, sample_posterior: bool = True,
                 guidance_decoder: dict | None = None):
        super().__init__()
        if not osp.isfile(osp.join(path, 'config.json')):
            raise FileNotFoundError(
                f'AutoencoderKL folder not found: {path} (expected a diffusers '
                'folder with config.json and weights, e.g. the "vae" '
                'sub-folder of stable-diffusion-2-1-base; put it there or set '
                'model.autoencoder.path)')
        from diffusers import AutoencoderKL
        self._wrap(AutoencoderKL.from_pretrained(path, local_files_only=True),
                   sample_posterior, guidance_decoder)

    def _wrap(self, vae: nn.Module, sample_posterior: bool,
              guidance_decoder: dict | None = None) -> None:
        """Hold ``vae`` (and the guidance decoder) frozen, with the
        constants read from the VAE's config."""
        self.vae = vae
        self.vae.requires_grad_(False).eval()
        self.scaling_factor = float(vae.config.scaling_factor)
        self.latent_channels = int(vae.config.latent_channels)
        self.downsample_factor = 2**(len(vae.config.block_out_channels) - 1)
        self.sample_posterior = sample_posterior
        self.guidance_decoder = None
        if guidance_decoder is not None:
            self.guidance_decoder = MODELS.build(guidance_decoder)
            self.guidance_decoder.requires_grad_(False).eval()

    def train(self, mode: bool = True) -> 'LatentAutoencoderKL':
        super().train(mode)
        self.vae.eval()  # frozen: always in eval mode
        if self.guidance_decoder is not None:
            self.guidance_decoder.eval()
        return self

    @torch.no_grad()
    def encode(self, images: Tensor) -> Tensor:
        dist = self.vae.encode(images).latent_dist
        z = dist.sample() if self.sample_posterior and self.training \
            else dist.mode()
        return z * self.scaling_factor

    def decode(self, samples: Tensor) -> Tensor:
        """Differentiable (PIF guidance backpropagates through it)."""
        return self.vae.decode(samples / self.scaling_factor).sample

    def decode_for_guidance(self, samples: Tensor) -> Tensor:
        """The image PIF differentiates through: the guidance decoder's
        when there is one, else :meth:`decode`'s."""
        if self.guidance_decoder is None:
            return self.decode(samples)
        return self.guidance_decoder(samples)
