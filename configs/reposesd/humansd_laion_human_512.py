# The HumanSD-style baseline of Table 3 (docs/reposesd.md): Stable Diffusion
# 2.1-base fine-tuned on LAION-Human with HumanSD's heatmap-guided loss,
# evaluated on Human-Art by pose AP / AP(m) / CAP / PCE. Needs the SD folder
# (pretrained/stable-diffusion-2-1-base) and the COCO AE-HRNet-W32 weights
# under pretrained/ (docs/models.md).
#   tools/dist_train.sh configs/reposesd/humansd_laion_human_512.py 8
_base_ = [
    '../_base_/datasets/laion_human.py', '../_base_/datasets/human_art.py',
    '../_base_/models/reposesd.py',
    '../_base_/pose_estimators/ae_hrnet_w32_coco.py',
    '../_base_/schedules/adamw_300k.py', '../_base_/default_runtime.py'
]

model = dict(
    unet=dict(gradient_checkpointing=True),
    # HumanSD's loss (its threshold and weight); HumanSD used a
    # HigherHRNet-W48 trained on Human-Art here: put its mmpose config and
    # weights in `pose_estimator` to match it
    loss_weight=dict(type='HumanSDHeatmapWeight',
                     estimator=_base_.pose_estimator, threshold=0.05,
                     weight=0.1))

# HumanSD: AdamW at 5e-6 x GPUs x batch (8 x 4), fp16 (here: --amp for
# bfloat16); its training length is not published in its config
optim_wrapper = dict(optimizer=dict(lr=5e-6 * 8 * 4))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-2, by_epoch=False, begin=0,
         end=500)
]
train_cfg = dict(max_iters=100000, val_interval=10000)
default_hooks = dict(checkpoint=dict(interval=5000))
custom_hooks = [
    # sample grids only: an EMA copy would duplicate the frozen CLIP text
    # encoder and VAE with the U-Net (HumanSD trains without EMA)
    dict(type='PoseTransferVisualizationHook', interval=50),
]
# pose AP / AP(m) / CAP / PCE (HumanSD's definitions, its code's two bugs
# off), the CLIP score (openai/clip-vit-base-patch16, saved with
# save_pretrained, at clip_path), the FID of the generated images alone
# against the evaluated Human-Art images, and HumanSD's own FID of its
# 4-panel strips per scene (the one its published numbers use,
# docs/reposesd.md). Both FIDs take pytorch-fid's TF-FID Inception file.
tf_fid_inception = 'pretrained/pt_inception-2015-12-05-6726825d.pth'
val_evaluator = [
    dict(type='HumanSDPoseMetric', protocol='humansd',
         estimator=_base_.pose_estimator),
    dict(type='CLIPScore', protocol='humansd',
         clip_path='pretrained/clip-vit-base-patch16'),
    dict(type='FID', protocol='standard', inception_weights=tf_fid_inception),
    dict(type='HumanSDStripFID', inception_weights=tf_fid_inception),
]
test_evaluator = val_evaluator
