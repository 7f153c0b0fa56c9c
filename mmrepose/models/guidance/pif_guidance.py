"""Eq. 16 of RePoseDM as a sampler callback: PIF gradient guidance after CFG.

``eps_hat = eps_u + w_c ((eps_c - eps_u) + s sqrt(1 - ab_t) g)
= eps_cfg + w_c s sqrt(1 - ab_t) g``, with ``g = dG/d x0_hat`` of the
Tweedie estimate of the CFG-combined eps (method.md sec. 4). Built by
:meth:`PoseInteractionField.guidance_fn`.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import torch
from torch import Tensor

from ..diffusion import GaussianDiffusion

if TYPE_CHECKING:
    from .pose_interaction_field import DecodeFn

#: ``(x0_hat, decode, target_keypoints) -> (dG/dx0_hat, G per sample)``:
#: :meth:`PoseInteractionField.energy_and_gradient` in heatmap mode.
EnergyGradientFn = Callable[..., tuple[Tensor, Tensor]]


def step_window(steps: str | dict | None) -> tuple[float, float]:
    """``(start, end)`` fractions of the trajectory that PIF guides (0 = the
    first, noisiest step) from ``sample_cfg['steps']``: ``'all'`` or
    ``dict(start=a, end=b)`` with ``0 <= a <= b``."""
    if steps == 'all' or steps is None:
        return 0.0, 1.0
    if isinstance(steps, dict) and set(steps) <= {'start', 'end'}:
        start, end = float(steps.get('start', 0.0)), float(
            steps.get('end', 1.0))
        if 0 <= start <= end:
            return start, end
    raise ValueError(f"steps must be 'all' or dict(start=a, end=b) with "
                     f'0 <= a <= b, got {steps!r}')


def per_sample(values: Tensor, like: Tensor) -> Tensor:
    """``(B,)`` values shaped to broadcast against ``like``."""
    return values.to(like).view(-1, *([1] * (like.dim() - 1)))


class PIFGuidance:
    """Eq. 16 as a :data:`GuidanceFn`: ``eps_hat = eps + w_c * s *
    sqrt(1 - ab_t) * g`` with ``g = dG/d x0_hat(x_t, eps)`` (heatmap mode).

    Made by :meth:`PoseInteractionField.guidance_fn`. ``x_t`` is the
    sampler's (scaled) model input, equal to x_t for every scheduler of
    :mod:`mmrepose.models.diffusion.noise_schedulers`. Returns ``eps`` itself
    (the same tensor) when ``scale`` is 0 or no sample's timestep is in the
    step window; per sample otherwise.

    Attributes (cost accounting): ``num_calls``, ``num_guided`` (gradient
    evaluations, each a backward pass through decoder and estimator),
    ``seconds`` (wall time of the guided calls, without device sync) and
    ``energies`` (mean G before each guided step, detached tensors).
    """

    def __init__(self, energy_and_gradient: EnergyGradientFn,
                 diffusion: GaussianDiffusion, decode: DecodeFn,
                 target_keypoints: Tensor, cfg_scale: float, scale: float,
                 window: tuple[float, float], self_recurrence: int = 0):
        self.energy_and_gradient = energy_and_gradient
        self.diffusion = diffusion
        self.decode = decode
        self.target_keypoints = torch.as_tensor(target_keypoints,
                                                dtype=torch.float32)
        self.cfg_scale = float(cfg_scale)
        self.scale = scale
        self.window = window
        self.self_recurrence = self_recurrence
        self.num_calls = 0
        self.num_guided = 0
        self.seconds = 0.0
        self.energies: list[Tensor] = []

    def _keypoints_on(self, device: torch.device) -> Tensor:
        if self.target_keypoints.device != device:
            self.target_keypoints = self.target_keypoints.to(device)
        return self.target_keypoints

    def in_window(self, t: Tensor) -> Tensor:
        """Boolean per-sample mask of the timesteps in the step window."""
        last = self.diffusion.num_timesteps - 1
        position = (last - t.float()) / max(last, 1)
        start, end = self.window
        return (position >= start) & ((position < end) | (end >= 1))

    def __call__(self, x_t: Tensor, t: Tensor, eps: Tensor) -> Tensor:
        self.num_calls += 1
        if self.scale == 0:
            return eps
        guided = self.in_window(t)
        if not bool(guided.any()):
            return eps
        begin = time.perf_counter()
        x0_hat = self.diffusion.predict_x0(x_t.detach(), t, eps.detach())
        grad, energy = self.energy_and_gradient(
            x0_hat, self.decode, self._keypoints_on(x_t.device))
        coef = self.cfg_scale * self.scale * per_sample(
            self.diffusion.sqrt_one_minus_alphas_cumprod[t], grad)
        self.num_guided += 1
        self.energies.append(energy.mean())
        self.seconds += time.perf_counter() - begin
        guided_eps = eps + (coef * grad).to(eps)
        if bool(guided.all()):
            return guided_eps
        return torch.where(per_sample(guided, eps).bool(), guided_eps, eps)

    @property
    def mean_energy(self) -> float:
        """Mean G over the guided calls (nan if none)."""
        if not self.energies:
            return math.nan
        return float(torch.stack(self.energies).mean())
