"""Batching and normalisation of pose-transfer pairs.

Turns the pipeline's per-sample ``inputs`` dicts (uint8 images, float pose
maps) into batched tensors on the model's device: images (source, and the
target from each data sample's ``gt_img``) to float in [-1, 1], pose maps
kept as rendered ([0, 1]). Data samples pass through unchanged.
"""
from __future__ import annotations

from typing import Any

import torch
from mmengine.model import BaseDataPreprocessor

from mmrepose.registry import MODELS
from mmrepose.structures.image_range import images_to_unit_range

IMAGE_KEYS = ('source_img',)


@MODELS.register_module()
class PoseTransferDataPreprocessor(BaseDataPreprocessor):
    """Stack, move to device and normalise a batch of pairs.

    Output ``inputs``: ``source_img`` (pairs; text-pose items have none)
    and (when data samples carry ``gt_img``) ``target_img`` as
    ``(B, 3, H, W)`` floats in [-1, 1];
    ``target_pose`` / ``source_pose`` as ``(B, C, H, W)`` floats.
    """

    def forward(self, data: dict, training: bool = False) -> dict[str, Any]:
        data = self.cast_data(data)
        inputs, samples = data['inputs'], data.get('data_samples')
        if not isinstance(inputs, dict) or 'target_pose' not in inputs:
            raise KeyError('PoseTransferDataPreprocessor expects inputs with '
                           f'"target_pose" (and a pair\'s "source_img"), got '
                           f'{sorted(inputs) if isinstance(inputs, dict) else type(inputs)}')
        batch = {}
        for key, value in inputs.items():
            value = torch.stack(value) if isinstance(value, (list, tuple)) \
                else value
            batch[key] = images_to_unit_range(value) if key in IMAGE_KEYS \
                else value.float()
        if samples and all('gt_img' in s for s in samples):
            batch['target_img'] = images_to_unit_range(
                torch.stack([s.gt_img for s in samples]).to(self.device))
        return {'inputs': batch, 'data_samples': samples}
