# RePoseDM ablation B2 (Recurrent Pose Alignment, no PIF guidance) on
# DeepFashion 256x176, latent space: RPA works on the 32x22 latent grid
# (N = 5 iterations, windows global -> 9 -> 5 -> 3 -> 3, R = 4, C = 128) and
# its warped source features replace B1's CNN tokens. Same schedule as B1.
# RPA warps the source's VAE encoding (one encode per image) rather than
# re-encoding the warped image at each iteration (warp_space='image', Eq. 9
# read literally): no worse on SynthFashion, a third of the training FLOPs
# (docs/speed.md).
#   tools/dist_train.sh configs/repose/deepfashion_256_b2.py 8
_base_ = ['./deepfashion_256_b1.py']

model = dict(
    appearance_encoder=None,
    pose_alignment=dict(type='RecurrentPoseAlignment', image_channels=4,
                        pose_channels=4, context_dim=_base_.context_dim,
                        stride=1, warp_space='encoding'),
    rpa_warmup_iters=0)
