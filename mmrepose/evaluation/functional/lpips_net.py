"""The LPIPS network of the field (``lpips`` 0.1.4, ``net='alex'``), built
offline.

``lpips.LPIPS(pnet_rand=True)`` builds the AlexNet trunk without fetching
torchvision's ImageNet weights; the trunk's weights are then loaded here
from the local ``alexnet-owt-7be5be79.pth`` (see :mod:`.weights`). The
learned linear layers ship with the ``lpips`` package and are loaded by it.
Inputs are in [-1, 1] (GFLA ``script/metrics.py``, PIDM
``utils/metrics.py``, CFLD ``normalize=True``); PCDMs feeds [0, 1] images
unnormalised, a bug only its preset reproduces (:mod:`..metrics.lpips`).

``random_backbone=True`` loads a seeded random AlexNet instead
(:func:`.random_weights.random_alexnet_state_dict`, the same random file the
parity tests give the reference code): for tests and machines without the
AlexNet file; such a score is not comparable to anything.
"""
from __future__ import annotations

import warnings

import lpips
import torch

from .random_weights import random_alexnet_state_dict
from .weights import TORCHVISION_ALEXNET, load_state_dict, resolve_weights

#: torchvision ``alexnet.features`` index -> lpips trunk slice (1-based),
#: for the layers with parameters (the convolutions).
ALEXNET_SLICE_OF_LAYER = {0: 1, 3: 2, 6: 3, 8: 4, 10: 5}


def alexnet_trunk_state_dict(torchvision_state: dict[str, torch.Tensor]
                             ) -> dict[str, torch.Tensor]:
    """Rename torchvision AlexNet ``features.*`` keys to lpips' trunk keys
    (``slice{k}.{layer}.*``); the classifier is not used."""
    out = {}
    for key, value in torchvision_state.items():
        parts = key.split('.')
        if parts[0] != 'features':
            continue
        layer = int(parts[1])
        out[f'slice{ALEXNET_SLICE_OF_LAYER[layer]}.{layer}.{parts[2]}'] = \
            value
    return out


def build_lpips(weights: str | None = None, random_backbone: bool = False,
                seed: int = 0, device: str | torch.device = 'cpu'
                ) -> lpips.LPIPS:
    """``lpips.LPIPS(net='alex')`` in eval mode with local trunk weights.

    Args:
        weights: Path of ``alexnet-owt-7be5be79.pth``; None looks in the
            torch hub cache.
        random_backbone: Load a seeded random AlexNet (``seed``) instead.
        seed: Seed of the random AlexNet.
        device: Where the network runs.
    """
    if random_backbone:
        state = random_alexnet_state_dict(seed)
    else:
        state = load_state_dict(resolve_weights(
            TORCHVISION_ALEXNET, weights,
            'the alexnet_weights option (--alexnet-weights)'))
    # lpips initialises its layers randomly before loading: keep the
    # caller's random state
    with torch.random.fork_rng(devices=[]), warnings.catch_warnings():
        # torchvision warns that `pretrained` is deprecated: lpips' own call
        warnings.simplefilter('ignore', UserWarning)
        model = lpips.LPIPS(net='alex', pnet_rand=True, verbose=False)
    model.net.load_state_dict(alexnet_trunk_state_dict(state), strict=True)
    return model.eval().to(device)
