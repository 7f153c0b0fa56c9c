# RePoseDM B1 (PIDM-like baseline) in pixel space: the noisy image is
# concatenated with the 20-channel PIDM pose map (3 + 20 channels in,
# eps + learned-range variance out); a multi-scale CNN encoder of the source
# image gives the cross-attention tokens.
# The pose encoding, declared once: the dataset pipelines render it
# (GeneratePoseEncoding) and the model checks it at build. Here PIDM's 20
# channels (RGB skeleton + 17 limb distance maps), unet.pose_channels = 20.
pose_encoding = 'pidm20'
context_dim = 256
model = dict(
    type='RePoseDM',
    data_preprocessor=dict(type='PoseTransferDataPreprocessor'),
    pose_encoding=pose_encoding,
    autoencoder=dict(type='IdentityAutoencoder', channels=3),
    unet=dict(
        type='PoseConditionedUNet',
        sample_channels=3,
        pose_channels=20,
        context_dim=context_dim,
        unet_cfg=dict(
            block_out_channels=(64, 128, 256, 256),
            layers_per_block=2,
            down_block_types=('DownBlock2D', 'DownBlock2D',
                              'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D'),
            up_block_types=('CrossAttnUpBlock2D', 'CrossAttnUpBlock2D',
                            'UpBlock2D', 'UpBlock2D'),
            attention_head_dim=8)),
    appearance_encoder=dict(
        type='SourceAppearanceEncoder',
        channels=(64, 128, 256, 256),
        token_stages=(2, 3),
        context_dim=context_dim),
    diffusion=dict(type='GaussianDiffusion', num_timesteps=1000,
                   beta_start=1e-4, beta_end=2e-2, vlb_weight=1.0,
                   decoder_nll='discretized'),
    cfg_dropout=0.1,
    # DDIM-20, chosen on SynthFashion's val split, where DDIM-100 did worse
    # (docs/speed.md); PIDM's protocol samples with DDIM-100:
    # --cfg-options model.test_cfg.num_steps=100
    test_cfg=dict(sampler='ddim', num_steps=20, cfg_scale=2.0, seed=0))
