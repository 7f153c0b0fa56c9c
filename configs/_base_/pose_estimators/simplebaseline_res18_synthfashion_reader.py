# The SynthFashion top-down SimpleBaseline (ResNet-18) trained by this
# project (docs/pose_estimator.md, "The judge estimator"), made for
# 128-pixel-high images, as the estimator that reads poses from photos at
# inference (a driving photo, the source's pose): it reads the bundled
# example photos within a pixel at 64x44, where the AE-HRNet-W16 misses two
# of three by a quarter of the image width. `scale` resizes the model's
# images to the estimator's size: the configs set it.
pose_reader = dict(
    type='MMPoseEstimator',
    config='configs/pose_estimators/simplebaseline_res18_synthfashion_128.py',
    checkpoint='checkpoints/pose_estimators/'
    'simplebaseline_res18_synthfashion_128.pth',
    scale=1.0)
