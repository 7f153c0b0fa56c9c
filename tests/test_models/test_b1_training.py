"""A tiny pixel-space B1 trains on generated SynthFashion data (CPU)."""
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from mmrepose.utils import read_config

CONFIG = 'configs/repose/synthfashion_64_b1.py'


def tiny_run_cfg(root, work_dir, max_iters: int) -> Config:
    cfg = read_config(CONFIG)
    cfg.work_dir = str(work_dir)
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].dataset.data_root = str(root)
        cfg[key].update(num_workers=0, persistent_workers=False, batch_size=4)
    cfg.train_cfg.max_iters = max_iters
    cfg.train_cfg.val_interval = max_iters + 1
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.test_dataloader = cfg.test_cfg = cfg.test_evaluator = None
    cfg.default_hooks.checkpoint.interval = max_iters + 1
    cfg.default_hooks.logger.interval = 10
    cfg.randomness = dict(seed=0)
    return cfg


@pytest.mark.slow  # trains B1
def test_training_loss_falls(synthfashion_64, tmp_path):
    runner = Runner.from_cfg(tiny_run_cfg(synthfashion_64, tmp_path, 100))
    runner.train()
    history = runner.message_hub.get_scalar('train/loss_mse').data[0]
    first, last = np.mean(history[:20]), np.mean(history[-20:])
    print(f'loss_mse: first 20 iterations {first:.4f}, last 20 {last:.4f}')
    # measured on the build machine: 0.65 -> 0.18 (first vs last 20)
    assert last < 0.5 * first
