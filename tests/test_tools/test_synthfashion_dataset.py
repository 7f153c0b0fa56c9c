"""SynthFashion from the CLI, read back by the DeepFashion reader and config."""
import subprocess
import sys
from pathlib import Path

import pytest

from mmrepose.registry import DATASETS
from mmrepose.utils import read_config

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/repose/synthfashion_64_b1.py'


@pytest.fixture(scope='module')
def synthfashion_root(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp('sf') / 'synthfashion'
    proc = subprocess.run(
        [sys.executable, str(ROOT / 'tools/dataset_converters/make_synthfashion.py'),
         '--out', str(out), '--size', '128x88', '--train-ids', '3',
         '--test-ids', '2', '--val-ids', '1', '--poses-per-id', '3',
         '--seed', '0'],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.parametrize('loader,split', [('train', 'train'), ('val', 'val'),
                                          ('test', 'test')])
def test_config_loads_every_pair(synthfashion_root, loader, split):
    cfg = read_config(CONFIG)
    dataset_cfg = cfg[f'{loader}_dataloader'].dataset
    assert dataset_cfg.split == split
    dataset_cfg.data_root = str(synthfashion_root)
    dataset = DATASETS.build(dataset_cfg)
    pairs = (synthfashion_root / f'fasion-resize-pairs-{split}.csv'
             ).read_text().splitlines()[1:]
    assert len(dataset) == len(pairs) > 0
    for idx in range(len(dataset)):
        item = dataset.prepare_data(idx)
        assert item is not None
        assert item['inputs']['source_img'].shape == (3, 64, 44)
        assert item['inputs']['target_pose'].shape == (20, 64, 44)


@pytest.mark.slow  # subprocess
def test_browse_synthfashion(synthfashion_root, tmp_path):
    out = tmp_path / 'grid.png'
    proc = subprocess.run(
        [sys.executable, str(ROOT / 'tools/analysis/browse_dataset.py'),
         str(CONFIG), '--out', str(out), '--num', '2', '--check-all',
         '--cfg-options', f'train_dataloader.dataset.data_root={synthfashion_root}'],
        capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert 'pairs load' in proc.stdout and out.is_file()
