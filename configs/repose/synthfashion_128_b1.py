# B1 on SynthFashion at 128x88 in pixel space, sized for one GPU in under an
# hour (1 GPU x batch 32, 20k iterations).
#   python tools/train.py configs/repose/synthfashion_128_b1.py
_base_ = [
    '../_base_/datasets/synthfashion.py',
    '../_base_/models/repose_b1_pixel.py',
    '../_base_/pose_estimators/ae_hrnet_w16_synthfashion.py',
    '../_base_/pose_estimators/simplebaseline_res18_synthfashion_reader.py',
    '../_base_/schedules/adamw_2k.py', '../_base_/default_runtime.py'
]

image_size = (128, 88)  # (H, W)
context_dim = 128
model = dict(
    unet=dict(
        context_dim=context_dim,
        unet_cfg=dict(block_out_channels=(64, 128, 128, 256),
                      layers_per_block=2,
                      down_block_types=('DownBlock2D', 'DownBlock2D',
                                        'CrossAttnDownBlock2D',
                                        'CrossAttnDownBlock2D'),
                      up_block_types=('CrossAttnUpBlock2D',
                                      'CrossAttnUpBlock2D', 'UpBlock2D',
                                      'UpBlock2D'),
                      attention_head_dim=8, norm_num_groups=32)),
    appearance_encoder=dict(channels=(64, 128, 128, 256), token_stages=(2, 3),
                            context_dim=context_dim),
    diffusion=dict(prediction_type='v_prediction'),  # as synthfashion_64_b1
    test_cfg=dict(sampler='ddim', num_steps=50, cfg_scale=1.25))

train_dataloader = dict(batch_size=32)
val_dataloader = dict(batch_size=32)
test_dataloader = val_dataloader

train_cfg = dict(max_iters=20000, val_interval=5000)
default_hooks = dict(logger=dict(interval=20),
                     checkpoint=dict(interval=5000, max_keep_ckpts=2))
