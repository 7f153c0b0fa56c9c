"""Raising an ablation's budget (``train_cfg.max_iters``) makes new final
checkpoints: the sampling settings are chosen again and the report leaves
out test scores of the old checkpoints instead of mixing budgets."""
from __future__ import annotations

import os
from pathlib import Path

from mmrepose.ablation import AblationSpec, PairScores, build_report, \
    selection
from mmrepose.ablation.selection import load_selection, select_settings


def write_spec(tmp_path: Path, max_iters: int,
               cfg_scales: tuple = (1.0, 2.0)) -> AblationSpec:
    path = tmp_path / f'spec_{max_iters}.py'
    path.write_text(f'''
work_root = {str(tmp_path / 'work')!r}
seeds = [0]
train_options = {{'train_cfg.max_iters': {max_iters}}}
variants = dict(a=dict(config='a.py'), b=dict(config='b.py'))
evaluation = dict(select_seed=0, cfg_scales={list(cfg_scales)})
comparisons = [('a', 'b')]
''')
    return AblationSpec(str(path))


def fake_selection(monkeypatch) -> list[str]:
    """Record the checkpoints settings are chosen with (no model runs)."""
    chosen_with = []

    def fake_select(evaluator, run):
        chosen_with.append(run.checkpoint_id)
        return dict(run=run.name, checkpoint=run.checkpoint_id, cfg_scale=1.0,
                    guidance_scale=None, sweep=[])

    monkeypatch.setattr(selection, 'select_variant', fake_select)
    monkeypatch.setattr(selection, 'is_trained', lambda run: True)
    return chosen_with


def test_settings_chosen_again_for_a_new_checkpoint(tmp_path, monkeypatch):
    chosen_with = fake_selection(monkeypatch)
    for budget in (2, 2, 4):
        select_settings(write_spec(tmp_path, budget), None, log=print)
    # chosen once for budget 2 (reused on the second call), again for 4
    assert [Path(c).name for c in chosen_with] == \
        ['iter_2.pth', 'iter_2.pth', 'iter_4.pth', 'iter_4.pth']
    final = load_selection(write_spec(tmp_path, 4))
    assert Path(final['a']['checkpoint']).name == 'iter_4.pth'


def test_settings_chosen_again_for_a_wider_grid(tmp_path, monkeypatch):
    """A grid that changed (here the CFG scales) is not answered by the
    choice made on the old one, though the checkpoint is the same."""
    chosen_with = fake_selection(monkeypatch)
    for scales in ((1.0, 2.0), (1.0, 2.0), (1.0, 2.0, 5.0)):
        select_settings(write_spec(tmp_path, 2, scales), None, log=print)
    assert len(chosen_with) == 4  # a and b, first and third call
    final = load_selection(write_spec(tmp_path, 2))
    assert final['a']['grid']['cfg_scales'] == [1.0, 2.0, 5.0]


def test_report_leaves_out_scores_of_an_old_budget(tmp_path):
    spec = write_spec(tmp_path, 4)
    for name, iters in (('a', 4), ('b', 2)):
        run = spec.runs(variants=[name])[0]
        os.makedirs(os.path.join(run.scores_dir, 'eval'))
        PairScores('test', {}, f'{name}/seed0/iter_{iters}.pth', ['p0'],
                   {'k': [1.0]}, {'k': 1.0}).save(
            os.path.join(run.scores_dir, 'eval', 'test.json'))
    report = build_report(spec)
    assert set(report['variants']) == {'a'}
    assert report['comparisons'] == []  # b has no scores at this budget
