# B1 (PIDM-like) on SynthFashion at 64x44 in pixel space: a CPU-sized model
# (1 CPU/GPU x batch 8, 2k iterations); the embedded default model
# (docs/embedded_model.md) is this config trained longer.
#   python tools/train.py configs/repose/synthfashion_64_b1.py
_base_ = [
    '../_base_/datasets/synthfashion.py',
    '../_base_/models/repose_b1_pixel.py',
    '../_base_/pose_estimators/ae_hrnet_w16_synthfashion.py',
    '../_base_/pose_estimators/simplebaseline_res18_synthfashion_reader.py',
    '../_base_/schedules/adamw_2k.py', '../_base_/default_runtime.py'
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
    # far sooner predicting v.
    diffusion=dict(prediction_type='v_prediction'),
    # CFG 1.25, chosen on the val split (docs/embedded_model.md):
    # 1.0-1.5 score alike, 1.75 worse, 2.0 breaks the clothes into noise.
    test_cfg=dict(sampler='ddim', num_steps=20, cfg_scale=1.25))

train_dataloader = dict(batch_size=8, num_workers=2)
val_dataloader = dict(batch_size=8, num_workers=2)
test_dataloader = val_dataloader

default_hooks = dict(logger=dict(interval=20),
                     checkpoint=dict(interval=1000, max_keep_ckpts=2))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
# 64 px images, x2 for both estimators: the one that reads poses from photos
# at inference (the demo), and the one PIF guides with in the full configs
# built on this one
pose_reader = dict(scale=2.0)
pose_estimator = dict(scale=2.0)
