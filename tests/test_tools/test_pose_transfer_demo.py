"""demo/pose_transfer_demo.py end to end (random weights) and its errors."""
import subprocess
import sys
from pathlib import Path

import cv2
import pytest
import torch
from mmengine.config import Config

from mmrepose.registry import MODELS
from script_loading import load_script

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/repose/synthfashion_64_b1.py'


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp('demo') / 'random.pth'
    torch.save({'state_dict': MODELS.build(Config.fromfile(CONFIG).model)
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


def test_demo_bad_files_and_places(checkpoint, tmp_path, monkeypatch):
    """An empty image, a truncated checkpoint, an output folder that
    cannot be written, a device that is not there: one line each, and the
    folder is checked before sampling."""
    empty = tmp_path / 'empty.jpg'
    empty.write_bytes(b'')
    truncated = tmp_path / 'truncated.pth'
    truncated.write_bytes(Path(checkpoint).read_bytes()[:1000])
    blocked = tmp_path / 'blocked'
    blocked.write_text('a file where the output folder should be')
    cases = [
        ([empty], checkpoint, tmp_path / 'out',
         f'cannot decode image {empty}: the file is empty'),
        ([], truncated, tmp_path / 'out',
         f'cannot read checkpoint {truncated} (truncated'),
        ([], checkpoint, blocked / 'sub', f'cannot write to --out-dir '
         f'{blocked}/sub'),
    ]
    if not torch.cuda.is_available():
        cases.append((['--device', 'cuda'], checkpoint, tmp_path / 'out',
                      "device 'cuda' asked for, but torch sees no CUDA GPU"))
    demo = load_script('demo/pose_transfer_demo.py')
    for args, weights, out_dir, message in cases:  # in-process: fast
        monkeypatch.setattr(sys, 'argv', ['demo', *map(str, [
            *args, '--config', CONFIG, '--checkpoint', weights,
            '--out-dir', out_dir, '--steps', 1])])
        with pytest.raises(SystemExit) as exc:
            demo.main()
        text = str(exc.value)
        assert text.startswith('error: ') and message in text, text
        assert '\n' not in text
