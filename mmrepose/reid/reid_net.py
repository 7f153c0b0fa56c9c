"""The re-ID model of the augmentation experiment: a ResNet with a BNNeck.

The "strong baseline" of person re-identification (Luo et al., "Bag of
Tricks and a Strong Baseline for Deep Person Re-identification", CVPRW
2019): a ResNet whose last stage keeps stride 1, global average pooling, a
batch-norm "neck" between the pooled feature and the identity classifier
(its shift frozen at 0), a bias-free classifier; the triplet loss acts on
the pooled feature, the identity loss on the classifier's logits, and the
normalised (after-neck) feature is the descriptor at test time.

The ResNet is torchvision's, built with random weights; ``pretrained`` is a
local torchvision state-dict file (e.g. ImageNet weights put there by the
user), since nothing is downloaded at run time.
"""
from __future__ import annotations

import os.path as osp

import torch
import torchvision
from torch import Tensor, nn

ARCHS = ('resnet18', 'resnet34', 'resnet50')


class ReIDNet(nn.Module):
    """ResNet + BNNeck.

    Args:
        num_classes: Identities of the training set.
        arch: One of :data:`ARCHS`.
        last_stride: Stride of the last ResNet stage (1 keeps a 2x larger
            final map, the strong baseline's choice).
        pretrained: A torchvision state dict of ``arch`` to start from.
    """

    def __init__(self, num_classes: int, arch: str = 'resnet50',
                 last_stride: int = 1, pretrained: str | None = None):
        super().__init__()
        if arch not in ARCHS:
            raise ValueError(f'unknown arch {arch!r}; expected one of {ARCHS}')
        resnet = getattr(torchvision.models, arch)(weights=None)
        if pretrained is not None:
            if not osp.isfile(pretrained):
                raise FileNotFoundError(
                    f'pretrained weights {pretrained} not found: put a '
                    f'torchvision {arch} state dict there, or leave it out '
                    'to start from random weights')
            state = torch.load(pretrained, map_location='cpu',
                               weights_only=True)
            resnet.load_state_dict(state)
        if last_stride == 1:
            block = resnet.layer4[0]
            block.conv1.stride = block.conv2.stride = (1, 1)
            if block.downsample is not None:
                block.downsample[0].stride = (1, 1)
        self.backbone = nn.Sequential(*list(resnet.children())[:-2])
        self.feature_dim = resnet.fc.in_features
        self.neck = nn.BatchNorm1d(self.feature_dim)
        self.neck.bias.requires_grad_(False)
        self.classifier = nn.Linear(self.feature_dim, num_classes, bias=False)
        nn.init.normal_(self.classifier.weight, std=0.001)

    def forward(self, images: Tensor) -> tuple[Tensor, Tensor] | Tensor:
        """Training: ``(pooled features, logits)``; eval: the after-neck
        features (the descriptors)."""
        pooled = self.backbone(images).mean((2, 3))
        after = self.neck(pooled)
        if self.training:
            return pooled, self.classifier(after)
        return after
