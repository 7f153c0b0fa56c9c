"""The sampling loop: classifier-free guidance and a guidance callback.

Per step (paper Eq. 16 without the PIF term, which plugs in as
``guidance``)::

    eps_hat = eps_u + w_c * (eps_c - eps_u)          CFG, w_c = cfg_scale
    eps_hat = guidance(x_t, t, eps_hat)              e.g. PIF gradient guidance
    x_{t-1} = scheduler.step(eps_hat [+ v], t, x_t)  any diffusers scheduler

With ``cfg_scale == 1`` the unconditional pass is skipped (half the network
evaluations). The learned variance ``v`` (conditional branch) is passed to
schedulers that use it (DDPM).
"""
from __future__ import annotations

import inspect
from collections.abc import Callable

import torch
from torch import Tensor
from tqdm import tqdm

from .gaussian_diffusion import GaussianDiffusion
from .noise_schedulers import build_noise_scheduler, uses_learned_variance

#: model_fn(x_t, t, with_uncond) -> (eps_cond, v_cond, eps_uncond or None)
DenoiseFn = Callable[[Tensor, Tensor, bool], tuple[Tensor, Tensor,
                                                   Tensor | None]]
#: guidance(x_t, t, eps) -> eps
GuidanceFn = Callable[[Tensor, Tensor, Tensor], Tensor]


class DiffusionSampler:
    """Run a diffusers scheduler with CFG and an optional guidance callback.

    Args:
        diffusion: The model's noise schedule.
        sampler: ``'ddpm'``, ``'ddim'``, ``'dpmsolver++'`` or ``'unipc'``.
        num_steps: Number of denoising steps.
        cfg_scale: w_c (1 disables the unconditional branch).
        clip_sample: Clip x0 to [-1, 1] (pixel space).
    """

    def __init__(self, diffusion: GaussianDiffusion, sampler: str = 'ddim',
                 num_steps: int = 50, cfg_scale: float = 2.0,
                 clip_sample: bool = True):
        if num_steps < 1:
            raise ValueError(f'num_steps must be >= 1, got {num_steps}')
        self.scheduler = build_noise_scheduler(sampler, diffusion, clip_sample)
        self.sampler = sampler
        self.num_steps = num_steps
        self.cfg_scale = cfg_scale

    @property
    def nfe(self) -> int:
        """Network evaluations per image (steps x 2 with CFG)."""
        return self.num_steps * (1 if self.cfg_scale == 1 else 2)

    @torch.no_grad()
    def sample(self, model_fn: DenoiseFn, shape: tuple[int, ...],
               device: torch.device, generator: torch.Generator | None = None,
               guidance: GuidanceFn | None = None,
               progress: bool = True) -> Tensor:
        """Draw ``x_0`` of ``shape`` (in the model's sample space)."""
        scheduler = self.scheduler
        scheduler.set_timesteps(self.num_steps, device=device)
        x = torch.randn(shape, generator=generator, device=device) * \
            scheduler.init_noise_sigma
        learned_var = uses_learned_variance(scheduler)
        with_uncond = self.cfg_scale != 1
        # stochastic schedulers (DDPM, SDE solvers) take the generator
        step_kwargs = {'generator': generator} if 'generator' in \
            inspect.signature(scheduler.step).parameters else {}
        for t in tqdm(scheduler.timesteps, desc=f'{self.sampler} sampling',
                      disable=not progress, leave=False):
            x_in = scheduler.scale_model_input(x, t)
            t_batch = t.expand(shape[0]).to(device)
            eps, v, eps_u = model_fn(x_in, t_batch, with_uncond)
            if eps_u is not None:
                eps = eps_u + self.cfg_scale * (eps - eps_u)
            if guidance is not None:
                with torch.enable_grad():
                    eps = guidance(x_in, t_batch, eps)
            out = torch.cat([eps, v], 1) if learned_var else eps
            x = scheduler.step(out, t, x, **step_kwargs).prev_sample
        return x
