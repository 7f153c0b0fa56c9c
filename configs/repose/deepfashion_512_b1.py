# B1 on DeepFashion 512x352 (latent 64x44), 8 GPUs x batch 8, 300k
# iterations; gradient checkpointing in the U-Net to fit the memory.
#   tools/dist_train.sh configs/repose/deepfashion_512_b1.py 8
_base_ = ['./deepfashion_256_b1.py']

image_size = (512, 352)
model = dict(unet=dict(gradient_checkpointing=True),
             appearance_encoder=dict(token_stages=(4, )))
train_pipeline = [
    dict(type='LoadPairFromFile'),
    dict(type='ResizePair', scale=(352, 512)),
    dict(type='RandomScaleCropPair', scale_param=0.05),
    dict(type='RandomFlipPair', prob=0.5),
    dict(type='GeneratePoseEncoding', encoding='skeleton_rgb',
         keys=('source', 'target')),
    dict(type='PackPoseTransferInputs'),
]
test_pipeline = [
    dict(type='LoadPairFromFile'),
    dict(type='ResizePair', scale=(352, 512)),
    dict(type='GeneratePoseEncoding', encoding='skeleton_rgb',
         keys=('source', 'target')),
    dict(type='PackPoseTransferInputs'),
]
# images from data/deepfashion/{train,test}_512/; the csv keypoints stay in
# the 256x176 frame and are rescaled on load
train_dataloader = dict(
    batch_size=8, dataset=dict(img_dir='train_512', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8, dataset=dict(img_dir='test_512', pipeline=test_pipeline))
test_dataloader = val_dataloader
# FID's real set at this resolution
val_evaluator = [
    dict(type='FID', protocol='pidm', real_set='data/deepfashion/train_512',
         inception_weights={{_base_.inception_weights}},
         use_fid_inception=False, drop_last_partial_batch=True, batch_size=64),
    dict(type='SSIM', protocol='pidm', variant='ssim_256', sigma=1.2),
    dict(type='LPIPS', protocol='pidm',
         alexnet_weights={{_base_.alexnet_weights}}),
]
test_evaluator = val_evaluator
