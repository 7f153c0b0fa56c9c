# The SynthFashion recipe, sized for a CPU or one GPU: the paper's AdamW
# (adamw_300k.py: clipping, EMA, the sample grids) at lr 2e-4, a
# 50-iteration warm-up, 2k iterations, validation every 1k.
_base_ = ['./adamw_300k.py']

optim_wrapper = dict(optimizer=dict(lr=2e-4))
train_cfg = dict(max_iters=2000, val_interval=1000)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-2, by_epoch=False, begin=0, end=50)
]
