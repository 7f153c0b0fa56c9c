# A small bottom-up pose estimator for SynthFashion 256x176 images: HRNet-W16
# (one module per stage) + associative-embedding head, mmpose 1.x's AE recipe
# (mmpose/configs/body_2d_keypoint/associative_embedding/coco/
# ae_hrnet-w32_8xb24-300e_coco-512x512.py) scaled down, COCO-17 keypoints.
# Training runs mmpose's own pipeline through mmengine's Runner:
#   python tools/dataset_converters/make_synthfashion.py --out data/synthfashion \
#       --size 256x176 --train-ids 150 --test-ids 20 --val-ids 20 \
#       --poses-per-id 6 --seed 0
#   python tools/train_pose_estimator.py configs/pose_estimators/ae_hrnet_w16_synthfashion_256.py
#   python tools/analysis/eval_pose_estimator.py \
#       configs/pose_estimators/ae_hrnet_w16_synthfashion_256.py \
#       checkpoints/pose_estimators/ae_hrnet_w16_synthfashion_256.pth
# Suggested schedule 1 GPU x batch 16, 20k iterations; not trained here (no
# GPU): the CPU-trained model is the 128x88 variant,
# ae_hrnet_w16_synthfashion_128.py (docs/pose_estimator.md).
_base_ = [
    './_base_/ae_hrnet_w32.py', './_base_/hrnet_w16.py',
    './_base_/synthfashion_keypoints.py',
    './_base_/default_runtime.py'
]

# Images the model is made for, (H, W). The network input is padded to a
# multiple of 32: 256x176 -> 256x192 (MMPoseEstimator pads on the right).
image_size = (256, 176)
input_size = (192, 256)  # (w, h), mmpose's order

# runtime
train_cfg = dict(by_epoch=False, max_iters=20000)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1.5e-3))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=300, start_factor=0.001,
         by_epoch=False),  # warm-up
    dict(type='CosineAnnealingLR', begin=300, end=train_cfg['max_iters'],
         eta_min=1.5e-5, by_epoch=False),
]

# codec: Gaussian heatmaps at stride 4, sigma in heatmap pixels
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
    decode_max_instances=1)  # one person per SynthFashion image

# model: HRNet-W16 (_base_/hrnet_w16.py); the head reads the stride-4
# branch (16 channels)
model = dict(
    backbone=dict(_base_.hrnet_w16, _delete_=True),
    head=dict(in_channels=16, decoder=codec))

# data: SynthFashion's COCO keypoint json (17 COCO keypoints per person)
data_mode = 'bottomup'

train_pipeline = [
    dict(type='LoadImage'),
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
    # mmpose 1.3.2 does not pack the AE codec's keypoint_indices
    dict(type='mmrepose.PackAEKeypointIndices'),
    dict(type='PackPoseInputs'),
]

train_dataloader = dict(
    dataset=dict(data_mode=data_mode, pipeline=train_pipeline))
