"""Build a RePoseDM from a config and load a checkpoint for inference."""
from __future__ import annotations

import os
import os.path as osp

import torch
from mmengine.config import Config

from mmrepose.engine.checkpoint_loading import (CheckpointReadError,
                                                checkpoint_state_dict,
                                                read_checkpoint,
                                                state_dict_mismatch)
from mmrepose.registry import MODELS
from mmrepose.utils import (fill_pipeline_settings, read_config,
                            register_all_modules)


#: Frozen parts that load their own weights file when built: PIF's pose
#: estimator and the distilled guidance decoder. A checkpoint trained
#: without them (a B2 sampled with PIF, a model guided through a decoder
#: distilled later) loads with ``keep_missing=SELF_LOADING``.
SELF_LOADING = ('pose_interaction_field.', 'autoencoder.guidance_decoder.')


class CheckpointMismatchError(RuntimeError):
    """The checkpoint cannot be read, or its weights do not fit the config's
    model."""


def init_model(config: str | os.PathLike | Config,
               weights: str | os.PathLike,
               device: str = 'cpu',
               keep_missing: tuple[str, ...] = ()
               ) -> tuple[Config, torch.nn.Module]:
    """``(cfg, model)``: the config's model with the checkpoint's weights
    (``state_dict`` inside, which training writes with the EMA parameters),
    in eval mode on ``device``. ``config`` is a file or a loaded
    :class:`~mmengine.config.Config`. Missing files and weights that do not
    fit the model are one-line errors, except that parameters under the
    prefixes ``keep_missing`` may be absent from the checkpoint and keep the
    values the model was built with (e.g. :data:`SELF_LOADING`: a B2
    checkpoint sampled with PIF guidance, whose frozen pose estimator loads
    its own file)."""
    register_all_modules()
    weights = str(weights)
    if isinstance(config, Config):
        cfg = fill_pipeline_settings(config)
        config_name = config.filename or '<Config object>'
    else:
        config_name = str(config)
        cfg = read_config(config_name)
    if not osp.isfile(weights):
        raise FileNotFoundError(f'checkpoint not found: {weights}')
    if device.startswith('cuda') and not torch.cuda.is_available():
        raise ValueError(f'device {device!r} asked for, but torch sees no '
                         'CUDA GPU here; use --device cpu')
    model = MODELS.build(cfg.model)
    load_weights(model, weights, config_name, keep_missing)
    return cfg, model.to(torch.device(device)).eval()


def load_weights(model: torch.nn.Module, weights: str, config_name: str,
                 keep_missing: tuple[str, ...] = (),
                 prefix: str | None = None) -> None:
    """Load a checkpoint's ``state_dict`` (or a bare state dict) into
    ``model`` strictly, reading it through
    :func:`~mmrepose.engine.read_checkpoint`; an unreadable
    file or weights that do not fit are a one-line
    :class:`CheckpointMismatchError` naming both files (``keep_missing``: see
    :func:`init_model`). With ``prefix``, a checkpoint that has weights
    under it gives only those, the prefix removed (e.g. ``'student.'`` of a
    distillation checkpoint)."""
    try:
        state = checkpoint_state_dict(read_checkpoint(weights), weights)
    except CheckpointReadError as err:
        raise CheckpointMismatchError(str(err)) from None
    if prefix and any(k.startswith(prefix) for k in state):
        state = {k[len(prefix):]: v for k, v in state.items()
                 if k.startswith(prefix)}
    state = {k: v.float() if v.is_floating_point() else v
             for k, v in state.items()}
    built = model.state_dict()
    state.update({k: v for k, v in built.items()
                  if keep_missing and k.startswith(keep_missing)
                  and k not in state})
    mismatch = state_dict_mismatch(built, state)
    if mismatch is not None:
        raise CheckpointMismatchError(
            f'checkpoint {weights} does not match config {config_name}: '
            f'{mismatch}')
    try:  # the models' own checks (e.g. the prediction type) raise here
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        first = str(exc).splitlines()[1].strip() if '\n' in str(exc) \
            else str(exc)
        raise CheckpointMismatchError(
            f'checkpoint {weights} does not match config {config_name}: '
            f'{first}') from None
