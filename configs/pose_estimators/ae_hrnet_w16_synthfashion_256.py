# A small bottom-up pose estimator for SynthFashion 256x176 images: HRNet-W16
# (one module per stage) + associative-embedding head, mmpose 1.x's AE recipe
# (mmpose/configs/body_2d_keypoint/associative_embedding/coco/
# ae_hrnet-w32_8xb24-300e_coco-512x512.py) scaled down, COCO-17 keypoints.
# Training runs mmpose's own pipeline through mmengine's Runner:
#   python tools/dataset_converters/make_synthfashion.py --out data/synthfashion \
#       --size 256x176 --train-ids 150 --test-ids 20 --val-ids 20 \
#       --poses-per-id 6 --seed 0
#   python tools/train_pose_estimator.py configs/pose_estimators/ae_hrnet_w16_synthfashion_256.py
#   python tools/analysis/eval_pose_estimator.py \
#       configs/pose_estimators/ae_hrnet_w16_synthfashion_256.py \
#       checkpoints/pose_estimators/ae_hrnet_w16_synthfashion_256.pth
# Suggested schedule 1 GPU x batch 16, 20k iterations; not trained here (no
# GPU): the CPU-trained model is the 128x88 variant,
# ae_hrnet_w16_synthfashion_128.py (docs/pose_estimator.md).
default_scope = 'mmpose'

# Images the model is made for, (H, W). The network input is padded to a
# multiple of 32: 256x176 -> 256x192 (MMPoseEstimator pads on the right).
image_size = (256, 176)
input_size = (192, 256)  # (w, h), mmpose's order

# runtime
train_cfg = dict(by_epoch=False, max_iters=20000)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1.5e-3))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=300, start_factor=0.001,
         by_epoch=False),  # warm-up
    dict(type='CosineAnnealingLR', begin=300, end=train_cfg['max_iters'],
         eta_min=1.5e-5, by_epoch=False),
]

# codec: Gaussian heatmaps at stride 4, sigma in heatmap pixels
codec = dict(
    type='AssociativeEmbedding',
    input_size=input_size,
    heatmap_size=(input_size[0] // 4, input_size[1] // 4),
    sigma=2,
    decode_topk=30,
    decode_center_shift=0.5,
    decode_keypoint_order=[
        0, 1, 2, 3, 4, 5, 6, 11, 12, 7, 8, 9, 10, 13, 14, 15, 16
    ],
    decode_max_instances=1)  # one person per SynthFashion image

# model: HRNet-W16, stage 1 with two bottlenecks, stages 2-4 one module of
# two basic blocks per branch; the head reads the stride-4 branch (16 ch.)
model = dict(
    type='BottomupPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='HRNet',
        in_channels=3,
        extra=dict(
            stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK',
                        num_blocks=(2, ), num_channels=(32, )),
            stage2=dict(num_modules=1, num_branches=2, block='BASIC',
                        num_blocks=(2, 2), num_channels=(16, 32)),
            stage3=dict(num_modules=1, num_branches=3, block='BASIC',
                        num_blocks=(2, 2, 2), num_channels=(16, 32, 64)),
            stage4=dict(num_modules=1, num_branches=4, block='BASIC',
                        num_blocks=(2, 2, 2, 2),
                        num_channels=(16, 32, 64, 128)))),
    head=dict(
        type='AssociativeEmbeddingHead',
        in_channels=16,
        num_keypoints=17,
        tag_dim=1,
        tag_per_keypoint=True,
        deconv_out_channels=None,
        keypoint_loss=dict(type='KeypointMSELoss', use_target_weight=True),
        tag_loss=dict(type='AssociativeEmbeddingLoss', loss_weight=0.001),
        decoder=codec),
    # flip_test=True: the AE head's single-scale predict path expects it
    test_cfg=dict(
        multiscale_test=False,
        flip_test=True,
        shift_heatmap=False,
        restore_heatmap_size=False,
        align_corners=False))

# data: SynthFashion's COCO keypoint json (17 COCO keypoints per person)
dataset_type = 'CocoDataset'
data_mode = 'bottomup'
data_root = 'data/synthfashion/'

train_pipeline = [
    dict(type='LoadImage'),
    dict(
        type='BottomupRandomAffine',
        input_size=codec['input_size'],
        shift_factor=0.1,
        scale_factor=(0.8, 1.25),
        rotate_factor=15,
        shear_factor=0),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='BottomupGetHeatmapMask'),
    # mmpose 1.3.2 does not pack the AE codec's keypoint_indices
    dict(type='mmrepose.PackAEKeypointIndices'),
    dict(type='PackPoseInputs'),
]

train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/synthfashion_keypoints_train.json',
        data_prefix=dict(img='train/'),
        pipeline=train_pipeline,
    ))

# Evaluation is tools/analysis/eval_pose_estimator.py (PCK@0.1 and mean
# keypoint error on the test split, as mmrepose's PoseAccuracy metric).
test_split = dict(
    ann_file='annotations/synthfashion_keypoints_test.json',
    img_dir='test/')

# hooks and runtime (mmengine defaults; atomic checkpoint writes)
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1000, by_epoch=False,
                    max_keep_ckpts=2,
                    backend_args=dict(backend='atomic_local')),
    sampler_seed=dict(type='DistSamplerSeedHook'))
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)
log_processor = dict(window_size=50, by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0)
