# Progressive distillation, round 1, of the full model (RPA + PIF with
# eta -1): the ablation's seed-0 model sampled with DDIM-20 at the CFG and
# PIF scales chosen for it on val (1.25 and 1.0: 40 network calls and 20
# PIF gradients per image), taught to a DDIM-10 student that takes one
# network call a step and no PIF gradient. Train the ablation first
# (docs/ablation.md).
#   python tools/train.py configs/distillation/synthfashion_64_full_ddim10.py
_base_ = ['./synthfashion_64_b1_ddim10.py']

model = dict(
    model='configs/repose/synthfashion_64_full_encoder.py',
    teacher_checkpoint='work_dirs/ablation_synthfashion_64/'
    'full_encoder_eta_minus1/seed0/iter_4000.pth',
    teacher_sampling=dict(cfg_scale=1.25, guidance_scale=1.0))
