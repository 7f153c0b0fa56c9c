"""RePoseDM (B1): loss, CFG dropout, sampling with every sampler, latent mode."""
import pytest
import torch

from mmrepose.models import LatentAutoencoderKL
from mmrepose.registry import MODELS

from tiny_models import random_batch, tiny_b1_cfg


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)
    return MODELS.build(tiny_b1_cfg()).eval()


def test_loss_backward_reaches_every_trainable_part(model):
    model.train()
    data = model.data_preprocessor(random_batch(), True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_mse', 'loss_vlb'}
    sum(losses.values()).backward()
    for name in ('unet', 'appearance_encoder'):
        grads = [p.grad for p in getattr(model, name).parameters()]
        assert all(g is not None for g in grads), name
    model.zero_grad()
    model.eval()


def test_cfg_dropout_uses_null_condition():
    torch.manual_seed(0)
    m = MODELS.build(tiny_b1_cfg(cfg_dropout=0.999))
    data = m.data_preprocessor(random_batch(), True)
    sum(m(**data, mode='loss').values()).backward()
    assert m.null_token.grad is not None and m.null_token.grad.abs().sum() > 0
    # nothing of the source reaches the loss when everything is dropped
    assert all(p.grad is None or p.grad.abs().sum() == 0
               for p in m.appearance_encoder.parameters())
    m0 = MODELS.build(tiny_b1_cfg(cfg_dropout=0.0))
    sum(m0(**m0.data_preprocessor(random_batch(), True), mode='loss').values()
        ).backward()
    assert m0.null_token.grad is None


@pytest.mark.parametrize('sampler', ['ddpm', 'ddim', 'dpmsolver++', 'unipc'])
def test_every_sampler_returns_native_size(model, sampler):
    data = model.data_preprocessor(random_batch(size=(32, 22)), False)
    out = model.predict(**data, sampler=sampler, num_steps=3)
    assert len(out) == 2 and out[0].pair_name == 'a_2_b'
    assert out[0].pred_img.shape == (3, 32, 22)
    assert out[0].pred_img.dtype == torch.uint8


def test_sampling_is_seeded_and_cfg_one_halves_nfe(model):
    data = model.data_preprocessor(random_batch(), False)
    a = model.sample(data['inputs'], seed=3)
    b = model.sample(data['inputs'], seed=3)
    c = model.sample(data['inputs'], seed=4)
    torch.testing.assert_close(a, b)
    assert not torch.allclose(a, c)
    calls = []
    handle = model.unet.register_forward_hook(
        lambda mod, args, out: calls.append(args[0].shape[0]))
    model.sample(data['inputs'], num_steps=4, cfg_scale=2.0)
    model.sample(data['inputs'], num_steps=4, cfg_scale=1.0)
    handle.remove()
    assert calls == [4] * 4 + [2] * 4  # CFG: cond + uncond in one batch


def test_guidance_callback_modifies_eps(model):
    data = model.data_preprocessor(random_batch(), False)
    seen = []

    def guidance(x_t, t, eps):
        seen.append(int(t[0]))
        assert torch.is_grad_enabled()
        return eps * 0

    plain = model.sample(data['inputs'], num_steps=3)
    guided = model.sample(data['inputs'], num_steps=3, guidance=guidance)
    assert len(seen) == 3 and seen == sorted(seen, reverse=True)
    assert not torch.allclose(plain, guided)


def test_bad_arguments(model):
    data = model.data_preprocessor(random_batch(), False)
    with pytest.raises(TypeError, match='unknown sampling options'):
        model.sample(data['inputs'], steps=3)
    with pytest.raises(KeyError, match='unknown sampler'):
        model.sample(data['inputs'], sampler='euler')
    with pytest.raises(ValueError, match="mode must be"):
        model(**data, mode='train')
    with pytest.raises(ValueError, match='sample_channels'):
        MODELS.build(tiny_b1_cfg(sample_channels=4))
    with pytest.raises(KeyError, match='target_pose'):
        model.data_preprocessor(dict(inputs=dict(source_img=[]),
                                     data_samples=[]), False)
    no_source = {k: v for k, v in data['inputs'].items() if k != 'source_img'}
    with pytest.raises(KeyError, match='needs the source image'):
        model.sample(no_source)


def test_latent_mode_forward_backward_and_sampling(tiny_vae_dir):
    torch.manual_seed(0)
    cfg = tiny_b1_cfg(pose_channels=4, sample_channels=4,
                      autoencoder=dict(type='LatentAutoencoderKL',
                                       path=str(tiny_vae_dir)))
    model = MODELS.build(cfg)
    assert model.autoencoder.downsample_factor == 2
    assert not any(p.requires_grad for p in model.autoencoder.parameters())
    batch = random_batch(size=(32, 22), pose_channels=3)
    losses = model(**model.data_preprocessor(batch, True), mode='loss')
    sum(losses.values()).backward()
    assert all(p.grad is not None for p in model.unet.parameters())
    model.eval()
    out = model.predict(**model.data_preprocessor(batch, False), num_steps=2)
    assert out[0].pred_img.shape == (3, 32, 22)  # native size through the VAE
    with pytest.raises(ValueError, match="'skeleton_rgb'"):
        model(**model.data_preprocessor(random_batch(pose_channels=20), True),
              mode='loss')


def test_latent_decode_is_differentiable(tiny_vae_dir):
    vae = LatentAutoencoderKL(str(tiny_vae_dir))
    z = torch.randn(1, 4, 16, 11, requires_grad=True)
    vae.decode(z).square().mean().backward()
    assert z.grad is not None and z.grad.abs().sum() > 0


def test_missing_vae_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match='AutoencoderKL folder not '
                       'found: .*nowhere.*model.autoencoder.path'):
        LatentAutoencoderKL(str(tmp_path / 'nowhere'))


def test_bf16_autocast_sampling_stays_close_to_float32(model):
    data = model.data_preprocessor(random_batch(), False)
    fp32 = model.sample(data['inputs'], num_steps=2)
    bf16 = model.sample(data['inputs'], num_steps=2, autocast='bf16')
    assert bf16.dtype == torch.float32 and not torch.equal(bf16, fp32)
    assert (bf16 - fp32).abs().mean() < 0.05
    with pytest.raises(ValueError, match='autocast'):
        model.sample(data['inputs'], num_steps=2, autocast='fp8')


class _OracleDenoiser(torch.nn.Module):
    """Predicts exactly (eps or v) for data that is always ``x0``."""

    def __init__(self, alphas_cumprod, x0, prediction_type,
                 sample_channels=3):
        super().__init__()
        self.alphas_cumprod, self.x0 = alphas_cumprod, x0
        self.prediction_type = prediction_type
        self.sample_channels = sample_channels

    def forward(self, x_t, t, pose, tokens):
        ab = self.alphas_cumprod[t].view(-1, 1, 1, 1)
        x0 = self.x0.expand_as(x_t)
        eps = (x_t - ab.sqrt() * x0) / (1 - ab).sqrt()
        if self.prediction_type == 'epsilon':
            return eps, torch.zeros_like(x_t)
        return ab.sqrt() * eps - (1 - ab).sqrt() * x0, torch.zeros_like(x_t)


@pytest.mark.parametrize('prediction_type', ['epsilon', 'v_prediction'])
@pytest.mark.parametrize('sampler', ['ddim', 'dpmsolver++'])
def test_samplers_read_the_prediction_type(prediction_type, sampler):
    """With an oracle network for a one-image data set, the eps that CFG
    and guidance see at every step is the true noise of x_t, whichever
    quantity the network predicts, and sampling returns that image."""
    torch.manual_seed(0)
    m = MODELS.build(tiny_b1_cfg(diffusion=dict(
        type='GaussianDiffusion', prediction_type=prediction_type))).eval()
    data = m.data_preprocessor(random_batch(), False)
    x0 = torch.rand(1, 3, *data['inputs']['target_pose'].shape[-2:]) * 1.6 \
        - 0.8
    m.unet = _OracleDenoiser(m.diffusion.alphas_cumprod, x0,
                             prediction_type)
    errors = []

    def check(x_t, t, eps):
        ab = m.diffusion.alphas_cumprod[t].view(-1, 1, 1, 1)
        true_eps = (x_t - ab.sqrt() * x0) / (1 - ab).sqrt()
        errors.append(float((eps - true_eps).abs().max()))
        return eps

    out = m.sample(data['inputs'], guidance=check, sampler=sampler,
                   num_steps=10, cfg_scale=2.0, progress=False)
    assert len(errors) == 10 and max(errors) < 1e-3
    torch.testing.assert_close(out, x0.expand_as(out), atol=2e-2, rtol=0)
