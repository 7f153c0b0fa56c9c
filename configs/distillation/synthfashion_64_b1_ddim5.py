# Progressive distillation, round 2: round 1's student (DDIM-10, no CFG) as
# the teacher of a DDIM-5 student (5 network calls per image, 8x fewer than
# the embedded B1's DDIM-20 with CFG). Train round 1 first.
#   python tools/train.py configs/distillation/synthfashion_64_b1_ddim5.py
_base_ = ['./synthfashion_64_b1_ddim10.py']

model = dict(
    teacher_checkpoint='work_dirs/synthfashion_64_b1_ddim10/iter_2000.pth',
    teacher_steps=10,
    teacher_sampling=dict(cfg_scale=1.0))
