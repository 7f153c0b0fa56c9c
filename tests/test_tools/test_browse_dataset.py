"""tools/analysis/browse_dataset.py on the real-format fixture."""
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

pytestmark = pytest.mark.slow  # runs the tool in subprocesses

ROOT = Path(__file__).resolve().parents[2]


def run_tool(*args):
    return subprocess.run([sys.executable, str(ROOT / 'tools/analysis/browse_dataset.py'),
                           *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def test_browse_writes_grid_and_checks_all(patn_root, tmp_path):
    out = tmp_path / 'grid.png'
    proc = run_tool(ROOT / 'configs/repose/deepfashion_256_b1.py',
                    '--out', out, '--num', 3, '--check-all', '--cfg-options',
                    f'train_dataloader.dataset.data_root={patn_root}')
    assert proc.returncode == 0, proc.stderr
    assert 'DeepFashionPoseDataset (train): 3 pairs' in proc.stdout
    assert 'all 3 pairs load' in proc.stdout
    grid = cv2.imread(str(out))
    # 3 rows of 256-high panels, 5 columns of 176-wide panels
    assert grid.shape[0] > 3 * 256 and grid.shape[1] > 5 * 176
    assert grid.shape[1] < 6 * 176


def test_browse_reports_a_bad_dataset(patn_root, tmp_path):
    (patn_root / 'test' / 'fashionMENDenimid0000008001_1front.jpg').unlink()
    proc = run_tool(ROOT / 'configs/repose/deepfashion_256_b1.py',
                    '--split', 'test', '--out', tmp_path / 'g.png',
                    '--cfg-options', f'test_dataloader.dataset.data_root={patn_root}')
    assert proc.returncode != 0 and 'Traceback' not in proc.stderr
    assert 'error: ' in proc.stderr and 'image file not found' in proc.stderr
    assert 'fashionMENDenimid0000008001_1front.jpg' in proc.stderr
