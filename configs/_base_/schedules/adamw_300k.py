# The paper's schedule: AdamW lr 1e-4, 300k iterations, EMA 0.9999
# (mmengine's momentum = 1 - decay), validation and checkpoints every 10k.
optim_wrapper = dict(
    # stops (or, with on_nonfinite='skip', skips the step) on a NaN/inf loss
    type='NonFiniteCheckOptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-4, weight_decay=0.0),
    clip_grad=dict(max_norm=1.0))
# ResumableIterBasedTrainLoop: --resume positions the sampler instead of
# replaying every trained batch (mmrepose/engine/loops/).
train_cfg = dict(type='ResumableIterBasedTrainLoop', max_iters=300000,
                 val_interval=10000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0,
         end=1000),
]
custom_hooks = [
    dict(type='EMAHook', ema_type='ExponentialMovingAverage', momentum=1e-4,
         update_buffers=True, priority='ABOVE_NORMAL'),
    # sample grids (source | target pose | generated | ground truth) to the
    # visualizer backends every 50 validation/test iterations
    dict(type='PoseTransferVisualizationHook', interval=50),
]
