"""Distil the small decoder PIF guidance differentiates through.

    python tools/distill_guidance_decoder.py CONFIG [--out PTH] [--iters N]
        [--batch B] [--lr LR] [--device cpu|cuda] [--eval-batches K]
        [--seed S] [--vae DIR] [--gradient-weight W] [--cfg-options k=v ...]

CONFIG is a latent-space mmrepose config (``model.autoencoder`` a
``LatentAutoencoderKL``), or any config with ``--vae DIR`` (a diffusers
``AutoencoderKL`` folder to distil from instead of the config's).

The tool trains the ``TinyLatentDecoder`` of
``model.autoencoder.guidance_decoder`` (or the default one for the VAE's
downsampling) to reproduce the VAE decoder on the latents of the training
split's images and on x0-estimate-like versions of them
(``mmrepose.engine.guidance_decoder_distillation``); with
``--gradient-weight W`` also to reproduce its vector-Jacobian products for
PIF's image gradients (smooth random directions when the config has no PIF
or its estimator is not here). Before and after, it
measures on the val split (test when there is none) how well the decoder
stands in for the VAE's inside PIF, on clean and on x0-estimate-like
latents: the PSNR of its images against the VAE's and the cosine of the two
decoders' latent gradients (of PIF's energy towards the pairs' target poses
when the config has PIF and its estimator's weights are here; else of a
smooth random projection). It writes the weights atomically to ``--out``
(default: the config's ``guidance_decoder.checkpoint``) with these numbers,
prints them as one JSON line, and the config then guides through it.
docs/models.md, docs/speed.md.
"""
from __future__ import annotations

import argparse
import json
import os.path as osp
import sys
import time

import torch
from mmengine.config import DictAction
from tqdm import tqdm

from mmrepose.datasets import AnnotationError
from mmrepose.datasets.pair_image_batches import (held_out_split,
                                                  pair_image_batches)
from mmrepose.datasets.transforms import ImageLoadError
from mmrepose.engine.guidance_decoder_distillation import (
    EnergyFn, decoder_agreement, distillation_step, save_guidance_decoder,
    x0_estimate_like)
from mmrepose.registry import MODELS
from mmrepose.utils import read_config, register_all_modules

DEFAULT_DECODER = dict(type='TinyLatentDecoder')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('config', help='latent-space mmrepose config')
    p.add_argument('--out', help="weights to write (default: the config's "
                   'model.autoencoder.guidance_decoder.checkpoint)')
    p.add_argument('--iters', type=int, default=2000)
    p.add_argument('--batch', type=int, default=8, help='pairs per step '
                   '(each gives its source and target image)')
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--device', default='cpu')
    p.add_argument('--eval-batches', type=int, default=4)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--vae', help='AutoencoderKL folder to distil from '
                   "(default: the config's model.autoencoder.path)")
    p.add_argument('--gradient-weight', type=float, default=0.0,
                   help="weight of the term matching the VAE decoder's "
                   'vector-Jacobian products (0: images only)')
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    return p.parse_args(argv)


def build_pif(cfg, device: torch.device) -> tuple[torch.nn.Module | None,
                                                  str]:
    """The config's PIF module (estimator loaded), or None and the reason
    there is none."""
    pif_cfg = cfg.model.get('pose_interaction_field')
    if not pif_cfg:
        return None, 'the config has no PIF'
    try:
        return MODELS.build(pif_cfg).to(device).eval(), 'PIF energy'
    except FileNotFoundError as err:
        return None, f'PIF estimator not here: {err}'


def pif_energy(pif: torch.nn.Module, samples: list,
               device: torch.device) -> EnergyFn:
    """PIF's heatmap energy towards the samples' target poses (each pair's
    source and target image both judged against its target pose)."""
    from mmrepose.models.guidance.target_heatmaps import \
        stack_target_keypoints
    keypoints = stack_target_keypoints(samples, device)
    keypoints = torch.cat([keypoints, keypoints])
    return lambda images: pif.energy(images, keypoints, mode='heatmap')


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        cfg = read_config(args.config, args.cfg_options)
    except FileNotFoundError as err:
        sys.exit(f'error: {err}')
    register_all_modules()
    ae_cfg = dict(cfg.model.get('autoencoder') or {})
    if args.vae:
        ae_cfg = dict(type='LatentAutoencoderKL', path=args.vae,
                      guidance_decoder=ae_cfg.get('guidance_decoder'))
    if ae_cfg.get('type') != 'LatentAutoencoderKL':
        sys.exit(f'error: {args.config} samples in pixel space (no '
                 'LatentAutoencoderKL): PIF already differentiates the image '
                 'itself, there is no decoder to distil (--vae DIR names one)')
    decoder_cfg = dict(ae_cfg.pop('guidance_decoder', None) or DEFAULT_DECODER)
    out = args.out or decoder_cfg.get('checkpoint')
    if not out:
        sys.exit('error: give --out (the config names no '
                 'guidance_decoder.checkpoint)')
    try:
        distill(args, cfg, ae_cfg, decoder_cfg, out)
    except (FileNotFoundError, AnnotationError, ImageLoadError) as err:
        sys.exit(f'error: {err}')


def distill(args: argparse.Namespace, cfg, ae_cfg: dict, decoder_cfg: dict,
            out: str) -> None:
    """Distil, measure before and after, write ``out``."""
    device = torch.device(args.device)
    torch.manual_seed(args.seed)
    vae = MODELS.build(ae_cfg).to(device).eval()  # encode: the mean
    decoder_cfg.update(checkpoint=None,
                       latent_channels=vae.latent_channels,
                       upsample_factor=vae.downsample_factor)
    tiny = MODELS.build(decoder_cfg).to(device)
    preprocessor = MODELS.build(cfg.model.data_preprocessor).to(device)
    eval_split = held_out_split(cfg)
    train = pair_image_batches(cfg.train_dataloader.dataset, preprocessor,
                               args.batch, True, args.seed)
    pif, energy_name = build_pif(cfg, device)
    if pif is None:
        energy_name = f'smooth random projection ({energy_name})'
    held_out = pair_image_batches(cfg[eval_split].dataset, preprocessor,
                                  args.batch, False, args.seed)
    eval_batches = [(vae.encode(images), samples) for images, samples in
                    (next(held_out) for _ in range(args.eval_batches))]

    def agreement() -> dict[str, float]:
        """Mean agreement on the held-out latents, clean and as x0
        estimates (``x0_`` keys; the same degradation every time)."""
        generator = torch.Generator().manual_seed(args.seed + 1)
        scores: dict[str, list[float]] = {}
        for latents, samples in eval_batches:
            energy = pif and pif_energy(pif, samples, device)
            for prefix, z in (('', latents),
                              ('x0_', x0_estimate_like(latents, generator))):
                for key, value in decoder_agreement(vae.decode, tiny, z,
                                                    energy).items():
                    scores.setdefault(prefix + key, []).append(value)
        return {k: round(sum(v) / len(v), 4) for k, v in scores.items()}

    before = agreement()
    optimizer = torch.optim.AdamW(tiny.parameters(), lr=args.lr)
    generator = torch.Generator().manual_seed(args.seed)
    start = time.time()
    bar = tqdm(range(args.iters), desc='distilling', unit='it')
    for _ in bar:
        images, samples = next(train)
        latents = vae.encode(images)
        energy = (pif_energy(pif, samples, device)
                  if pif and args.gradient_weight else None)
        terms = distillation_step(vae.decode, tiny, optimizer, latents,
                                  generator, args.gradient_weight, energy)
        bar.set_postfix({k: f'{v:.4f}' for k, v in terms.items()})
    tiny.eval()
    metrics = agreement()
    metrics.update({f'untrained_{k}': v for k, v in before.items()})
    architecture = {k: v for k, v in decoder_cfg.items() if k != 'checkpoint'}
    meta = dict(config=osp.basename(args.config), iters=args.iters,
                batch=args.batch, lr=args.lr, seed=args.seed,
                gradient_weight=args.gradient_weight,
                vae=ae_cfg.get('path'), eval_split=eval_split.split('_')[0],
                energy=energy_name, seconds=round(time.time() - start, 1),
                **metrics)
    save_guidance_decoder(tiny, out, architecture, meta)
    print(f'wrote {out}: against the VAE decoder on the '
          f'{meta["eval_split"]} split ({energy_name}): clean latents PSNR '
          f'{metrics["psnr_db"]:.2f} dB, gradient cosine '
          f'{metrics["gradient_cosine"]:.3f}; x0-estimate-like latents PSNR '
          f'{metrics["x0_psnr_db"]:.2f} dB, gradient cosine '
          f'{metrics["x0_gradient_cosine"]:.3f} (untrained: '
          f'{metrics["untrained_gradient_cosine"]:.3f} / '
          f'{metrics["untrained_x0_gradient_cosine"]:.3f})')
    print(json.dumps(dict(out=out, architecture=architecture, **meta)))


if __name__ == '__main__':
    main()
