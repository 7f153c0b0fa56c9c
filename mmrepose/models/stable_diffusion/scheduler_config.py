"""RePoseSD's noise schedule, read from its Stable Diffusion folder's
``scheduler/scheduler_config.json`` (SD 2.1-base: 1,000 steps,
scaled-linear betas 0.00085 .. 0.012, eps-prediction; the 768 px SD 2.1 is
v-prediction), so training and sampling use the schedule the U-Net was
pretrained with.
"""
from __future__ import annotations

import json
import os.path as osp
from typing import Any

from mmrepose.registry import MODELS
from ..diffusion import GaussianDiffusion
from .folder import require_part


@MODELS.register_module()
def SchedulerConfigDiffusion(path: str, **overrides: Any) -> GaussianDiffusion:
    """A :class:`GaussianDiffusion` on the schedule of the diffusers
    scheduler folder ``path``, without a learned variance (no vlb term);
    ``overrides`` are further ``GaussianDiffusion`` arguments."""
    config_file = osp.join(require_part(path, 'scheduler'),
                           'scheduler_config.json')
    with open(config_file) as f:
        config = json.load(f)
    if config.get('trained_betas') is not None:
        raise ValueError(f'{config_file}: trained_betas are not supported')
    schedule = dict(
        num_timesteps=int(config.get('num_train_timesteps', 1000)),
        beta_start=float(config.get('beta_start', 0.0001)),
        beta_end=float(config.get('beta_end', 0.02)),
        beta_schedule=config.get('beta_schedule', 'linear'),
        prediction_type=config.get('prediction_type', 'epsilon'),
        vlb_weight=0.0, decoder_nll='gaussian')
    try:
        return GaussianDiffusion(**{**schedule, **overrides})
    except ValueError as err:
        raise ValueError(f'{config_file}: {err}') from None
