"""Stable Diffusion 2.1-base's architecture, as the configs of its
diffusers folder give it (``unet/``, ``vae/``, ``text_encoder/``,
``scheduler/``), and a folder of that architecture with random weights.

The random folder is for measuring what a real fine-tune costs (FLOPs,
memory, time per step: ``tools/analysis/benchmark.py --random-sd``) where
the released weights are not at hand; its images are noise. Its tokenizer
spells words out letter by letter (:func:`write_clip_tokenizer` with no
whole words) and pads to SD's 77 tokens like the real one, so the text
encoder does the same work.
"""
from __future__ import annotations

import os.path as osp

import torch

#: ``unet/config.json`` of stable-diffusion-2-1-base (865.9 M parameters);
#: diffusers' ``attention_head_dim`` holds the number of heads (64-wide)
SD21_UNET_CONFIG = dict(
    sample_size=64, in_channels=4, out_channels=4, layers_per_block=2,
    block_out_channels=(320, 640, 1280, 1280),
    down_block_types=('CrossAttnDownBlock2D', 'CrossAttnDownBlock2D',
                      'CrossAttnDownBlock2D', 'DownBlock2D'),
    up_block_types=('UpBlock2D', 'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D',
                    'CrossAttnUpBlock2D'),
    attention_head_dim=(5, 10, 20, 20), cross_attention_dim=1024,
    use_linear_projection=True, norm_num_groups=32, act_fn='silu',
    flip_sin_to_cos=True, freq_shift=0)

#: ``vae/config.json`` (83.7 M parameters, 8x downsampling, 4 channels)
SD21_VAE_CONFIG = dict(
    in_channels=3, out_channels=3, latent_channels=4,
    down_block_types=('DownEncoderBlock2D', ) * 4,
    up_block_types=('UpDecoderBlock2D', ) * 4,
    block_out_channels=(128, 256, 512, 512), layers_per_block=2,
    act_fn='silu', norm_num_groups=32, sample_size=768,
    scaling_factor=0.18215)

#: ``text_encoder/config.json``: OpenCLIP ViT-H/14's text transformer
#: without its last layer (23 of 24; SD 2.x uses the penultimate layer),
#: 340.4 M parameters
SD21_TEXT_ENCODER_CONFIG = dict(
    vocab_size=49408, hidden_size=1024, intermediate_size=4096,
    num_hidden_layers=23, num_attention_heads=16,
    max_position_embeddings=77, hidden_act='gelu', projection_dim=512,
    bos_token_id=0, eos_token_id=1, pad_token_id=1)

#: ``scheduler/scheduler_config.json``: 1,000 steps, scaled-linear betas,
#: eps-prediction (the 768 px SD 2.1 predicts v)
SD21_SCHEDULER_CONFIG = dict(
    num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012,
    beta_schedule='scaled_linear', prediction_type='epsilon',
    clip_sample=False, steps_offset=1)


def write_random_stable_diffusion_21(out: str, seed: int = 0) -> str:
    """Write a ``stable-diffusion-2-1-base`` folder with random weights
    (about 5 GB in float32) to ``out`` and return it."""
    from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    from .tiny_folder import write_clip_tokenizer
    torch.manual_seed(seed)
    write_clip_tokenizer(osp.join(out, 'tokenizer'), (),
                         SD21_TEXT_ENCODER_CONFIG['max_position_embeddings'])
    # one part in memory at a time
    CLIPTextModel(CLIPTextConfig(**SD21_TEXT_ENCODER_CONFIG)).save_pretrained(
        osp.join(out, 'text_encoder'))
    AutoencoderKL(**SD21_VAE_CONFIG).save_pretrained(osp.join(out, 'vae'))
    UNet2DConditionModel(**SD21_UNET_CONFIG).save_pretrained(
        osp.join(out, 'unet'))
    DDPMScheduler(**SD21_SCHEDULER_CONFIG).save_pretrained(
        osp.join(out, 'scheduler'))
    return out
