"""Resuming RePoseDM continues the uninterrupted run exactly, without
replaying data: the same batches (ResumableSampler), the same timesteps,
noise and CFG-dropout masks (RandomStateHook), the same random flips
(per-sample seeds, also in worker processes), at an epoch start and in the
middle of an epoch."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from engine_toy import SimulatedCrash
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmrepose.engine import RandomStateHook, ResumableSampler
from mmrepose.utils import read_config

pytestmark = pytest.mark.slow  # trains, kills and resumes RePoseDM

CONFIG = Path(__file__).parents[2] / 'configs/repose/synthfashion_64_b1.py'


class Record(Hook):
    """(iteration, loss, pair names of the batch) of every step."""

    def __init__(self):
        self.steps: list[tuple[int, float, tuple[str, ...]]] = []

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        names = tuple(s.pair_name for s in data_batch['data_samples'])
        self.steps.append((runner.iter, outputs['loss'].item(), names))


def config(root: Path, work_dir: Path, workers: int,
           max_iters: int = 6) -> Config:
    cfg = read_config(str(CONFIG))
    assert any(t['type'] == 'RandomFlipPair'
               for t in cfg.train_dataloader.dataset.pipeline)
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f'resume_{uuid.uuid4().hex}'
    cfg.train_dataloader.update(batch_size=2, num_workers=workers,
                                persistent_workers=workers > 0)
    # 5 pairs at batch 2: epochs of 3 batches, the last one partial
    cfg.train_dataloader.dataset.update(data_root=str(root), max_pairs=5)
    cfg.train_cfg.update(max_iters=max_iters, val_interval=10 ** 6)
    cfg.val_dataloader = cfg.val_evaluator = cfg.val_cfg = None
    cfg.test_dataloader = cfg.test_evaluator = cfg.test_cfg = None
    cfg.default_hooks.checkpoint.interval = 1
    cfg.default_hooks.logger.interval = 1
    cfg.log_level = 'WARNING'
    cfg.custom_hooks = [h for h in cfg.custom_hooks
                        if h['type'] == 'EMAHook']
    return cfg


def train(cfg: Config, crash_after: int | None = None) -> list:
    runner = Runner.from_cfg(cfg)
    recorder = Record()
    runner.register_hook(recorder, priority='LOWEST')
    if crash_after is None:
        runner.train()
    else:
        class Crash(Hook):
            def after_train_iter(self, runner, batch_idx, data_batch=None,
                                 outputs=None) -> None:
                if runner.iter + 1 == crash_after:
                    raise SimulatedCrash(f'after iteration {crash_after}')
        runner.register_hook(Crash(), priority='LOWEST')
        with pytest.raises(SimulatedCrash):
            runner.train()
    assert isinstance(runner.train_dataloader.sampler, ResumableSampler)
    assert any(isinstance(h, RandomStateHook) for h in runner.hooks)
    return recorder.steps


@pytest.fixture(scope='module')
def uninterrupted(synthfashion_64, tmp_path_factory) -> dict[int, list]:
    """The uninterrupted run's steps, by number of workers (computed once)."""
    runs: dict[int, list] = {}

    def steps(workers: int) -> list:
        if workers not in runs:
            runs[workers] = train(config(
                synthfashion_64, tmp_path_factory.mktemp('full'), workers))
        return runs[workers]
    return steps


# epoch start, mid-epoch; and mid-epoch with two persistent worker processes,
# whose generators a resumed run starts afresh
@pytest.mark.parametrize('crash_after, workers', [(3, 0), (4, 0), (4, 2)])
def test_resume_is_exact_and_replays_nothing(synthfashion_64, tmp_path,
                                             crash_after, workers,
                                             monkeypatch, uninterrupted):
    full = uninterrupted(workers)
    work_dir = tmp_path / 'interrupted'
    first = train(config(synthfashion_64, work_dir, workers), crash_after)

    loaded = []
    original = Runner.build_dataloader

    def counting(*args, **kwargs):
        loader = original(*args, **kwargs)
        dataset = loader.dataset
        fetch = dataset.prepare_data

        def prepare(idx):
            loaded.append(idx)
            return fetch(idx)
        dataset.prepare_data = prepare
        return loader
    monkeypatch.setattr(Runner, 'build_dataloader', staticmethod(counting))
    cfg = config(synthfashion_64, work_dir, workers)
    cfg.resume = True
    resumed = train(cfg)

    assert [s[0] for s in first] == list(range(crash_after))
    assert [s[0] for s in resumed] == list(range(crash_after, 6))
    assert first + resumed == full  # losses and batches, bit for bit
    if workers == 0:  # (workers count in their own processes)
        # only the samples it trained on were loaded
        assert len(loaded) == sum(len(names) for _, _, names in resumed)
