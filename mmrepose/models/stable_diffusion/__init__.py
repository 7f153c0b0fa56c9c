"""RePoseSD's Stable Diffusion parts (Sec. 4.4), each loaded from a local
diffusers folder."""
from .clip_text_encoder import CLIPTextEncoder
from .folder import SD_PARTS, part_configs, require_part
from .heatmap_loss_weight import HumanSDHeatmapWeight
from .pose_concat_unet import PoseConcatUNet, widen_input_conv
from .scheduler_config import SchedulerConfigDiffusion
from .sd21_architecture import (SD21_TEXT_ENCODER_CONFIG, SD21_UNET_CONFIG,
                                SD21_VAE_CONFIG,
                                write_random_stable_diffusion_21)
from .tiny_folder import (caption_words, write_tiny_clip,
                          write_tiny_stable_diffusion)

__all__ = ['CLIPTextEncoder', 'HumanSDHeatmapWeight', 'PoseConcatUNet',
           'SD21_TEXT_ENCODER_CONFIG', 'SD21_UNET_CONFIG', 'SD21_VAE_CONFIG',
           'SD_PARTS',
           'SchedulerConfigDiffusion', 'caption_words', 'part_configs',
           'require_part',
           'widen_input_conv', 'write_tiny_clip',
           'write_random_stable_diffusion_21',
           'write_tiny_stable_diffusion']
