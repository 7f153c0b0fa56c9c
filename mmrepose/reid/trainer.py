"""Training and scoring the re-ID strong baseline
(:class:`~mmrepose.reid.reid_net.ReIDNet`): label-smoothed identity loss +
batch-hard triplet loss (margin 0.3), P identities x K images a batch,
Adam (weight decay 5e-4) with the learning rate warmed up linearly over the
first 10 % of the epochs and divided by 10 at 50 % and 75 %; then query
against gallery by the Market-1501 protocol, each descriptor the
after-neck feature averaged with that of the flipped image.
``tools/reid/train_reid.py`` is its command line.
"""
from __future__ import annotations

import os.path as osp
import time

import numpy as np
import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

from .evaluation import distance_matrix, reid_scores
from .losses import batch_hard_triplet_loss, identity_loss
from .market_folder import MarketFolder, pk_batches
from .reid_net import ReIDNet


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


def train_and_score(data_root: str, train_dir: str | None = None,
                    arch: str = 'resnet50', pretrained: str | None = None,
                    size: tuple[int, int] = (128, 64), epochs: int = 60,
                    identities_per_batch: int = 16,
                    images_per_identity: int = 4, lr: float = 3.5e-4,
                    seed: int = 0, device: str = 'cpu',
                    progress: bool = True) -> dict:
    """Train on ``train_dir`` (default ``data_root/bounding_box_train``),
    score ``data_root/query`` against ``data_root/bounding_box_test``;
    returns the scores with the run's settings."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    run_device = torch.device(device)
    train = MarketFolder(train_dir or osp.join(data_root,
                                               'bounding_box_train'),
                         size, train=True)
    query = MarketFolder(osp.join(data_root, 'query'), size)
    gallery = MarketFolder(osp.join(data_root, 'bounding_box_test'), size)
    model = ReIDNet(len(train.classes), arch,
                    pretrained=pretrained).to(run_device)
    optimizer = torch.optim.Adam(
        [p for p in model.parameters() if p.requires_grad], lr=lr,
        weight_decay=5e-4)
    start = time.time()
    for epoch in tqdm(range(epochs), desc='training', unit='epoch',
                      disable=not progress):
        for group in optimizer.param_groups:
            group['lr'] = lr * lr_factor(epoch, epochs)
        model.train()
        for batch in pk_batches(train.labels, identities_per_batch,
                                images_per_identity, rng):
            items = [train[i] for i in batch]
            images = torch.stack([x for x, _ in items]).to(run_device)
            labels = torch.tensor([y for _, y in items], device=run_device)
            pooled, logits = model(images)
            loss = identity_loss(logits, labels) + \
                batch_hard_triplet_loss(pooled, labels)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    scores = reid_scores(
        distance_matrix(descriptors(model, query, run_device),
                        descriptors(model, gallery, run_device)),
        query.identities, gallery.identities, query.cameras, gallery.cameras)
    return dict(scores, train_images=len(train),
                train_identities=len(train.classes), epochs=epochs,
                arch=arch, seed=seed, seconds=round(time.time() - start, 1))
