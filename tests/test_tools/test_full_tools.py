"""train.py and test.py on the full RePoseDM (RPA + PIF guidance with the
SynthFashion pose estimator): the data pipeline's target keypoints reach
Eq. 15 in training and Eq. 16 at test time."""
import json
from pathlib import Path

import pytest
from test_b1_tools import options, run

pytestmark = pytest.mark.slow  # trains and tests through the tools

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/repose/synthfashion_64.py'


def test_full_model_trains_and_tests(synthfashion_64, tmp_path):
    work = tmp_path / 'work'
    # every sample under the timestep threshold: PIF on each iteration
    run('train.py', CONFIG, '--work-dir', work,
        *options(synthfashion_64, **{
            'train_cfg.max_iters': 2, 'train_cfg.val_interval': 100,
            'model.pose_interaction_field.train_cfg.max_timestep': 1000,
            'default_hooks.logger.interval': 1}))
    scalars = [json.loads(line) for line in
               next(work.rglob('scalars.json')).read_text().splitlines()]
    train = [s for s in scalars if 'pif_energy' in s]
    assert train and all(s['pif_fraction'] > 0 for s in train)
    assert all('loss_rpa' in s for s in train)
    out = tmp_path / 'generated'
    run('test.py', CONFIG, work / 'iter_2.pth', '--work-dir', work,
        '--out-dir', out, *options(synthfashion_64))
    assert len(list(out.glob('*_2_*.png'))) == 4
