# RePoseDM (full: Recurrent Pose Alignment + PIF gradient guidance) on
# DeepFashion 256x176, latent space; 8 GPUs x batch 8, 300k iterations (the
# README's training command):
#   tools/dist_train.sh configs/repose/deepfashion_256.py 8
# PIF uses the frozen COCO AE-HRNet-W32 on the decoded x0 estimate, upscaled
# x2 to its 512 px (put its weights at the path in
# ../_base_/pose_estimators/ae_hrnet_w32_coco.py). Eq. 15 in training for
# t < 400, Eq. 16 at sampling with s = guidance_scale.
_base_ = ['./deepfashion_256_b2.py', '../_base_/guidance/pif.py']

model = dict(
    pose_interaction_field=dict(_base_.pose_interaction_field,
                                estimator=_base_.pose_estimator),
    test_cfg=dict(guidance_scale=1.0))
