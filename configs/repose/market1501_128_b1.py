# B1 on Market-1501 128x64 in pixel space (PIDM's setting), 8 GPUs x batch 8,
# 300k iterations.
#   tools/dist_train.sh configs/repose/market1501_128_b1.py 8
_base_ = [
    '../_base_/datasets/market1501.py',
    '../_base_/models/repose_b1_pixel.py',
    '../_base_/pose_estimators/ae_hrnet_w32_coco.py',
    '../_base_/schedules/adamw_300k.py', '../_base_/default_runtime.py'
]

image_size = (128, 64)  # (H, W)
model = dict(appearance_encoder=dict(token_stages=(1, 2)))
pose_estimator = dict(scale=4.0)  # 128 px images, a 512 px estimator
