"""Scores kept apart from the work root (``scores_root``) tie to their run
by the checkpoint's path under the work root: a run whose test split is
scored counts as done for every stage once its checkpoint is gone, and a
score of another budget does not."""
from __future__ import annotations

import os
from pathlib import Path

from mmrepose.ablation import AblationSpec, PairScores, build_report
from mmrepose.ablation.evaluation import is_scored, scores_path
from mmrepose.ablation.training import train_runs


def make_spec(tmp_path: Path, max_iters: int = 4) -> AblationSpec:
    path = tmp_path / 'spec.py'
    path.write_text(f'''
work_root = {str(tmp_path / 'work')!r}
scores_root = {str(tmp_path / 'scores')!r}
seeds = [0]
train_options = {{'train_cfg.max_iters': {max_iters}}}
variants = dict(a=dict(config='a.py'), b=dict(config='b.py'))
evaluation = dict(select_seed=0)
''')
    return AblationSpec(str(path))


def save_test_scores(run, checkpoint: str) -> None:
    path = scores_path(run, 'test')
    os.makedirs(os.path.dirname(path))
    PairScores('test', {}, checkpoint, ['p0'], {'k': [1.0]},
               {'k': 1.0}).save(path)


def test_a_scored_run_needs_no_checkpoint(tmp_path):
    spec = make_spec(tmp_path)
    a, b = spec.runs()
    assert a.scores_dir == str(tmp_path / 'scores/a/seed0')
    assert a.checkpoint_id == 'a/seed0/iter_4.pth'
    save_test_scores(a, 'a/seed0/iter_4.pth')
    save_test_scores(b, 'b/seed0/iter_2.pth')  # another budget
    assert is_scored(a) and not is_scored(b)
    # b would start training (no checkpoint, not scored): stop it there
    started = []

    def log(line: str) -> None:
        started.append(line)
        if 'starting' in line:
            raise KeyboardInterrupt
    try:
        train_runs([a], spec, log=log)
        train_runs([b], spec, log=log)
    except KeyboardInterrupt:
        pass
    assert started[0] == '[train] a/seed0: done (a/seed0/iter_4.pth)'
    assert started[1].startswith('[train] b/seed0: starting')
    assert set(build_report(spec)['variants']) == {'a'}
    assert not os.path.exists(spec.work_root + '/a')
