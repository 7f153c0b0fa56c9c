# RePoseSD (paper Sec. 4.4, docs/reposesd.md): Stable Diffusion 2.1-base
# fine-tuned on text-image-pose triples. Every part loads from a local
# diffusers folder (unet/, vae/, text_encoder/, tokenizer/, scheduler/):
# nothing is downloaded. The VAE latent of the RGB skeleton image is
# concatenated to the noisy latent (U-Net input 4 -> 4 + 4 channels, the new
# weights zero); the schedule and prediction type are the folder's.
# Without pose_interaction_field this is the HumanSD-style baseline; the
# RePoseSD configs add PIF guidance (../guidance/pif.py).
pose_encoding = 'skeleton_rgb'
sd_folder = 'pretrained/stable-diffusion-2-1-base'
model = dict(
    type='RePoseSD',
    data_preprocessor=dict(type='PoseTransferDataPreprocessor'),
    sd_folder=sd_folder,
    # prompt and pose dropped together (the empty prompt, a zero pose
    # latent) for classifier-free guidance
    cfg_dropout=0.1,
    test_cfg=dict(sampler='ddim', num_steps=50, cfg_scale=7.5))
