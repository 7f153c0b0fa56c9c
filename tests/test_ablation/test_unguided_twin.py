"""A variant sampling another variant's weights at guidance scale 0 (B2's
weights + PIF at s = 0) makes that variant's images exactly: its scores are
taken over instead of sampled again; any other scale is sampled."""
from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from mmrepose.ablation import AblationSpec, Evaluator, PairScores

SAMPLER = {'sampler': 'ddim', 'num_steps': 2, 'seed': 0, 'cfg_scale': 1.0}


class Sampled(Exception):
    """The evaluator went to the model."""


def make_spec(tmp_path: Path) -> AblationSpec:
    path = tmp_path / 'spec.py'
    path.write_text(f'''
work_root = {str(tmp_path / 'work')!r}
seeds = [0]
train_options = {{'train_cfg.max_iters': 2}}
variants = dict(b2=dict(config='b2.py'),
                b2_pif=dict(config='full.py', weights_from='b2'))
evaluation = dict(metrics=[], select_seed=0)
''')
    return AblationSpec(str(path))


def test_guidance_zero_takes_over_the_twins_scores(tmp_path):
    spec = make_spec(tmp_path)
    b2, b2_pif = spec.runs()
    evaluator = Evaluator(spec)

    def sample(*args, **kwargs):
        raise Sampled
    evaluator.score = sample
    model = SimpleNamespace(test_cfg={})
    twin = PairScores('val', SAMPLER, b2.checkpoint_id, ['p0', 'p1'],
                      {'k': [0.5, 0.7]}, {'k': 0.6})
    os.makedirs(os.path.join(b2.scores_dir, 'eval'))
    twin.save(os.path.join(b2.scores_dir, 'eval', 'val_cfg1.json'))
    guided = {**SAMPLER, 'guidance_scale': 0.0}
    scores = evaluator.score_run(b2_pif, model, None, 'val', guided,
                                 'val_cfg1_s0')
    assert scores.values == twin.values and scores.settings == guided
    saved = PairScores.load(os.path.join(b2_pif.scores_dir, 'eval',
                                         'val_cfg1_s0.json'))
    assert saved == scores
    # another scale, or the twin scored with other settings: sampled
    with pytest.raises(Sampled):
        evaluator.score_run(b2_pif, model, None, 'val',
                            {**SAMPLER, 'guidance_scale': 0.5},
                            'val_cfg1_s0.5')
    other = {**SAMPLER, 'cfg_scale': 1.5}
    with pytest.raises(Sampled):
        evaluator.score_run(b2_pif, model, None, 'val',
                            {**other, 'guidance_scale': 0.0}, 'val_cfg1.5_s0')
