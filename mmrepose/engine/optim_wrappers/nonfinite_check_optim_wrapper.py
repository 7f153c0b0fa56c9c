"""Optimizer wrappers that refuse to step on a non-finite loss.

A NaN or infinite loss back-propagates NaN gradients, and one optimizer step
with them corrupts every weight (and, through ``EMAHook``, the EMA weights)
for good. These wrappers look at the loss in ``update_params``, before
``backward`` and the optimizer step, and then either

- ``on_nonfinite='raise'`` (default): stop training with a
  :class:`FloatingPointError` naming the iteration (1-based, as in the log
  lines) and the loss, the weights untouched since the last good step; or
- ``on_nonfinite='skip'``: drop this step (no backward, no optimizer step,
  the gradient accumulation counter unchanged), log a warning naming the
  iteration and go on.

Under DDP the decision is taken together: every rank learns whether any
rank's loss is non-finite (one all-reduce of a flag), so all ranks raise or
skip in the same step instead of deadlocking in the gradient all-reduce.

Use ``NonFiniteCheckOptimWrapper`` in place of ``OptimWrapper`` and
``NonFiniteCheckAmpOptimWrapper`` in place of ``AmpOptimWrapper``::

    optim_wrapper = dict(type='NonFiniteCheckOptimWrapper',
                         on_nonfinite='raise',  # or 'skip'
                         optimizer=dict(type='AdamW', lr=1e-4))
"""
from __future__ import annotations

import logging

import torch
from mmengine.dist import all_reduce, get_rank, get_world_size
from mmengine.logging import MessageHub, print_log
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from mmrepose.registry import OPTIM_WRAPPERS

ON_NONFINITE = ('raise', 'skip')


class NonFiniteCheckMixin:
    """Checks the loss before the parameter update (see module docstring).

    Mixed in before an :class:`OptimWrapper` class; takes the extra keyword
    argument ``on_nonfinite`` and passes the others on.
    """

    def __init__(self, *args, on_nonfinite: str = 'raise', **kwargs):
        if on_nonfinite not in ON_NONFINITE:
            raise ValueError(f'on_nonfinite must be one of {ON_NONFINITE}, '
                             f'got {on_nonfinite!r}')
        super().__init__(*args, **kwargs)
        self.on_nonfinite = on_nonfinite
        self.skipped_steps = 0

    def update_params(self, loss: torch.Tensor,
                      step_kwargs: dict | None = None,
                      zero_kwargs: dict | None = None) -> None:
        finite = torch.isfinite(loss.detach()).all().float()
        all_reduce(finite, op='min')  # no-op unless distributed
        if finite.item():
            super().update_params(loss, step_kwargs, zero_kwargs)
            return
        iteration = MessageHub.get_current_instance().get_info('iter', -1) + 1
        problem = f'non-finite loss at iteration {iteration} '
        if get_world_size() == 1:
            problem += f'(loss {loss.item()})'
        else:
            problem += (f'on at least one rank (rank {get_rank()}: loss '
                        f'{loss.item()})')
        if self.on_nonfinite == 'raise':
            raise FloatingPointError(
                f'{problem}: training stopped before the optimizer step, so '
                'the weights are those of the last finite step (set '
                "optim_wrapper.on_nonfinite='skip' to skip such steps)")
        self.skipped_steps += 1
        print_log(f'{problem}: step skipped ({self.skipped_steps} skipped '
                  'so far)', logger='current', level=logging.WARNING)


@OPTIM_WRAPPERS.register_module()
class NonFiniteCheckOptimWrapper(NonFiniteCheckMixin, OptimWrapper):
    """:class:`mmengine.optim.OptimWrapper` that checks the loss first."""


@OPTIM_WRAPPERS.register_module()
class NonFiniteCheckAmpOptimWrapper(NonFiniteCheckMixin, AmpOptimWrapper):
    """:class:`mmengine.optim.AmpOptimWrapper` that checks the loss first."""
