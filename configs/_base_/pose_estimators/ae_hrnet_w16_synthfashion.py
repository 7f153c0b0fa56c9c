# The SynthFashion AE-HRNet-W16 trained by this project
# (docs/pose_estimator.md), made for 128-pixel-high images: reads poses from
# photos at inference and guides the full SynthFashion models (PIF).
# `scale` resizes the model's images to the estimator's size: the configs
# set it.
pose_estimator = dict(
    type='MMPoseEstimator',
    config='configs/pose_estimators/ae_hrnet_w16_synthfashion_128.py',
    checkpoint='checkpoints/pose_estimators/ae_hrnet_w16_synthfashion_128.pth',
    scale=1.0)
