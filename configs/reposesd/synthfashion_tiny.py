# RePoseSD at CPU scale: synthfashion_tiny_humansd.py with PIF guidance
# (eps_tilde of Eq. 15 in training, the Eq. 16 term at sampling) from the
# same SynthFashion AE-HRNet-W16 in place of HumanSD's loss
# (docs/reposesd.md).
#   python tools/train.py configs/reposesd/synthfashion_tiny.py
_base_ = ['./synthfashion_tiny_humansd.py', '../_base_/guidance/pif.py']

model = dict(
    loss_weight=None,
    pose_interaction_field=dict(
        _base_.pose_interaction_field,
        # 64 px images, x2 for the estimator made for 128 px
        estimator=dict(_base_.pose_estimator, scale=2.0)),
    test_cfg=dict(guidance_scale=1.0))  # s of Eq. 16
