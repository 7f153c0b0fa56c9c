# B2 on SynthFashion at 64x44 in pixel space (CPU-sized, like
# synthfashion_64_b1.py): RPA at image / 4 (16x11), C = 64.
#   python tools/train.py configs/repose/synthfashion_64_b2.py
_base_ = ['./synthfashion_64_b1.py']

model = dict(
    appearance_encoder=None,
    pose_alignment=dict(type='RecurrentPoseAlignment', image_channels=3,
                        pose_channels=20, context_dim=_base_.context_dim,
                        dim=64, num_heads=4, stride=4))
