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

codec = dict(
    type='AssociativeEmbedding',
    input_size=input_size,
    heatmap_size=(input_size[0] // 4, input_size[1] // 4),
    sigma=2,
    decode_topk=30,
    decode_center_shift=0.5,
    decode_keypoint_order=[
        0, 1, 2, 3, 4, 5, 6, 11, 12, 7, 8, 9, 10, 13, 14, 15, 16
    ],
    decode_max_instances=1)
model = dict(head=dict(decoder=codec))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='mmrepose.ResizeImageAndKeypoints',
         size=(image_size[1], image_size[0]), interpolation='area'),
    dict(
        type='BottomupRandomAffine',
        input_size=codec['input_size'],
        shift_factor=0.1,
        scale_factor=(0.8, 1.25),
        rotate_factor=15,
        shear_factor=0),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='BottomupGetHeatmapMask'),
    dict(type='mmrepose.PackAEKeypointIndices'),
    dict(type='PackPoseInputs'),
]
# CPU: data loading in the main process (about 15% of an iteration)
train_dataloader = dict(num_workers=0, persistent_workers=False,
                        dataset=dict(pipeline=train_pipeline))
default_hooks = dict(checkpoint=dict(interval=500))
