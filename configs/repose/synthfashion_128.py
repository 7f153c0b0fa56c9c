# RePoseDM (full: RPA + PIF guidance) on SynthFashion at 128x88, pixel space
# (one GPU, under an hour), with the SynthFashion AE-HRNet-W16 at its own
# 128x88 size.
#   python tools/train.py configs/repose/synthfashion_128.py
_base_ = ['./synthfashion_128_b2.py', '../_base_/guidance/pif.py']

model = dict(
    pose_interaction_field=dict(_base_.pose_interaction_field,
                                estimator=_base_.pose_estimator),
    test_cfg=dict(guidance_scale=1.0))  # s of Eq. 16
