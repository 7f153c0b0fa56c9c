"""Gaussian diffusion of RePoseDM (paper Sec. 3.1, Eqs. 1-4; method.md sec. 1).

Forward process ``x_t = sqrt(ab_t) x_0 + sqrt(1 - ab_t) eps`` with a linear
beta schedule (1e-4 .. 2e-2, T = 1000; RePoseSD: the scaled-linear schedule
of its Stable Diffusion folder), and the training loss of improved
DDPM (Nichol & Dhariwal 2021) with a learned-range variance:

    L = mean((eps - eps_theta)^2) + lambda_vlb * L_vlb

where the network predicts eps and an interpolation ``v`` in [-1, 1] between
the posterior variance ``beta~_t`` and ``beta_t`` (in log space), and L_vlb is
the variational-bound term computed with a stop-gradient on the predicted
mean, so it trains only the variance (the "hybrid" loss). The term is in bits
per dimension: KL(q(x_{t-1}|x_t,x_0) || p(x_{t-1}|x_t)) for t > 0 and the
decoder negative log-likelihood of x_0 at t = 0 — discretised to 256 bins for
pixel-space images in [-1, 1], a plain Gaussian density for latents.

``prediction_type`` says what the network's first C output channels are:
``'epsilon'`` (the paper's reading, method.md sec. 1) or ``'v_prediction'``
(Salimans & Ho 2022), ``v = sqrt(ab_t) eps - sqrt(1 - ab_t) x_0``, whose
MSE is taken on v. Everything downstream of the network (the vlb term, PIF
guidance, CFG and the samplers) works on eps, converted by
:meth:`GaussianDiffusion.eps_from_prediction`::

    eps = sqrt(1 - ab_t) x_t + sqrt(ab_t) v

At high noise an eps network must get eps right to within ``sqrt(ab_t)``
(0.006 at t = 999) to place the image's colours, because
``x0 = (x_t - sqrt(1 - ab_t) eps) / sqrt(ab_t)`` divides its error by that;
a v network predicts ``-x_0`` there directly, which small models trained
briefly (the CPU-sized SynthFashion configs) learn much sooner.
"""
from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from mmrepose.registry import MODELS


def normal_kl(mean1: Tensor, logvar1: Tensor, mean2: Tensor,
              logvar2: Tensor) -> Tensor:
    """Elementwise KL(N(mean1, e^logvar1) || N(mean2, e^logvar2)) in nats."""
    return 0.5 * (-1.0 + logvar2 - logvar1 + torch.exp(logvar1 - logvar2)
                  + (mean1 - mean2)**2 * torch.exp(-logvar2))


def discretized_gaussian_log_likelihood(x: Tensor, mean: Tensor,
                                        log_scale: Tensor) -> Tensor:
    """Log-probability of 8-bit data ``x`` in [-1, 1] (bins of width 2/255)
    under N(mean, e^(2 log_scale)); the edge bins take the tails."""
    normal = torch.distributions.Normal(mean, torch.exp(log_scale))
    upper = torch.where(x > 0.999, torch.ones_like(x), normal.cdf(x + 1 / 255))
    lower = torch.where(x < -0.999, torch.zeros_like(x),
                        normal.cdf(x - 1 / 255))
    return torch.log((upper - lower).clamp(min=1e-12))


@MODELS.register_module()
class GaussianDiffusion(nn.Module):
    """Noise schedule, forward process and the mse + vlb training loss.

    Args:
        num_timesteps: T.
        beta_start, beta_end: Ends of the linear beta schedule.
        vlb_weight: lambda_vlb (method.md: 1).
        decoder_nll: ``'discretized'`` (pixel space, 8-bit images in [-1, 1])
            or ``'gaussian'`` (latent space) for the t = 0 term.
        prediction_type: ``'epsilon'`` or ``'v_prediction'`` (module doc).
        beta_schedule: ``'linear'`` (the paper's) or ``'scaled_linear'``
            (Stable Diffusion's: linear in sqrt(beta)).
    """

    PREDICTION_TYPES = ('epsilon', 'v_prediction')

    def __init__(self, num_timesteps: int = 1000, beta_start: float = 1e-4,
                 beta_end: float = 2e-2, vlb_weight: float = 1.0,
                 decoder_nll: str = 'discretized',
                 prediction_type: str = 'epsilon',
                 beta_schedule: str = 'linear'):
        super().__init__()
        if prediction_type not in self.PREDICTION_TYPES:
            raise ValueError(f'prediction_type must be one of '
                             f'{self.PREDICTION_TYPES}, got '
                             f'{prediction_type!r}')
        self.prediction_type = prediction_type
        # saved with the weights, checked when they are loaded
        self.register_buffer('prediction_type_id', torch.tensor(
            self.PREDICTION_TYPES.index(prediction_type), dtype=torch.uint8))
        self._register_load_state_dict_pre_hook(self._check_prediction_type)
        if decoder_nll not in ('discretized', 'gaussian'):
            raise ValueError(f"decoder_nll must be 'discretized' or "
                             f"'gaussian', got {decoder_nll!r}")
        self.num_timesteps = num_timesteps
        self.vlb_weight = vlb_weight
        self.decoder_nll = decoder_nll
        if beta_schedule == 'linear':
            betas = torch.linspace(beta_start, beta_end, num_timesteps,
                                   dtype=torch.float64)
        elif beta_schedule == 'scaled_linear':
            betas = torch.linspace(beta_start**0.5, beta_end**0.5,
                                   num_timesteps, dtype=torch.float64)**2
        else:
            raise ValueError(f"beta_schedule must be 'linear' or "
                             f"'scaled_linear', got {beta_schedule!r}")
        alphas_cumprod = torch.cumprod(1.0 - betas, 0)
        prev = torch.cat([torch.ones(1, dtype=torch.float64),
                          alphas_cumprod[:-1]])
        posterior_var = betas * (1.0 - prev) / (1.0 - alphas_cumprod)
        schedule = dict(
            betas=betas,
            log_betas=betas.log(),
            alphas_cumprod=alphas_cumprod,
            sqrt_alphas_cumprod=alphas_cumprod.sqrt(),
            sqrt_one_minus_alphas_cumprod=(1.0 - alphas_cumprod).sqrt(),
            # log of the posterior variance, with t = 0 clipped to t = 1
            posterior_log_var=torch.log(torch.cat([posterior_var[1:2],
                                                   posterior_var[1:]])),
            posterior_coef_x0=betas * prev.sqrt() / (1.0 - alphas_cumprod),
            posterior_coef_xt=(1.0 - prev) * (1.0 - betas).sqrt()
            / (1.0 - alphas_cumprod),
        )
        for name, value in schedule.items():
            self.register_buffer(name, value.float(), persistent=False)

    def _check_prediction_type(self, state_dict: dict, prefix: str,
                               *args: object) -> None:
        """Load pre-hook: a checkpoint of the other ``prediction_type`` is a
        load error (``error_msgs``, the last hook argument), not noise."""
        saved = state_dict.get(prefix + 'prediction_type_id')
        if saved is not None and int(saved) != int(self.prediction_type_id):
            args[-1].append(
                f'the checkpoint predicts '
                f'{self.PREDICTION_TYPES[int(saved)]!r} but the config sets '
                f'diffusion.prediction_type={self.prediction_type!r}')

    @staticmethod
    def _at(values: Tensor, t: Tensor, like: Tensor) -> Tensor:
        """``values[t]`` shaped to broadcast against ``like``."""
        return values[t].to(like.dtype).view(-1, *([1] * (like.dim() - 1)))

    def sample_timesteps(self, batch: int, device: torch.device,
                         generator: torch.Generator | None = None) -> Tensor:
        return torch.randint(0, self.num_timesteps, (batch,), device=device,
                             generator=generator)

    def q_sample(self, x0: Tensor, t: Tensor, noise: Tensor) -> Tensor:
        """x_t = sqrt(ab_t) x_0 + sqrt(1 - ab_t) eps (Eq. 1)."""
        return self._at(self.sqrt_alphas_cumprod, t, x0) * x0 + \
            self._at(self.sqrt_one_minus_alphas_cumprod, t, x0) * noise

    def predict_x0(self, x_t: Tensor, t: Tensor, eps: Tensor) -> Tensor:
        """Tweedie estimate x0 = (x_t - sqrt(1 - ab_t) eps) / sqrt(ab_t)."""
        return (x_t - self._at(self.sqrt_one_minus_alphas_cumprod, t, x_t)
                * eps) / self._at(self.sqrt_alphas_cumprod, t, x_t)

    def eps_from_prediction(self, pred: Tensor, x_t: Tensor,
                            t: Tensor) -> Tensor:
        """The network's prediction (``prediction_type``) as eps."""
        if self.prediction_type == 'epsilon':
            return pred
        return self._at(self.sqrt_one_minus_alphas_cumprod, t, x_t) * x_t + \
            self._at(self.sqrt_alphas_cumprod, t, x_t) * pred

    def prediction_from_eps(self, eps: Tensor, x_t: Tensor,
                            t: Tensor) -> Tensor:
        """Inverse of :meth:`eps_from_prediction`."""
        if self.prediction_type == 'epsilon':
            return eps
        return (eps - self._at(self.sqrt_one_minus_alphas_cumprod, t, x_t)
                * x_t) / self._at(self.sqrt_alphas_cumprod, t, x_t)

    def prediction_target(self, x0: Tensor, t: Tensor,
                          noise: Tensor) -> Tensor:
        """What the network should output: eps, or
        ``v = sqrt(ab_t) eps - sqrt(1 - ab_t) x_0``."""
        if self.prediction_type == 'epsilon':
            return noise
        return self._at(self.sqrt_alphas_cumprod, t, x0) * noise - \
            self._at(self.sqrt_one_minus_alphas_cumprod, t, x0) * x0

    def q_posterior_mean(self, x0: Tensor, x_t: Tensor, t: Tensor) -> Tensor:
        return self._at(self.posterior_coef_x0, t, x_t) * x0 + \
            self._at(self.posterior_coef_xt, t, x_t) * x_t

    def p_log_variance(self, v: Tensor, t: Tensor) -> Tensor:
        """Learned range: log var = frac log beta_t + (1 - frac) log beta~_t,
        frac = (v + 1) / 2."""
        frac = (v + 1) / 2
        return frac * self._at(self.log_betas, t, v) + \
            (1 - frac) * self._at(self.posterior_log_var, t, v)

    def vlb(self, x0: Tensor, x_t: Tensor, t: Tensor, eps: Tensor,
            v: Tensor) -> Tensor:
        """Per-sample variational-bound term (bits/dim) for predicted ``eps``
        and variance interpolation ``v``."""
        true_mean = self.q_posterior_mean(x0, x_t, t)
        true_log_var = self._at(self.posterior_log_var, t, x_t).expand_as(x_t)
        model_mean = self.q_posterior_mean(self.predict_x0(x_t, t, eps), x_t,
                                           t)
        model_log_var = self.p_log_variance(v, t)
        kl = normal_kl(true_mean, true_log_var, model_mean, model_log_var)
        if self.decoder_nll == 'discretized':
            nll = -discretized_gaussian_log_likelihood(x0, model_mean,
                                                       0.5 * model_log_var)
        else:
            nll = -torch.distributions.Normal(
                model_mean, torch.exp(0.5 * model_log_var)).log_prob(x0)
        at_zero = (t == 0).view(-1, *([1] * (x_t.dim() - 1)))
        per_dim = torch.where(at_zero, nll, kl)
        return per_dim.flatten(1).mean(1) / math.log(2.0)

    def loss(self, eps_pred: Tensor, v: Tensor, x0: Tensor, x_t: Tensor,
             t: Tensor, noise: Tensor,
             weights: Tensor | None = None) -> dict[str, Tensor]:
        """The hybrid loss; ``eps_pred`` may already carry the PIF term
        (eps_tilde, Eq. 15). The MSE is taken in the network's own
        parameterization (eps or v), each element times ``weights`` when
        given (HumanSD's heatmap weights); the vlb term sees ``eps_pred``
        detached."""
        pred = self.prediction_from_eps(eps_pred, x_t, t)
        target = self.prediction_target(x0, t, noise)
        squared = (target - pred)**2
        losses = {'loss_mse': torch.mean(
            squared if weights is None else weights * squared)}
        if self.vlb_weight > 0:
            losses['loss_vlb'] = self.vlb_weight * self.vlb(
                x0, x_t, t, eps_pred.detach(), v).mean()
        return losses
