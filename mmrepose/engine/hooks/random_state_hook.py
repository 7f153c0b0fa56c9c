"""Save the global random number generators with each checkpoint and
restore them on resume, so that a resumed run draws what the uninterrupted
run would have drawn.

RePoseDM draws its training randomness from the global generators: the
timesteps and the noise (:class:`~mmrepose.models.diffusion.GaussianDiffusion`)
and the classifier-free-guidance dropout mask (``RePoseDM.loss``). mmengine
saves the model, optimizer, schedulers and message hub, but not these
generators; without them a resumed run continues with the seed's stream from
its start, not from where it stopped.

The states (torch CPU, every CUDA device, numpy's and Python's global
generators) are written to ``checkpoint['random_state']`` as tensors and
plain values, so ``torch.load(weights_only=True)`` reads them. On resume
they are restored where the uninterrupted run stood:
:class:`~mmrepose.engine.loops.ResumableIterBasedTrainLoop` calls
:meth:`RandomStateHook.restore` when it has rebuilt the data-loader iterator
(which may itself draw) and before the first batch is loaded (which draws
when augmentation runs in the main process); with another loop they are
restored before the first training iteration. They are ignored when a
checkpoint is only loaded for fine-tuning (``load_from`` without resume).

What this does not cover: random data augmentation inside data-loader worker
processes (e.g. ``RandomFlipPair``) restarts from the workers' seeds.
"""
from __future__ import annotations

import random
from typing import Any

import numpy as np
import torch
from mmengine.hooks import Hook

from mmrepose.registry import HOOKS

STATE_KEY = 'random_state'


def capture_random_state() -> dict[str, Any]:
    """The global generators' states as tensors and plain values."""
    kind, keys, pos, has_gauss, gauss = np.random.get_state()
    version, py_state, py_gauss = random.getstate()
    return dict(
        torch=torch.get_rng_state(),
        cuda=torch.cuda.get_rng_state_all() if torch.cuda.is_available()
        else [],
        numpy=dict(kind=kind, keys=torch.from_numpy(keys.astype(np.int64)),
                   pos=int(pos), has_gauss=int(has_gauss),
                   gauss=float(gauss)),
        python=dict(version=version, state=list(py_state), gauss=py_gauss))


def restore_random_state(state: dict[str, Any]) -> None:
    """Set the global generators to a :func:`capture_random_state` result."""
    torch.set_rng_state(state['torch'])
    if state['cuda'] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])
    np_state = state['numpy']
    np.random.set_state((np_state['kind'],
                         np_state['keys'].numpy().astype(np.uint32),
                         np_state['pos'], np_state['has_gauss'],
                         np_state['gauss']))
    py = state['python']
    random.setstate((py['version'], tuple(py['state']), py['gauss']))


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Checkpoint the global random generators (see module doc)."""

    priority = 'VERY_LOW'

    def __init__(self) -> None:
        self._pending: dict[str, Any] | None = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint[STATE_KEY] = capture_random_state()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._pending = checkpoint.get(STATE_KEY)

    def restore(self) -> None:
        """Restore the loaded checkpoint's states, once."""
        if self._pending is not None:
            restore_random_state(self._pending)
        self._pending = None

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch: Any = None) -> None:
        if runner.iter > 0:  # a resume (no-op when the loop restored)
            self.restore()
        self._pending = None
