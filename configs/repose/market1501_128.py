# RePoseDM (full: RPA + PIF guidance) on Market-1501 128x64 (pixel space;
# 8 GPUs x batch 8). The COCO estimator sees the images upscaled x4.
#   tools/dist_train.sh configs/repose/market1501_128.py 8
_base_ = ['./market1501_128_b2.py']

model = dict(
    pose_interaction_field=dict(
        type='PoseInteractionField',
        estimator=dict(
            type='MMPoseEstimator',
            config='configs/pose_estimators/ae_hrnet_w32_coco_512.py',
            checkpoint='pretrained/'
            'hrnet_w32_coco_512x512-bcb8c247_20200816.pth',
            scale=4.0),
        train_cfg=dict(max_timestep=400, eta=1.0)),
    test_cfg=dict(guidance_scale=1.0))  # s of Eq. 16
