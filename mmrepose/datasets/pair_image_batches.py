"""Endless batches of a split's images (each pair's source and target), for
tools that train on images alone (the guidance decoder's distillation, the
small VAE)."""
from __future__ import annotations

from collections.abc import Iterator

import torch
from mmengine.dataset import pseudo_collate
from torch.utils.data import DataLoader

from mmrepose.registry import DATASETS


def held_out_split(cfg) -> str:
    """The config's loader to measure on: ``'val_dataloader'``, else
    ``'test_dataloader'``."""
    return 'val_dataloader' if cfg.get('val_dataloader') \
        else 'test_dataloader'


def pair_image_batches(dataset_cfg: dict, preprocessor: torch.nn.Module,
                       batch: int, shuffle: bool, seed: int
                       ) -> Iterator[tuple[torch.Tensor, list]]:
    """``(images (2B, 3, H, W) in [-1, 1], data samples)`` without end:
    ``batch`` pairs of the dataset built from ``dataset_cfg``, normalised by
    the model's ``preprocessor``, sources first, then targets. Shuffled
    batches drop the last incomplete one. The dataset is built here, so a
    missing annotation file is raised by this call, not by the first
    batch."""
    dataset = DATASETS.build(dataset_cfg)
    loader = DataLoader(dataset, batch_size=batch, shuffle=shuffle,
                        collate_fn=pseudo_collate, drop_last=shuffle,
                        generator=torch.Generator().manual_seed(seed))
    return _endless(loader, preprocessor)


def _endless(loader: DataLoader, preprocessor: torch.nn.Module
             ) -> Iterator[tuple[torch.Tensor, list]]:
    while True:
        for data in loader:
            data = preprocessor(data, False)
            inputs = data['inputs']
            yield (torch.cat([inputs['source_img'], inputs['target_img']]),
                   data['data_samples'])
