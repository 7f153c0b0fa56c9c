"""RePoseSD's denoiser: Stable Diffusion's U-Net with the VAE latent of the
pose image concatenated to the noisy latent (Sec. 4.4; method.md sec. 5).

The pretrained input convolution takes 4 channels; it is widened to
4 + 4, the new input weights set to zero, so that at initialisation the
network's output is exactly the pretrained U-Net's whatever the pose, and
fine-tuning starts from Stable Diffusion. A folder that already has the
wide input (a fine-tuned RePoseSD U-Net) is loaded as it is.
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

from mmrepose.registry import MODELS
from .folder import require_part


def widen_input_conv(conv: nn.Conv2d, extra_channels: int) -> nn.Conv2d:
    """A copy of ``conv`` taking ``extra_channels`` more input channels,
    whose weights on them are zero."""
    wide = nn.Conv2d(conv.in_channels + extra_channels, conv.out_channels,
                     conv.kernel_size, conv.stride, conv.padding,
                     bias=conv.bias is not None)
    wide.to(device=conv.weight.device, dtype=conv.weight.dtype)
    with torch.no_grad():
        wide.weight.zero_()
        wide.weight[:, :conv.in_channels] = conv.weight
        if conv.bias is not None:
            wide.bias.copy_(conv.bias)
    return wide


@MODELS.register_module()
class PoseConcatUNet(nn.Module):
    """Stable Diffusion's ``UNet2DConditionModel`` with a pose input.

    Args:
        path: Folder of the U-Net (``unet/`` of a Stable Diffusion folder).
        pose_channels: Channels of the pose latent; None: the U-Net's
            sample channels (the pose image is encoded like the image: 4
            for SD's VAE).
        gradient_checkpointing: Trade compute for memory (512 px
            fine-tuning).

    Same interface as :class:`PoseConditionedUNet`: ``forward(x_t, t, pose,
    context) -> (prediction, None)`` (no learned variance).
    """

    learn_sigma = False

    def __init__(self, path: str, pose_channels: int | None = None,
                 gradient_checkpointing: bool = False):
        super().__init__()
        from diffusers import UNet2DConditionModel
        self.unet = UNet2DConditionModel.from_pretrained(
            require_part(path, 'unet'), local_files_only=True)
        self.sample_channels = int(self.unet.config.out_channels)
        if pose_channels is None:
            pose_channels = self.sample_channels
        self.pose_channels = pose_channels
        in_channels = int(self.unet.config.in_channels)
        if in_channels == self.sample_channels:
            self.unet.conv_in = widen_input_conv(self.unet.conv_in,
                                                 pose_channels)
            self.unet.register_to_config(
                in_channels=in_channels + pose_channels)
        elif in_channels != self.sample_channels + pose_channels:
            raise ValueError(
                f'{path}: the U-Net takes {in_channels} input channels; '
                f'expected {self.sample_channels} (Stable Diffusion) or '
                f'{self.sample_channels + pose_channels} (with the pose)')
        if gradient_checkpointing:
            self.unet.enable_gradient_checkpointing()

    def forward(self, x_t: Tensor, t: Tensor, pose: Tensor,
                context: Tensor) -> tuple[Tensor, None]:
        if pose.shape[-2:] != x_t.shape[-2:]:
            raise ValueError(f'pose latent {tuple(pose.shape)} and sample '
                             f'{tuple(x_t.shape)} differ in spatial size')
        out = self.unet(torch.cat([x_t, pose.to(x_t.dtype)], 1), t,
                        encoder_hidden_states=context.to(x_t.dtype)).sample
        return out, None
