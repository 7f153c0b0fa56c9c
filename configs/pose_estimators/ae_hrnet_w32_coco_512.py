# The COCO bottom-up estimator the full RePoseDM uses on DeepFashion and
# Market-1501: HRNet-W32 + associative-embedding head at 512x512 input
# (mmpose 1.x's `ae_hrnet-w32_8xb24-300e_coco-512x512`; the paper uses
# HigherHRNet, which mmpose 1.x does not ship). Model only: mmrepose uses it
# frozen through `MMPoseEstimator`, never trains it.
# Weights: the checkpoint mmpose lists for this config in its
# `body_2d_keypoint/associative_embedding/coco/hrnet_coco.yml`
# (`hrnet_w32_coco_512x512-bcb8c247_20200816.pth`), placed at
#   pretrained/hrnet_w32_coco_512x512-bcb8c247_20200816.pth
# Nothing is downloaded; a key mismatch is reported with an example key.
codec = dict(
    type='AssociativeEmbedding',
    input_size=(512, 512),
    heatmap_size=(128, 128),
    sigma=2,
    decode_topk=30,
    decode_center_shift=0.5,
    decode_keypoint_order=[
        0, 1, 2, 3, 4, 5, 6, 11, 12, 7, 8, 9, 10, 13, 14, 15, 16
    ],
    decode_max_instances=30)


model = dict(
    type='BottomupPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='HRNet',
        in_channels=3,
        extra=dict(
            stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK',
                        num_blocks=(4, ), num_channels=(64, )),
            stage2=dict(num_modules=1, num_branches=2, block='BASIC',
                        num_blocks=(4, 4), num_channels=(32, 64)),
            stage3=dict(num_modules=4, num_branches=3, block='BASIC',
                        num_blocks=(4, 4, 4), num_channels=(32, 64, 128)),
            stage4=dict(num_modules=3, num_branches=4, block='BASIC',
                        num_blocks=(4, 4, 4, 4),
                        num_channels=(32, 64, 128, 256)))),
    head=dict(
        type='AssociativeEmbeddingHead',
        in_channels=32,
        num_keypoints=17,
        tag_dim=1,
        tag_per_keypoint=True,
        deconv_out_channels=None,
        keypoint_loss=dict(type='KeypointMSELoss', use_target_weight=True),
        tag_loss=dict(type='AssociativeEmbeddingLoss', loss_weight=0.001),
        decoder=codec),
    test_cfg=dict(
        multiscale_test=False,
        flip_test=True,
        shift_heatmap=False,
        restore_heatmap_size=False,
        align_corners=False))
