"""The diffusion schedule and the mse + vlb loss against direct computations."""
import math

import numpy as np
import pytest
import torch
from diffusers import DDPMScheduler
from torch.distributions import Normal, kl_divergence

from mmrepose.models.diffusion import (GaussianDiffusion,
                                       discretized_gaussian_log_likelihood,
                                       normal_kl)


def test_schedule_matches_diffusers_linear():
    d = GaussianDiffusion()
    ref = DDPMScheduler(num_train_timesteps=1000, beta_start=1e-4,
                        beta_end=2e-2, beta_schedule='linear')
    torch.testing.assert_close(d.alphas_cumprod, ref.alphas_cumprod.float())


def test_q_sample_and_tweedie_inverse():
    d = GaussianDiffusion()
    x0, noise = torch.randn(4, 3, 8, 6), torch.randn(4, 3, 8, 6)
    t = torch.tensor([0, 10, 500, 999])
    x_t = d.q_sample(x0, t, noise)
    ab = d.alphas_cumprod[t].view(-1, 1, 1, 1)
    torch.testing.assert_close(x_t, ab.sqrt() * x0 + (1 - ab).sqrt() * noise)
    torch.testing.assert_close(d.predict_x0(x_t, t, noise), x0, atol=2e-3,
                               rtol=1e-3)


def test_normal_kl_and_discretized_likelihood():
    m1, m2 = torch.randn(100), torch.randn(100)
    lv1, lv2 = torch.randn(100), torch.randn(100)
    ref = kl_divergence(Normal(m1, (0.5 * lv1).exp()), Normal(m2, (0.5 * lv2).exp()))
    torch.testing.assert_close(normal_kl(m1, lv1, m2, lv2), ref)
    x = torch.tensor([-1.0, -0.5, 0.0, 1.0])
    mean, log_scale = torch.zeros(4), torch.full((4,), math.log(0.3))
    ll = discretized_gaussian_log_likelihood(x, mean, log_scale)
    n = Normal(0.0, 0.3)
    direct = [math.log(n.cdf(torch.tensor(-1 + 1 / 255))),
              math.log(n.cdf(torch.tensor(-0.5 + 1 / 255))
                       - n.cdf(torch.tensor(-0.5 - 1 / 255))),
              math.log(n.cdf(torch.tensor(1 / 255)) - n.cdf(torch.tensor(-1 / 255))),
              math.log(1 - n.cdf(torch.tensor(1 - 1 / 255)))]
    np.testing.assert_allclose(ll.numpy(), direct, rtol=1e-4)


def posterior_float64(t: int):
    """Direct float64 computation of the posterior q(x_{t-1} | x_t, x_0)."""
    betas = np.linspace(1e-4, 2e-2, 1000)
    ab = np.cumprod(1 - betas)
    ab_prev = ab[t - 1] if t > 0 else 1.0
    coef_x0 = betas[t] * np.sqrt(ab_prev) / (1 - ab[t])
    coef_xt = (1 - ab_prev) * np.sqrt(1 - betas[t]) / (1 - ab[t])
    var = betas[t] * (1 - ab_prev) / (1 - ab[t])
    return betas, ab, coef_x0, coef_xt, var


@pytest.mark.parametrize('t', [1, 37, 640, 999])
def test_vlb_kl_term_equals_direct_computation(t):
    d = GaussianDiffusion()
    g = torch.Generator().manual_seed(t)
    x0 = torch.rand(2, 3, 4, 4, generator=g) * 2 - 1
    noise, eps = torch.randn(2, 3, 4, 4, generator=g), torch.randn(2, 3, 4, 4, generator=g)
    v = torch.rand(2, 3, 4, 4, generator=g) * 2 - 1
    tt = torch.full((2,), t)
    x_t = d.q_sample(x0, tt, noise)
    got = d.vlb(x0, x_t, tt, eps, v)

    betas, ab, cx0, cxt, var = posterior_float64(t)
    x0d, xtd, epsd, vd = (a.double() for a in (x0, x_t, eps, v))
    x0_pred = (xtd - np.sqrt(1 - ab[t]) * epsd) / np.sqrt(ab[t])
    true = Normal(cx0 * x0d + cxt * xtd, math.sqrt(var))
    log_var = (vd + 1) / 2 * math.log(betas[t]) + (1 - vd) / 2 * math.log(var)
    model = Normal(cx0 * x0_pred + cxt * xtd, (0.5 * log_var).exp())
    direct = kl_divergence(true, model).flatten(1).mean(1) / math.log(2)
    torch.testing.assert_close(got.double(), direct, rtol=2e-3, atol=1e-5)


def test_vlb_at_t0_is_decoder_nll_and_loss_terms():
    d = GaussianDiffusion()
    x0 = torch.randint(0, 256, (2, 3, 4, 4)).float() / 127.5 - 1
    eps, v = torch.randn_like(x0), torch.zeros_like(x0)
    t = torch.zeros(2, dtype=torch.long)
    x_t = d.q_sample(x0, t, eps)
    mean = d.q_posterior_mean(d.predict_x0(x_t, t, eps), x_t, t)
    log_var = d.p_log_variance(v, t)
    nll = -discretized_gaussian_log_likelihood(x0, mean, 0.5 * log_var)
    torch.testing.assert_close(d.vlb(x0, x_t, t, eps, v),
                               nll.flatten(1).mean(1) / math.log(2))
    eps_pred = eps.clone().requires_grad_()
    v = v.clone().requires_grad_()
    losses = d.loss(eps_pred, v, x0, x_t, t, torch.randn_like(x0))
    assert set(losses) == {'loss_mse', 'loss_vlb'}
    losses['loss_vlb'].backward()
    assert eps_pred.grad is None  # stop-gradient on the mean
    assert v.grad is not None and v.grad.abs().sum() > 0
    assert 'loss_vlb' not in GaussianDiffusion(vlb_weight=0).loss(
        eps, v, x0, x_t, t, eps)
    with pytest.raises(ValueError, match='decoder_nll'):
        GaussianDiffusion(decoder_nll='bits')


def test_v_prediction_matches_diffusers_velocity_and_converts_to_eps():
    d = GaussianDiffusion(prediction_type='v_prediction')
    ref = DDPMScheduler(num_train_timesteps=1000, beta_start=1e-4,
                        beta_end=2e-2, beta_schedule='linear',
                        prediction_type='v_prediction')
    x0, noise = torch.randn(4, 3, 8, 6), torch.randn(4, 3, 8, 6)
    t = torch.tensor([0, 10, 500, 999])
    x_t = d.q_sample(x0, t, noise)
    v = d.prediction_target(x0, t, noise)
    torch.testing.assert_close(v, ref.get_velocity(x0, noise, t))
    torch.testing.assert_close(d.eps_from_prediction(v, x_t, t), noise,
                               atol=1e-5, rtol=1e-5)
    pred = torch.randn_like(x0)
    torch.testing.assert_close(
        d.prediction_from_eps(d.eps_from_prediction(pred, x_t, t), x_t, t),
        pred, atol=1e-3, rtol=1e-3)
    # the MSE is taken on v, whatever eps the prediction implies
    eps_pred = d.eps_from_prediction(pred, x_t, t)
    loss = d.loss(eps_pred, torch.zeros_like(x0), x0, x_t, t, noise)
    torch.testing.assert_close(loss['loss_mse'], torch.mean((pred - v)**2),
                               rtol=1e-3, atol=1e-4)
    eps_model = GaussianDiffusion()
    assert eps_model.eps_from_prediction(pred, x_t, t) is pred
    with pytest.raises(ValueError, match='prediction_type'):
        GaussianDiffusion(prediction_type='sample')


def test_prediction_type_is_saved_and_checked_on_load():
    v_state = GaussianDiffusion(prediction_type='v_prediction').state_dict()
    assert int(v_state['prediction_type_id']) == 1
    GaussianDiffusion(prediction_type='v_prediction').load_state_dict(v_state)
    with pytest.raises(RuntimeError, match="predicts 'v_prediction' but the "
                       "config sets diffusion.prediction_type='epsilon'"):
        GaussianDiffusion().load_state_dict(v_state)
