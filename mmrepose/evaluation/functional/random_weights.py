"""Seeded random weights for the metrics' networks, in the files' layouts.

Machines without the ImageNet weights files (and the tests) run the metrics
with random weights; such numbers are labelled not comparable. The state
dicts here have exactly the key layout of the real files, so that they go
through the same loading code, ours and the reference codebases' alike:
:func:`write_random_hub` saves them under the standard file names in a
torch hub folder, where ``torchvision``, ``pytorch-fid`` and ``lpips`` (and
so PIDM, GFLA, CFLD and PCDMs) look for them. The parity tests
(``tests/test_evaluation/test_reference_parity.py``) run the reference code
and mmrepose on the same random weights this way.
"""
from __future__ import annotations

import os
import os.path as osp

import torch
import torchvision

from .weights import (TF_FID_INCEPTION, TORCHVISION_ALEXNET,
                      TORCHVISION_INCEPTION)


def random_inception_state_dict(use_fid_inception: bool, seed: int = 0
                                ) -> dict[str, torch.Tensor]:
    """A seeded random Inception-v3 state dict in the layout of the file.

    torchvision's file is a full ``inception_v3`` (1000 classes, with the
    auxiliary classifier); pytorch-fid's TF-FID file has 1008 classes and no
    auxiliary classifier (its patched blocks keep torchvision's parameter
    names).
    """
    layout = dict(num_classes=1008, aux_logits=False) if use_fid_inception \
        else dict(num_classes=1000, aux_logits=True)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = torchvision.models.inception_v3(weights=None, init_weights=False,
                                              **layout)
        # He initialisation keeps the activations near unit scale through
        # the 90-odd layers (the default shrinks them to ~1e-8)
        for module in net.modules():
            if isinstance(module, torch.nn.Conv2d):
                torch.nn.init.kaiming_normal_(module.weight,
                                              nonlinearity='relu')
    return net.state_dict()


def random_alexnet_state_dict(seed: int = 0) -> dict[str, torch.Tensor]:
    """A seeded random torchvision AlexNet state dict (the LPIPS trunk's
    file layout, classifier included)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = torchvision.models.alexnet(weights=None)
    return net.state_dict()


def write_random_hub(hub_dir: str, seed: int = 0) -> list[str]:
    """Save the three random state dicts as ``{hub_dir}/checkpoints/{name}``
    under the standard names (``hub_dir`` is ``$TORCH_HOME/hub``); returns
    the written paths."""
    folder = osp.join(hub_dir, 'checkpoints')
    os.makedirs(folder, exist_ok=True)
    files = {
        TORCHVISION_INCEPTION.name: random_inception_state_dict(False, seed),
        TF_FID_INCEPTION.name: random_inception_state_dict(True, seed),
        TORCHVISION_ALEXNET.name: random_alexnet_state_dict(seed),
    }
    paths = []
    for name, state in files.items():
        paths.append(osp.join(folder, name))
        torch.save(state, paths[-1])
    return paths
