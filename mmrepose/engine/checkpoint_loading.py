"""Every checkpoint mmrepose reads goes through here: ``torch.load`` with an
explicit ``weights_only=True`` and a narrow allow-list, never full
unpickling, so that a file cannot run code when it is loaded (whatever
``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` says: torch honours that variable only
where ``weights_only`` is left to its default).

- :func:`read_checkpoint`: a whole checkpoint (model weights, training
  checkpoints of mmengine and mmpose), as a one-line
  :class:`CheckpointReadError` when it cannot be read or asks for objects
  outside the allow-list; :func:`checkpoint_state_dict` the weights in it;
  :func:`state_dict_mismatch` how they do not fit a model, in one line.
- :func:`route_mmengine_loads`: mmengine's own loads (``--resume``,
  ``load_from``, ``load_checkpoint``) of local files use the same reader;
  ``register_all_modules`` calls it.

The allow-list (:func:`allow_checkpoint_globals`). Since torch 2.6,
``weights_only=True`` unpickles tensors, containers and plain Python values
only, and refuses any other global unless it is allow-listed. A training
checkpoint saved by mmengine's runner with AdamW, parameter schedulers,
``EMAHook``, AMP and the message hub needs exactly these (found with
``torch.serialization.get_unsafe_globals_in_checkpoint``;
``tests/test_engine/test_resume.py`` saves such a checkpoint and resumes from
it):

- ``message_hub.log_scalars``: mmengine's :class:`HistoryBuffer` objects.
  Each holds two numpy arrays (float64 values, int64 counts), pickled through
  ``numpy._core.multiarray._reconstruct``, ``numpy.ndarray``, ``numpy.dtype``
  and the dtype classes. A buffer's pickled state also carries
  ``HistoryBuffer._statistics_methods``, the functions
  ``HistoryBuffer.min/max/current/mean``; pickle protocol 2 (torch's) stores
  a class's function as ``getattr(HistoryBuffer, 'min')``. Allow-listing
  ``builtins.getattr`` would let a file reach any attribute of any allowed
  object, so :func:`history_buffer_statistic` stands in for it: it returns
  only those four functions of ``HistoryBuffer``.
- ``message_hub.runtime_info``: numpy scalars (``eta`` is a ``float64``; the
  ``best_score`` of ``CheckpointHook(save_best=...)`` is whatever a metric
  returned, commonly ``float32``), pickled through
  ``numpy._core.multiarray.scalar`` and their dtype class.
- an mmpose checkpoint's ``meta['dataset_meta']``: numpy arrays of
  ``uint8`` (keypoint and skeleton colours) and ``float32`` (``sigmas``,
  keypoint weights).

Hence the numpy dtype classes of fixed-size numbers and booleans
(:data:`NUMPY_DTYPE_CLASSES`), inert type objects. Anything else (e.g. a
custom statistics method registered with
``HistoryBuffer.register_statistics``) is refused, naming the global.
"""
from __future__ import annotations

import os.path as osp
import pickle
import zipfile
from collections.abc import Mapping
from typing import Any, Callable

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader
from numpy._core import multiarray  # numpy >= 2, as mmrepose requires

#: numpy dtype classes that mmengine/mmpose checkpoints pickle with arrays
#: and scalars (message hub, dataset metainfo); fixed-size numbers and bool.
NUMPY_DTYPE_CLASSES = (
    np.dtypes.BoolDType, np.dtypes.Int8DType, np.dtypes.Int16DType,
    np.dtypes.Int32DType, np.dtypes.Int64DType, np.dtypes.UInt8DType,
    np.dtypes.UInt16DType, np.dtypes.UInt32DType, np.dtypes.UInt64DType,
    np.dtypes.Float16DType, np.dtypes.Float32DType, np.dtypes.Float64DType)

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
            'allowed (see mmrepose/engine/checkpoint_loading.py)')
    return getattr(HistoryBuffer, name)


def allow_checkpoint_globals() -> None:
    """Allow-list what mmengine and mmpose checkpoints hold (module doc) for
    ``torch.load(weights_only=True)``. Idempotent."""
    torch.serialization.add_safe_globals(
        [HistoryBuffer, (history_buffer_statistic, 'builtins.getattr'),
         multiarray._reconstruct, multiarray.scalar, np.ndarray, np.dtype,
         *NUMPY_DTYPE_CLASSES])


class CheckpointReadError(RuntimeError):
    """A checkpoint that cannot be read, or not safely; the message is one
    line, names the file and says why."""


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _refused_globals(path: str) -> list[str]:
    """The globals outside the allow-list that the checkpoint asks for."""
    safe = torch.serialization.get_safe_globals()
    allowed = {f'{c.__module__}.{c.__qualname__}' for c in safe
               if not isinstance(c, tuple)}
    allowed |= {name for c in safe if isinstance(c, tuple) for name in c[1:]}
    try:
        found = torch.serialization.get_unsafe_globals_in_checkpoint(path)
    except (RuntimeError, ValueError, OSError, zipfile.BadZipFile):
        found = []  # legacy (non-zip) format: torch's message names one
    return [n for n in found if n not in allowed]


def _unpickler_detail(error: pickle.UnpicklingError) -> str:
    """The reason inside torch's multi-line "Weights only load failed"."""
    _, marker, rest = str(error).partition('WeightsUnpickler error:')
    lines = [ln.strip() for ln in rest.splitlines() if ln.strip()]
    return lines[0] if marker and lines else _first_line(error)


def read_checkpoint(path: str, map_location: Any = 'cpu') -> Any:
    """The whole checkpoint at ``path``, through the allow-list."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint not found: {path}')
    allow_checkpoint_globals()
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        detail, names = _unpickler_detail(err), _refused_globals(path)
        if not names and 'global' not in detail.lower():
            raise CheckpointReadError(
                f'cannot read checkpoint {path}: {detail}') from None
        raise CheckpointReadError(
            f'{path} holds objects outside the allow-list of mmrepose/engine/'
            f'checkpoint_loading.py ({", ".join(names) or detail}); it is '
            'not loaded with full unpickling. If you trust the file, re-save '
            "its weights: torch.save({'state_dict': torch.load(PATH, "
            "weights_only=False)['state_dict']}, NEW_PATH)") from None
    except (RuntimeError, EOFError, OSError, zipfile.BadZipFile) as err:
        raise CheckpointReadError(
            f'cannot read checkpoint {path} (truncated or corrupt?): '
            f'{_first_line(err)}') from None


def checkpoint_state_dict(ckpt: object, path: str) -> dict[str, torch.Tensor]:
    """The model weights of a loaded checkpoint (``state_dict`` inside, if
    any), without the ``module.`` prefix of wrapped models."""
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, Mapping) \
        else ckpt
    if not isinstance(state, Mapping) or not all(
            isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointReadError(
            f'{path} is not a model checkpoint: expected a dict of tensors '
            "or a dict with a 'state_dict' of tensors")
    return {k.removeprefix('module.'): v for k, v in state.items()}


def state_dict_mismatch(own: Mapping[str, torch.Tensor],
                        loaded: Mapping[str, torch.Tensor]) -> str | None:
    """How ``loaded`` does not fit a model whose state dict is ``own``, in
    one line with counts and an example of each kind; None when it fits."""
    return mismatch_summary(
        missing=[k for k in own if k not in loaded],
        unexpected=[k for k in loaded if k not in own],
        shapes=shape_mismatches(own, loaded))


def shape_mismatches(own: Mapping[str, torch.Tensor],
                     loaded: Mapping[str, torch.Tensor]) -> list[str]:
    """``'key (loaded shape) vs (own shape)'`` for every key both have with
    different shapes."""
    return [f'{k} {tuple(v.shape)} vs {tuple(own[k].shape)}'
            for k, v in loaded.items()
            if k in own and v.shape != own[k].shape]


def mismatch_summary(missing: list[str], unexpected: list[str],
                     shapes: list[str]) -> str | None:
    """``'3 missing keys (e.g. a.b); 1 unexpected keys (e.g. c)'``, or None
    when all three lists are empty."""
    parts = [f'{len(keys)} {what} (e.g. {keys[0]})'
             for what, keys in (('missing keys', missing),
                                ('unexpected keys', unexpected),
                                ('shape mismatches', shapes)) if keys]
    return '; '.join(parts) or None


def _load_local_file(filename: str, map_location: Any = None) -> Any:
    """mmengine's loader of local paths, replaced: :func:`read_checkpoint`."""
    return read_checkpoint(osp.expanduser(filename), map_location)


def route_mmengine_loads() -> None:
    """Make mmengine read local checkpoints (resume, ``load_from``,
    ``load_checkpoint``) with :func:`read_checkpoint`. Idempotent."""
    allow_checkpoint_globals()
    CheckpointLoader.register_scheme(prefixes='', loader=_load_local_file,
                                     force=True)
