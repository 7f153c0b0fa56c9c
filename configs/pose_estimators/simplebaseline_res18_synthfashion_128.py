# The *judge* pose estimator of SynthFashion (docs/pose_estimator.md, "The
# judge estimator"): a top-down heatmap model (SimpleBaseline: ResNet +
# deconvolution head, mmpose's TopdownPoseEstimator) that scores the pose
# accuracy of generated images, independent of the *guide*
# (ae_hrnet_w16_synthfashion_128.py, bottom-up HRNet + associative
# embedding) whose gradients steer the sampler: another architecture,
# another heatmap codec (MSRA, unbiased Gaussians of sigma 1.5 instead of
# the AE codec's sigma 2), another seed.
#
# Images as the guide's 128 variant: SynthFashion's 256x176 images are
# downscaled with area interpolation to 128x88. The person box is the whole
# image, extended on the right to a multiple of 32 (128x96), so that the
# top-down affine is the identity: the network sees the 128x88 image at the
# top-left of a black 128x96 input, exactly what MMPoseEstimator feeds it
# (right/bottom padding to size_divisor 32) for 128x88 images at scale 1 or
# 64x44 ones at scale 2.
#
# Trained on CPU (1 thread, batch 16, no data workers, 3k iterations,
# 35.8 min on a shared 2-core machine; docs/pose_estimator.md):
#   OMP_NUM_THREADS=1 python tools/train_pose_estimator.py \
#       configs/pose_estimators/simplebaseline_res18_synthfashion_128.py
#   python tools/analysis/eval_pose_estimator.py \
#       configs/pose_estimators/simplebaseline_res18_synthfashion_128.py \
#       checkpoints/pose_estimators/simplebaseline_res18_synthfashion_128.pth
_base_ = [
    './_base_/synthfashion_keypoints.py', './_base_/default_runtime.py'
]

# Images the model is made for, (H, W), and its network input (w, h): the
# image padded on the right to a multiple of 32 (88 -> 96).
image_size = (128, 88)
input_size = (96, 128)

# runtime
train_cfg = dict(by_epoch=False, max_iters=3000)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=200, start_factor=0.001,
         by_epoch=False),  # warm-up
    dict(type='CosineAnnealingLR', begin=200, end=train_cfg['max_iters'],
         eta_min=1e-5, by_epoch=False),
]

# codec: MSRA Gaussian heatmaps at stride 4 (24x32). unbiased=True draws
# each Gaussian around the exact keypoint position x / 4 (DarkPose's
# encoding; mmpose's biased one rounds it to a cell and, for sigma 1.5, puts
# the peak one cell off near the left/top border), the target formula of
# MMPoseEstimator.heatmap_sigma; sigma 1.5 (6 input pixels) is sharper than
# the guide's 2 to separate the legs. blur_kernel_size 7 goes with sigma 1.5
# in DarkPose's decoding (mmpose's formula); MMPoseEstimator takes the
# plain argmax and does not decode with it.
codec = dict(
    type='MSRAHeatmap',
    input_size=input_size,
    heatmap_size=(input_size[0] // 4, input_size[1] // 4),
    sigma=1.5,
    unbiased=True,
    blur_kernel_size=7)

# model: ResNet-18 (depth 18: 2-2-2-2 basic blocks) at half width (stages of
# 32/64/128/256 channels, 2.8 M parameters instead of 11.2 M: a 12 MiB
# float32 release and ~4x less compute on one CPU thread), from scratch, and
# SimpleBaseline's head: three stride-2 deconvolutions (stride 32 -> 4) of
# 64 channels (SimpleBaseline uses 256 for ResNet-50's 2048 channels; 17
# Gaussian maps on a 24x32 grid need far less, and 64 keeps the head at
# 0.4 M parameters and ~0.02 GMACs per image), then a 1x1 conv to 17 maps.
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='ResNet',
        depth=18,
        in_channels=3,
        stem_channels=32,
        base_channels=32,
        out_indices=(3, )),
    head=dict(
        type='HeatmapHead',
        in_channels=256,
        out_channels=17,
        deconv_out_channels=(64, 64, 64),
        deconv_kernel_sizes=(4, 4, 4),
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    test_cfg=dict(flip_test=False))

# data: SynthFashion's COCO keypoint json, one person per image
data_mode = 'topdown'

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='mmrepose.ResizeImageAndKeypoints',
         size=(image_size[1], image_size[0]), interpolation='area'),
    # flip before the box is set, so the box (and the black padding) is
    # always on the right as in MMPoseEstimator; COCO flip pairs
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='mmrepose.SetFullImageBBox', size_divisor=32),
    dict(type='GetBBoxCenterScale', padding=1.0),
    # mild; shift, scale and rotation each with probability 0.5 (one
    # sample in eight keeps the inference framing exactly)
    dict(type='RandomBBoxTransform',
         shift_factor=0.08, shift_prob=0.5,
         scale_factor=(0.85, 1.15), scale_prob=0.5,
         rotate_factor=15, rotate_prob=0.5),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]

train_dataloader = dict(
    # CPU: data loading in the main process
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_mode=data_mode, pipeline=train_pipeline))
default_hooks = dict(checkpoint=dict(interval=500))
randomness = dict(seed=17)  # not the guide's (0)
