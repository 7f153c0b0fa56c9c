# Pose Interaction Fields (Eqs. 13-16, docs/models.md): a frozen
# pose estimator on the denoiser's x0 estimate; its heatmap error against
# the target pose gives Eq. 15's training target for t < max_timestep and,
# at sampling, Eq. 16's gradient guidance with s = model.test_cfg.
# guidance_scale. The full configs add the estimator (`pose_estimator`,
# from ../pose_estimators/) at the scale their image size needs.
pose_interaction_field = dict(
    type='PoseInteractionField',
    mode='heatmap',
    mask_threshold=0.1,
    # eta = -1, not Eq. 15's literal +1: measured on SynthFashion
    # (docs/ablation.md, the Eq. 15 sign), the three signs tie on pose and
    # -1 keeps appearance best (+1 loses part colour against B2 and -1)
    train_cfg=dict(enabled=True, max_timestep=400, batch_fraction=1.0,
                   eta=-1.0),
    sample_cfg=dict(steps='all', self_recurrence=0))
