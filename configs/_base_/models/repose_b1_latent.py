# RePoseDM B1 (PIDM-like baseline) in Stable Diffusion's latent space: the
# target image and the RGB skeleton of the target pose are VAE-encoded
# (4 + 4 channels in, eps + learned-range variance out), and a multi-scale
# CNN encoder of the source image gives the cross-attention tokens.
# The VAE is read from a local diffusers folder: nothing is downloaded.
# The pose encoding, declared once: the dataset pipelines render it
# (GeneratePoseEncoding) and the model checks it at build. Here the RGB
# skeleton image, which the VAE encodes to unet.pose_channels = 4.
pose_encoding = 'skeleton_rgb'
vae_path = 'pretrained/stable-diffusion-2-1-base/vae'
context_dim = 768
model = dict(
    type='RePoseDM',
    data_preprocessor=dict(type='PoseTransferDataPreprocessor'),
    pose_encoding=pose_encoding,
    autoencoder=dict(type='LatentAutoencoderKL', path=vae_path),
    unet=dict(
        type='PoseConditionedUNet',
        sample_channels=4,
        pose_channels=4,
        context_dim=context_dim,
        unet_cfg=dict(
            block_out_channels=(128, 256, 512, 512),
            layers_per_block=2,
            down_block_types=('DownBlock2D', 'CrossAttnDownBlock2D',
                              'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D'),
            up_block_types=('CrossAttnUpBlock2D', 'CrossAttnUpBlock2D',
                            'CrossAttnUpBlock2D', 'UpBlock2D'),
            attention_head_dim=8)),
    appearance_encoder=dict(
        type='SourceAppearanceEncoder',
        channels=(64, 128, 256, 512, 512),
        token_stages=(3, 4),
        context_dim=context_dim),
    diffusion=dict(type='GaussianDiffusion', num_timesteps=1000,
                   beta_start=1e-4, beta_end=2e-2, vlb_weight=1.0,
                   decoder_nll='gaussian'),
    cfg_dropout=0.1,
    # DDIM-20, chosen on SynthFashion's val split, where DDIM-100 did worse
    # (docs/speed.md); PIDM's protocol samples with DDIM-100:
    # --cfg-options model.test_cfg.num_steps=100
    test_cfg=dict(sampler='ddim', num_steps=20, cfg_scale=2.0, seed=0))
