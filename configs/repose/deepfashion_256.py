# RePoseDM (full: Recurrent Pose Alignment + PIF gradient guidance) on
# DeepFashion 256x176, latent space; 8 GPUs x batch 8, 300k iterations (the
# README's training command):
#   tools/dist_train.sh configs/repose/deepfashion_256.py 8
# PIF uses a frozen COCO AE-HRNet-W32 on the decoded x0 estimate, upscaled
# x2 to the estimator's 512 px (configs/pose_estimators/ae_hrnet_w32_coco_512.py;
# put its weights at the path below). Eq. 15 in training for t < 400,
# Eq. 16 at sampling with s = guidance_scale (test_cfg).
_base_ = ['./deepfashion_256_b2.py']

pose_estimator = dict(
    type='MMPoseEstimator',
    config='configs/pose_estimators/ae_hrnet_w32_coco_512.py',
    checkpoint='pretrained/hrnet_w32_coco_512x512-bcb8c247_20200816.pth',
    scale=2.0)
model = dict(
    pose_interaction_field=dict(
        type='PoseInteractionField',
        estimator=pose_estimator,
        mode='heatmap',
        mask_threshold=0.1,
        train_cfg=dict(enabled=True, max_timestep=400, batch_fraction=1.0,
                       eta=1.0),
        sample_cfg=dict(steps='all', self_recurrence=0)),
    test_cfg=dict(guidance_scale=1.0))
