"""tools/analysis/sampler_sweep.py: every setting scored on the same pairs,
compared pair by pair with the reference, cached per setting."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import save_random_checkpoint
from script_loading import load_script

REPO = Path(__file__).parents[2]
CONFIG = REPO / 'configs/repose/synthfashion_64_b1.py'


def test_sweep_scores_compares_and_reuses_its_scores(synthfashion_64,
                                                     tmp_path, capsys,
                                                     monkeypatch):
    tool = load_script('tools/analysis/sampler_sweep.py')
    checkpoint = save_random_checkpoint(CONFIG, tmp_path / 'b1.pth')
    out = tmp_path / 'sweep'
    argv = [str(CONFIG), str(checkpoint), '--samplers', 'ddim:2,ddim:1',
            '--out', str(out), '--cfg-options',
            f'test_dataloader.dataset.data_root={synthfashion_64}']
    tool.main(argv)
    table = capsys.readouterr().out.split('\n\n')[-1]
    rows = [line for line in table.splitlines() if line.startswith('| ddim')]
    assert [r.split(' | ')[:2] for r in rows] == [['| ddim:2', '4'],
                                                  ['| ddim:1', '2']]
    assert rows[0].endswith('|  |  |  |')  # the reference itself
    assert '[' in rows[1].split(' | ')[-1]  # a CI against the reference
    files = sorted(p.name for p in out.iterdir())
    assert files == ['val_ddim_1_cfg1.25.json', 'val_ddim_2_cfg1.25.json']
    scores = json.loads((out / files[0]).read_text())
    assert scores['settings']['num_steps'] == 1
    assert len(scores['values']['judge/pck@0.1']) == len(scores['pairs'])

    def no_sampling(*args, **kwargs):
        raise AssertionError('a cached setting was sampled again')
    monkeypatch.setattr(tool.Evaluator, 'score', no_sampling)
    tool.main(argv)
    assert capsys.readouterr().out.split('\n\n')[-1] == table
    # another run's scores as the reference row (e.g. a teacher's)
    tool.main(argv[:2] + ['--samplers', 'ddim:1', '--reference-scores',
                          str(out / files[1])] + argv[4:])
    rows = capsys.readouterr().out.split('\n\n')[-1].splitlines()[2:]
    assert rows[0].startswith('| ref val_ddim_2_cfg1.25 | 4 |')
    assert rows[1].startswith('| ddim:1 | 2 |') and '[' in rows[1]
    with pytest.raises(SystemExit, match='--reference-scores: no file'):
        tool.main(argv + ['--reference-scores', str(out / 'none.json')])
    (tmp_path / 'bad.json').write_text('{"pairs": []}')
    with pytest.raises(SystemExit, match='is not a scores file'):
        tool.main(argv + ['--reference-scores', str(tmp_path / 'bad.json')])
    with pytest.raises(SystemExit, match="unknown sampler 'euler'"):
        tool.main([str(CONFIG), str(checkpoint), '--samplers', 'euler:5'])
    with pytest.raises(SystemExit, match="'ddim' is not NAME:STEPS"):
        tool.main([str(CONFIG), str(checkpoint), '--samplers', 'ddim'])
    with pytest.raises(SystemExit, match="--reference 'unipc:5' is not one"):
        tool.main(argv + ['--reference', 'unipc:5'])


def test_sweep_guides_a_b1_checkpoint_in_windows(synthfashion_64, tmp_path,
                                                   capsys):
    """A B1 checkpoint loads into the B1 + PIF config; guidance scales and
    windows cross the samplers, each a row, a setting and a file."""
    tool = load_script('tools/analysis/sampler_sweep.py')
    checkpoint = save_random_checkpoint(CONFIG, tmp_path / 'b1.pth')
    out = tmp_path / 'sweep'
    config = REPO / 'configs/repose/synthfashion_64_b1_pif.py'
    data = ['--cfg-options',
            f'test_dataloader.dataset.data_root={synthfashion_64}']
    tool.main([str(config), str(checkpoint), '--samplers', 'ddim:2',
               '--guidance', '0,2', '--guidance-steps', 'all,0:0.5',
               '--out', str(out)] + data)
    table = capsys.readouterr().out.split('\n\n')[-1]
    labels = [line.split(' | ')[0][2:] for line in table.splitlines()[2:]]
    assert labels == ['ddim:2 s=0', 'ddim:2 s=2', 'ddim:2 s=2 steps=0-0.5']
    path = out / 'val_ddim_2_s2_steps0-0.5_cfg1.25.json'
    settings = json.loads(path.read_text())['settings']
    assert settings['guidance_scale'] == 2.0
    assert settings['guidance_steps'] == dict(start=0.0, end=0.5)
    assert len(list(out.iterdir())) == 3
    with pytest.raises(SystemExit, match='has no PIF guidance'):
        tool.main([str(CONFIG), str(checkpoint), '--samplers', 'ddim:2',
                   '--guidance', '1'] + data)
    with pytest.raises(SystemExit, match='0 <= START <= END <= 1'):
        tool.main([str(config), str(checkpoint), '--samplers', 'ddim:2',
                   '--guidance-steps', '0.5:0.2'] + data)


def test_sweep_crosses_the_drift_options():
    """--view-shift and --gradient-blur are grid dimensions of the guided
    settings only, absent from a setting where they are off."""
    from types import SimpleNamespace

    from mmrepose.models.diffusion import GaussianDiffusion
    tool = load_script('tools/analysis/sampler_sweep.py')
    pif = SimpleNamespace(sample_cfg=dict(steps='all', view_shift=0,
                                          gradient_blur=0.0))
    model = SimpleNamespace(pose_interaction_field=pif,
                            diffusion=GaussianDiffusion(),
                            test_cfg=dict(guidance_scale=1.0))
    args = tool.parse_args(['c.py', 'w.pth', '--samplers', 'ddim:2',
                            '--guidance', '0,1', '--view-shift', '0,2',
                            '--gradient-blur', '1.5'])
    grid = tool.settings_grid(args, model, 1.25)
    assert [label for label, _, _ in grid] == [
        'ddim:2 s=0', 'ddim:2 s=1 blur=1.5', 'ddim:2 s=1 shift=2 blur=1.5']
    assert 'view_shift' not in grid[1][2] and grid[2][2]['view_shift'] == 2
    args.view_shift = 'two'
    with pytest.raises(ValueError, match="--view-shift: 'two'"):
        tool.settings_grid(args, model, 1.25)
