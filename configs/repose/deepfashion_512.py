# RePoseDM (full: RPA + PIF guidance) on DeepFashion 512x352 (latent space;
# 8 GPUs x batch 8). The estimator sees the decoded images at their own
# 512 px height.
#   tools/dist_train.sh configs/repose/deepfashion_512.py 8
_base_ = ['./deepfashion_512_b2.py', '../_base_/guidance/pif.py']

model = dict(
    pose_interaction_field=dict(_base_.pose_interaction_field,
                                estimator=_base_.pose_estimator),
    test_cfg=dict(guidance_scale=1.0))  # s of Eq. 16
