# The latent B2 of synthfashion_64_latent_b2.py with PIF gradient guidance at
# sampling only (Eq. 16; Eq. 15 off in training): PIF as a plug-in on its
# trained weights, through the small VAE's decoder, or through a distilled
# guidance decoder with
#   --cfg-options model.autoencoder.guidance_decoder.type=TinyLatentDecoder \
#       model.autoencoder.guidance_decoder.upsample_factor=4 \
#       model.autoencoder.guidance_decoder.checkpoint=work_dirs/small_vae/tiny.pth
# (distilled by tools/distill_guidance_decoder.py from this config).
_base_ = ['./synthfashion_64_latent_b2.py', '../_base_/guidance/pif.py']

model = dict(
    pose_interaction_field=dict(_base_.pose_interaction_field,
                                estimator=_base_.pose_estimator,
                                train_cfg=dict(enabled=False)),
    test_cfg=dict(guidance_scale=1.0))  # s of Eq. 16
