# B1 with PIF gradient guidance at sampling only (Eq. 16; Eq. 15 off in
# training): PIF as a plug-in on a trained B1, e.g. the embedded model,
# whose checkpoint loads into it (the estimator reads its own file).
#   python tools/analysis/sampler_sweep.py configs/repose/synthfashion_64_b1_pif.py \
#       checkpoints/synthfashion_64_b1.pth --samplers ddim:20 --guidance 1
_base_ = ['./synthfashion_64_b1.py', '../_base_/guidance/pif.py']

model = dict(
    pose_interaction_field=dict(_base_.pose_interaction_field,
                                estimator=_base_.pose_estimator,
                                train_cfg=dict(enabled=False)),
    test_cfg=dict(guidance_scale=1.0))  # s of Eq. 16
