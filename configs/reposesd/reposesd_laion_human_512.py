# RePoseSD (Sec. 4.4, docs/reposesd.md): humansd_laion_human_512.py with
# PIF guidance from the COCO AE-HRNet-W32 in place of HumanSD's loss.
#   tools/dist_train.sh configs/reposesd/reposesd_laion_human_512.py 8
_base_ = ['./humansd_laion_human_512.py', '../_base_/guidance/pif.py']

model = dict(
    loss_weight=None,
    pose_interaction_field=dict(_base_.pose_interaction_field,
                                estimator=_base_.pose_estimator),
    test_cfg=dict(guidance_scale=1.0))  # s of Eq. 16
