"""The strong baseline's losses: identity cross-entropy with label
smoothing, and the batch-hard triplet loss (Hermans et al. 2017): for each
anchor, its farthest positive and its nearest negative in the batch,
``max(0, d(a, p) - d(a, n) + margin)`` with Euclidean distances."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def batch_hard_triplet_loss(features: Tensor, labels: Tensor,
                            margin: float = 0.3) -> Tensor:
    """Mean over anchors that have a positive and a negative in the
    batch."""
    distances = torch.cdist(features, features)
    same = labels[:, None] == labels[None]
    eye = torch.eye(len(labels), dtype=torch.bool, device=labels.device)
    positive = same & ~eye
    valid = positive.any(1) & (~same).any(1)
    if not valid.any():
        raise ValueError('a triplet batch needs at least two images of an '
                         'identity and another identity (PK sampling)')
    hardest_positive = distances.masked_fill(~positive, -1.0).amax(1)
    hardest_negative = distances.masked_fill(same, float('inf')).amin(1)
    losses = F.relu(hardest_positive - hardest_negative + margin)
    return losses[valid].mean()


def identity_loss(logits: Tensor, labels: Tensor,
                  smoothing: float = 0.1) -> Tensor:
    """Cross-entropy with label smoothing."""
    return F.cross_entropy(logits, labels, label_smoothing=smoothing)
