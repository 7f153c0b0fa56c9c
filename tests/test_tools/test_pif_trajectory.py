"""tools/analysis/pif_trajectory.py: the guide's and the judge's energy and
gradient along the sampling trajectory."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import save_random_checkpoint
from script_loading import load_script

REPO = Path(__file__).parents[2]
CONFIG = REPO / 'configs/repose/synthfashion_64_b1_pif.py'
JUDGE = 'simplebaseline_res18_synthfashion_128'


def _run(tool, checkpoint, out, data_root, *extra):
    tool.main([str(CONFIG), str(checkpoint), '--guidance', '0,1',
               '--num-steps', '3', '--num', '3', '--out', str(out),
               '--cfg-options',
               f'test_dataloader.dataset.data_root={data_root}', *extra])
    return json.loads(out.read_text())


def test_records_every_step_and_the_judge_as_guide_agrees_with_itself(
        synthfashion_64, tmp_path, capsys):
    tool = load_script('tools/analysis/pif_trajectory.py')
    checkpoint = save_random_checkpoint(
        REPO / 'configs/repose/synthfashion_64_b1.py', tmp_path / 'b1.pth')
    result = _run(tool, checkpoint, tmp_path / 'a.json', synthfashion_64)
    assert sorted(result) == ['0.0', '1.0']
    steps = result['0.0']
    assert len(steps) == 3 and steps[0]['t'] > steps[-1]['t']
    for step in steps:
        assert all(len(step[q]) == 3 for q in tool.QUANTITIES)
        assert all(-1 <= c <= 1 for c in step['cos_guide_judge'])
    # two different estimators do not give the same gradient direction
    assert any(abs(c) < 0.99 for s in steps for c in s['cos_guide_judge'])
    table = capsys.readouterr().out.split('\n\n')[-1]
    assert table.splitlines()[0].startswith('| s | step | t | G_guide')
    # the judge as the guide: the same energy and a gradient at cosine 1
    swapped = _run(
        tool, checkpoint, tmp_path / 'b.json', synthfashion_64,
        f'model.pose_interaction_field.estimator.config='
        f'configs/pose_estimators/{JUDGE}.py',
        f'model.pose_interaction_field.estimator.checkpoint='
        f'checkpoints/pose_estimators/{JUDGE}.pth')
    for step in swapped['1.0']:
        assert step['G_guide'] == pytest.approx(step['G_judge'], rel=1e-5)
        assert step['cos_guide_judge'] == pytest.approx([1.0] * 3, abs=1e-4)
        assert step['cos_guide_gt'] == pytest.approx(step['cos_judge_gt'],
                                                     abs=1e-4)


def test_a_config_without_pif_is_a_clear_error(tmp_path):
    tool = load_script('tools/analysis/pif_trajectory.py')
    config = REPO / 'configs/repose/synthfashion_64_b1.py'
    checkpoint = save_random_checkpoint(config, tmp_path / 'b1.pth')
    with pytest.raises(SystemExit, match='has no pose_interaction_field'):
        tool.main([str(config), str(checkpoint)])
    with pytest.raises(SystemExit, match="--guidance: '1,x' is not"):
        tool.main([str(config), str(checkpoint), '--guidance', '1,x'])
