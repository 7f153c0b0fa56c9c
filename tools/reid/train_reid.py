"""Train a re-ID model on a Market-1501-layout set and score it.

    python tools/reid/train_reid.py --data-root DIR [--train-dir DIR2]
        [--arch resnet50] [--pretrained PTH] [--size 128x64]
        [--epochs 60] [--p 16] [--k 4] [--lr 3.5e-4] [--seed 0]
        [--device cpu|cuda] [--out metrics.json]

Trains the strong baseline (:class:`mmrepose.reid.reid_net.ReIDNet`:
ResNet with last stride 1 and a BNNeck; label-smoothed identity loss +
batch-hard triplet loss, margin 0.3; P identities x K images a batch;
Adam, lr warmed up linearly over the first 10 % of the epochs and divided
by 10 at 50 % and 75 %) on ``--train-dir`` (default
``DIR/bounding_box_train``; an augmented set of
``tools/reid/make_augmented_set.py`` goes here), then scores
``DIR/query`` against ``DIR/bounding_box_test`` by the Market-1501
protocol (:func:`mmrepose.reid.reid_scores`; the descriptor is the
after-neck feature averaged with that of the flipped image). Prints and
writes ``{"mAP", "rank1", "rank5", "rank10", ...}``; docs/applications.md.
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import sys
import time

import numpy as np
import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

from mmrepose.reid import distance_matrix, reid_scores
from mmrepose.reid.losses import batch_hard_triplet_loss, identity_loss
from mmrepose.reid.market_folder import MarketFolder, pk_batches
from mmrepose.reid.reid_net import ARCHS, ReIDNet
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


def lr_factor(epoch: int, epochs: int) -> float:
    """Linear warm-up over 10 % of the epochs, /10 at 50 % and 75 %."""
    warm = max(1, epochs // 10)
    if epoch < warm:
        return (epoch + 1) / warm
    return 0.01 if epoch >= 0.75 * epochs else \
        0.1 if epoch >= 0.5 * epochs else 1.0


@torch.no_grad()
def descriptors(model: ReIDNet, data: MarketFolder,
                device: torch.device) -> np.ndarray:
    """After-neck features, averaged with the flipped image's."""
    model.eval()
    out = []
    for images, _ in DataLoader(data, batch_size=64):
        images = images.to(device)
        out.append(((model(images) + model(images.flip(-1))) / 2).cpu())
    return torch.cat(out).numpy()


def train_and_score(args: argparse.Namespace) -> dict:
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    h, w = args.size
    device = torch.device(args.device)
    train = MarketFolder(args.train_dir or osp.join(args.data_root,
                                                    'bounding_box_train'),
                         (h, w), train=True)
    query = MarketFolder(osp.join(args.data_root, 'query'), (h, w))
    gallery = MarketFolder(osp.join(args.data_root, 'bounding_box_test'),
                           (h, w))
    model = ReIDNet(len(train.classes), args.arch,
                    pretrained=args.pretrained).to(device)
    optimizer = torch.optim.Adam(
        [p for p in model.parameters() if p.requires_grad], lr=args.lr,
        weight_decay=5e-4)
    start = time.time()
    for epoch in tqdm(range(args.epochs), desc='training', unit='epoch'):
        for group in optimizer.param_groups:
            group['lr'] = args.lr * lr_factor(epoch, args.epochs)
        model.train()
        for batch in pk_batches(train.labels, args.p, args.k, rng):
            items = [train[i] for i in batch]
            images = torch.stack([x for x, _ in items]).to(device)
            labels = torch.tensor([y for _, y in items], device=device)
            pooled, logits = model(images)
            loss = identity_loss(logits, labels) + \
                batch_hard_triplet_loss(pooled, labels)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    scores = reid_scores(
        distance_matrix(descriptors(model, query, device),
                        descriptors(model, gallery, device)),
        query.identities, gallery.identities, query.cameras, gallery.cameras)
    return dict(scores, train_images=len(train),
                train_identities=len(train.classes), epochs=args.epochs,
                arch=args.arch, seed=args.seed,
                seconds=round(time.time() - start, 1))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        metrics = train_and_score(args)
    except (FileNotFoundError, ValueError) as exc:
        sys.exit(f'error: {exc}')
    print(json.dumps(metrics))
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(metrics, f, indent=1)


if __name__ == '__main__':
    main()
