# B2 on Market-1501 128x64 in pixel space: RPA at image / 4 (32x16) on the
# image and its 20-channel PIDM pose map. 8 GPUs x batch 8, 300k iterations.
#   tools/dist_train.sh configs/repose/market1501_128_b2.py 8
_base_ = ['./market1501_128_b1.py']

model = dict(
    appearance_encoder=None,
    pose_alignment=dict(type='RecurrentPoseAlignment', image_channels=3,
                        pose_channels=20, context_dim=_base_.context_dim,
                        stride=4))
