# RePoseDM (full: RPA + PIF guidance) on SynthFashion at 64x44, pixel space
# (CPU-sized). PIF uses the SynthFashion AE-HRNet-W16 trained by this project
# (docs/pose_estimator.md) on the images upscaled x2 to its 128x88 size.
#   python tools/train.py configs/repose/synthfashion_64.py
_base_ = ['./synthfashion_64_b2.py']

model = dict(
    pose_interaction_field=dict(
        type='PoseInteractionField',
        estimator=dict(
            type='MMPoseEstimator',
            config='configs/pose_estimators/ae_hrnet_w16_synthfashion_128.py',
            checkpoint='checkpoints/pose_estimators/'
            'ae_hrnet_w16_synthfashion_128.pth',
            scale=2.0),
        train_cfg=dict(max_timestep=400, eta=1.0)),
    test_cfg=dict(guidance_scale=1.0))  # s of Eq. 16
