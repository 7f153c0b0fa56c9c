# RePoseSD's small-scale proof on SynthFashion (docs/reposesd.md): the tiny
# text + pose model trained from scratch with PIF guidance (RePoseSD) and
# with HumanSD's heatmap-guided loss (the baseline), at the RePoseDM
# ablation's budget and seeds, sampling settings chosen on val, scored on
# the test split pair by pair. One command starts or continues it:
#   python tools/misc/make_tiny_sd.py --out work_dirs/tiny_sd_synthfashion \
#       --captions data/synthfashion/captions-train.json --pixel
#   python tools/analysis/run_ablation.py configs/ablation/reposesd_synthfashion_tiny.py
# Needs data/synthfashion with its captions (make_synthfashion.py writes
# them). Scores: the judge's (SimpleBaseline) PCK and HumanSD's pose AP /
# CAP / PCE, and against the captioned ground truth the appearance metrics
# (a caption fixes the garments' colours, not the person's every pixel).
_base_ = ['./synthfashion_64.py']

work_root = 'work_dirs/ablation_reposesd_synthfashion_tiny'
variants = dict(
    _delete_=True,
    humansd=dict(config='configs/reposesd/synthfashion_tiny_humansd.py'),
    reposesd=dict(config='configs/reposesd/synthfashion_tiny.py'),
)
evaluation = dict(
    metrics=[
        *_base_.evaluation.metrics,
        dict(type='HumanSDPoseMetric', prefix='humansd',
             estimator=_base_.judge),
    ],
    # text guidance as SD uses it: a wider range than the pose-transfer
    # models'
    cfg_scales=[1.5, 2.0, 3.0, 5.0],
    grid_variants=['humansd', 'reposesd'])
comparisons = [('reposesd', 'humansd')]
