"""A folder of Market-1501-named images as a re-ID dataset, and the
identity-balanced batches the triplet loss needs."""
from __future__ import annotations

import os
from collections.abc import Iterator

import numpy as np
import torch
from torch import Tensor
from torch.utils.data import Dataset

from mmrepose.datasets.transforms import load_rgb_image
from .market_names import parse_market_name

#: ImageNet's mean and std, as the re-ID baselines normalise ((3, 1, 1)).
MEAN = torch.tensor((0.485, 0.456, 0.406))[:, None, None]
STD = torch.tensor((0.229, 0.224, 0.225))[:, None, None]


class MarketFolder(Dataset):
    """The ``.jpg``/``.png`` images of a folder named as Market-1501 names
    them; identity -1 (junk) is left out.

    Args:
        folder: The images (``bounding_box_train``, ``query``, ...).
        size: ``(H, W)`` the images are resized to.
        train: Random horizontal flips and 10-pixel pad-and-crop.
    """

    def __init__(self, folder: str, size: tuple[int, int] = (128, 64),
                 train: bool = False):
        if not os.path.isdir(folder):
            raise FileNotFoundError(f're-ID image folder {folder} not found')
        names = sorted(n for n in os.listdir(folder)
                       if n.lower().endswith(('.jpg', '.png')))
        parsed = [(n, parse_market_name(n)) for n in names]
        self.items = [(os.path.join(folder, n), p) for n, p in parsed
                      if p.identity >= 0]
        if not self.items:
            raise ValueError(f'{folder} holds no Market-1501-named image')
        self.identities = np.array([p.identity for _, p in self.items])
        self.cameras = np.array([p.camera for _, p in self.items])
        #: identity -> class index 0..C-1 (training labels)
        self.classes = {pid: i for i, pid in
                        enumerate(sorted(set(self.identities.tolist())))}
        self.labels = np.array([self.classes[p] for p in self.identities])
        self.size, self.train = size, train

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> tuple[Tensor, int]:
        path, _ = self.items[index]
        image = load_rgb_image(path)
        h, w = self.size
        image = torch.from_numpy(image).permute(2, 0, 1).float() / 255
        image = torch.nn.functional.interpolate(
            image[None], size=(h, w), mode='bilinear', antialias=True,
            align_corners=False)[0]
        if self.train:
            if torch.rand(()) < 0.5:
                image = image.flip(-1)
            padded = torch.nn.functional.pad(image, (10, 10, 10, 10))
            y, x = torch.randint(0, 21, (2, ))
            image = padded[:, y:y + h, x:x + w]
        return (image - MEAN) / STD, int(self.labels[index])


def pk_batches(labels: np.ndarray, identities_per_batch: int,
               images_per_identity: int,
               rng: np.random.Generator) -> Iterator[list[int]]:
    """One epoch of batches of P identities x K images each (images drawn
    with replacement for identities with fewer than K), every identity
    once per epoch; identities left over (fewer than P) are dropped."""
    by_class: dict[int, np.ndarray] = {
        c: np.flatnonzero(labels == c) for c in np.unique(labels)}
    if len(by_class) < 2:
        raise ValueError('PK batches need at least two identities')
    order = rng.permutation(list(by_class))
    p = min(identities_per_batch, len(order))
    for start in range(0, len(order) - p + 1, p):
        batch = []
        for c in order[start:start + p]:
            pool = by_class[int(c)]
            batch += rng.choice(pool, images_per_identity,
                                replace=len(pool) < images_per_identity
                                ).tolist()
        yield batch
