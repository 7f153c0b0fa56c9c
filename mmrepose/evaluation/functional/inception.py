"""pytorch-fid's Inception-v3 feature extractor, built from local weights.

``use_fid_inception=False`` is torchvision's ImageNet network, the FID of the
pose-transfer papers (GFLA README, PIDM ``utils/metrics.py``, CFLD
``FidRealDeepFashion``); ``True`` is the TF-FID network. Images go in as
[0, 1] RGB and pytorch-fid resizes them bilinearly to 299x299 and scales
them to [-1, 1]; the features are the 2048-d pool3 activations.

Random weights (``random_weights=True``, seeded) exist for machines without
the weights files and for tests; their FID is not comparable to anything.
"""
from __future__ import annotations

import numpy as np
import torch
import torchvision
from pytorch_fid.inception import InceptionV3

from .images import images_to_tensor, same_shape_runs
from .weights import (TF_FID_INCEPTION, TORCHVISION_INCEPTION, WeightsFile,
                      resolve_weights, serve_as_hub_checkpoint)

FEATURE_DIM = 2048


def inception_weights_file(use_fid_inception: bool) -> WeightsFile:
    return TF_FID_INCEPTION if use_fid_inception else TORCHVISION_INCEPTION


def random_inception_state_dict(use_fid_inception: bool, seed: int = 0
                                ) -> dict[str, torch.Tensor]:
    """A seeded random state dict in the key layout pytorch-fid loads.

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


def build_fid_inception(use_fid_inception: bool = False,
                        weights: str | None = None,
                        random_weights: bool = False,
                        device: str | torch.device = 'cpu') -> InceptionV3:
    """pytorch-fid's ``InceptionV3`` (pool3 block), eval mode, no download.

    Args:
        use_fid_inception: TF-FID weights instead of torchvision's.
        weights: Path of the weights file; None looks in the hub cache
            under the standard name (see :mod:`.weights`).
        random_weights: Seeded random weights instead of a file.
        device: Where the network runs.
    """
    file = inception_weights_file(use_fid_inception)
    if random_weights:
        source = dict(
            state_dict=random_inception_state_dict(use_fid_inception))
    else:
        source = dict(path=resolve_weights(file, weights,
                                           'the inception_weights option '
                                           '(--inception-weights)'))
    with serve_as_hub_checkpoint(file, **source):
        model = InceptionV3([InceptionV3.BLOCK_INDEX_BY_DIM[FEATURE_DIM]],
                            use_fid_inception=use_fid_inception)
    return model.eval().to(device)


@torch.no_grad()
def inception_features(model: InceptionV3, images: list[np.ndarray],
                       device: str | torch.device = 'cpu') -> np.ndarray:
    """``(N, 2048)`` float32 pool3 features of uint8 ``(H, W, 3)`` images."""
    feats = []
    for run in same_shape_runs(images):
        batch = images_to_tensor(run, 'unit').to(device)
        feats.append(model(batch)[0].flatten(1).cpu().numpy())
    return np.concatenate(feats)
