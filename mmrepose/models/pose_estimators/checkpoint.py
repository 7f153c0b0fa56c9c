"""Load mmpose checkpoints with ``torch.load(weights_only=True)``.

An mmpose checkpoint written by mmengine's runner (``iter_N.pth``,
``epoch_N.pth``, or mmrepose's ``tools/train_pose_estimator.py`` output) is a
dict with ``state_dict`` and, for training checkpoints, ``meta``,
``message_hub``, ``optimizer`` and ``param_schedulers``. Besides what
:func:`mmrepose.engine.allow_mmengine_checkpoint_globals` allow-lists for
every mmengine checkpoint (``HistoryBuffer``, numpy arrays and scalars), an
mmpose checkpoint's ``meta['dataset_meta']`` keeps the dataset's metainfo:
numpy arrays of ``uint8`` (keypoint and skeleton colours) and ``float32``
(``sigmas``, keypoint weights). :func:`allow_mmpose_checkpoint_globals` adds
the numpy dtype classes of fixed-size numeric and boolean arrays, which are
inert type objects; nothing that runs code on unpickling is allowed.

A checkpoint holding anything else is refused with a one-line
:class:`PoseEstimatorCheckpointError` naming the globals it asks for: it is
never loaded with full unpickling (``weights_only=False``).
"""
from __future__ import annotations

import pickle
import zipfile
from collections.abc import Mapping

import numpy as np
import torch

from mmrepose.engine.checkpoint_safety import \
    allow_mmengine_checkpoint_globals

#: numpy dtype classes that mmpose/mmengine checkpoints pickle with arrays
#: and scalars (dataset metainfo, message hub); fixed-size numbers and bool.
NUMPY_DTYPE_CLASSES = (
    np.dtypes.BoolDType, np.dtypes.Int8DType, np.dtypes.Int16DType,
    np.dtypes.Int32DType, np.dtypes.Int64DType, np.dtypes.UInt8DType,
    np.dtypes.UInt16DType, np.dtypes.UInt32DType, np.dtypes.UInt64DType,
    np.dtypes.Float16DType, np.dtypes.Float32DType, np.dtypes.Float64DType)


class PoseEstimatorCheckpointError(RuntimeError):
    """A pose-estimator checkpoint that cannot be (safely) loaded or does not
    fit its config; the message is one line and says why."""


def allow_mmpose_checkpoint_globals() -> None:
    """Allow-list what mmengine/mmpose checkpoints hold (module doc) for
    ``torch.load(weights_only=True)``. Idempotent."""
    allow_mmengine_checkpoint_globals()
    torch.serialization.add_safe_globals(list(NUMPY_DTYPE_CLASSES))


def _unsafe_globals(path: str) -> list[str]:
    try:
        return list(torch.serialization.get_unsafe_globals_in_checkpoint(path))
    except (RuntimeError, ValueError, OSError, zipfile.BadZipFile):
        return []  # legacy (non-zip) format: torch's message names one


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _unpickler_detail(error: BaseException) -> str:
    """The reason inside torch's multi-line "Weights only load failed"."""
    text = str(error)
    _, found, rest = text.partition('WeightsUnpickler error:')
    lines = [ln.strip() for ln in rest.splitlines() if ln.strip()] \
        if found else []
    return lines[0] if lines else _first_line(error)


def load_pose_checkpoint(path: str) -> dict:
    """The whole checkpoint, loaded on the CPU through the allow-list."""
    allow_mmpose_checkpoint_globals()
    try:
        return torch.load(path, map_location='cpu', weights_only=True)
    except pickle.UnpicklingError as err:
        detail = _unpickler_detail(err)
        safe = torch.serialization.get_safe_globals()
        allowed = {f'{c.__module__}.{c.__qualname__}' for c in safe
                   if not isinstance(c, tuple)}
        allowed |= {name for c in safe if isinstance(c, tuple)
                    for name in c[1:]}
        names = [n for n in _unsafe_globals(path) if n not in allowed]
        if not names and 'global' not in detail.lower() and \
                'allowlisted' not in detail:
            raise PoseEstimatorCheckpointError(
                f'cannot read checkpoint {path}: {detail}') from None
        raise PoseEstimatorCheckpointError(
            f'{path} holds objects outside the allow-list of mmrepose/models/'
            f'pose_estimators/checkpoint.py ({", ".join(names) or detail}); '
            'it is not loaded with full unpickling. If you trust the file, '
            "re-save its weights: torch.save({'state_dict': torch.load(PATH, "
            "weights_only=False)['state_dict']}, NEW_PATH)") from None
    except (RuntimeError, EOFError, OSError, zipfile.BadZipFile) as err:
        raise PoseEstimatorCheckpointError(
            f'cannot read checkpoint {path}: {_first_line(err)}') from None


def checkpoint_state_dict(ckpt: object, path: str) -> dict[str, torch.Tensor]:
    """The model weights of a loaded checkpoint (``state_dict`` inside, if
    any), without the ``module.`` prefix of wrapped models."""
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, Mapping) \
        else ckpt
    if not isinstance(state, Mapping) or not all(
            isinstance(v, torch.Tensor) for v in state.values()):
        raise PoseEstimatorCheckpointError(
            f'{path} is not a model checkpoint: expected a dict of tensors '
            "or a dict with a 'state_dict' of tensors")
    return {k.removeprefix('module.'): v for k, v in state.items()}
