"""Train a small KL autoencoder on a config's images, as a stand-in for
Stable Diffusion's VAE where that one is not available.

    python tools/analysis/train_small_vae.py CONFIG --out DIR
        [--channels 64,128,128] [--latent-channels 4] [--iters N] [--batch B]
        [--lr LR] [--kl-weight W] [--device cpu|cuda] [--seed S]
        [--cfg-options k=v ...]

It trains a diffusers ``AutoencoderKL`` (one down/up level per width after
the first, so widths 64,128,128 downsample 4x) on the training split's
images of CONFIG (each pair's source and target, through the config's own
pipeline) with an L1 reconstruction loss plus ``kl_weight`` x the KL term,
sets ``scaling_factor`` to 1 / the std of its latents on the val split (as
Stable Diffusion did), and writes a diffusers folder (``config.json`` +
weights) that ``LatentAutoencoderKL(path=DIR)`` loads. With it, the
latent-space parts of mmrepose (PIF through a decoder, its distilled
guidance decoder, RPA in encoding space) can be measured on SynthFashion;
docs/speed.md uses it so. It is not a replacement for SD's VAE in a real
model.
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import shutil
import sys
import time

import torch
import torch.nn.functional as F
from mmengine.config import DictAction
from tqdm import tqdm

from mmrepose.datasets import AnnotationError
from mmrepose.datasets.pair_image_batches import (held_out_split,
                                                  pair_image_batches)
from mmrepose.datasets.transforms import ImageLoadError
from mmrepose.registry import MODELS
from mmrepose.utils import read_config, register_all_modules


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('config', help='mmrepose config whose data to train on')
    p.add_argument('--out', required=True, help='diffusers folder to write')
    p.add_argument('--channels', default='64,128,128',
                   help='block widths (downsampling 2^(n-1))')
    p.add_argument('--latent-channels', type=int, default=4)
    p.add_argument('--iters', type=int, default=3000)
    p.add_argument('--batch', type=int, default=8, help='pairs per step')
    p.add_argument('--lr', type=float, default=4e-4)
    p.add_argument('--kl-weight', type=float, default=1e-6)
    p.add_argument('--device', default='cpu')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    return p.parse_args(argv)


def build_vae(channels: list[int], latent_channels: int):
    from diffusers import AutoencoderKL
    return AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=latent_channels,
        block_out_channels=tuple(channels), layers_per_block=1,
        down_block_types=('DownEncoderBlock2D', ) * len(channels),
        up_block_types=('UpDecoderBlock2D', ) * len(channels),
        norm_num_groups=min(32, channels[0]), scaling_factor=1.0)


def save_folder(vae, out: str) -> None:
    """Write the diffusers folder beside ``out`` first, then move it in."""
    tmp = f'{out}.tmp-{os.getpid()}'
    vae.save_pretrained(tmp)
    if osp.isdir(out):
        shutil.rmtree(out)
    os.replace(tmp, out)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        cfg = read_config(args.config, args.cfg_options)
        channels = [int(c) for c in args.channels.split(',')]
    except FileNotFoundError as err:
        sys.exit(f'error: {err}')
    except ValueError:
        sys.exit(f'error: --channels must be comma-separated integers, got '
                 f'{args.channels!r}')
    register_all_modules()
    try:
        train(args, cfg, channels)
    except (FileNotFoundError, AnnotationError, ImageLoadError) as err:
        sys.exit(f'error: {err}')


def train(args: argparse.Namespace, cfg, channels: list[int]) -> None:
    """Train, measure on the held-out split, write the folder."""
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    vae = build_vae(channels, args.latent_channels).to(device).train()
    preprocessor = MODELS.build(cfg.model.data_preprocessor).to(device)
    train = pair_image_batches(cfg.train_dataloader.dataset, preprocessor,
                               args.batch, True, args.seed)
    optimizer = torch.optim.AdamW(vae.parameters(), lr=args.lr)
    start = time.time()
    bar = tqdm(range(args.iters), desc='training the VAE', unit='it')
    for _ in bar:
        images, _ = next(train)
        posterior = vae.encode(images).latent_dist
        recon = vae.decode(posterior.sample()).sample
        l1 = F.l1_loss(recon, images)
        loss = l1 + args.kl_weight * posterior.kl().mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        bar.set_postfix(l1=f'{float(l1.detach()):.4f}')

    vae.eval()
    split = held_out_split(cfg)
    held_out = pair_image_batches(cfg[split].dataset, preprocessor,
                                  args.batch, False, args.seed)
    latents, errors = [], []
    with torch.no_grad():
        for _ in range(4):
            images, _ = next(held_out)
            z = vae.encode(images).latent_dist.mode()
            latents.append(z)
            errors.append(F.l1_loss(vae.decode(z).sample, images))
    scaling = 1.0 / float(torch.cat(latents).std())
    vae.register_to_config(scaling_factor=scaling)
    save_folder(vae, args.out)
    summary = dict(out=args.out, channels=channels,
                   latent_channels=args.latent_channels, iters=args.iters,
                   batch=args.batch, lr=args.lr, kl_weight=args.kl_weight,
                   seed=args.seed, scaling_factor=round(scaling, 5),
                   heldout_split=split.split('_')[0],
                   heldout_l1=round(float(torch.stack(errors).mean()), 5),
                   seconds=round(time.time() - start, 1))
    print(f'wrote {args.out}: held-out L1 {summary["heldout_l1"]:.4f} '
          f'(images in [-1, 1]), scaling factor {scaling:.4f}')
    print(json.dumps(summary))


if __name__ == '__main__':
    main()
