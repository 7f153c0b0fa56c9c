# B2 that keeps B1's appearance encoder: the U-Net cross-attends to B1's
# multi-scale source tokens and to RPA's warped-source tokens (concatenated),
# i.e. B1 + RPA, a reading of "PIDM + RPA" in which RPA adds to the
# baseline's appearance path instead of replacing it (docs/ablation.md).
#   python tools/train.py configs/repose/synthfashion_64_b2_encoder.py
_base_ = ['./synthfashion_64_b2.py']

model = dict(
    appearance_encoder=dict(_delete_=True, type='SourceAppearanceEncoder',
                            channels=(32, 64, 64), token_stages=(1, 2),
                            context_dim=_base_.context_dim))
