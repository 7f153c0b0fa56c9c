"""tools/analysis/visualize_rpa.py: the iteration grid of a B2 model."""
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from conftest import save_random_checkpoint

pytestmark = pytest.mark.slow  # runs the tool in subprocesses

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / 'tools/analysis/visualize_rpa.py'


def _checkpoint(config: str, path: Path) -> Path:
    def move_flow(model):   # a flow head that moves something
        model.pose_alignment.aggregator.head.bias[:2] = 0.5

    return save_random_checkpoint(ROOT / config, path, move_flow)


def _run(*args):
    return subprocess.run([sys.executable, str(TOOL), *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


def test_writes_the_iteration_grid(synthfashion_64, tmp_path):
    ckpt = _checkpoint('configs/repose/synthfashion_64_b2.py',
                       tmp_path / 'b2.pth')
    out = tmp_path / 'grid.png'
    proc = _run('configs/repose/synthfashion_64_b2.py', ckpt, '--out', out,
                '--num', 3, '--zoom', 2, '--cfg-options',
                f'test_dataloader.dataset.data_root={synthfashion_64}')
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'it5' in proc.stdout and 'wrote' in proc.stdout
    grid = cv2.imread(str(out))
    # 3 rows; 1 source + 5 iterations + target + flow + visibility columns
    h, w = 64 * 2, 44 * 2
    assert grid.shape[0] >= 3 * h and grid.shape[1] >= 9 * w
    assert grid.shape[1] < 10 * w


def test_b1_model_and_missing_checkpoint_are_clear_errors(tmp_path):
    ckpt = _checkpoint('configs/repose/synthfashion_64_b2.py',
                       tmp_path / 'b2.pth')
    proc = _run('configs/repose/synthfashion_64_b1.py', ckpt)
    assert proc.returncode == 1 and 'does not match' in proc.stderr
    proc = _run('configs/repose/synthfashion_64_b2.py', tmp_path / 'no.pth')
    assert proc.returncode == 1 and 'checkpoint not found' in proc.stderr
