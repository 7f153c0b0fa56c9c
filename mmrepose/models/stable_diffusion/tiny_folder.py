"""A tiny Stable Diffusion folder with random weights, in the layout of
``stable-diffusion-2-1-base`` (``unet/``, ``vae/``, ``text_encoder/``,
``tokenizer/``, ``scheduler/``), so RePoseSD builds, trains and samples
offline on CPU: the tests' fixture and ``tools/misc/make_tiny_sd.py``.

Same architecture family as SD 2.1 (a cross-attention ``UNet2DConditionModel``
with linear projections, an ``AutoencoderKL``, a CLIP text transformer, the
scaled-linear 1,000-step schedule), with small widths; optionally without
the VAE (pixel space). The tokenizer's
vocabulary is the characters a-z plus the given words whole (byte-pair
merges that build each word), so a caption of known words is one token per
word and any other word is spelled out.
"""
from __future__ import annotations

import json
import os
import os.path as osp
import re
import shutil
from collections.abc import Iterable

import torch

from .sd21_architecture import SD21_SCHEDULER_CONFIG

#: the tokenizer's special tokens (ids 0 and 1)
BOS, EOS = '<|startoftext|>', '<|endoftext|>'
_CHARS = [chr(c) for c in range(ord('a'), ord('z') + 1)] + list(",.-'0123456789")


def caption_words(texts: Iterable[str]) -> list[str]:
    """The distinct lower-case words of ``texts`` as CLIP's tokenizer
    splits them (letters runs and single other characters), sorted."""
    return sorted({w for text in texts
                   for w in re.findall(r"[a-z]+|[^\sa-z]", text.lower())})


def write_clip_tokenizer(out: str, words: Iterable[str],
                         max_length: int) -> int:
    """Write a ``CLIPTokenizer`` folder knowing ``words``; return the
    vocabulary size."""
    from transformers import CLIPTokenizer
    vocab: dict[str, int] = {}
    for token in [BOS, EOS, *_CHARS, *(c + '</w>' for c in _CHARS)]:
        vocab.setdefault(token, len(vocab))
    merges: list[str] = []
    for word in words:
        if not word.isalpha() or len(word) < 2:
            continue
        pieces = [*word[:-1], word[-1] + '</w>']
        while len(pieces) > 1:  # left to right: w o -> wo, wo r -> wor, ...
            merge = f'{pieces[0]} {pieces[1]}'
            pieces = [pieces[0] + pieces[1], *pieces[2:]]
            if pieces[0] not in vocab:
                merges.append(merge)
                vocab[pieces[0]] = len(vocab)
    os.makedirs(out, exist_ok=True)
    vocab_file, merges_file = osp.join(out, 'vocab.json'), osp.join(
        out, 'merges.txt')
    with open(vocab_file, 'w') as f:
        json.dump(vocab, f)
    with open(merges_file, 'w') as f:
        f.write('#version: 0.2\n' + ''.join(m + '\n' for m in merges))
    CLIPTokenizer(vocab_file, merges_file, model_max_length=max_length,
                  bos_token=BOS, eos_token=EOS, pad_token=EOS,
                  unk_token=EOS).save_pretrained(out)
    return len(vocab)


def write_tiny_stable_diffusion(out: str, words: Iterable[str] = (),
                                vae: str | None = None, pixel: bool = False,
                                width: int = 32,
                                text_width: int = 32, max_length: int = 32,
                                seed: int = 0) -> str:
    """Write the folder ``out`` and return it.

    Args:
        words: Words the tokenizer keeps whole (e.g. :func:`caption_words`
            of a dataset's captions).
        vae: A trained diffusers ``AutoencoderKL`` folder to copy as
            ``vae/`` (e.g. ``tools/analysis/train_small_vae.py``'s); None:
            a random one downsampling 4x (enough for tests, useless for
            images).
        pixel: Write no ``vae/`` and a U-Net on 3-channel images, for
            RePoseSD in pixel space (``IdentityAutoencoder``): trainable on
            CPU at 64x44 where no trained VAE is at hand. Its U-Net has the
            widths and attention layout of the SynthFashion B1 U-Net
            (three levels, attention at the coarsest only).
        width: The U-Net's first block width (the second is twice it).
        text_width: The text encoder's width (= cross-attention width).
        max_length: Tokens per prompt.
        seed: Seed of the random weights.
    """
    from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel
    torch.manual_seed(seed)
    vocab_size = write_clip_tokenizer(osp.join(out, 'tokenizer'), words,
                                      max_length)
    CLIPTextModel(CLIPTextConfig(
        vocab_size=vocab_size, hidden_size=text_width,
        intermediate_size=4 * text_width, num_hidden_layers=2,
        num_attention_heads=4, max_position_embeddings=max_length,
        projection_dim=text_width, bos_token_id=0, eos_token_id=1,
        pad_token_id=1)).save_pretrained(osp.join(out, 'text_encoder'))
    if pixel:
        latent_channels = 3
    elif vae is None:
        AutoencoderKL(
            in_channels=3, out_channels=3, latent_channels=4,
            block_out_channels=(16, 32, 32), layers_per_block=1,
            norm_num_groups=8,
            down_block_types=('DownEncoderBlock2D',) * 3,
            up_block_types=('UpDecoderBlock2D',) * 3,
        ).save_pretrained(osp.join(out, 'vae'))
    else:
        shutil.copytree(vae, osp.join(out, 'vae'), dirs_exist_ok=True)
    if not pixel:
        with open(osp.join(out, 'vae', 'config.json')) as f:
            latent_channels = int(json.load(f)['latent_channels'])
    if pixel:  # attention at 1/4 of the image only (at full size it costs
        # ~30x the convolutions at 64x44): the SynthFashion B1 U-Net's layout
        layout = dict(block_out_channels=(width, 2 * width, 2 * width),
                      down_block_types=('DownBlock2D', 'DownBlock2D',
                                        'CrossAttnDownBlock2D'),
                      up_block_types=('CrossAttnUpBlock2D', 'UpBlock2D',
                                      'UpBlock2D'),
                      attention_head_dim=(4, 8, 8))
    else:  # SD's: attention on the finer latent levels
        layout = dict(block_out_channels=(width, 2 * width),
                      down_block_types=('CrossAttnDownBlock2D', 'DownBlock2D'),
                      up_block_types=('UpBlock2D', 'CrossAttnUpBlock2D'),
                      attention_head_dim=(4, 8))
    UNet2DConditionModel(
        in_channels=latent_channels, out_channels=latent_channels,
        layers_per_block=1, cross_attention_dim=text_width,
        use_linear_projection=True, norm_num_groups=min(width, 32), **layout,
    ).save_pretrained(osp.join(out, 'unet'))
    DDPMScheduler(**SD21_SCHEDULER_CONFIG).save_pretrained(
        osp.join(out, 'scheduler'))
    return out


def write_tiny_clip(out: str, words: Iterable[str] = (), width: int = 16,
                    image_size: int = 32, seed: int = 0) -> str:
    """A tiny random CLIP folder (``CLIPModel``, its tokenizer and image
    processor) in the layout of ``openai/clip-vit-base-patch16``, for
    testing the CLIP score offline; returns ``out``."""
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel
    torch.manual_seed(seed)
    max_length = 32
    vocab_size = write_clip_tokenizer(out, words, max_length)
    common = dict(hidden_size=width, intermediate_size=2 * width,
                  num_hidden_layers=1, num_attention_heads=2)
    CLIPModel(CLIPConfig(
        text_config=dict(vocab_size=vocab_size,
                         max_position_embeddings=max_length, bos_token_id=0,
                         eos_token_id=1, pad_token_id=1, **common),
        vision_config=dict(image_size=image_size, patch_size=8, **common),
        projection_dim=width)).save_pretrained(out)
    CLIPImageProcessor(size={'shortest_edge': image_size},
                       crop_size={'height': image_size,
                                  'width': image_size}).save_pretrained(out)
    return out
