from .conditional_denoiser import (conditional_denoiser,
                                   merge_sampling_cfg)
from .diffusion_sampler import (DenoiseFn, DiffusionSampler, GuidanceFn,
                                renoise, step_alphas_cumprod)
from .gaussian_diffusion import (GaussianDiffusion,
                                 discretized_gaussian_log_likelihood,
                                 normal_kl)
from .known_region import KnownRegion
from .noise_schedulers import build_noise_scheduler, uses_learned_variance

__all__ = [
    'GaussianDiffusion', 'DiffusionSampler', 'conditional_denoiser',
    'merge_sampling_cfg', 'DenoiseFn', 'GuidanceFn',
    'renoise', 'step_alphas_cumprod', 'KnownRegion',
    'build_noise_scheduler',
    'uses_learned_variance', 'normal_kl', 'discretized_gaussian_log_likelihood'
]
