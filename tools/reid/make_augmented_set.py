"""Write a Market-1501 re-ID training set augmented with generated people.

    python tools/reid/make_augmented_set.py --data-root DIR --out OUT
        (--config C --checkpoint W | --copy-source) [--split train]
        [--real-fraction F] [--num N] [--seed S] [--frame 128x64]
        [--device cpu] [--sampler ddim --steps K]

``DIR`` is a Market-1501 pose-transfer root (``{split}/*.jpg`` and
``market-annotation-{split}.csv``, the PATN/GFLA layout the Market configs
read). The tool keeps ``F`` of the split's annotated images (chosen with
the seed), copies them to ``OUT/bounding_box_train/``, and writes ``N``
generated images beside them: each is a kept image's person (identity
label kept) in the pose of another kept image, rendered by the model
(:mod:`mmrepose.reid.augmented_set`), named as Market-1501 names them
with sequence 9 (:mod:`mmrepose.reid.market_names`). ``--copy-source``
copies the source image instead (the baseline with no new pose).
``OUT/generated.csv`` lists each generated image with its source and pose
image; the set is rebuilt exactly from the same arguments. The model must
be one trained on the set's people (``configs/repose/market1501_128*.py``
for Market-1501); docs/applications.md.
"""
from __future__ import annotations

import argparse
import sys

from mmrepose.apis import PoseTransferInferencer
from mmrepose.datasets import AnnotationError
from mmrepose.reid.augmented_set import write_augmented_set
from mmrepose.utils import parse_image_size

#: Market-1501's image size (H, W): the frame of its annotation csv.
MARKET_FRAME = (128, 64)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data-root', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--config', help='a model of the set\'s people')
    p.add_argument('--checkpoint')
    p.add_argument('--copy-source', action='store_true',
                   help='copy each source instead of generating')
    p.add_argument('--split', default='train')
    p.add_argument('--real-fraction', type=float, default=1.0)
    p.add_argument('--num', type=int, default=1000,
                   help='generated images')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--frame', type=parse_image_size, default=MARKET_FRAME,
                   help="HEIGHTxWIDTH of the annotation's keypoints (the "
                   "images' size; Market-1501's 128x64)")
    p.add_argument('--device', default='cpu')
    p.add_argument('--sampler')
    p.add_argument('--steps', type=int)
    args = p.parse_args(argv)
    if not args.copy_source and not (args.config and args.checkpoint):
        p.error('give --config and --checkpoint (or --copy-source)')
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sampling = {k: v for k, v in dict(sampler=args.sampler,
                                      num_steps=args.steps).items() if v}
    try:
        inferencer = None if args.copy_source else PoseTransferInferencer(
            args.config, args.checkpoint, device=args.device)
        counts = write_augmented_set(
            args.data_root, args.split, args.out, args.real_fraction,
            args.num, args.seed, args.frame, inferencer,
            args.copy_source, **sampling)
    except (FileNotFoundError, AnnotationError, ValueError) as exc:
        sys.exit(f'error: {exc}')
    print(f"[augment] wrote {counts['real']} real and {counts['generated']} "
          f"{'copied' if args.copy_source else 'generated'} images to "
          f"{counts['out']}")


if __name__ == '__main__':
    main()
