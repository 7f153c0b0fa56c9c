# Progressive distillation, round 1 (docs/speed.md): the embedded B1,
# sampled with DDIM-20 at CFG 1.25 (40 network calls per image), taught to
# a student that samples with DDIM-10 and no CFG pass (10 calls).
#   python tools/train.py configs/distillation/synthfashion_64_b1_ddim10.py
#   python tools/test.py configs/distillation/synthfashion_64_b1_ddim10.py \
#       work_dirs/synthfashion_64_b1_ddim10/iter_2000.pth
_base_ = ['../repose/synthfashion_64_b1.py']

model = dict(
    _delete_=True,
    type='ProgressiveDistillation',
    model=_base_.model,
    teacher_checkpoint='checkpoints/synthfashion_64_b1.pth',
    teacher_steps=20,
    teacher_sampling=dict(cfg_scale=1.25))

train_dataloader = dict(batch_size=16)
optim_wrapper = dict(optimizer=dict(lr=1e-4))
train_cfg = dict(max_iters=2000, val_interval=1000)
# an EMA that forgets the starting weights within the round
custom_hooks = [dict(_base_.custom_hooks[0], momentum=2e-3),
                _base_.custom_hooks[1]]
