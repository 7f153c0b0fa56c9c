# B1 on DeepFashion 512x352 (latent 64x44), 8 GPUs x batch 8, 300k
# iterations; gradient checkpointing in the U-Net to fit the memory.
#   tools/dist_train.sh configs/repose/deepfashion_512_b1.py 8
_base_ = [
    '../_base_/datasets/deepfashion.py',
    '../_base_/models/repose_b1_latent.py',
    '../_base_/pose_estimators/ae_hrnet_w32_coco.py',
    '../_base_/schedules/adamw_300k.py', '../_base_/default_runtime.py'
]

image_size = (512, 352)  # (H, W)
model = dict(unet=dict(gradient_checkpointing=True),
             appearance_encoder=dict(token_stages=(4, )))
# images from data/deepfashion/{train,test}_512/; the csv keypoints stay in
# the 256x176 frame and are rescaled on load
train_dataloader = dict(dataset=dict(img_dir='train_512'))
val_dataloader = dict(dataset=dict(img_dir='test_512'))
test_dataloader = val_dataloader
# FID's real set at this resolution
val_evaluator = [
    dict(metric, real_set='data/deepfashion/train_512')
    if metric['type'] == 'FID' else metric
    for metric in _base_.val_evaluator
]
test_evaluator = val_evaluator
pose_estimator = dict(scale=1.0)  # the estimator's own 512 px
