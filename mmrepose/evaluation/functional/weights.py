"""Local pretrained weights for the metrics' networks, never downloaded.

The field's metrics use three ImageNet networks (evaluation.md, "Weights"):

- torchvision's Inception-v3 ``inception_v3_google-0cc3c7bd.pth`` (the FID of
  GFLA, PIDM and CFLD: pytorch-fid's ``InceptionV3(use_fid_inception=False)``);
- pytorch-fid's TF-FID Inception ``pt_inception-2015-12-05-6726825d.pth``
  (``use_fid_inception=True``, standard TF FID);
- torchvision's AlexNet ``alexnet-owt-7be5be79.pth`` (the LPIPS trunk).

A weights file is either given by path or looked up in the torch hub cache
(``$TORCH_HOME/hub/checkpoints/``) under its standard name. A missing file
raises :class:`FileNotFoundError` naming the file and where to put it,
before any network is constructed.

pytorch-fid's ``InceptionV3`` loads its weights itself through
``torch.hub.load_state_dict_from_url``, which downloads whatever is not in
the hub cache. :func:`serve_as_hub_checkpoint` therefore runs that
construction against a private temporary hub directory that holds exactly
the checked file (a link to it) under its standard name, so pytorch-fid's
own loading path reads the local file and has nothing to download.
"""
from __future__ import annotations

import os
import os.path as osp
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch

from mmrepose.engine.checkpoint_loading import read_checkpoint


@dataclass(frozen=True)
class WeightsFile:
    """A pretrained network's standard file: its name and origin."""
    name: str
    what: str
    url: str


TORCHVISION_INCEPTION = WeightsFile(
    'inception_v3_google-0cc3c7bd.pth',
    "torchvision's ImageNet Inception-v3 (FID of the pose-transfer papers)",
    'https://download.pytorch.org/models/inception_v3_google-0cc3c7bd.pth')
TF_FID_INCEPTION = WeightsFile(
    'pt_inception-2015-12-05-6726825d.pth',
    "pytorch-fid's TF-FID Inception-v3",
    'https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/'
    'pt_inception-2015-12-05-6726825d.pth')
TORCHVISION_ALEXNET = WeightsFile(
    'alexnet-owt-7be5be79.pth', "torchvision's ImageNet AlexNet (LPIPS trunk)",
    'https://download.pytorch.org/models/alexnet-owt-7be5be79.pth')


def hub_checkpoint_dir() -> str:
    """The torch hub cache, ``$TORCH_HOME/hub/checkpoints``."""
    return osp.join(torch.hub.get_dir(), 'checkpoints')


def resolve_weights(weights: WeightsFile, path: str | None = None,
                    option: str = 'weights') -> str:
    """The local file of ``weights``: ``path`` when given, else the hub
    cache's file of the standard name; a clear error when it is missing.

    ``option`` names the config option / command-line flag that takes a
    path, for the error message.
    """
    candidate = path if path is not None else osp.join(
        hub_checkpoint_dir(), weights.name)
    if osp.isfile(candidate):
        return candidate
    raise FileNotFoundError(
        f'{weights.what} weights not found: {candidate}. Put '
        f'{weights.name} (from {weights.url}) in {hub_checkpoint_dir()} '
        f'($TORCH_HOME/hub/checkpoints) or pass its path with {option}; '
        'nothing is downloaded. Random weights (not comparable) are an '
        'explicit option for machines without them (--random-weights).')


def load_state_dict(path: str) -> dict[str, torch.Tensor]:
    """Read a plain state dict (tensors only) on the CPU."""
    return read_checkpoint(path)


@contextmanager
def serve_as_hub_checkpoint(weights: WeightsFile, path: str | None = None,
                            state_dict: dict | None = None) -> Iterator[None]:
    """Make ``torch.hub`` see exactly one cached checkpoint, ``weights.name``,
    with the contents of ``path`` (linked) or of ``state_dict`` (saved), for
    the duration of the block; the previous hub directory is restored."""
    if (path is None) == (state_dict is None):
        raise ValueError('give exactly one of path and state_dict')
    with tempfile.TemporaryDirectory(prefix='mmrepose_hub_') as hub:
        target = osp.join(hub, 'checkpoints', weights.name)
        os.makedirs(osp.dirname(target))
        if path is not None:
            os.symlink(osp.abspath(path), target)
        else:
            torch.save(state_dict, target)
        previous = torch.hub._hub_dir  # None: follow $TORCH_HOME again
        torch.hub.set_dir(hub)
        try:
            yield
        finally:
            torch.hub._hub_dir = previous
