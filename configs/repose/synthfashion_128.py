# RePoseDM (full: RPA + PIF guidance) on SynthFashion at 128x88, pixel space
# (one GPU, under an hour), with the SynthFashion AE-HRNet-W16 at its own
# 128x88 size.
#   python tools/train.py configs/repose/synthfashion_128.py
_base_ = ['./synthfashion_128_b2.py']

model = dict(
    pose_interaction_field=dict(
        type='PoseInteractionField',
        estimator=dict(
            type='MMPoseEstimator',
            config='configs/pose_estimators/ae_hrnet_w16_synthfashion_128.py',
            checkpoint='checkpoints/pose_estimators/'
            'ae_hrnet_w16_synthfashion_128.pth',
            scale=1.0),
        train_cfg=dict(max_timestep=400, eta=1.0)),
    test_cfg=dict(guidance_scale=1.0))  # s of Eq. 16
