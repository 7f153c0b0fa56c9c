# B1 on SynthFashion at 128x88 in pixel space, sized for one GPU in under an
# hour (1 GPU x batch 32, 20k iterations).
#   python tools/train.py configs/repose/synthfashion_128_b1.py
_base_ = ['./synthfashion_64_b1.py']

image_size = (128, 88)
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
    test_cfg=dict(sampler='ddim', num_steps=50))
inference_pose_estimator = dict(scale=1.0)  # its own size

train_pipeline = [
    dict(type='LoadPairFromFile'),
    dict(type='ResizePair', scale=(88, 128), interpolation='area'),
    dict(type='RandomFlipPair', prob=0.5),
    dict(type='GeneratePoseEncoding', encoding='pidm20',
         keys=('source', 'target')),
    dict(type='PackPoseTransferInputs'),
]
test_pipeline = [
    dict(type='LoadPairFromFile'),
    dict(type='ResizePair', scale=(88, 128), interpolation='area'),
    dict(type='GeneratePoseEncoding', encoding='pidm20',
         keys=('source', 'target')),
    dict(type='PackPoseTransferInputs'),
]
train_dataloader = dict(batch_size=32, num_workers=8,
                        dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=32, num_workers=4,
                      dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
train_cfg = dict(max_iters=20000, val_interval=5000)
default_hooks = dict(checkpoint=dict(interval=5000))
env_cfg = dict(dist_cfg=dict(backend='nccl'))
