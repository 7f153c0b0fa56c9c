"""Stable Diffusion 2.1-base's architecture (the random folder that
``tools/analysis/benchmark.py --random-sd`` measures): each part has the
parameter count of the released ``stable-diffusion-2-1-base`` folder."""
import pytest
import torch
from diffusers import AutoencoderKL, UNet2DConditionModel
from transformers import CLIPTextConfig, CLIPTextModel

from mmrepose.models.stable_diffusion import (SD21_TEXT_ENCODER_CONFIG,
                                              SD21_UNET_CONFIG,
                                              SD21_VAE_CONFIG)


@pytest.mark.parametrize('build, released', [
    (lambda: UNet2DConditionModel(**SD21_UNET_CONFIG), 865_910_724),
    (lambda: AutoencoderKL(**SD21_VAE_CONFIG), 83_653_863),
    (lambda: CLIPTextModel(CLIPTextConfig(**SD21_TEXT_ENCODER_CONFIG)),
     340_387_840),
])
def test_parameter_counts_are_the_released_models(build, released):
    with torch.device('meta'):  # shapes only, no memory
        model = build()
    assert sum(p.numel() for p in model.parameters()) == released


def test_unet_attends_to_the_text_encoders_tokens():
    assert SD21_UNET_CONFIG['cross_attention_dim'] == \
        SD21_TEXT_ENCODER_CONFIG['hidden_size']
    assert SD21_UNET_CONFIG['in_channels'] == \
        SD21_VAE_CONFIG['latent_channels']
