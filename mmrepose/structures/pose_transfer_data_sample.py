"""PoseTransferDataSample: what travels with one (source, target pose) pair.

A :class:`mmengine.structures.BaseDataElement` whose data fields are

- ``gt_img``: the target image, ``(3, H, W)`` (uint8 from the pipeline; the
  data preprocessor turns it into float in [-1, 1]);
- ``pred_img``: the generated image, ``(3, H, W)``, set by ``predict``;
- ``source_keypoints`` / ``target_keypoints``: ``(18, 2)`` float tensors,
  OpenPose-18 ``(x, y)`` in the frame of the (transformed) images, -1 missing;

and whose metainfo holds the pair's identity (``pair_name``,
``source_img_path``, ``target_img_path``), the image shapes before and after
the pipeline (``ori_shape``, ``img_shape``, as ``(H, W)``), ``flip`` and the
``pose_encoding`` used. Image-like inputs for the network (source image, pose
maps) travel in ``inputs``, not here.
"""
from __future__ import annotations

import torch
from mmengine.structures import BaseDataElement


#: Data fields that must hold tensors.
TENSOR_FIELDS = ('gt_img', 'pred_img', 'source_keypoints', 'target_keypoints')


class PoseTransferDataSample(BaseDataElement):
    """Data sample of pose-guided person image synthesis (see module doc).

    The fields in :data:`TENSOR_FIELDS` only accept tensors, so a wrong type
    fails where it is set rather than deep inside the model.
    """

    def __setattr__(self, name: str, value) -> None:
        if name in TENSOR_FIELDS and not isinstance(value, torch.Tensor):
            raise TypeError(f'PoseTransferDataSample.{name} must be a '
                            f'torch.Tensor, got {type(value).__name__}')
        super().__setattr__(name, value)
