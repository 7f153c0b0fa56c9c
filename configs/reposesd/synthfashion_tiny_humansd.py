# The HumanSD-style baseline at CPU scale: a tiny SD-shaped model (random
# init; U-Net and CLIP text encoder of SD's family, in pixel space) trained
# on SynthFashion captions + poses at 64x44 with HumanSD's heatmap-guided
# loss (docs/reposesd.md). Make the folder first (its tokenizer learns the
# captions' words):
#   python tools/misc/make_tiny_sd.py --out work_dirs/tiny_sd_synthfashion \
#       --captions data/synthfashion/captions-train.json --pixel
#   python tools/train.py configs/reposesd/synthfashion_tiny_humansd.py
_base_ = [
    '../_base_/datasets/synthfashion.py', '../_base_/models/reposesd.py',
    '../_base_/pose_estimators/ae_hrnet_w16_synthfashion.py',
    '../_base_/schedules/adamw_2k.py', '../_base_/default_runtime.py'
]

image_size = (64, 44)  # (H, W)
model = dict(
    sd_folder='work_dirs/tiny_sd_synthfashion',
    # no VAE at this size: a random one cannot make images and SD's is not
    # at hand on CPU; diffusion runs on the pixels
    autoencoder=dict(type='IdentityAutoencoder'),
    # HumanSD's heatmap-guided denoising loss (its threshold and weight),
    # with the SynthFashion bottom-up estimator in HigherHRNet's place
    loss_weight=dict(type='HumanSDHeatmapWeight',
                     estimator=dict(_base_.pose_estimator, scale=2.0),
                     threshold=0.05, weight=0.1),
    test_cfg=dict(num_steps=20, cfg_scale=2.0))

# one pair per captioned target image (text-to-image sees each image once)
dataset = dict(type='CaptionedPoseDataset')
train_dataloader = dict(batch_size=16, num_workers=0,
                        persistent_workers=False, dataset=dataset)
val_dataloader = dict(batch_size=16, num_workers=0, persistent_workers=False,
                      dataset=dataset)
test_dataloader = val_dataloader

# the text-to-image scores: does the person stand in the given pose? The
# SimpleBaseline judge, not the estimator PIF guides with, finds the person:
# PCK and mean error as the ablation, and HumanSD's pose AP / AP(m) / CAP /
# PCE (AP(m) is -1 here: 64x44 people are smaller than COCO's medium range)
judge = dict(
    type='MMPoseEstimator',
    config='configs/pose_estimators/simplebaseline_res18_synthfashion_128.py',
    checkpoint='checkpoints/pose_estimators/'
    'simplebaseline_res18_synthfashion_128.pth',
    scale=2.0)
val_evaluator = [
    dict(type='PoseAccuracy', protocol='synthfashion', estimator=judge),
    dict(type='HumanSDPoseMetric', protocol='synthfashion', estimator=judge),
]
test_evaluator = val_evaluator
# the ablation's budget (docs/ablation.md): 4,000 iterations x batch 16,
# constant lr 2e-4 after a 50-iteration warm-up, EMA momentum 2e-3
train_cfg = dict(max_iters=4000, val_interval=4000)
custom_hooks = [
    dict(type='EMAHook', ema_type='ExponentialMovingAverage', momentum=2e-3,
         update_buffers=True, priority='ABOVE_NORMAL'),
    dict(type='PoseTransferVisualizationHook', interval=50),
]
default_hooks = dict(logger=dict(interval=50),
                     checkpoint=dict(interval=200, max_keep_ckpts=1))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
