"""Packing a transformed pair into ``inputs`` and a data sample."""
from __future__ import annotations

import numpy as np
import torch
from mmcv.transforms import BaseTransform

from mmrepose.registry import TRANSFORMS
from mmrepose.structures import PoseTransferDataSample

META_KEYS = ('pair_name', 'source_img_path', 'target_img_path', 'ori_shape',
             'img_shape', 'flip', 'pose_encoding', 'prompt')


def image_to_tensor(img: np.ndarray) -> torch.Tensor:
    """``(H, W, 3)`` array -> contiguous ``(3, H, W)`` tensor, dtype kept."""
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))


@TRANSFORMS.register_module()
class PackPoseTransferInputs(BaseTransform):
    """Pack a pair for the model.

    Output ``inputs`` (a dict of tensors):
        ``source_img`` ``(3, H, W)`` uint8 RGB (a pair's; a text-pose item
        has none); ``target_pose`` and, when rendered, ``source_pose``
        ``(C, H, W)`` float32.
    Output ``data_samples`` (:class:`PoseTransferDataSample`):
        ``gt_img`` = the target image ``(3, H, W)`` uint8 (when loaded),
        ``source_keypoints`` / ``target_keypoints`` ``(18, 2)`` float32
        (``(P, 18, 2)`` for an image of several people), and
        the metainfo keys in ``meta_keys`` that are present.
    """

    def __init__(self, meta_keys: tuple[str, ...] = META_KEYS):
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        if 'target_pose' not in results:
            raise KeyError('PackPoseTransferInputs needs "target_pose": put '
                           'GeneratePoseEncoding before it in the pipeline')
        inputs = {'target_pose': torch.from_numpy(results['target_pose'])}
        if 'source_img' in results:
            inputs['source_img'] = image_to_tensor(results['source_img'])
        if 'source_pose' in results:
            inputs['source_pose'] = torch.from_numpy(results['source_pose'])

        sample = PoseTransferDataSample()
        if 'target_img' in results:
            sample.gt_img = image_to_tensor(results['target_img'])
        for key in ('source_keypoints', 'target_keypoints'):
            if key in results:
                setattr(sample, key,
                        torch.from_numpy(np.asarray(results[key], np.float32)))
        sample.set_metainfo({k: results[k] for k in self.meta_keys
                             if k in results})
        return {'inputs': inputs, 'data_samples': sample}

    def __repr__(self) -> str:
        return f'{type(self).__name__}(meta_keys={self.meta_keys})'
