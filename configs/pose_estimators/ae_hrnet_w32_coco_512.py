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
_base_ = ['./_base_/ae_hrnet_w32.py']

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

model = dict(head=dict(decoder=codec))
