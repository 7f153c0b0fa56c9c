"""Write a tiny Stable Diffusion folder with random weights, in the layout
of ``stable-diffusion-2-1-base``, for RePoseSD on CPU (docs/reposesd.md).

    python tools/misc/make_tiny_sd.py --out work_dirs/tiny_sd_synthfashion \
        --captions data/synthfashion/captions-train.json --pixel

The tokenizer keeps the words of the ``--captions`` files whole. ``--vae``
copies a trained ``AutoencoderKL`` folder (e.g. from
``tools/analysis/train_small_vae.py``); ``--pixel`` writes no VAE and a
U-Net on images (RePoseSD with ``IdentityAutoencoder``); neither: a random
VAE, which builds and runs but cannot make images.
"""
from __future__ import annotations

import argparse
import json
import sys

from mmrepose.models.stable_diffusion import (caption_words,
                                              write_tiny_stable_diffusion)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', required=True, help='folder to write')
    parser.add_argument('--captions', nargs='*', default=[],
                        help='{image: caption} json files whose words the '
                        'tokenizer keeps whole')
    vae = parser.add_mutually_exclusive_group()
    vae.add_argument('--vae', help='a trained AutoencoderKL folder to copy')
    vae.add_argument('--pixel', action='store_true',
                     help='no VAE: a U-Net on 3-channel images')
    parser.add_argument('--width', type=int, default=32,
                        help="the U-Net's first block width")
    parser.add_argument('--text-width', type=int, default=64,
                        help="the text encoder's width")
    parser.add_argument('--max-length', type=int, default=32,
                        help='tokens per prompt')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    texts = []
    for path in args.captions:
        try:
            with open(path, encoding='utf-8') as f:
                texts += list(json.load(f).values())
        except (OSError, json.JSONDecodeError, AttributeError) as err:
            sys.exit(f'error: --captions {path}: {err}')
    out = write_tiny_stable_diffusion(
        args.out, caption_words(texts), vae=args.vae, pixel=args.pixel,
        width=args.width, text_width=args.text_width,
        max_length=args.max_length, seed=args.seed)
    print(f'wrote {out} ({len(caption_words(texts))} whole words)')


if __name__ == '__main__':
    main()
