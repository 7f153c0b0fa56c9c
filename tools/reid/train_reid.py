"""Train a re-ID model on a Market-1501-layout set and score it.

    python tools/reid/train_reid.py --data-root DIR [--train-dir DIR2]
        [--arch resnet50] [--pretrained PTH] [--size 128x64]
        [--epochs 60] [--p 16] [--k 4] [--lr 3.5e-4] [--seed 0]
        [--device cpu|cuda] [--out metrics.json]

Trains the strong baseline (:mod:`mmrepose.reid.trainer`: ResNet with last
stride 1 and a BNNeck, identity + batch-hard triplet losses, P identities
x K images a batch) on ``--train-dir`` (default
``DIR/bounding_box_train``; an augmented set of
``tools/reid/make_augmented_set.py`` goes here), then scores ``DIR/query``
against ``DIR/bounding_box_test`` by the Market-1501 protocol. Prints and
writes ``{"mAP", "rank1", "rank5", "rank10", ...}``;
docs/applications.md.
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import sys

from mmrepose.reid.reid_net import ARCHS
from mmrepose.reid.trainer import train_and_score
from mmrepose.utils import parse_image_size


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data-root', required=True,
                   help='Market-1501 layout: query/, bounding_box_test/')
    p.add_argument('--train-dir', help='training images (default: '
                   'DATA_ROOT/bounding_box_train)')
    p.add_argument('--arch', default='resnet50', choices=ARCHS)
    p.add_argument('--pretrained', help='local torchvision state dict')
    p.add_argument('--size', type=parse_image_size, default=(128, 64),
                   help='HEIGHTxWIDTH the images are resized to')
    p.add_argument('--epochs', type=int, default=60)
    p.add_argument('--p', type=int, default=16, help='identities a batch')
    p.add_argument('--k', type=int, default=4, help='images an identity')
    p.add_argument('--lr', type=float, default=3.5e-4)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--device', default='cpu')
    p.add_argument('--out', help='metrics JSON to write')
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        metrics = train_and_score(
            args.data_root, args.train_dir, args.arch, args.pretrained,
            args.size, args.epochs, args.p, args.k, args.lr, args.seed,
            args.device)
    except (FileNotFoundError, ValueError) as exc:
        sys.exit(f'error: {exc}')
    print(json.dumps(metrics))
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(metrics, f, indent=1)


if __name__ == '__main__':
    main()
