"""Fixtures shared by the model tests."""
import pytest
import torch
from diffusers import AutoencoderKL


@pytest.fixture(scope='session')
def tiny_vae_dir(tmp_path_factory):
    """A random two-level ``AutoencoderKL`` saved as a local folder."""
    path = tmp_path_factory.mktemp('vae') / 'vae'
    torch.manual_seed(0)
    AutoencoderKL(block_out_channels=(8, 16), norm_num_groups=4,
                  down_block_types=('DownEncoderBlock2D',) * 2,
                  up_block_types=('UpDecoderBlock2D',) * 2,
                  latent_channels=4, sample_size=32).save_pretrained(path)
    return path
