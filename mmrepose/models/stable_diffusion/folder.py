"""A local Stable Diffusion folder in diffusers' layout (RePoseSD, Sec. 4.4).

RePoseSD's parts load from the sub-folders of a ``stable-diffusion-2-1-base``
folder as diffusers saves it; nothing is downloaded. :func:`part_configs`
gives the parts' configs for a folder; :func:`require_part` turns a missing
part into a one-line error naming the path and what goes there.
"""
from __future__ import annotations

import os.path as osp

#: sub-folder -> (a file it must hold, what the part is)
SD_PARTS = {
    'unet': ('config.json', 'the U-Net (config.json + weights)'),
    'vae': ('config.json', 'the AutoencoderKL (config.json + weights)'),
    'text_encoder': ('config.json',
                     'the CLIP text encoder (config.json + weights)'),
    'tokenizer': ('tokenizer_config.json',
                  'the CLIP tokenizer (tokenizer_config.json and its '
                  'vocabulary files)'),
    'scheduler': ('scheduler_config.json',
                  "the noise scheduler's scheduler_config.json"),
}


def require_part(path: str, part: str) -> str:
    """``path`` if it holds Stable Diffusion part ``part`` (a key of
    :data:`SD_PARTS`), else a ``FileNotFoundError`` saying what goes
    there."""
    marker, what = SD_PARTS[part]
    if not osp.isfile(osp.join(path, marker)):
        raise FileNotFoundError(
            f'Stable Diffusion {part!r} not found: {path} has no {marker} '
            f'(expected {what}, the {part}/ sub-folder of a diffusers '
            f'stable-diffusion-2-1-base folder; put it there or set '
            f'model.sd_folder)')
    return path


def part_configs(folder: str) -> dict[str, dict]:
    """Configs of RePoseSD's parts loaded from the Stable Diffusion folder
    ``folder``: ``unet``, ``text_encoder``, ``autoencoder``,
    ``diffusion``."""
    return dict(
        unet=dict(type='PoseConcatUNet', path=osp.join(folder, 'unet')),
        text_encoder=dict(type='CLIPTextEncoder',
                          text_encoder=osp.join(folder, 'text_encoder'),
                          tokenizer=osp.join(folder, 'tokenizer')),
        autoencoder=dict(type='LatentAutoencoderKL',
                         path=osp.join(folder, 'vae')),
        diffusion=dict(type='SchedulerConfigDiffusion',
                       path=osp.join(folder, 'scheduler')))
