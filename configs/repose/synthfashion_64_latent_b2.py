# B2 (RPA only) on SynthFashion at 64x44 in a *latent* space: the stand-in for
# DeepFashion's latent configs on which the latent-only levers of
# docs/speed.md (RPA warping the encoding, PIF through a distilled guidance
# decoder) are measured on CPU. The autoencoder is a small KL autoencoder
# trained on SynthFashion (4x downsampling, 4 latent channels, 16x11
# latents), not Stable Diffusion's VAE; train it first:
#   python tools/analysis/train_small_vae.py configs/repose/synthfashion_64.py \
#       --out work_dirs/small_vae --channels 32,64,64 --iters 1500 --batch 8
#   python tools/train.py configs/repose/synthfashion_64_latent_b2.py
# Like deepfashion_256_b2.py: the target and the RGB skeleton are encoded
# (4 + 4 channels in) and RPA runs on the latent grid (stride 1, the 16x11
# grid pixel B2 reaches with stride 4); unlike it, RPA re-encodes the warped
# source at each iteration (warp_space='image', Eq. 9 read literally), the
# warp configs/ablation/synthfashion_64_latent.py compares with warping the
# encoding (the DeepFashion configs' choice).
_base_ = ['./synthfashion_64_b2.py']

pose_encoding = 'skeleton_rgb'
vae_path = 'work_dirs/small_vae'
model = dict(
    pose_encoding=pose_encoding,
    autoencoder=dict(_delete_=True, type='LatentAutoencoderKL',
                     path=vae_path),
    unet=dict(
        sample_channels=4,
        pose_channels=4,
        unet_cfg=dict(
            block_out_channels=(64, 128, 128),
            down_block_types=('DownBlock2D', 'CrossAttnDownBlock2D',
                              'CrossAttnDownBlock2D'),
            up_block_types=('CrossAttnUpBlock2D', 'CrossAttnUpBlock2D',
                            'UpBlock2D'))),
    pose_alignment=dict(image_channels=4, pose_channels=4, stride=1,
                        warp_space='image'),
    diffusion=dict(decoder_nll='gaussian'))
