# RePoseDM (full: RPA + PIF guidance) on Market-1501 128x64 (pixel space;
# 8 GPUs x batch 8). The COCO estimator sees the images upscaled x4.
#   tools/dist_train.sh configs/repose/market1501_128.py 8
_base_ = ['./market1501_128_b2.py', '../_base_/guidance/pif.py']

model = dict(
    pose_interaction_field=dict(_base_.pose_interaction_field,
                                estimator=_base_.pose_estimator),
    test_cfg=dict(guidance_scale=1.0))  # s of Eq. 16
