"""The sampling loop: classifier-free guidance and a guidance callback.

Per step (paper Eq. 16 without the PIF term, which plugs in as
``guidance``)::

    eps_hat = eps_u + w_c * (eps_c - eps_u)          CFG, w_c = cfg_scale
    eps_hat = guidance(x_t, t, eps_hat)              e.g. PIF gradient guidance
    x_{t-1} = scheduler.step(eps_hat [+ v], t, x_t)  any diffusers scheduler

With ``cfg_scale == 1`` the unconditional pass is skipped (half the network
evaluations). The learned variance ``v`` (conditional branch) is passed to
schedulers that use it (DDPM).

``x_t`` handed to ``guidance`` is the scheduler's *scaled* model input
(``scheduler.scale_model_input``); for every scheduler built here (DDPM, DDIM,
DPM-Solver++, UniPC) that scaling is the identity, so it is the sample x_t
of the forward process ``x_t = sqrt(ab_t) x_0 + sqrt(1 - ab_t) eps``.

Self-recurrence (Universal Guidance, Bansal et al. 2023, Alg. 1): with
``self_recurrence = k > 0`` every step is repeated: after the step to
x_{t'} (t' the next timestep of the schedule) the sample is re-noised back
to x_t with fresh noise by the forward transition

    x_t = sqrt(ab_t / ab_t') x_{t'} + sqrt(1 - ab_t / ab_t') z,  z ~ N(0, I)

and the (guided) step is taken again, k times; the last x_{t'} is kept.
Each repeat evaluates the network and the guidance again (k + 1 times the
cost). The multistep solvers (DPM-Solver++, UniPC) keep a history in the
scheduler; it is saved before the first try of a step and restored before
every repeat, so each repeat is the same step from the same state.
``ab_t'`` is the scheduler's own: DDIM's ``prev_timestep`` /
``final_alpha_cumprod``, DDPM's ``previous_timestep`` (1 past the end), and
``1 / (1 + sigma^2)`` of the solvers' ``sigmas`` table.
"""
from __future__ import annotations

import copy
import inspect
from collections.abc import Callable

import torch
from diffusers import (DDIMScheduler, DDPMScheduler,
                       DPMSolverMultistepScheduler, UniPCMultistepScheduler)
from diffusers.schedulers.scheduling_utils import SchedulerMixin
from torch import Tensor
from tqdm import tqdm

from .gaussian_diffusion import GaussianDiffusion
from .known_region import ONE_STEP_SCHEDULERS, KnownRegion
from .noise_schedulers import build_noise_scheduler, uses_learned_variance

#: schedulers stepping along a ``sigmas`` table (len(timesteps) + 1 entries)
_SIGMA_SCHEDULERS = (DPMSolverMultistepScheduler, UniPCMultistepScheduler)

#: model_fn(x_t, t, with_uncond) -> (eps_cond, v_cond, eps_uncond or None)
DenoiseFn = Callable[[Tensor, Tensor, bool], tuple[Tensor, Tensor,
                                                   Tensor | None]]
#: guidance(x_t, t, eps) -> eps; an object may also carry an int
#: ``self_recurrence`` attribute, used when ``sample`` is not given one
GuidanceFn = Callable[[Tensor, Tensor, Tensor], Tensor]
#: progress(steps_done, num_steps), called after every sampling step
ProgressFn = Callable[[int, int], None]


def renoise(x_prev: Tensor, ab_t: float, ab_prev: float,
            generator: torch.Generator | None = None) -> Tensor:
    """One forward transition q(x_t | x_t'), t' < t: ``sqrt(ab_t / ab_t')
    x_t' + sqrt(1 - ab_t / ab_t') z`` (self-recurrence)."""
    ratio = ab_t / ab_prev
    noise = torch.randn(x_prev.shape, generator=generator,
                        device=x_prev.device, dtype=x_prev.dtype)
    return ratio**0.5 * x_prev + max(1.0 - ratio, 0.0)**0.5 * noise


def step_alphas_cumprod(scheduler: SchedulerMixin, index: int,
                        t: Tensor) -> tuple[float, float]:
    """``(ab_t, ab_t')`` of the ``index``-th step (at timestep ``t``) of a
    scheduler after ``set_timesteps``: the noise levels it steps between."""
    if isinstance(scheduler, DDIMScheduler):
        prev = int(t) - scheduler.config.num_train_timesteps // \
            scheduler.num_inference_steps
        ab_prev = scheduler.alphas_cumprod[prev] if prev >= 0 else \
            scheduler.final_alpha_cumprod
        return float(scheduler.alphas_cumprod[int(t)]), float(ab_prev)
    if isinstance(scheduler, DDPMScheduler):
        prev = int(scheduler.previous_timestep(t))
        ab_prev = scheduler.alphas_cumprod[prev] if prev >= 0 else 1.0
        return float(scheduler.alphas_cumprod[int(t)]), float(ab_prev)
    if isinstance(scheduler, _SIGMA_SCHEDULERS):
        sigma = scheduler.sigmas[index]
        sigma_prev = scheduler.sigmas[index + 1]
        return float(1 / (1 + sigma**2)), float(1 / (1 + sigma_prev**2))
    raise NotImplementedError(
        f'self_recurrence does not know the noise levels of '
        f'{type(scheduler).__name__}; supported: DDIMScheduler, '
        'DDPMScheduler, DPMSolverMultistepScheduler, UniPCMultistepScheduler')


class DiffusionSampler:
    """Run a diffusers scheduler with CFG and an optional guidance callback.

    Args:
        diffusion: The model's noise schedule.
        sampler: ``'ddpm'``, ``'ddim'``, ``'dpmsolver++'`` or ``'unipc'``.
        num_steps: Number of denoising steps.
        cfg_scale: w_c (1 disables the unconditional branch).
        clip_sample: Clip x0 to [-1, 1] (pixel space).
        learned_variance: The model predicts the variance (``v``); DDPM
            without it uses the fixed posterior variance.
    """

    def __init__(self, diffusion: GaussianDiffusion, sampler: str = 'ddim',
                 num_steps: int = 50, cfg_scale: float = 2.0,
                 clip_sample: bool = True, learned_variance: bool = True):
        if num_steps < 1:
            raise ValueError(f'num_steps must be >= 1, got {num_steps}')
        self.scheduler = build_noise_scheduler(sampler, diffusion, clip_sample,
                                               learned_variance)
        self.sampler = sampler
        self.num_steps = num_steps
        self.cfg_scale = cfg_scale

    @property
    def nfe(self) -> int:
        """Network evaluations per image (steps x 2 with CFG)."""
        return self.num_steps * (1 if self.cfg_scale == 1 else 2)

    def guided_eps(self, model_fn: DenoiseFn, x_t: Tensor, t: Tensor,
                   guidance: GuidanceFn | None = None
                   ) -> tuple[Tensor, Tensor | None]:
        """``(eps_hat, v)`` of one step at per-sample timesteps ``t``: CFG
        (when ``cfg_scale != 1``), then ``guidance``."""
        eps, v, eps_u = model_fn(x_t, t, self.cfg_scale != 1)
        if eps_u is not None:
            eps = eps_u + self.cfg_scale * (eps - eps_u)
        if guidance is not None:
            with torch.enable_grad():
                eps = guidance(x_t, t, eps)
        return eps, v

    @torch.no_grad()
    def sample(self, model_fn: DenoiseFn, shape: tuple[int, ...],
               device: torch.device, generator: torch.Generator | None = None,
               guidance: GuidanceFn | None = None,
               progress: bool | ProgressFn = True,
               self_recurrence: int | None = None,
               known: KnownRegion | None = None) -> Tensor:
        """Draw ``x_0`` of ``shape`` (in the model's sample space).

        ``known``: content kept where known (RePaint-style inpainting,
        :mod:`.known_region`; DDIM and DDPM only).

        ``progress``: a terminal progress bar when True; a callable is
        called as ``progress(steps_done, num_steps)`` after every step
        instead (a web page's progress bar).

        ``self_recurrence``: repeats per step (see module doc); None takes
        ``guidance.self_recurrence`` when the guidance object has one, else 0.
        0 is the plain loop.
        """
        if self_recurrence is None:
            self_recurrence = int(getattr(guidance, 'self_recurrence', 0) or 0)
        if self_recurrence < 0:
            raise ValueError(f'self_recurrence must be >= 0, got '
                             f'{self_recurrence}')
        scheduler = self.scheduler
        if known is not None and not isinstance(scheduler,
                                                ONE_STEP_SCHEDULERS):
            raise ValueError(f'inpainting (a known region) needs the ddim or '
                             f'ddpm sampler, not {self.sampler!r}: a '
                             'multistep solver keeps outputs of samples the '
                             'known region replaces')
        scheduler.set_timesteps(self.num_steps, device=device)
        if self_recurrence:  # fail before sampling on unknown schedulers
            step_alphas_cumprod(scheduler, 0, scheduler.timesteps[0])
        x = torch.randn(shape, generator=generator, device=device) * \
            scheduler.init_noise_sigma
        learned_var = uses_learned_variance(scheduler)
        x_prev = x  # the step's result, re-noised by self-recurrence
        # stochastic schedulers (DDPM, SDE solvers) take the generator
        step_kwargs = {'generator': generator} if 'generator' in \
            inspect.signature(scheduler.step).parameters else {}
        report = progress if callable(progress) else None
        for i, t in enumerate(tqdm(scheduler.timesteps,
                                   desc=f'{self.sampler} sampling',
                                   disable=report is not None or not progress,
                                   leave=False)):
            if self_recurrence:
                state = copy.deepcopy(vars(scheduler))
                ab_t, ab_prev = step_alphas_cumprod(scheduler, i, t)
            for repeat in range(self_recurrence + 1):
                if repeat:
                    vars(scheduler).update(copy.deepcopy(state))
                    x = renoise(x_prev, ab_t, ab_prev, generator)
                x_in = scheduler.scale_model_input(x, t)
                t_batch = t.expand(shape[0]).to(device)
                eps, v = self.guided_eps(model_fn, x_in, t_batch, guidance)
                out = torch.cat([eps, v], 1) if learned_var else eps
                x_prev = scheduler.step(out, t, x, **step_kwargs).prev_sample
                if known is not None:
                    last = i == len(scheduler.timesteps) - 1
                    x_prev = known(x_prev, 1.0 if last else
                                   step_alphas_cumprod(scheduler, i, t)[1])
            x = x_prev
            if report is not None:
                report(i + 1, len(scheduler.timesteps))
        return x
