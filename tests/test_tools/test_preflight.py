"""``tools/train.py --check`` / ``tools/test.py --check``: the checklist of
what a run needs, without building the model; exit 1 on any problem, one
line per problem."""
from __future__ import annotations

import shutil
import sys

import pytest
import torch

from script_loading import load_script

CONFIG = 'configs/repose/synthfashion_64.py'


def run_check(monkeypatch, capsys, tool: str, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, 'argv', [tool, *args, '--check'])
    with pytest.raises(SystemExit) as exit_info:
        load_script(f'tools/{tool}').main()
    return exit_info.value.code, capsys.readouterr().out


def test_train_check_passes_on_a_complete_setup(synthfashion_64, tmp_path,
                                                monkeypatch, capsys):
    code, out = run_check(
        monkeypatch, capsys, 'train.py', CONFIG, '--work-dir',
        str(tmp_path / 'work'), '--cfg-options',
        f'train_dataloader.dataset.data_root={synthfashion_64}',
        f'val_dataloader.dataset.data_root={synthfashion_64}')
    assert code == 0, out
    assert 'FAIL' not in out and 'checks passed' in out
    # 6 identities x 4 views, ordered pairs of distinct views: 6 x 4 x 3
    assert 'train_dataloader: 72 pairs, 24 images' in out
    assert 'estimator.checkpoint: checkpoints/pose_estimators/' in out


def test_every_problem_is_one_line(synthfashion_64, tmp_path, monkeypatch,
                                   capsys):
    missing_images = tmp_path / 'data'
    shutil.copytree(synthfashion_64, missing_images)
    victim = next((missing_images / 'train').iterdir())
    victim.unlink()
    code, out = run_check(
        monkeypatch, capsys, 'train.py', CONFIG, '--gpus', '8',
        '--work-dir', '/proc/no_such_dir/work', '--cfg-options',
        f'train_dataloader.dataset.data_root={missing_images}',
        f'val_dataloader.dataset.data_root={tmp_path}/nowhere',
        'model.pose_interaction_field.estimator.checkpoint=nope/pose.pth',
        'env_cfg.dist_cfg.backend=nccl')
    assert code == 1
    fails = [ln for ln in out.splitlines() if 'FAIL' in ln]
    assert any('train_dataloader' in ln and victim.name in ln
               for ln in fails), out
    assert any('val_dataloader' in ln and 'nowhere' in ln for ln in fails)
    assert any('nope/pose.pth not found' in ln for ln in fails)
    assert any('work dir: cannot write' in ln for ln in fails)
    if torch.cuda.device_count() < 8:
        assert any('devices: 8 processes' in ln for ln in fails)
    assert 'Traceback' not in out


def test_test_check_reads_the_checkpoint(synthfashion_64, tmp_path,
                                         monkeypatch, capsys):
    broken = tmp_path / 'cut.pth'
    broken.write_bytes(b'PK\x03\x04 not a whole archive')
    code, out = run_check(
        monkeypatch, capsys, 'test.py', CONFIG, str(broken), '--work-dir',
        str(tmp_path / 'work'), '--cfg-options',
        f'test_dataloader.dataset.data_root={synthfashion_64}')
    assert code == 1
    assert 'FAIL  checkpoint: cannot read' in out and 'cut.pth' in out
    assert 'test_dataloader:' in out and 'output folder:' in out
