"""diffusers schedulers for sampling, by name, on RePoseDM's training schedule.

=============  ==================================  =============================
name           diffusers class                     notes
=============  ==================================  =============================
``ddpm``       ``DDPMScheduler``                   ancestral, with the learned
                                                   variance (``learned_range``)
``ddim``       ``DDIMScheduler``                   eta = 0 (PIDM's protocol:
                                                   100 steps)
``dpmsolver++``  ``DPMSolverMultistepScheduler``   2nd order, 20-25 steps
``unipc``      ``UniPCMultistepScheduler``         20-25 steps
=============  ==================================  =============================

Each is built with the betas of the model's :class:`GaussianDiffusion`, so
training and sampling agree. ``clip_sample`` (x0 clipped to [-1, 1]) is on in
pixel space and off in latent space.
"""
from __future__ import annotations

from diffusers import (DDIMScheduler, DDPMScheduler,
                       DPMSolverMultistepScheduler, UniPCMultistepScheduler)
from diffusers.schedulers.scheduling_utils import SchedulerMixin

from mmrepose.registry import DIFFUSION_SCHEDULERS
from .gaussian_diffusion import GaussianDiffusion

for _name, _cls in (('ddpm', DDPMScheduler), ('ddim', DDIMScheduler),
                    ('dpmsolver++', DPMSolverMultistepScheduler),
                    ('unipc', UniPCMultistepScheduler)):
    DIFFUSION_SCHEDULERS.register_module(name=_name, module=_cls)

#: Per-name settings beyond the shared schedule.
_DEFAULTS = {
    'ddpm': dict(variance_type='learned_range'),
    'ddim': dict(),
    'dpmsolver++': dict(algorithm_type='dpmsolver++', solver_order=2),
    'unipc': dict(),
}
_CLIPPING = ('ddpm', 'ddim')  # the schedulers that take ``clip_sample``


def build_noise_scheduler(name: str, diffusion: GaussianDiffusion,
                          clip_sample: bool,
                          learned_variance: bool = True) -> SchedulerMixin:
    """A fresh diffusers scheduler ``name`` on ``diffusion``'s betas;
    DDPM of a model without a learned variance uses the posterior's
    (``fixed_small``)."""
    cls = DIFFUSION_SCHEDULERS.get(name)
    if cls is None:
        raise KeyError(f'unknown sampler {name!r}; choose from '
                       f'{sorted(DIFFUSION_SCHEDULERS.module_dict)}')
    kwargs = dict(num_train_timesteps=diffusion.num_timesteps,
                  trained_betas=diffusion.betas.double().cpu().numpy(),
                  prediction_type='epsilon', **_DEFAULTS.get(name, {}))
    if name == 'ddpm' and not learned_variance:
        kwargs['variance_type'] = 'fixed_small'
    if name in _CLIPPING:
        kwargs['clip_sample'] = clip_sample
    return cls(**kwargs)


def uses_learned_variance(scheduler: SchedulerMixin) -> bool:
    """Whether ``scheduler.step`` takes the eps + variance output (2C)."""
    return getattr(scheduler.config, 'variance_type', None) in (
        'learned', 'learned_range')
