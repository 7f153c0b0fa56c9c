"""The training and testing tools (docs/training.md) on the real B1 model:
train, resume, validate, test."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

pytestmark = pytest.mark.slow  # trains and tests through the tools

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/repose/synthfashion_64_b1.py'


def run(tool, *args):
    proc = subprocess.run([sys.executable, str(ROOT / 'tools' / tool),
                           *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def options(root, **extra):
    opts = {'train_cfg.val_interval': 4, 'default_hooks.checkpoint.interval': 2,
            'model.test_cfg.num_steps': 2,
            'custom_hooks.1.interval': 1}
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        opts.update({f'{loader}.dataset.data_root': root,
                     f'{loader}.batch_size': 2, f'{loader}.num_workers': 0,
                     f'{loader}.persistent_workers': False})
    for loader in ('val_dataloader', 'test_dataloader'):
        opts[f'{loader}.dataset.max_pairs'] = 4
    opts.update(extra)
    return ['--cfg-options'] + [f'{k}={v}' for k, v in opts.items()]


def test_train_validate_resume_and_test(synthfashion_64, tmp_path):
    work = tmp_path / 'work'
    proc = run('train.py', CONFIG, '--work-dir', work,
               *options(synthfashion_64, **{'train_cfg.max_iters': 4}))
    # the val loop logs by batch; no sampling bars in the log
    assert 'Iter(val)' in proc.stdout + proc.stderr
    assert 'sampling:' not in proc.stdout + proc.stderr
    assert (work / 'last_checkpoint').read_text().endswith('iter_4.pth')
    ckpt = torch.load(work / 'iter_4.pth', map_location='cpu', weights_only=True)
    assert 'ema_state_dict' in ckpt and ckpt['meta']['iter'] == 4
    # validation at iteration 4 ran the SynthFashion metrics and drew grids
    scalars = next(work.rglob('scalars.json')).read_text()
    assert 'synthfashion/ssim_256_sigma1.5' in scalars
    assert any(work.rglob('*.png'))

    run('train.py', CONFIG, '--work-dir', work, '--resume',
        *options(synthfashion_64, **{'train_cfg.max_iters': 6}))
    assert torch.load(work / 'iter_6.pth', map_location='cpu',
                      weights_only=True)['meta']['iter'] == 6

    out = tmp_path / 'generated'
    run('test.py', CONFIG, work / 'iter_6.pth', '--work-dir', work,
        '--out-dir', out, *options(synthfashion_64))
    pngs = sorted(p.name for p in out.glob('*.png'))
    assert len(pngs) == 4 and all('_2_' in name for name in pngs)
    [results] = list(out.glob('metrics_*.json'))
    metrics = json.loads(results.read_text())
    assert 'synthfashion/psnr' in json.dumps(metrics)
