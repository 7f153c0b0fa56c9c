"""The denoiser eps_theta(y_t, t, P, I_S) (paper Eq. 2): a diffusers
``UNet2DConditionModel`` whose input is the noisy sample concatenated with
the target-pose input, whose output is eps (or the v-prediction target, see
``GaussianDiffusion.prediction_type``) and the variance interpolation v
(learned range), and which cross-attends to the appearance tokens.
"""
from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn

from mmrepose.registry import MODELS


@MODELS.register_module()
class PoseConditionedUNet(nn.Module):
    """Thin wrapper around ``diffusers.UNet2DConditionModel``.

    Args:
        sample_channels: C, channels of the diffusion sample (3 pixels,
            4 latents).
        pose_channels: Channels of the pose input concatenated to it.
        context_dim: Width of the appearance tokens (cross-attention).
        learn_sigma: Also predict the variance interpolation (2C outputs).
        unet_cfg: Further ``UNet2DConditionModel`` arguments (block widths,
            block types, layers per block, attention heads, ...).
        gradient_checkpointing: Trade compute for memory (512x352 configs).

    Odd sizes (e.g. 32x22 latents of 256x176 images) are supported: diffusers
    pads the upsampling path to each skip connection's size, so the output
    always has the input's spatial size.
    """

    def __init__(self, sample_channels: int, pose_channels: int,
                 context_dim: int, learn_sigma: bool = True,
                 unet_cfg: dict[str, Any] | None = None,
                 gradient_checkpointing: bool = False):
        super().__init__()
        from diffusers import UNet2DConditionModel
        self.sample_channels = sample_channels
        self.pose_channels = pose_channels
        self.learn_sigma = learn_sigma
        self.unet = UNet2DConditionModel(
            in_channels=sample_channels + pose_channels,
            out_channels=sample_channels * (2 if learn_sigma else 1),
            cross_attention_dim=context_dim, **(unet_cfg or {}))
        if gradient_checkpointing:
            self.unet.enable_gradient_checkpointing()

    def forward(self, x_t: Tensor, t: Tensor, pose: Tensor,
                context: Tensor) -> tuple[Tensor, Tensor | None]:
        """Return ``(eps, v)``; ``v`` in [-1, 1] is None without learn_sigma."""
        if pose.shape[-2:] != x_t.shape[-2:]:
            raise ValueError(f'pose input {tuple(pose.shape)} and sample '
                             f'{tuple(x_t.shape)} differ in spatial size')
        out = self.unet(torch.cat([x_t, pose], 1), t,
                        encoder_hidden_states=context).sample
        if not self.learn_sigma:
            return out, None
        eps, v = out.split(self.sample_channels, dim=1)
        return eps, torch.tanh(v)
