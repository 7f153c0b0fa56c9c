# RePoseDM (full: RPA + PIF guidance) on DeepFashion 512x352 (latent space;
# 8 GPUs x batch 8). The estimator sees the decoded images at their own
# 512 px height.
#   tools/dist_train.sh configs/repose/deepfashion_512.py 8
_base_ = ['./deepfashion_512_b2.py']

model = dict(
    pose_interaction_field=dict(
        type='PoseInteractionField',
        estimator=dict(
            type='MMPoseEstimator',
            config='configs/pose_estimators/ae_hrnet_w32_coco_512.py',
            checkpoint='pretrained/'
            'hrnet_w32_coco_512x512-bcb8c247_20200816.pth',
            scale=1.0),
        train_cfg=dict(max_timestep=400, eta=1.0)),
    test_cfg=dict(guidance_scale=1.0))  # s of Eq. 16
