"""tools/dist_train.sh and tools/dist_test.sh: 2 CPU processes (gloo)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from engine_toy import HERE, toy_config
from mmengine.config import Config

pytestmark = pytest.mark.slow  # two-process torchrun training

ROOT = HERE.parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def run_script(script: str, *args) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHON=sys.executable, PORT=str(free_port()),
               PYTHONPATH=os.pathsep.join([str(HERE), str(ROOT)]),
               OMP_NUM_THREADS='1')
    return subprocess.run(['bash', str(ROOT / 'tools' / script),
                           *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_two_process_training_and_testing(tmp_path):
    cfg = toy_config(tmp_path / 'unused', max_iters=4)
    cfg['custom_hooks'].append(dict(type='RecordRankStepsHook'))
    cfg['default_hooks']['checkpoint'].update(  # save_best would re-save
        save_best=None, backend_args=dict(backend='toy_logged_atomic_local'))
    config = tmp_path / 'toy_ddp.py'
    Config(cfg).dump(config)
    work_dir = tmp_path / 'work'

    proc = run_script('dist_train.sh', config, 2, '--work-dir', work_dir)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    ranks = [json.loads((work_dir / f'steps_rank{r}.json').read_text())
             for r in (0, 1)]
    for rank in ranks:  # both ranks ran every iteration
        assert [it for it, _ in rank['steps']] == [0, 1, 2, 3]
    # on their own halves of the data, yet DDP keeps the weights equal
    assert ranks[0]['steps'][0][1] != ranks[1]['steps'][0][1]
    assert ranks[0]['weights'] == ranks[1]['weights']

    writes = (work_dir / 'writes.log').read_text().split()
    # each checkpoint is written once, by rank 0
    assert writes == ['0', 'iter_2.pth', '0', 'iter_4.pth']
    checkpoint = torch.load(work_dir / 'iter_4.pth')
    assert checkpoint['meta']['iter'] == 4
    trained = checkpoint['ema_state_dict']  # EMAHook swaps the two
    assert trained['module.net.weight'].tolist() == \
        ranks[0]['weights']['net.weight']
    scalars, = work_dir.glob('*/vis_data/scalars.json')
    logged = [json.loads(line) for line in scalars.read_text().splitlines()]
    assert [r['iter'] for r in logged if 'loss' in r] == [1, 2, 3, 4]

    out_dir = tmp_path / 'generated'
    proc = run_script('dist_test.sh', config, work_dir / 'iter_4.pth', 2,
                      '--work-dir', work_dir, '--out-dir', out_dir)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert sorted(p.name for p in out_dir.glob('*.png')) == [
        f'src{i:03d}_2_tgt{i:03d}.png' for i in range(4)]
    record = json.loads((out_dir / 'metrics_toy.json').read_text())
    assert record['num_images'] == 4 and 'toy/l1' in record['metrics']
    assert Path(record['checkpoint']) == work_dir / 'iter_4.pth'
