# B1 (PIDM-like) on SynthFashion at 64x44 in pixel space: a CPU-sized model
# for smoke tests and quick experiments (1 CPU/GPU x batch 8, 2k iterations).
#   python tools/dataset_converters/make_synthfashion.py --out data/synthfashion \
#       --size 256x176 --train-ids 150 --test-ids 20 --val-ids 20 \
#       --poses-per-id 6 --seed 0
#   python tools/train.py configs/repose/synthfashion_64_b1.py
_base_ = [
    '../_base_/datasets/synthfashion_256.py',
    '../_base_/models/repose_b1_pixel.py',
    '../_base_/schedules/adamw_300k.py', '../_base_/default_runtime.py'
]

image_size = (64, 44)  # (H, W)
context_dim = 64
model = dict(
    unet=dict(
        context_dim=context_dim,
        unet_cfg=dict(
            block_out_channels=(32, 64, 64),
            layers_per_block=1,
            down_block_types=('DownBlock2D', 'DownBlock2D',
                              'CrossAttnDownBlock2D'),
            up_block_types=('CrossAttnUpBlock2D', 'UpBlock2D', 'UpBlock2D'),
            attention_head_dim=4,
            norm_num_groups=16)),
    appearance_encoder=dict(channels=(32, 64, 64), token_stages=(1, 2),
                            context_dim=context_dim),
    # v-prediction (GaussianDiffusion doc): the paper predicts eps; a model
    # this small, trained for hours on CPU, places colours and backgrounds
    # far sooner predicting v. Every SynthFashion config inherits it.
    diffusion=dict(prediction_type='v_prediction'),
    # CFG 1.25, chosen on the val split (docs/embedded_model.md):
    # 1.0-1.5 score alike, 1.75 worse, 2.0 breaks the clothes into noise.
    test_cfg=dict(sampler='ddim', num_steps=20, cfg_scale=1.25))

# The pose estimator that reads poses from photos at inference (a driving
# photo as target, the source's pose for RPA models; PoseTransferInferencer
# and the demo): the SynthFashion AE-HRNet-W16 (docs/pose_estimator.md),
# made for 128-pixel-high images, so it sees these x2.
inference_pose_estimator = dict(
    type='MMPoseEstimator',
    config='configs/pose_estimators/ae_hrnet_w16_synthfashion_128.py',
    checkpoint='checkpoints/pose_estimators/ae_hrnet_w16_synthfashion_128.pth',
    scale=2.0)

train_pipeline = [
    dict(type='LoadPairFromFile'),
    dict(type='ResizePair', scale=(image_size[1], image_size[0]),
         interpolation='area'),
    dict(type='RandomFlipPair', prob=0.5),
    dict(type='GeneratePoseEncoding', encoding='pidm20',
         keys=('source', 'target')),
    dict(type='PackPoseTransferInputs'),
]
test_pipeline = [
    dict(type='LoadPairFromFile'),
    dict(type='ResizePair', scale=(image_size[1], image_size[0]),
         interpolation='area'),
    dict(type='GeneratePoseEncoding', encoding='pidm20',
         keys=('source', 'target')),
    dict(type='PackPoseTransferInputs'),
]
train_dataloader = dict(batch_size=8, num_workers=2, persistent_workers=True,
                        dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=8, num_workers=2, persistent_workers=True,
                      dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader

optim_wrapper = dict(optimizer=dict(lr=2e-4))
train_cfg = dict(max_iters=2000, val_interval=1000)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-2, by_epoch=False, begin=0, end=50)
]
default_hooks = dict(logger=dict(interval=20),
                     checkpoint=dict(interval=1000, max_keep_ckpts=2))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
