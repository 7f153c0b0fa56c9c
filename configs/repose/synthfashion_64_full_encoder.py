# The full model (RPA + PIF) on B2 that keeps B1's appearance encoder
# (synthfashion_64_b2_encoder.py): the same PIF guidance as
# synthfashion_64.py, added to the B1 + RPA design (docs/ablation.md).
#   python tools/train.py configs/repose/synthfashion_64_full_encoder.py
_base_ = ['./synthfashion_64_b2_encoder.py', '../_base_/guidance/pif.py']

model = dict(
    pose_interaction_field=dict(_base_.pose_interaction_field,
                                estimator=_base_.pose_estimator),
    test_cfg=dict(guidance_scale=1.0))  # s of Eq. 16
