"""tools/evaluate_folder.py on SynthFashion: the test set scored against
itself and against a shifted copy, with random weights; the prediction
count warning, the sanity baselines, and the copy-source row of docs/embedded_model.md."""
import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmrepose.datasets import BasePoseTransferDataset, read_patn_pairs
from mmrepose.datasets.synthesis import generate_synthfashion
from script_loading import load_script

ROOT = Path(__file__).resolve().parents[2]
NUM_PAIRS = 4


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


def run(tool, folders, pred, *extra, protocol='pidm'):
    tool.main(['--gt', str(folders / 'sf' / 'test'), '--pred',
               str(folders / pred), '--pairs', str(folders / 'pairs.csv'),
               '--protocol', protocol, '--cache-dir', str(folders / 'cache'),
               '--real-set', 'test', '--fid-method', 'exact',
               '--device', 'cpu', *map(str, extra)])


def values(stdout, protocol='pidm'):
    rows = [line.rsplit(None, 1) for line in stdout.splitlines()
            if line.startswith(f'{protocol}/')]
    return {key.strip(): float(value) for key, value in rows}


def test_self_and_shifted(folders, capsys):
    tool = load_script('tools/evaluate_folder.py')
    annotations = folders / 'sf' / 'fasion-resize-annotation-test.csv'
    run(tool, folders, 'self', '--random-weights', '--annotations',
        annotations, '--metrics', 'lpips,ssim,psnr,masked_l1')
    captured = capsys.readouterr()
    out = captured.out
    assert any(line.startswith('protocol: pidm (PIDM utils/metrics.py')
               for line in out.splitlines())
    assert 'random weights - not comparable' in out
    assert 'warning' not in captured.err  # one image per pair
    same = values(out)
    lpips = 'pidm/lpips [random weights - not comparable]'
    assert same['pidm/ssim_256_sigma1.2'] == 1.0
    assert same['pidm/ssim_win51'] == 1.0
    assert same[lpips] == 0.0 and same['pidm/masked_l1'] == 0.0
    assert same['pidm/mask_ssim_256_sigma1.2'] == 1.0
    record = json.loads((folders / 'self' / 'metrics_pidm.json').read_text())
    assert record['protocol']['name'] == 'pidm'
    assert record['resolution'] == [128, 88]
    assert record['num_images'] == NUM_PAIRS
    assert record['metrics']['pidm/psnr'] == 'inf'

    run(tool, folders, 'shifted', '--random-weights', '--out',
        folders / 'shifted.json')
    out = capsys.readouterr().out
    shifted = values(out)
    assert 'note: FID real set: the test set' in out
    assert shifted['pidm/fid [random weights - not comparable]'] > 1e-3
    assert shifted['pidm/ssim_256_sigma1.2'] < 0.9
    assert shifted[lpips] > 0.01 and shifted['pidm/psnr'] < 30
    record = json.loads((folders / 'shifted.json').read_text())
    assert record['real_set'] == 'test' and record['fid_method'] == 'exact'


def test_prediction_count_warning(folders, tmp_path, capsys):
    pred = tmp_path / 'pred'
    shutil.copytree(folders / 'self', pred)
    shutil.copy(next(pred.glob('*.jpg')), pred / 'not_a_pair.png')
    run(load_script('tools/evaluate_folder.py'), folders, pred, '--random-weights', '--metrics', 'ssim')
    captured = capsys.readouterr()
    assert f'holds {NUM_PAIRS + 1} images but the pairs file has ' \
        f'{NUM_PAIRS} pairs (1 images are not predictions' in captured.err
    record = json.loads((pred / 'metrics_pidm.json').read_text())
    assert any(n.startswith('warning: ') for n in record['notes'])


def test_baselines(folders, tmp_path, capsys):
    """copy-source scores each pair's source image as its prediction (the
    same as a folder of those copies); ground-truth gives FID only."""
    copies = tmp_path / 'copies'
    copies.mkdir()
    for _, src, tgt in read_patn_pairs(str(folders / 'pairs.csv')):
        name = BasePoseTransferDataset.pair_name(src, tgt)
        shutil.copy(folders / 'sf' / 'test' / src, copies / f'{name}.jpg')
    tool = load_script('tools/evaluate_folder.py')
    common = ['--random-weights', '--metrics', 'lpips,ssim,psnr']
    run(tool, folders, copies, *common, protocol='standard')
    from_folder = values(capsys.readouterr().out, 'standard')
    tool.main(['--gt', str(folders / 'sf' / 'test'), '--baseline',
               'copy-source', '--pairs', str(folders / 'pairs.csv'),
               '--protocol', 'standard', '--device', 'cpu', *common,
               '--out', str(tmp_path / 'copy.json')])
    out = capsys.readouterr().out
    assert values(out, 'standard') == from_folder
    assert from_folder['standard/ssim_win51'] < 0.9
    assert 'note: baseline: the source image of each pair' in out

    tool.main(['--gt', str(folders / 'sf' / 'test'), '--baseline',
               'ground-truth', '--pairs', str(folders / 'pairs.csv'),
               '--protocol', 'standard', '--device', 'cpu',
               '--random-weights', '--real-set', 'test', '--fid-method',
               'exact', '--out', str(tmp_path / 'gt.json')])
    record = json.loads((tmp_path / 'gt.json').read_text())
    assert list(record['metrics']) == [
        'standard/fid [random weights - not comparable]']
    assert record['baseline'] == 'ground-truth'


def test_missing_weights_and_files_are_one_line_errors(folders, tmp_path,
                                                       monkeypatch):
    tool = load_script('tools/evaluate_folder.py')
    monkeypatch.setenv('TORCH_HOME', str(tmp_path))
    with pytest.raises(SystemExit) as info:
        run(tool, folders, 'self')
    message = str(info.value.code)
    assert message.startswith('error: ') and '\n' not in message
    assert 'inception_v3_google-0cc3c7bd.pth' in message
    assert str(tmp_path / 'hub' / 'checkpoints') in message

    with pytest.raises(SystemExit) as info:  # FID without a real set
        tool.main(['--gt', str(folders / 'sf' / 'test'), '--pred',
                   str(folders / 'self'), '--pairs',
                   str(folders / 'pairs.csv'), '--protocol', 'gfla'])
    assert str(info.value.code).startswith('error: FID needs --real-set')

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


DOCS_COPY_SOURCE = dict(ssim=0.396, psnr=14.00, masked_l1=0.222)


@pytest.fixture(scope='module')
def standard_synthfashion(tmp_path_factory) -> Path:
    """The standard SynthFashion set's test split (docs/data.md):
    data/synthfashion when it has been generated, else only its test
    split, generated here."""
    root = ROOT / 'data' / 'synthfashion'
    if (root / 'fasion-resize-pairs-test.csv').is_file():
        return root
    root = tmp_path_factory.mktemp('synthfashion')
    generate_synthfashion(str(root), size=(256, 176), train_ids=150,
                          test_ids=20, val_ids=20, poses_per_id=6, seed=0,
                          progress=False, only_splits=('test',))
    return root


@pytest.mark.slow  # generates the set and scores 600 pairs
def test_copy_source_baseline_gives_the_documented_row(standard_synthfashion,
                                                       tmp_path, capsys):
    """docs/embedded_model.md, "Test scores": the copy-source row (600
    SynthFashion test pairs at 64x44, resized as the test pipeline does)."""
    root = standard_synthfashion
    load_script('tools/evaluate_folder.py').main([
        '--gt', str(root / 'test'), '--pairs',
        str(root / 'fasion-resize-pairs-test.csv'), '--baseline',
        'copy-source', '--protocol', 'standard', '--size', '64x44',
        '--resize', 'cv2-area', '--metrics', 'ssim_256,psnr,masked_l1',
        '--annotations',
        str(root / 'fasion-resize-annotation-test.csv'),
        '--out', str(tmp_path / 'copy_source.json')])
    got = values(capsys.readouterr().out, 'standard')
    assert round(got['standard/ssim_256_sigma1.5'], 3) == \
        DOCS_COPY_SOURCE['ssim']
    assert round(got['standard/psnr'], 2) == DOCS_COPY_SOURCE['psnr']
    assert round(got['standard/masked_l1'], 3) == \
        DOCS_COPY_SOURCE['masked_l1']
