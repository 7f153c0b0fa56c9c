"""tools/evaluate_folder.py on SynthFashion: the test set scored against
itself and against a shifted copy, with random weights."""
import importlib.util
import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmrepose.datasets import BasePoseTransferDataset, read_patn_pairs
from mmrepose.datasets.synthesis import generate_synthfashion

ROOT = Path(__file__).resolve().parents[2]
NUM_PAIRS = 4


def load_tool():
    spec = importlib.util.spec_from_file_location(
        'evaluate_folder', ROOT / 'tools' / 'evaluate_folder.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def folders(tmp_path_factory):
    """SynthFashion test images, the first pairs of its pairs csv, and two
    folders of 'generated' images: the targets themselves (as .jpg) and the
    targets shifted by 6 pixels (as .png)."""
    root = tmp_path_factory.mktemp('eval')
    generate_synthfashion(str(root / 'sf'), size=(128, 88), train_ids=2,
                          test_ids=2, poses_per_id=3, seed=0, progress=False)
    lines = (root / 'sf' / 'fasion-resize-pairs-test.csv').read_text()
    pairs_csv = root / 'pairs.csv'
    pairs_csv.write_text('\n'.join(lines.splitlines()[:NUM_PAIRS + 1]) + '\n')
    for kind in ('self', 'shifted'):
        (root / kind).mkdir()
    for _, src, tgt in read_patn_pairs(str(pairs_csv)):
        name = BasePoseTransferDataset.pair_name(src, tgt)
        target = root / 'sf' / 'test' / tgt
        shutil.copy(target, root / 'self' / f'{name}.jpg')
        shifted = np.roll(cv2.imread(str(target)), 6, axis=1)
        cv2.imwrite(str(root / 'shifted' / f'{name}.png'), shifted)
    return root


def run(tool, folders, pred, *extra):
    tool.main(['--gt', str(folders / 'sf' / 'test'), '--pred',
               str(folders / pred), '--pairs', str(folders / 'pairs.csv'),
               '--protocol', 'pidm', '--cache-dir', str(folders / 'cache'),
               '--device', 'cpu', *map(str, extra)])


def values(stdout):
    rows = [line.rsplit(None, 1) for line in stdout.splitlines()
            if line.startswith('pidm/')]
    return {key.strip(): float(value) for key, value in rows}


def test_self_and_shifted(folders, capsys):
    tool = load_tool()
    annotations = folders / 'sf' / 'fasion-resize-annotation-test.csv'
    run(tool, folders, 'self', '--random-weights', '--annotations',
        annotations)
    out = capsys.readouterr().out
    assert any(line.startswith('protocol: pidm (PIDM utils/metrics.py)')
               for line in out.splitlines())
    assert 'random weights - not comparable' in out
    same = values(out)
    fid = 'pidm/fid [random weights - not comparable]'
    lpips = 'pidm/lpips [random weights - not comparable]'
    assert abs(same[fid]) < 1e-6
    assert same['pidm/ssim_256_sigma1.2'] == 1.0
    assert same[lpips] == 0.0 and same['pidm/masked_l1'] == 0.0
    assert same['pidm/mask_ssim_256_sigma1.2'] == 1.0
    record = json.loads((folders / 'self' / 'metrics_pidm.json').read_text())
    assert record['protocol']['name'] == 'pidm'
    assert record['resolution'] == [128, 88]
    assert record['num_images'] == NUM_PAIRS
    assert record['metrics']['pidm/psnr'] == 'inf'

    run(tool, folders, 'shifted', '--random-weights', '--out',
        folders / 'shifted.json')
    shifted = values(capsys.readouterr().out)
    assert shifted[fid] > 1e-3
    assert shifted['pidm/ssim_256_sigma1.2'] < 0.9
    assert shifted[lpips] > 0.01 and shifted['pidm/psnr'] < 30
    assert (folders / 'shifted.json').is_file()


def test_missing_weights_and_files_are_one_line_errors(folders, tmp_path,
                                                       monkeypatch):
    tool = load_tool()
    monkeypatch.setenv('TORCH_HOME', str(tmp_path))
    with pytest.raises(SystemExit) as info:
        run(tool, folders, 'self')
    message = str(info.value.code)
    assert message.startswith('error: ') and '\n' not in message
    assert 'inception_v3_google-0cc3c7bd.pth' in message
    assert str(tmp_path / 'hub' / 'checkpoints') in message

    missing = next((folders / 'self').glob('*.jpg'))
    moved = tmp_path / missing.name
    shutil.move(missing, moved)
    try:
        with pytest.raises(SystemExit) as info:
            run(tool, folders, 'self', '--random-weights')
    finally:
        shutil.move(moved, missing)
    message = str(info.value.code)
    assert message.startswith('error: generated image not found')
    assert missing.stem in message
