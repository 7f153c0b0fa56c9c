"""Tiny RePoseDM configs and batches for CPU tests."""
from __future__ import annotations

import torch

from mmrepose.structures import PoseTransferDataSample
from test_utils.test_mmpose_stack import tiny_bottomup_ae_config

TINY_UNET_CFG = dict(
    block_out_channels=(32, 64), layers_per_block=1,
    down_block_types=('DownBlock2D', 'CrossAttnDownBlock2D'),
    up_block_types=('CrossAttnUpBlock2D', 'UpBlock2D'),
    attention_head_dim=8, norm_num_groups=8)


def tiny_b1_cfg(pose_channels: int = 20, sample_channels: int = 3,
                autoencoder: dict | None = None, **kwargs) -> dict:
    return dict(
        type='RePoseDM',
        autoencoder=autoencoder or dict(type='IdentityAutoencoder'),
        unet=dict(type='PoseConditionedUNet', sample_channels=sample_channels,
                  pose_channels=pose_channels, context_dim=32,
                  unet_cfg=TINY_UNET_CFG),
        appearance_encoder=dict(type='SourceAppearanceEncoder',
                                channels=(16, 32, 32), token_stages=(1, 2),
                                context_dim=32),
        test_cfg=dict(sampler='ddim', num_steps=3, progress=False),
        **kwargs)


def tiny_b2_cfg(pose_channels: int = 20, sample_channels: int = 3,
                autoencoder: dict | None = None, stride: int = 4,
                **kwargs) -> dict:
    """B2: the tiny B1 with Recurrent Pose Alignment for the tokens."""
    cfg = tiny_b1_cfg(pose_channels, sample_channels, autoencoder, **kwargs)
    del cfg['appearance_encoder']
    cfg['pose_alignment'] = dict(
        type='RecurrentPoseAlignment', image_channels=sample_channels,
        pose_channels=pose_channels, context_dim=32, dim=16, num_heads=2,
        radius=2, stride=stride)
    return cfg


def tiny_full_cfg(enabled: bool = True, scale: float = 1.0) -> dict:
    """The full model: the tiny B2 with PIF (a tiny AE estimator, PIF
    training on all timesteps when ``enabled``, guidance scale ``scale``)."""
    cfg = tiny_b2_cfg()
    cfg['pose_interaction_field'] = dict(
        type='PoseInteractionField',
        estimator=dict(type='MMPoseEstimator',
                       config=tiny_bottomup_ae_config(), checkpoint=None),
        train_cfg=dict(enabled=enabled, max_timestep=1000))
    cfg['test_cfg'] = {**cfg['test_cfg'], 'guidance_scale': scale}
    return cfg


def random_batch(batch: int = 2, size=(32, 22), pose_channels: int = 20,
                 seed: int = 0, target_keypoints: bool = False) -> dict:
    """A collated batch as the dataloader gives it (lists per key), with
    the source and target pose inputs; with ``target_keypoints``, each
    sample's 18 random target keypoints (x, y) in the image, which PIF
    needs."""
    g = torch.Generator().manual_seed(seed)
    h, w = size
    samples = []
    for _ in range(batch):
        s = PoseTransferDataSample(metainfo=dict(pair_name='a_2_b'))
        s.gt_img = torch.randint(0, 256, (3, h, w), dtype=torch.uint8,
                                 generator=g)
        samples.append(s)
    if target_keypoints:
        g_kps = torch.Generator().manual_seed(seed + 3)
        for s in samples:
            s.target_keypoints = torch.rand(18, 2, generator=g_kps) * \
                torch.tensor([w, h])
    return dict(
        inputs=dict(
            source_img=[torch.randint(0, 256, (3, h, w), dtype=torch.uint8,
                                      generator=g) for _ in range(batch)],
            target_pose=[torch.rand(pose_channels, h, w, generator=g)
                         for _ in range(batch)],
            source_pose=[torch.rand(pose_channels, h, w, generator=g)
                         for _ in range(batch)]),
        data_samples=samples)
