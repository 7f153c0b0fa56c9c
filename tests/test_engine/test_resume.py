"""Resuming under torch >= 2.6 reproduces an uninterrupted run exactly."""
from __future__ import annotations

import pickle
import uuid

import pytest
import torch
from engine_toy import SimulatedCrash, toy_config
from mmengine.config import Config
from mmengine.hooks import EMAHook, Hook
from mmengine.logging import HistoryBuffer
from mmengine.runner import Runner


class RecordLosses(Hook):
    """Remembers (iteration, loss) of every training step it sees."""

    def __init__(self):
        self.steps: list[tuple[int, float]] = []

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        self.steps.append((runner.iter, outputs['loss'].item()))


def train(cfg: dict, crash_after: int | None = None
          ) -> tuple[Runner, list[tuple[int, float]]]:
    """Train a new runner; returns it and its (iteration, loss) steps."""
    cfg['experiment_name'] = f'toy_{uuid.uuid4().hex}'  # one logger each
    if crash_after is not None:
        cfg['custom_hooks'].append(dict(type='CrashAfterIterHook',
                                        iters=crash_after))
    runner = Runner.from_cfg(Config(cfg))
    recorder = RecordLosses()
    runner.register_hook(recorder)
    if crash_after is None:
        runner.train()
    else:
        with pytest.raises(SimulatedCrash):
            runner.train()
    return runner, recorder.steps


def assert_same(a, b, where: str = 'state') -> None:
    """Recursive equality of nested dicts/lists of tensors and values."""
    if isinstance(a, torch.Tensor):
        assert torch.equal(a, b), where
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], f'{where}.{key}')
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f'{where}[{i}]')
    else:
        assert a == b, where


def final_state(runner: Runner) -> dict:
    ema = next(h for h in runner.hooks if isinstance(h, EMAHook))
    return dict(iter=runner.iter, model=runner.model.state_dict(),
                ema=ema.ema_model.state_dict(),
                optimizer=runner.optim_wrapper.state_dict(),
                schedulers=[s.state_dict() for s in runner.param_schedulers])


@pytest.mark.slow  # trains twice
def test_resume_matches_uninterrupted_run(tmp_path):
    full, full_losses = train(toy_config(tmp_path / 'full'))

    work_dir = tmp_path / 'interrupted'
    _, first_losses = train(toy_config(work_dir), crash_after=4)
    assert (work_dir / 'last_checkpoint').read_text().endswith('iter_4.pth')
    cfg = toy_config(work_dir)
    cfg['resume'] = True  # from last_checkpoint, in a new runner
    resumed, resumed_losses = train(cfg)

    assert [i for i, _ in first_losses] == [0, 1, 2, 3]
    assert [i for i, _ in resumed_losses] == [4, 5]  # continues at iter 5
    assert first_losses + resumed_losses == full_losses
    assert_same(final_state(resumed), final_state(full))
    ema = next(h for h in full.hooks if isinstance(h, EMAHook)).ema_model
    assert ema.momentum == 1e-4 and int(ema.steps) == 6
    assert resumed.message_hub.get_info('best_score') == \
        full.message_hub.get_info('best_score')


def test_checkpoint_loads_with_weights_only(tmp_path):
    train(toy_config(tmp_path, max_iters=4))
    path = tmp_path / 'iter_4.pth'
    allowed = torch.serialization.get_safe_globals()
    torch.serialization.clear_safe_globals()
    try:  # what the checkpoint needs beyond torch's defaults
        needed = set(
            torch.serialization.get_unsafe_globals_in_checkpoint(path))
    finally:
        torch.serialization.add_safe_globals(allowed)
    assert needed == {  # what mmrepose.engine.checkpoint_safety allows
        'builtins.getattr', 'mmengine.logging.history_buffer.HistoryBuffer',
        'numpy._core.multiarray._reconstruct', 'numpy._core.multiarray.scalar',
        'numpy.ndarray', 'numpy.dtype'}
    checkpoint = torch.load(path, weights_only=True)
    assert {'meta', 'state_dict', 'optimizer', 'param_schedulers',
            'message_hub', 'ema_state_dict'} <= checkpoint.keys()
    loss = checkpoint['message_hub']['log_scalars']['train/loss']
    assert isinstance(loss, HistoryBuffer) and len(loss.data[0]) == 4


def test_allow_list_stays_narrow(tmp_path):
    """getattr is only allowed for HistoryBuffer's statistics methods."""
    path = tmp_path / 'other_method.pth'
    torch.save({'method': HistoryBuffer.update}, path)
    with pytest.raises(pickle.UnpicklingError,
                       match=r"getattr\(.*HistoryBuffer'>, 'update'\)"):
        torch.load(path, weights_only=True)
    torch.save({'method': HistoryBuffer.mean}, path)
    assert torch.load(path, weights_only=True)['method'] is \
        HistoryBuffer.mean
