"""Inception-v3 features for FID, built from local weights.

The network is pytorch-fid's ``InceptionV3`` (pool3 block, 2048-d; the
64-d first-pooling features of HumanSD's FID are :func:`fidelity_features`):
``use_fid_inception=False`` is torchvision's ImageNet network (the FID of the
pose-transfer papers), ``True`` the TF-FID network (standard FID). The
weights come from local files only (:mod:`.weights`) or are seeded random
(:mod:`.random_weights`; not comparable to anything).

Its input preparation is done here, because the codebases differ in it.
Unit images (``pixel / 255``) are resized bilinearly to 299x299
(``align_corners=False``), then scaled by one of :data:`INCEPTION_INPUTS`:

- ``'signed'``: ``2 x - 1``, pytorch-fid's scaling (what both networks were
  trained on);
- ``'imagenet-std'``: ``x * (std / 0.5) + (mean - 0.5) / 0.5`` with the
  ImageNet mean and std, per channel: the ``inception.py`` that PIDM, GFLA
  and PCDMs share (L126-128) and CFLD ``models/metrics.py`` (L91-93). That
  is torchvision's ``transform_input``, meant for ImageNet-normalised
  inputs, applied to [0, 1] pixels: the features (and the FID, ~3.5x
  smaller) differ from pytorch-fid's on the same images.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from pytorch_fid.inception import InceptionV3

from .images import same_shape_runs, unit_batch
from .random_weights import random_inception_state_dict
from .weights import (TF_FID_INCEPTION, TORCHVISION_INCEPTION, WeightsFile,
                      resolve_weights, serve_as_hub_checkpoint)

FEATURE_DIM = 2048
INCEPTION_INPUTS = ('signed', 'imagenet-std')
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def inception_weights_file(use_fid_inception: bool) -> WeightsFile:
    return TF_FID_INCEPTION if use_fid_inception else TORCHVISION_INCEPTION


def build_fid_inception(use_fid_inception: bool = False,
                        weights: str | None = None,
                        random_weights: bool = False,
                        device: str | torch.device = 'cpu',
                        dims: int = FEATURE_DIM) -> InceptionV3:
    """pytorch-fid's ``InceptionV3`` up to the block of ``dims`` features
    (2048: pool3; 64: the first max pooling), eval mode, no download,
    without its own resizing and scaling (:func:`inception_features` and
    :func:`fidelity_features` do them).

    Args:
        use_fid_inception: TF-FID weights instead of torchvision's.
        weights: Path of the weights file; None looks in the hub cache
            under the standard name (see :mod:`.weights`).
        random_weights: Seeded random weights instead of a file.
        device: Where the network runs.
        dims: 64, 192, 768 or 2048 (pytorch-fid's blocks).
    """
    if dims not in InceptionV3.BLOCK_INDEX_BY_DIM:
        known = sorted(InceptionV3.BLOCK_INDEX_BY_DIM)
        raise ValueError(f'dims must be one of {known}, got {dims}')
    file = inception_weights_file(use_fid_inception)
    if random_weights:
        source = dict(
            state_dict=random_inception_state_dict(use_fid_inception))
    else:
        source = dict(path=resolve_weights(file, weights,
                                           'the inception_weights option '
                                           '(--inception-weights)'))
    with serve_as_hub_checkpoint(file, **source):
        model = InceptionV3([InceptionV3.BLOCK_INDEX_BY_DIM[dims]],
                            resize_input=False, normalize_input=False,
                            use_fid_inception=use_fid_inception)
    return model.eval().to(device)


def scale_inception_input(x: torch.Tensor, scaling: str) -> torch.Tensor:
    """Scale a ``(B, 3, H, W)`` unit batch as :data:`INCEPTION_INPUTS` says."""
    if scaling == 'signed':
        return 2 * x - 1
    if scaling == 'imagenet-std':
        x = x.clone()
        for c, (mean, std) in enumerate(zip(IMAGENET_MEAN, IMAGENET_STD)):
            x[:, c] = x[:, c] * (std / 0.5) + (mean - 0.5) / 0.5
        return x
    raise ValueError(f'unknown Inception input scaling {scaling!r}; '
                     f'expected one of {INCEPTION_INPUTS}')


@torch.no_grad()
def inception_features(model: InceptionV3, images: list[np.ndarray],
                       scaling: str = 'signed',
                       device: str | torch.device = 'cpu') -> np.ndarray:
    """``(N, 2048)`` pool3 features (float64) of unit images (module doc)."""
    feats = []
    for run in same_shape_runs(images):
        x = F.interpolate(unit_batch(run).to(device), size=(299, 299),
                          mode='bilinear', align_corners=False)
        out = model(scale_inception_input(x, scaling))[0]
        feats.append(out.flatten(1).cpu().numpy().astype(np.float64))
    return np.concatenate(feats)


@torch.no_grad()
def fidelity_features(model: InceptionV3, images: torch.Tensor) -> np.ndarray:
    """Features (float64, spatially averaged) of ``(B, 3, 299, 299)`` uint8
    images scaled as torch-fidelity and torchmetrics do, ``(x - 128) / 128``
    (their Inception is the TF-FID network of pytorch-fid)."""
    if images.dtype != torch.uint8 or images.shape[1:] != (3, 299, 299):
        raise ValueError(f'expected (B, 3, 299, 299) uint8 images, got '
                         f'{tuple(images.shape)} {images.dtype}')
    device = next(model.parameters()).device
    x = (images.to(device).float() - 128) / 128
    return model(x)[0].mean(dim=(2, 3)).cpu().numpy().astype(np.float64)
