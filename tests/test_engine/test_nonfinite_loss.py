"""A non-finite loss stops training (default) or skips the step, and never
reaches the weights."""
from __future__ import annotations

import copy
import uuid

import pytest
import torch
from engine_toy import toy_config
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.optim.optimizer import amp_optimizer_wrapper
from mmengine.runner import Runner

from mmrepose.engine import (NonFiniteCheckAmpOptimWrapper,
                             NonFiniteCheckOptimWrapper)


class RecordWeights(Hook):
    """Copies the model's weights after every training step."""

    priority = 'VERY_LOW'

    def __init__(self):
        self.after_iter: list[dict] = []

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        self.after_iter.append(copy.deepcopy(runner.model.state_dict()))


def build(tmp_path, **optim_wrapper) -> tuple[Runner, RecordWeights]:
    cfg = toy_config(tmp_path, max_iters=4)
    cfg['experiment_name'] = f'toy_{uuid.uuid4().hex}'
    cfg['model']['nan_loss_iters'] = (2,)  # the 3rd iteration
    cfg['optim_wrapper'].update(optim_wrapper)
    runner = Runner.from_cfg(Config(cfg))
    recorder = RecordWeights()
    runner.register_hook(recorder)
    return runner, recorder


def assert_weights_equal(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_raise_names_the_iteration_and_keeps_weights(tmp_path):
    runner, recorder = build(tmp_path)  # on_nonfinite='raise' by default
    with pytest.raises(FloatingPointError,
                       match=r'non-finite loss at iteration 3 \(loss nan\)'):
        runner.train()
    assert len(recorder.after_iter) == 2
    assert_weights_equal(runner.model.state_dict(), recorder.after_iter[-1])


def test_skip_drops_the_step_and_goes_on(tmp_path, capsys):
    runner, recorder = build(tmp_path, on_nonfinite='skip')
    runner.train()
    assert runner.iter == 4 and runner.optim_wrapper.skipped_steps == 1
    weights = recorder.after_iter
    assert_weights_equal(weights[2], weights[1])  # the skipped step
    assert not torch.equal(weights[3]['net.weight'], weights[2]['net.weight'])
    assert all(torch.isfinite(w).all() for w in weights[3].values())
    assert 'non-finite loss at iteration 3 (loss nan): step skipped' in \
        capsys.readouterr().out


@pytest.mark.filterwarnings('ignore:.*GradScaler')
def test_amp_variant_checks_the_loss(monkeypatch):
    # mmengine's AmpOptimWrapper refuses to be built without a GPU; its
    # bfloat16 autocast and (then disabled) GradScaler work on the CPU.
    monkeypatch.setattr(amp_optimizer_wrapper, 'is_cuda_available',
                        lambda: True)
    net = torch.nn.Linear(2, 1)
    wrapper = NonFiniteCheckAmpOptimWrapper(
        optimizer=torch.optim.SGD(net.parameters(), lr=0.1),
        dtype='bfloat16', on_nonfinite='skip')
    before = copy.deepcopy(net.state_dict())
    with wrapper.optim_context(net):
        loss = net(torch.ones(1, 2)).sum() * float('inf')
    wrapper.update_params(loss)
    assert wrapper.skipped_steps == 1
    assert_weights_equal(net.state_dict(), before)
    wrapper.on_nonfinite = 'raise'
    with pytest.raises(FloatingPointError, match='loss inf'):
        wrapper.update_params(net(torch.ones(1, 2)).sum() / 0)
    wrapper.update_params(net(torch.ones(1, 2)).sum())
    assert not torch.equal(net.weight, before['weight'])


def test_bad_mode_is_refused():
    with pytest.raises(ValueError, match="on_nonfinite must be one of"):
        NonFiniteCheckOptimWrapper(
            optimizer=torch.optim.SGD([torch.nn.Parameter(torch.ones(1))],
                                      lr=1), on_nonfinite='ignore')
