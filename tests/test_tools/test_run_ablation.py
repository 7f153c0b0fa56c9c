"""tools/analysis/run_ablation.py end to end on a micro budget: every
variant x 2 seeds trained, settings chosen on val, test scored, the report
complete; a run killed mid-training resumes from its checkpoint; scores kept
apart from the work root outlive it."""
from __future__ import annotations

import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest

from mmrepose.ablation import AblationSpec, AblationSpecError

REPO = Path(__file__).parents[2]
TOOL = REPO / 'tools/analysis/run_ablation.py'
SPEC = REPO / 'configs/ablation/synthfashion_64.py'
VARIANTS = ('b1', 'b2', 'full_eta0')


def write_spec(path: Path, data_root: Path, work_root: Path,
               max_iters: int = 2, scores_root: Path | None = None) -> Path:
    """The project's spec on a micro budget: its metrics (judge and guide
    included) and rules, 2 seeds, tiny data and grids; 3 variants: two
    trained and one sampling another's weights with PIF (a trained full
    model is tests/test_tools/test_full_tools.py's)."""
    options = {
        'train_dataloader.batch_size': 2, 'train_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False,
        'train_dataloader.dataset.data_root': str(data_root),
        'test_dataloader.dataset.data_root': str(data_root),
        'train_cfg.max_iters': max_iters,
        'default_hooks.checkpoint.interval': 2,
        'default_hooks.logger.interval': 1,
    }
    path.write_text(f'''
_base_ = [{str(SPEC)!r}]
work_root = {str(work_root)!r}
scores_root = {str(scores_root or work_root)!r}
seeds = [0, 1]
train_options = {options!r}
variants = dict(
    _delete_=True,
    b1=dict(config='configs/repose/synthfashion_64_b1.py'),
    b2=dict(config='configs/repose/synthfashion_64_b2.py'),
    full_eta0=dict(config='configs/repose/synthfashion_64.py',
                   weights_from='b2'),
)
evaluation = dict(
    val_pairs_every=4, sampler=dict(sampler='ddim', num_steps=2, seed=0),
    cfg_scales=[1.0, 1.5], guidance_scales=[1.0], ssim_tolerance=1.0,
    batch_size=4, grid_variants=['b1', 'b2', 'full_eta0'])
comparisons = [('b2', 'b1'), ('full_eta0', 'b2')]
''')
    return path


def run_tool(spec: Path, *args: str) -> subprocess.Popen:
    """The tool in a new session (so a kill reaches its trainers), one
    thread per process (two runs train at once on 2 cores)."""
    return subprocess.Popen([sys.executable, str(TOOL), str(spec), *args],
                            cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            start_new_session=True,
                            env={**os.environ, 'OMP_NUM_THREADS': '1'})


def test_spec_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match='ablation spec not found'):
        AblationSpec(str(tmp_path / 'missing.py'))
    bad = tmp_path / 'bad.py'
    bad.write_text("work_root='w'\nseeds=[0]\ntrain_options={}\n"
                   "variants=dict(a=dict(config='x.py'))\nevaluation={}\n")
    with pytest.raises(AblationSpecError, match='train_cfg.max_iters'):
        AblationSpec(str(bad))
    bad.write_text(bad.read_text().replace(
        '{}\nvariants', "{'train_cfg.max_iters': 1}\nvariants").replace(
        "config='x.py')", "config='x.py', weights_from='b')"))
    with pytest.raises(AblationSpecError, match="weights from 'b'"):
        AblationSpec(str(bad))


@pytest.mark.slow  # trains every variant
def test_ablation_end_to_end_and_resume(synthfashion_64, tmp_path):
    work_root, scores_root = tmp_path / 'work', tmp_path / 'scores'
    # a killed run: stop b1/seed0 once its first checkpoint is written
    spec = write_spec(tmp_path / 'spec.py', synthfashion_64, work_root,
                      max_iters=4, scores_root=scores_root)
    proc = run_tool(spec, '--seeds', '0', '--variants', 'b1', '--stages',
                    'train')
    first = work_root / 'b1/seed0/iter_2.pth'
    deadline = time.time() + 300
    while not first.exists() and proc.poll() is None and \
            time.time() < deadline:
        time.sleep(0.2)
    assert first.exists(), proc.communicate()[0]
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (work_root / 'b1/seed0/iter_4.pth').exists()

    out, _ = run_tool(spec, '--jobs', '2').communicate(timeout=900)
    assert '[train] b1/seed0: resuming' in out, out
    log = (work_root / 'b1/seed0/train.log').read_text()
    assert 'resuming at iteration 2' in log

    report = json.loads((scores_root / 'report.json').read_text())
    assert set(report['variants']) == set(VARIANTS), out
    for name, row in report['variants'].items():
        assert row['seeds'] == [0, 1]
        assert set(row['per_seed']) == {'0', '1'}
        for key in ('synthfashion/ssim_256_sigma1.5', 'synthfashion/psnr',
                    'synthfashion/masked_l1',
                    'synthfashion/part_colour_error', 'judge/pck@0.1',
                    'judge/mean_error_px', 'guide/pck@0.1',
                    'guide/mean_error_px'):
            assert key in row['summary'], (name, key)
    assert 'guidance_scale' not in report['variants']['b1']['settings']
    assert report['variants']['full_eta0']['settings']['guidance_scale'] \
        in (0.0, 1.0)
    assert report['references']['ground_truth'][
        'synthfashion/ssim_256_sigma1.5'] == 1.0
    compared = {(c['a'], c['b']) for c in report['comparisons']}
    assert compared == {('b2', 'b1'), ('full_eta0', 'b2')}
    assert all(c['pairs'] > 0 for c in report['comparisons'])
    markdown = (scores_root / 'report.md').read_text()
    assert '| full_eta0 |' in markdown and '## Paired comparisons' in markdown
    views = report['variants']['b1']['by_target_view']
    assert sum(views['pairs'].values()) == len(json.loads(
        (scores_root / 'b1/seed0/eval/test.json').read_text())['pairs'])
    assert '## By target view' in markdown
    grid = cv2.imread(str(scores_root / 'grid.png'))
    assert report['grid'] and grid.shape[1] > 5 * 44 * 3  # 5 columns, x3
    assert not (scores_root / 'b1/seed0/iter_4.pth').exists()
    # the second call has nothing left to do and writes the same numbers,
    # also when the work root (checkpoints, test images) is gone
    shutil.rmtree(work_root)
    again, _ = run_tool(spec).communicate(timeout=600)
    assert 'starting' not in again and 'resuming' not in again, again
    assert json.loads((scores_root / 'report.json').read_text()) == report


def test_grid_pairs_cover_the_view_changes():
    from mmrepose.ablation.grid import choose_pairs, views
    names = ['idA01_1front_2_idA01_2front', 'idA01_3back_2_idA01_1front',
             'idA01_4side_2_idA01_1front', 'idA01_1front_2_idA01_3back',
             'idA01_1front_2_idA01_4side', 'bad_name']
    assert views(names[1]) == ('back', 'front')
    assert views('bad_name') is None
    assert choose_pairs(names) == [names[1], names[2], names[3], names[4],
                                   names[0]]


def test_report_by_target_view_averages_each_view():
    from mmrepose.ablation.evaluation import PairScores
    from mmrepose.ablation.report import _mean_by_view, by_target_view
    pairs = ['aback_2_bfront', 'afront_2_bfront', 'aside_2_bback',
             'afront_2_bside', 'no_view_here']
    pck = [1.0, 0.5, 0.25, None, 0.0]
    scores = PairScores('test', {}, None, pairs,
                        {'judge/pck@0.1': pck}, {})
    table = by_target_view(scores)
    assert table['pairs'] == {'front': 2, 'side': 1, 'back': 1}
    pck_by_view = table['judge/pck@0.1']
    assert pck_by_view['front'] == 0.75 and pck_by_view['back'] == 0.25
    assert math.isnan(pck_by_view['side'])  # its one value is missing
    two = _mean_by_view([table, by_target_view(PairScores(
        'test', {}, None, pairs, {'judge/pck@0.1': [0, 0, 0.75, 1, 0]}, {}))])
    assert two['pairs'] == table['pairs']
    assert two['judge/pck@0.1']['front'] == 0.375
    assert two['judge/pck@0.1']['back'] == 0.5


def test_interrupted_training_stops_its_processes(tmp_path, monkeypatch):
    """Leaving train_runs early (here an interrupt while it waits) stops
    the training processes it started instead of orphaning them."""
    from mmrepose.ablation import training
    from mmrepose.ablation.spec import Run, Variant

    started: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    def interrupt(_seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(training, 'train_command', lambda run, spec: [
        sys.executable, '-c', 'import time; time.sleep(120)'])
    monkeypatch.setattr(training.subprocess, 'Popen', popen)
    monkeypatch.setattr(training.time, 'sleep', interrupt)
    runs = [Run(Variant(f'v{i}', 'unused.py'), 0, str(tmp_path), 10)
            for i in range(2)]
    with pytest.raises(KeyboardInterrupt):
        training.train_runs(runs, spec=None, jobs=2, log=lambda _: None)
    assert len(started) == 2
    assert all(proc.poll() is not None for proc in started)
