# The COCO AE-HRNet-W32 (mmpose, 512 px input): reads poses from photos at
# inference (a driving photo as target, the source's pose for RPA models) and
# guides the full DeepFashion and Market-1501 models (PIF). Put its weights
# at the checkpoint path (docs/models.md); nothing is downloaded. `scale`
# resizes the model's images to the estimator's size: the configs set it.
pose_estimator = dict(
    type='MMPoseEstimator',
    config='configs/pose_estimators/ae_hrnet_w32_coco_512.py',
    checkpoint='pretrained/hrnet_w32_coco_512x512-bcb8c247_20200816.pth',
    scale=1.0)
