# B2 on SynthFashion at 128x88 in pixel space (one GPU, under an hour, like
# synthfashion_128_b1.py): RPA at image / 4 (32x22), C = 128.
#   python tools/train.py configs/repose/synthfashion_128_b2.py
_base_ = ['./synthfashion_128_b1.py']

model = dict(
    appearance_encoder=None,
    pose_alignment=dict(type='RecurrentPoseAlignment', image_channels=3,
                        pose_channels=20, context_dim=_base_.context_dim,
                        dim=128, num_heads=4, stride=4))
