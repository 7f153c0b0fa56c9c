# topdown_hrnet_w16_synthfashion_128.py trained on blurred and noisy images
# too (mmrepose.RandomBlurNoise on half the samples: blur sigma up to 2
# pixels, noise std up to 25 of 255), images like the diffusion model's x0
# estimates, which PIF guidance differentiates (docs/pose_estimator.md, "A
# second guide"). Another seed; everything else as the clean model.
#   OMP_NUM_THREADS=1 python tools/train_pose_estimator.py \
#       configs/pose_estimators/topdown_hrnet_w16_synthfashion_128_blurnoise.py
_base_ = ['./topdown_hrnet_w16_synthfashion_128.py']

train_pipeline = [
    *_base_.train_pipeline[:2],  # LoadImage, ResizeImageAndKeypoints
    dict(type='mmrepose.RandomBlurNoise', prob=0.5, max_blur_sigma=2.0,
         max_noise_std=25.0),
    *_base_.train_pipeline[2:],
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
randomness = dict(seed=29)
