"""The denoiser a conditional editor hands to :class:`DiffusionSampler`:
the network on a fixed condition and its dropped ("null") counterpart, both
branches in one batch when classifier-free guidance needs the
unconditional one (Eq. 16's eps_c and eps_u), predictions turned into eps
(``GaussianDiffusion.eps_from_prediction``), optionally under bfloat16
autocast with the sampler's arithmetic in float32.

Shared by RePoseDM (condition: pose input, appearance tokens) and RePoseSD
(pose latent, text tokens).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import Tensor

from .diffusion_sampler import DenoiseFn
from .gaussian_diffusion import GaussianDiffusion

#: network(x_t, t, *condition) -> (prediction, v or None)
NetworkFn = Callable[..., tuple[Tensor, Tensor | None]]


def conditional_denoiser(network: NetworkFn, diffusion: GaussianDiffusion,
                         condition: Sequence[Tensor],
                         null_condition: Sequence[Tensor],
                         autocast: str | None = None) -> DenoiseFn:
    """``model_fn(x, t, with_uncond) -> (eps_c, v_c, eps_u or None)``.

    The condition tensors are concatenated with the null ones once, so
    cached cross-attention keys and values stay valid across steps."""
    if autocast not in (None, 'bf16'):
        raise ValueError(f"autocast must be None or 'bf16', got {autocast!r}")
    both = [torch.cat([c, n]) for c, n in zip(condition, null_condition)]
    device_type = condition[0].device.type

    def denoise(x: Tensor, t: Tensor, *cond: Tensor
                ) -> tuple[Tensor, Tensor | None]:
        with torch.autocast(device_type, dtype=torch.bfloat16,
                            enabled=autocast == 'bf16'):
            pred, v = network(x, t, *cond)
        eps = diffusion.eps_from_prediction(pred.float(), x, t)
        return eps, None if v is None else v.float()

    def model_fn(x: Tensor, t: Tensor, with_uncond: bool):
        if not with_uncond:
            eps, v = denoise(x, t, *condition)
            return eps, v, None
        eps, v = denoise(torch.cat([x, x]), torch.cat([t, t]), *both)
        n = x.shape[0]
        return eps[:n], None if v is None else v[:n], eps[n:]

    return model_fn


def merge_sampling_cfg(test_cfg: dict[str, Any],
                       overrides: dict[str, Any]) -> dict[str, Any]:
    """``test_cfg`` with ``overrides``, which may only name its keys."""
    unknown = set(overrides) - set(test_cfg)
    if unknown:
        raise TypeError(f'unknown sampling options {sorted(unknown)}; '
                        f'choose from {sorted(test_cfg)}')
    cfg = {**test_cfg, **overrides}
    if cfg.get('autocast') not in (None, 'bf16'):
        raise ValueError(f"autocast must be None or 'bf16', got "
                         f"{cfg['autocast']!r}")
    return cfg
