"""demo/pose_transfer_demo.py end to end (random weights) and its errors."""
import subprocess
import sys
from pathlib import Path

import cv2
import pytest
import torch

from mmrepose.registry import MODELS
from mmrepose.utils import read_config

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/repose/synthfashion_64_b1.py'


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp('demo') / 'random.pth'
    torch.save({'state_dict': MODELS.build(read_config(CONFIG).model)
                .state_dict()}, path)
    return path


def run_demo(*args):
    return subprocess.run([sys.executable, str(ROOT / 'demo/pose_transfer_demo.py'),
                           *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


@pytest.mark.slow  # subprocess
def test_demo_writes_grid_with_ground_truth(checkpoint, tmp_path):
    proc = run_demo('--config', CONFIG, '--checkpoint', checkpoint,
                    '--out-dir', tmp_path, '--steps', 2)
    assert proc.returncode == 0, proc.stderr
    assert f'wrote {tmp_path}/demo.png' in proc.stdout
    grid = cv2.imread(str(tmp_path / 'demo.png'))
    # 4 columns (source, pose, result, ground truth) of 64x44 shown 4x larger
    assert grid.shape[1] > 4 * 176 and grid.shape[0] > 256
    assert (tmp_path / 'demo_result_0.png').is_file()


@pytest.mark.slow  # subprocesses
@pytest.mark.parametrize('args, message', [
    (['missing.jpg'], 'cannot read image missing.jpg'),
    ([ROOT / 'demo/examples/source.jpg', 'nope.json'],
     'keypoint JSON not found: nope.json'),
])
def test_demo_errors_are_one_line(checkpoint, tmp_path, args, message):
    proc = run_demo(*args, '--config', CONFIG, '--checkpoint', checkpoint,
                    '--out-dir', tmp_path)
    assert proc.returncode != 0 and 'Traceback' not in proc.stderr
    assert proc.stderr.startswith('error: ') and message in proc.stderr
