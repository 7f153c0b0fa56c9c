"""RePaint-style inpainting: keep a known part of the sample while sampling.

RePaint (Lugmayr et al., CVPR 2022, Eq. 8 and Alg. 1) conditions an
unconditionally trained sampler on the known pixels of an image: after
every step to ``x_{t'}`` the known region is replaced by the known image
taken to the same noise level by the forward process,

    x_{t'} <- m * (sqrt(ab_t') x0_known + sqrt(1 - ab_t') z) + (1 - m) * x_{t'}

(``m`` = 1 where the content is known, ``z ~ N(0, I)``), so that the model
fills the rest in agreement with it. The last step keeps ``x0_known``
itself. RePaint's resampling (re-noise a step and take it again) is the
sampler's ``self_recurrence``; the replacement follows every repeat.

mmrepose uses it for garment editing (RePoseDM Fig. 4): the reference
person is known outside the garment's region, and the model, conditioned on
the garment source's appearance and the reference's pose, renders the
region. A multistep solver's history (DPM-Solver++, UniPC) holds model
outputs of samples the replacement has changed, so only the one-step DDIM
and DDPM samplers are accepted.
"""
from __future__ import annotations

import torch
from diffusers import DDIMScheduler, DDPMScheduler
from torch import Tensor

#: Schedulers whose step depends on the current sample only.
ONE_STEP_SCHEDULERS = (DDIMScheduler, DDPMScheduler)


class KnownRegion:
    """The known part of a sample, pasted back at each step's noise level.

    Args:
        x0: ``(B, C, h, w)`` the known content in the sampler's space
            (pixels in [-1, 1], or the scaled latents of a latent model).
        mask: ``(B, 1, h, w)`` in [0, 1], 1 where ``x0`` is known.
        generator: Noise for the forward process (the sampling seed's).
    """

    def __init__(self, x0: Tensor, mask: Tensor,
                 generator: torch.Generator | None = None):
        if mask.ndim != 4 or mask.shape[1] != 1 or \
                mask.shape[0] != x0.shape[0] or \
                mask.shape[-2:] != x0.shape[-2:]:
            raise ValueError(f'mask must be (B, 1, h, w) of the sample '
                             f'{tuple(x0.shape)}, got {tuple(mask.shape)}')
        self.x0 = x0
        self.mask = mask.to(x0).clamp(0, 1)
        self.generator = generator

    def __call__(self, x_prev: Tensor, ab_prev: float) -> Tensor:
        """``x_prev`` with the known region replaced at noise level
        ``ab_prev`` (1: the known content itself)."""
        if ab_prev >= 1.0:
            known = self.x0
        else:
            noise = torch.randn(x_prev.shape, generator=self.generator,
                                device=x_prev.device, dtype=x_prev.dtype)
            known = ab_prev**0.5 * self.x0 + (1 - ab_prev)**0.5 * noise
        return self.mask * known + (1 - self.mask) * x_prev
