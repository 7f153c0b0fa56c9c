# ae_hrnet_w16_synthfashion_256.py at half size, for the CPU configs of
# mmrepose (synthfashion_128_*: 128x88 images; synthfashion_64_*: 64x44 images
# with MMPoseEstimator(scale=2)). SynthFashion's 256x176 images are
# downscaled with area interpolation to 128x88, as mmrepose's own pipelines
# do, then augmented; the network input is 128x96 (padded to 32).
# Trained on CPU (1 thread, batch 16, 7k iterations, no data workers; see
# docs/pose_estimator.md):
#   OMP_NUM_THREADS=1 python tools/train_pose_estimator.py configs/pose_estimators/ae_hrnet_w16_synthfashion_128.py
#   python tools/analysis/eval_pose_estimator.py \
#       configs/pose_estimators/ae_hrnet_w16_synthfashion_128.py \
#       checkpoints/pose_estimators/ae_hrnet_w16_synthfashion_128.pth
_base_ = ['./ae_hrnet_w16_synthfashion_256.py']

image_size = (128, 88)
input_size = (96, 128)  # (w, h)

train_cfg = dict(max_iters=7000)
param_scheduler = [
    dict(type='LinearLR', begin=0, end=200, start_factor=0.001,
         by_epoch=False),
    dict(type='CosineAnnealingLR', begin=200, end=train_cfg['max_iters'],
         eta_min=1.5e-5, by_epoch=False),
]

codec = dict(_base_.codec, input_size=input_size,
             heatmap_size=(input_size[0] // 4, input_size[1] // 4))
model = dict(head=dict(decoder=codec))

# the 256 pipeline at this size: resized first, then its steps with this
# codec
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='mmrepose.ResizeImageAndKeypoints',
         size=(image_size[1], image_size[0]), interpolation='area'),
    *[dict(step, input_size=codec['input_size'])
      if step['type'] == 'BottomupRandomAffine' else
      dict(step, encoder=codec) if step['type'] == 'GenerateTarget' else step
      for step in _base_.train_pipeline[1:]],
]
# CPU: data loading in the main process (about 15% of an iteration)
train_dataloader = dict(num_workers=0, persistent_workers=False,
                        dataset=dict(pipeline=train_pipeline))
default_hooks = dict(checkpoint=dict(interval=500))
