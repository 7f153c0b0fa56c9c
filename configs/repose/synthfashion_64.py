# RePoseDM (full: RPA + PIF guidance) on SynthFashion at 64x44, pixel space
# (CPU-sized). PIF uses the SynthFashion AE-HRNet-W16 trained by this project
# (docs/pose_estimator.md) on the images upscaled x2 to its 128x88 size.
#   python tools/train.py configs/repose/synthfashion_64.py
_base_ = ['./synthfashion_64_b2.py', '../_base_/guidance/pif.py']

model = dict(
    pose_interaction_field=dict(_base_.pose_interaction_field,
                                estimator=_base_.pose_estimator),
    test_cfg=dict(guidance_scale=1.0))  # s of Eq. 16
