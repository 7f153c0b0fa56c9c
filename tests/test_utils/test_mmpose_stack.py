"""The mmpose 1.3.2 stack imports and runs under mmcv-lite + torch 2.14."""
import importlib
import sys

import numpy as np
import pytest
import torch

from mmrepose.structures import COCO17_FLIP_PAIRS, flip_permutation
from mmrepose.utils import (MissingCompiledOpError,
                            install_mmcv_ops_placeholders)


def tiny_bottomup_ae_config(num_keypoints: int = 17, size: int = 64) -> dict:
    """A small HRNet + associative-embedding model (mmpose's AE recipe)."""
    codec = dict(type='AssociativeEmbedding', input_size=(size, size),
                 heatmap_size=(size // 4, size // 4), sigma=2,
                 decode_keypoint_order=list(range(num_keypoints)),
                 decode_max_instances=5)
    stage = lambda n: dict(num_modules=1, num_branches=n, block='BASIC',  # noqa
                           num_blocks=(1,) * n,
                           num_channels=tuple(8 * 2**i for i in range(n)))
    return dict(
        type='BottomupPoseEstimator',
        data_preprocessor=dict(type='PoseDataPreprocessor',
                               mean=[123.675, 116.28, 103.53],
                               std=[58.395, 57.12, 57.375]),
        backbone=dict(type='HRNet', in_channels=3, extra=dict(
            stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK',
                        num_blocks=(1,), num_channels=(8,)),
            stage2=stage(2), stage3=stage(3), stage4=stage(4))),
        head=dict(type='AssociativeEmbeddingHead', in_channels=8,
                  num_keypoints=num_keypoints, tag_dim=1,
                  tag_per_keypoint=True, deconv_out_channels=None,
                  keypoint_loss=dict(type='KeypointMSELoss',
                                     use_target_weight=True),
                  tag_loss=dict(type='AssociativeEmbeddingLoss',
                                loss_weight=0.001),
                  decoder=codec),
        # flip_test=True as mmpose's AE recipe: its head's single-scale
        # predict path expects the (original, flipped) feature pair
        test_cfg=dict(multiscale_test=False, flip_test=True,
                      shift_heatmap=False, restore_heatmap_size=False,
                      align_corners=False))


def test_mmpose_models_import_and_hrnet_ae_forward():
    importlib.import_module('mmpose.models')
    from mmpose.registry import MODELS
    from mmpose.structures import PoseDataSample
    from mmpose.utils import register_all_modules as register_mmpose

    from mmengine.registry import DefaultScope

    register_mmpose(init_default_scope=False)
    with DefaultScope.overwrite_default_scope('mmpose'):
        model = MODELS.build(tiny_bottomup_ae_config()).eval()
    img = torch.rand(2, 3, 64, 64, requires_grad=True)
    heatmaps, tags = model(img, None, mode='tensor')
    assert heatmaps.shape == (2, 17, 16, 16) and tags.shape == (2, 17, 16, 16)
    # differentiable with respect to the input image (what PIF guidance needs)
    heatmaps.square().sum().backward()
    assert img.grad is not None and img.grad.abs().sum() > 0

    sample = PoseDataSample(metainfo=dict(input_size=np.array([64, 64]),
                                          input_center=np.array([32., 32.]),
                                          input_scale=np.array([64., 64.]),
                                          img_shape=(64, 64),
                                          ori_shape=(64, 64),
                                          flip_indices=flip_permutation(
                                              COCO17_FLIP_PAIRS, 17).tolist()))
    with torch.no_grad():
        [result] = model(img[:1].detach(), [sample], mode='predict')
    assert result.pred_instances.keypoints.shape[1:] == (17, 2)


def test_placeholders_raise_a_clear_error():
    assert install_mmcv_ops_placeholders()  # mmcv-lite: no compiled ops
    assert install_mmcv_ops_placeholders()  # idempotent
    ops = sys.modules['mmcv.ops']
    from mmcv.ops import DeformConv2d  # any name resolves to a placeholder
    with pytest.raises(MissingCompiledOpError, match='mmcv.ops.DeformConv2d'):
        DeformConv2d(3, 3, 3)
    with pytest.raises(AttributeError):
        ops.__wrapped__
