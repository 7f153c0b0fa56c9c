# B2 on DeepFashion 512x352: RPA on the 64x44 latent grid; its token maps
# are average-pooled by 2 (2 x 704 tokens) to keep the U-Net's
# cross-attention affordable; it warps the source's encoding, as
# deepfashion_256_b2.py does. 8 GPUs x batch 8, 300k iterations.
#   tools/dist_train.sh configs/repose/deepfashion_512_b2.py 8
_base_ = ['./deepfashion_512_b1.py']

model = dict(
    appearance_encoder=None,
    pose_alignment=dict(type='RecurrentPoseAlignment', image_channels=4,
                        pose_channels=4, context_dim=_base_.context_dim,
                        stride=1, token_stride=2, warp_space='encoding'))
