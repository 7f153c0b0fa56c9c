"""Let ``torch.load(weights_only=True)`` read mmengine's training checkpoints.

Since torch 2.6, ``torch.load`` defaults to ``weights_only=True``: it unpickles
tensors, containers and plain Python values only, and refuses any other
global unless it is allow-listed. mmengine 0.10.7 calls ``torch.load``
without ``weights_only`` when it resumes or loads a checkpoint, and a
training checkpoint holds more than weights, so resuming fails with
"Weights only load failed".

Rather than switching the check off (``weights_only=False`` runs arbitrary
code from the file), :func:`allow_mmengine_checkpoint_globals` allow-lists
exactly the globals found in a checkpoint saved by a runner with AdamW,
parameter schedulers, ``EMAHook``, AMP and the message hub (found with
``torch.serialization.get_unsafe_globals_in_checkpoint``; the tests in
``tests/test_engine/test_resume.py`` save such a checkpoint and resume from
it). Model, EMA and optimizer states, schedulers' and the AMP loss scaler's
states are tensors and plain values and need nothing. What does:

- ``message_hub.log_scalars``: mmengine's :class:`HistoryBuffer` objects.
  Each holds two numpy arrays (float64 values, int64 counts), pickled through
  ``numpy._core.multiarray._reconstruct``, ``numpy.ndarray``, ``numpy.dtype``
  and the dtype classes ``Float64DType`` / ``Int64DType``. A buffer's pickled
  state also carries ``HistoryBuffer._statistics_methods``, the functions
  ``HistoryBuffer.min/max/current/mean``; pickle protocol 2 (torch's) stores
  a class's function as ``getattr(HistoryBuffer, 'min')``. Allow-listing
  ``builtins.getattr`` would let a file reach any attribute of any allowed
  object, so :func:`history_buffer_statistic` stands in for it: it returns
  only those four functions of ``HistoryBuffer``.
- ``message_hub.runtime_info``: numpy scalars (``eta`` is a ``float64``; the
  ``best_score`` of ``CheckpointHook(save_best=...)`` is whatever a metric
  returned, commonly ``float32``), pickled through
  ``numpy._core.multiarray.scalar`` and their dtype class.

Anything else in a checkpoint (e.g. a custom statistics method registered
with ``HistoryBuffer.register_statistics``) still fails with torch's message
naming the global, which is the point of the check.
"""
from __future__ import annotations

import pickle
from typing import Any, Callable

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from numpy._core import multiarray  # numpy >= 2, as mmrepose requires

#: The functions ``HistoryBuffer`` registers for itself (see its __init__).
HISTORY_BUFFER_STATISTICS = ('min', 'max', 'current', 'mean')


def history_buffer_statistic(obj: Any, name: str) -> Callable:
    """``getattr`` restricted to ``HistoryBuffer``'s statistics methods.

    Allow-listed under the name ``builtins.getattr``, the only name under
    which pickle refers to a function defined in a class.
    """
    if obj is not HistoryBuffer or name not in HISTORY_BUFFER_STATISTICS:
        raise pickle.UnpicklingError(
            f'checkpoint asks for getattr({obj!r}, {name!r}); only '
            f'HistoryBuffer.{{{",".join(HISTORY_BUFFER_STATISTICS)}}} are '
            'allowed (see mmrepose/engine/checkpoint_safety.py)')
    return getattr(HistoryBuffer, name)


def allow_mmengine_checkpoint_globals() -> None:
    """Allow-list the globals of mmengine training checkpoints (see module
    docstring) for ``torch.load(weights_only=True)``. Idempotent."""
    torch.serialization.add_safe_globals(
        [HistoryBuffer, (history_buffer_statistic, 'builtins.getattr'),
         multiarray._reconstruct, multiarray.scalar, np.ndarray, np.dtype,
         np.dtypes.Float64DType, np.dtypes.Float32DType, np.dtypes.Int64DType])
