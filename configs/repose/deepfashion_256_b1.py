# RePoseDM ablation B1 (PIDM-like: CNN source encoder, no RPA, no PIF) on
# DeepFashion 256x176, latent space, the paper's settings:
# 8 GPUs x batch 8, AdamW 1e-4, 300k iterations, EMA 0.9999; CFG 2 (DDIM-20).
#   tools/dist_train.sh configs/repose/deepfashion_256_b1.py 8
_base_ = [
    '../_base_/datasets/deepfashion.py',
    '../_base_/models/repose_b1_latent.py',
    '../_base_/pose_estimators/ae_hrnet_w32_coco.py',
    '../_base_/schedules/adamw_300k.py', '../_base_/default_runtime.py'
]

image_size = (256, 176)  # (H, W)
pose_estimator = dict(scale=2.0)  # 256 px images, a 512 px estimator
