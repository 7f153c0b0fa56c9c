"""Pose Interaction Field guidance (Eqs. 10-16, method.md sec. 4) and the
sampler's self-recurrence, on toy estimators and tiny random networks."""
import math

import pytest
import torch
import torch.nn.functional as F
from diffusers import AutoencoderKL, EulerDiscreteScheduler
from torch import nn

from mmrepose.models import MMPoseEstimator, PoseInteractionField
from mmrepose.models.diffusion import (DiffusionSampler, GaussianDiffusion,
                                       diffusion_sampler, step_alphas_cumprod)
from mmrepose.models.guidance import render_gaussian_heatmaps
from mmrepose.structures import COCO17_FROM_OPENPOSE18
from test_utils.test_mmpose_stack import tiny_bottomup_ae_config

H, W = 32, 32  # toy images; heatmaps at stride 4: 8 x 8


def missing_pose(batch=1):
    return torch.full((batch, 18, 2), -1.0)


class FixedEstimator(nn.Module):
    """Returns given heatmaps whatever the image (differentiably)."""

    def __init__(self, heat):
        super().__init__()
        self.register_buffer('heat', heat)

    def heatmaps(self, images):
        return self.heat + 0 * images.mean()


class BlobEstimator(nn.Module):
    """Nose heatmap = blurred brightness at stride 4 (OpenPose-18 layout, the
    other 17 channels zero); features = 8 x 8 average colours."""

    keypoint_layout = 'openpose18'
    heatmap_sigma = 1.0

    def __init__(self):
        super().__init__()
        r = torch.arange(-2, 3.0)
        k = torch.exp(-(r[:, None]**2 + r[None]**2) / 2)
        self.register_buffer('kernel', (k / k.max()).view(1, 1, 5, 5))
        self.scale = nn.Parameter(torch.ones(()))  # must get no .grad

    def heatmaps(self, images):
        bright = (images.mean(1, keepdim=True) + 1) / 2
        nose = F.conv2d(F.avg_pool2d(bright, 4), self.kernel, padding=2)
        nose = nose * self.scale / 4
        return torch.cat([nose, nose.new_zeros(nose.shape[0], 17,
                                               *nose.shape[-2:])], 1)

    def features(self, images):
        return F.avg_pool2d(images, 8) * self.scale


def blob_image(cx, cy, radius=4.0, batch=1):
    ys, xs = torch.meshgrid(torch.arange(H, dtype=torch.float32),
                            torch.arange(W, dtype=torch.float32),
                            indexing='ij')
    disc = ((xs - cx)**2 + (ys - cy)**2 <= radius**2).float()
    return (disc * 2 - 1).expand(batch, 3, H, W).clone()


def nose_at(x, y, batch=1):
    kps = missing_pose(batch)
    kps[:, 0] = torch.tensor([x, y])
    return kps


def identity(x):
    return x


@pytest.fixture(scope='module')
def diffusion():
    return GaussianDiffusion()


# -- target heatmaps ----------------------------------------------------------
def test_target_heatmaps_argmax_missing_and_layout():
    field = PoseInteractionField(FixedEstimator(torch.zeros(1, 17, 8, 6)),
                                 heatmap_sigma=1.5)
    kps = missing_pose(2)
    kps[0, 0] = torch.tensor([13.0, 21.0])   # nose
    kps[0, 15] = torch.tensor([3.0, 6.4])    # OpenPose Leye -> COCO 1
    kps[0, 2] = torch.tensor([21.0, 26.9])   # OpenPose Rsho -> COCO 6
    kps[0, 5] = torch.tensor([24.0, 5.0])    # x == W: outside -> missing
    kps[1, 0] = torch.tensor([-1.0, 10.0])   # one coordinate missing
    heat = field.target_heatmaps(kps, (32, 24), (8, 6))
    assert heat.shape == (2, 17, 8, 6)
    stride = 4
    for coco, (x, y) in ((0, (13.0, 21.0)), (1, (3.0, 6.4)),
                         (6, (21.0, 26.9))):
        index = int(heat[0, coco].flatten().argmax())
        iy, ix = divmod(index, 6)
        # MMPoseEstimator.keypoints maps the argmax cell to cell * stride
        assert (ix, iy) == (round(x / stride), round(y / stride)), coco
        assert abs(ix * stride - x) <= stride / 2
        assert abs(iy * stride - y) <= stride / 2
    # the Gaussian: sub-pixel centre, sigma in heatmap cells
    assert heat[0, 0, 5, 3] == pytest.approx(
        math.exp(-((3 - 13 / 4)**2 + (5 - 21 / 4)**2) / (2 * 1.5**2)),
        rel=1e-5)
    present = heat.flatten(2).amax(-1) > 0
    assert present[0].nonzero().flatten().tolist() == [0, 1, 6]
    assert not present[1].any()  # a -1 coordinate is missing
    # COCO 5 (left shoulder) is OpenPose 5, which lay outside the image
    assert COCO17_FROM_OPENPOSE18[5] == 5 and not present[0, 5]


def test_render_with_explicit_stride():
    kp = torch.tensor([[[20.0, 8.0]]])
    heat = render_gaussian_heatmaps(kp, (16, 22), (4, 6), 1.0, stride=(4, 4))
    assert int(heat[0, 0].flatten().argmax()) == 2 * 6 + 5  # (x 5, y 2)
    with pytest.raises(ValueError, match='sigma'):
        render_gaussian_heatmaps(kp, (16, 22), (4, 6), 0.0)


# -- energy ----------------------------------------------------------------
def test_energy_zero_at_target_and_positive_when_a_keypoint_moves():
    kps = missing_pose(2)
    kps[:, 0] = torch.tensor([12.0, 9.0])
    kps[:, 4] = torch.tensor([20.0, 24.0])   # Rwri
    kps[1, 11] = torch.tensor([5.0, 28.0])   # Lhip
    probe = PoseInteractionField(FixedEstimator(torch.zeros(2, 17, 8, 8)))
    assert probe.heatmap_sigma == 2.0  # no estimator sigma: 2 cells
    target = probe.target_heatmaps(kps, (H, W), (8, 8))
    field = PoseInteractionField(FixedEstimator(target))
    images = torch.zeros(2, 3, H, W)
    energy = field.energy(images, kps)
    assert energy.shape == (2,) and float(energy.abs().max()) < 1e-12
    moved = kps.clone()
    moved[1, 4, 0] += 8  # the right wrist of sample 1 two cells over
    energy = field.energy(images, moved)
    assert energy[0] < 1e-12 and energy[1] > 1e-3
    # direct computation of Eq. 11 (union mask, mean over mask pixels)
    target_moved = probe.target_heatmaps(moved, (H, W), (8, 8))
    mask = (torch.maximum(target, target_moved).sum(1) > 0.1).float()
    direct = (mask[:, None] * (target - target_moved)**2).sum((1, 2, 3)) / (
        mask.sum((1, 2)) + 1e-6)
    torch.testing.assert_close(energy, direct)
    # the mask threshold: everything masked out -> 0
    field.mask_threshold = 1e9
    assert float(field.energy(images, moved).abs().max()) == 0


def test_feature_mode_energy():
    field = PoseInteractionField(BlobEstimator(), mode='feature')
    kps = nose_at(8, 8)
    img = blob_image(8, 8)
    assert float(field.energy(img, kps, img)) < 1e-12
    assert float(field.energy(img, kps, blob_image(20, 20))) > 1e-3
    with pytest.raises(ValueError, match="needs the target images"):
        field.energy(img, kps)
    # sampling has no I_T: heatmap mode
    assert float(field.energy(img, nose_at(24, 24), mode='heatmap')) > 0
    with pytest.raises(TypeError, match='features'):
        PoseInteractionField(FixedEstimator(torch.zeros(1, 17, 8, 8)),
                             mode='feature')


# -- gradient -------------------------------------------------------------
def test_gradient_descent_moves_the_blob_towards_the_target():
    field = PoseInteractionField(BlobEstimator())
    kps = nose_at(22, 22)
    x0 = blob_image(8, 8)  # the "person" is in the wrong place
    g = field.gradient(x0, identity, kps)
    assert g.shape == x0.shape and float(g.abs().max()) > 0
    before = float(field.energy(x0, kps))
    after = float(field.energy(x0 - 100 * g, kps))
    assert after < before
    # brighter at the target, darker at the blob
    assert g[0, 0, 22, 22] < 0 < g[0, 0, 8, 8]
    assert field.estimator.scale.grad is None
    # finite-difference check of one pixel
    e = torch.zeros_like(x0)
    e[0, :, 21, 22] = 1e-2
    fd = (field.energy(x0 + e, kps) - field.energy(x0 - e, kps)) / 2e-2
    assert float(fd) == pytest.approx(float(g[0, :, 21, 22].sum()), rel=0.05)


def test_gradient_through_tiny_vae_and_mmpose_estimator():
    torch.manual_seed(0)
    estimator = MMPoseEstimator(tiny_bottomup_ae_config(), None)
    field = PoseInteractionField(estimator)
    assert field.heatmap_sigma == 2.0  # the codec's sigma
    assert field.keypoint_layout == 'coco17'
    vae = AutoencoderKL(block_out_channels=(8,), layers_per_block=1,
                        latent_channels=4, norm_num_groups=4,
                        down_block_types=('DownEncoderBlock2D',),
                        up_block_types=('UpDecoderBlock2D',)).eval()
    vae.requires_grad_(False)

    def decode(z):
        return vae.decode(z).sample

    z = torch.randn(2, 4, 64, 42)  # 42: heatmaps cropped, stride still 4
    heat, stride = field.estimator_heatmaps(decode(z))
    assert heat.shape == (2, 17, 16, 11) and stride == (4.0, 4.0)
    kps = missing_pose(2)
    kps[:, 0] = torch.tensor([20.0, 12.0])
    kps[0, 9] = torch.tensor([30.0, 50.0])
    with torch.no_grad():  # as inside the sampler
        g, energy = field.energy_and_gradient(z, decode, kps)
    assert g.shape == z.shape and torch.isfinite(g).all()
    assert (g.flatten(1).abs().sum(1) > 0).all()  # each sample its own
    assert energy.shape == (2,) and (energy > 0).all()
    assert all(p.grad is None for p in estimator.parameters())
    assert all(p.grad is None for p in vae.parameters())
    # feature mode on the real adapter (heatmaps_and_features, I_T given)
    feature = PoseInteractionField(estimator, mode='feature')
    images = decode(z).detach()
    assert float(feature.energy(images, kps, images).abs().max()) < 1e-12
    g = feature.gradient(z, decode, kps, images.flip(0))
    assert g.shape == z.shape and (g.flatten(1).abs().sum(1) > 0).all()
    # built from a config: frozen and in eval mode under a training parent
    built = PoseInteractionField(dict(
        type='MMPoseEstimator', config=tiny_bottomup_ae_config(),
        checkpoint=None))
    built.train()
    assert not built.estimator.training
    assert not any(p.requires_grad for p in built.parameters())


# -- Eq. 15 ---------------------------------------------------------------
def _training_batch(diffusion, t):
    torch.manual_seed(1)
    x0 = torch.cat([blob_image(8, 8), blob_image(10, 6)])
    noise = torch.randn_like(x0)
    t = torch.tensor(t)
    x_t = diffusion.q_sample(x0, t, noise)
    eps = (noise + 0.1 * torch.randn_like(noise)).requires_grad_(True)
    return eps, x_t, t, nose_at(22, 22, 2)


def test_training_eps_equals_eq15(diffusion):
    eps, x_t, t, kps = _training_batch(diffusion, [100, 300])
    field = PoseInteractionField(BlobEstimator(),
                                 train_cfg=dict(eta=0.7, max_timestep=400))
    eps_tilde, stats = field.training_eps(eps, x_t, t, diffusion, identity,
                                          kps)
    # direct: Tweedie x0 of eps (detached), autograd of G, Eq. 15
    ab = diffusion.alphas_cumprod[t].view(-1, 1, 1, 1)
    x0_hat = ((x_t - (1 - ab).sqrt() * eps.detach()) / ab.sqrt()
              ).requires_grad_(True)
    energy = field.energy(x0_hat, kps)
    (g, ) = torch.autograd.grad(energy.sum(), x0_hat)
    expected = eps.detach() + (1 - ab).sqrt() * 0.7 * g
    torch.testing.assert_close(eps_tilde.detach(), expected)
    assert float(g.abs().max()) > 0 and not torch.equal(eps_tilde, eps)
    assert stats['pif_fraction'] == 1
    torch.testing.assert_close(stats['pif_energy'], energy.mean().detach())
    # g is a constant: the MSE's gradient reaches eps_theta unchanged
    eps_tilde.sum().backward()
    torch.testing.assert_close(eps.grad, torch.ones_like(eps))
    # Universal Guidance's eta = sqrt(1 - ab_t)
    field.train_cfg['eta'] = 'sqrt_one_minus_alphas_cumprod'
    eps_ug, _ = field.training_eps(eps, x_t, t, diffusion, identity, kps)
    torch.testing.assert_close(eps_ug.detach(),
                               eps.detach() + (1 - ab) * g)


def test_training_eps_switches(diffusion):
    eps, x_t, t, kps = _training_batch(diffusion, [100, 700])
    off = PoseInteractionField(BlobEstimator(), train_cfg=dict(enabled=False))
    out, stats = off.training_eps(eps, x_t, t, diffusion, identity, kps)
    assert out is eps and stats['pif_fraction'] == 0
    field = PoseInteractionField(BlobEstimator(),
                                 train_cfg=dict(max_timestep=400))
    out, stats = field.training_eps(eps, x_t, t, diffusion, identity, kps)
    assert not torch.equal(out[0], eps[0])  # t = 100 < 400
    assert torch.equal(out[1], eps[1])      # t = 700: untouched
    assert stats['pif_fraction'] == 0.5
    out, _ = field.training_eps(eps, x_t, t, diffusion, identity, kps,
                                sample_mask=torch.tensor([False, True]))
    assert out is eps  # sample 0 masked out (e.g. CFG-dropped), 1 too late
    out, _ = field.training_eps(eps, x_t, torch.tensor([500, 700]),
                                diffusion, identity, kps)
    assert out is eps
    never = PoseInteractionField(BlobEstimator(),
                                 train_cfg=dict(batch_fraction=0.0))
    assert never.training_eps(eps, x_t, t, diffusion, identity,
                              kps)[0] is eps
    half = PoseInteractionField(BlobEstimator(),
                                train_cfg=dict(batch_fraction=0.5))
    torch.manual_seed(0)
    applied = [half.training_eps(eps, x_t, t, diffusion, identity,
                                 kps)[0] is not eps for _ in range(12)]
    assert 0 < sum(applied) < 12
    feature = PoseInteractionField(BlobEstimator(), mode='feature')
    with pytest.raises(ValueError, match='target images'):
        feature.training_eps(eps, x_t, t, diffusion, identity, kps)
    out, _ = feature.training_eps(eps, x_t, t, diffusion, identity, kps,
                                  target_images=blob_image(22, 22, batch=2))
    assert not torch.equal(out[0], eps[0]) and torch.equal(out[1], eps[1])
    with pytest.raises(TypeError, match='unknown train_cfg'):
        PoseInteractionField(BlobEstimator(), train_cfg=dict(max_t=3))


# -- Eq. 16 ---------------------------------------------------------------
@pytest.mark.parametrize('scale', [10.0, -10.0])
def test_guidance_lowers_energy_through_a_ddim_step(diffusion, scale):
    field = PoseInteractionField(BlobEstimator())
    kps = nose_at(22, 22)
    x0 = blob_image(8, 8)
    sampler = DiffusionSampler(diffusion, 'ddim', num_steps=10,
                               clip_sample=False)
    scheduler = sampler.scheduler
    scheduler.set_timesteps(10)
    t = scheduler.timesteps[6]  # t = 300
    torch.manual_seed(0)
    noise = torch.randn_like(x0)
    x_t = diffusion.q_sample(x0, t.view(1), noise)
    eps = noise  # a perfect denoiser: x0_hat = x0
    guide = field.guidance_fn(diffusion, identity, kps, cfg_scale=2.0,
                              scale=scale)
    eps_hat = guide(x_t, t.view(1), eps)
    ab = diffusion.alphas_cumprod[t]
    x0_hat = diffusion.predict_x0(x_t, t.view(1), eps)
    g = field.gradient(x0_hat, identity, kps)
    torch.testing.assert_close(eps_hat, eps + 2.0 * scale * (1 - ab).sqrt()
                               * g)
    plain = scheduler.step(eps, t, x_t).pred_original_sample
    guided = scheduler.step(eps_hat, t, x_t).pred_original_sample
    before, after = (float(field.energy(x, kps)) for x in (plain, guided))
    # +g on eps moves x0_hat down the energy; -g (negative scale) up
    assert (after < before) if scale > 0 else (after > before)
    assert guide.num_calls == guide.num_guided == 1


def test_guidance_scale_zero_and_step_window(diffusion):
    field = PoseInteractionField(BlobEstimator(),
                                 sample_cfg=dict(steps=dict(start=0.0,
                                                            end=0.5)))
    kps = nose_at(22, 22)
    x_t, eps = blob_image(8, 8), torch.randn(1, 3, H, W)
    zero = field.guidance_fn(diffusion, identity, kps, 2.0, scale=0.0)
    assert zero(x_t, torch.tensor([900]), eps) is eps
    guide = field.guidance_fn(diffusion, identity, kps, 2.0, scale=1.0)
    assert guide(x_t, torch.tensor([400]), eps) is eps      # p = 0.6
    assert guide(x_t, torch.tensor([0]), eps) is eps        # p = 1, last
    assert guide(x_t, torch.tensor([600]), eps) is not eps  # p = 0.4
    assert (guide.num_calls, guide.num_guided) == (3, 1)
    # p = (T - 1 - t) / (T - 1): t = 500 -> 0.4995, t = 499 -> 0.5005
    assert guide.in_window(torch.tensor([999, 500, 499])).tolist() == [
        True, True, False]
    everything = field.guidance_fn(diffusion, identity, kps, 2.0, 1.0,
                                   steps='all')
    assert everything.in_window(torch.tensor([999, 0])).all()
    # per sample: only the sample in the window changes
    out = guide(torch.cat([x_t, x_t]), torch.tensor([900, 100]),
                torch.cat([eps, eps]))
    assert not torch.equal(out[0], eps[0]) and torch.equal(out[1], eps[0])
    with pytest.raises(ValueError, match='steps must be'):
        field.guidance_fn(diffusion, identity, kps, 2.0, 1.0,
                          steps=dict(start=0.6, end=0.2))
    with pytest.raises(TypeError, match='test_cfg.guidance_scale'):
        PoseInteractionField(BlobEstimator(), sample_cfg=dict(scale=1.0))


# -- sampler: self-recurrence -------------------------------------------------
def toy_model_fn(calls):
    def model_fn(x, t, with_uncond):
        calls.append((int(t[0]), x.clone()))
        return 0.5 * x + 0.1, torch.zeros_like(x), None
    return model_fn


def run(diffusion, sampler, k, num_steps=4, guidance=None, calls=None):
    s = DiffusionSampler(diffusion, sampler, num_steps, cfg_scale=1.0,
                         clip_sample=False)
    g = torch.Generator().manual_seed(0)
    calls = [] if calls is None else calls
    out = s.sample(toy_model_fn(calls), (1, 3, 4, 4), torch.device('cpu'),
                   g, guidance, progress=False, self_recurrence=k)
    return out, calls, s


@pytest.mark.parametrize('sampler', ['ddim', 'ddpm'])
def test_self_recurrence_zero_is_the_plain_loop(diffusion, sampler):
    plain, _, _ = run(diffusion, sampler, None)
    zero, _, _ = run(diffusion, sampler, 0)
    assert torch.equal(plain, zero)
    once, calls, _ = run(diffusion, sampler, 1)
    assert not torch.equal(plain, once) and torch.isfinite(once).all()
    ts = [t for t, _ in calls]
    assert len(ts) == 8 and ts[0::2] == ts[1::2]  # every step twice


@pytest.mark.parametrize('sampler', ['ddim', 'dpmsolver++', 'unipc'])
def test_self_recurrence_restores_the_scheduler_state(diffusion, sampler,
                                                      monkeypatch):
    """Re-noising back to exactly the step's input must repeat the very
    same step: the multistep solvers' history is restored."""
    plain, _, _ = run(diffusion, sampler, 0)
    calls = []
    monkeypatch.setattr(diffusion_sampler, 'renoise',
                        lambda x_prev, ab_t, ab_prev, g: calls[-1][1])
    repeated, _, s = run(diffusion, sampler, 2, calls=calls)
    assert len(calls) == 12
    assert torch.equal(plain, repeated)
    if sampler != 'ddim':
        assert s.scheduler.step_index == 4  # advanced once per step


def test_step_noise_levels_and_renoise_statistics(diffusion):
    for name in ('ddim', 'ddpm', 'dpmsolver++', 'unipc'):
        s = DiffusionSampler(diffusion, name, 5, clip_sample=False).scheduler
        s.set_timesteps(5)
        ts = s.timesteps
        for i, t in enumerate(ts):
            ab_t, ab_prev = step_alphas_cumprod(s, i, t)
            assert ab_t == pytest.approx(float(diffusion.alphas_cumprod[t]),
                                         rel=1e-4), name
            expected = 1.0 if i == len(ts) - 1 else float(
                diffusion.alphas_cumprod[ts[i + 1]])
            assert ab_prev == pytest.approx(expected, rel=1e-4), name
    g = torch.Generator().manual_seed(0)
    ab_t, ab_prev = 0.3, 0.8
    x_prev = math.sqrt(ab_prev) * 0.5 + math.sqrt(1 - ab_prev) * torch.randn(
        200_000, generator=g)
    x_t = diffusion_sampler.renoise(x_prev, ab_t, ab_prev, g)
    # x_t ~ q(x_t | x_0 = 0.5): mean sqrt(ab_t) x0, variance 1 - ab_t
    assert float(x_t.mean()) == pytest.approx(math.sqrt(ab_t) * 0.5,
                                              abs=0.01)
    assert float(x_t.var()) == pytest.approx(1 - ab_t, rel=0.02)


def test_sampler_reads_recurrence_and_counts_guided_steps(diffusion):
    field = PoseInteractionField(BlobEstimator(), sample_cfg=dict(
        steps=dict(start=0.0, end=0.5), self_recurrence=1))
    guide = field.guidance_fn(diffusion, identity,
                              nose_at(2, 2), cfg_scale=1.0, scale=5.0)
    s = DiffusionSampler(diffusion, 'ddim', 4, cfg_scale=1.0,
                         clip_sample=False)
    calls = []
    s.sample(toy_model_fn(calls), (1, 3, 8, 8), torch.device('cpu'),
             torch.Generator().manual_seed(0), guide, progress=False)
    assert len(calls) == 8 and guide.num_calls == 8  # recurrence from guide
    window = guide.in_window(s.scheduler.timesteps)
    assert guide.num_guided == 2 * int(window.sum()) > 0
    assert len(guide.energies) == guide.num_guided
    assert math.isfinite(guide.mean_energy)


def test_unsupported_scheduler_with_recurrence_is_a_clear_error(diffusion):
    s = DiffusionSampler(diffusion, 'ddim', 3, cfg_scale=1.0)
    s.scheduler = EulerDiscreteScheduler()
    with pytest.raises(NotImplementedError, match='EulerDiscreteScheduler'):
        s.sample(toy_model_fn([]), (1, 3, 4, 4), torch.device('cpu'),
                 progress=False, self_recurrence=1)
    with pytest.raises(ValueError, match='self_recurrence'):
        s.sample(toy_model_fn([]), (1, 3, 4, 4), torch.device('cpu'),
                 progress=False, self_recurrence=-1)


def test_target_heatmaps_of_several_people_are_their_maximum():
    from mmrepose.models.guidance import (render_gaussian_heatmaps,
                                          stack_target_keypoints)
    from mmrepose.structures import PoseTransferDataSample
    a = torch.full((18, 2), -1.0)
    b = torch.full((18, 2), -1.0)
    a[0] = torch.tensor([4.0, 8.0])
    b[0] = torch.tensor([20.0, 8.0])
    b[1] = torch.tensor([12.0, 12.0])
    one, two = PoseTransferDataSample(), PoseTransferDataSample()
    one.target_keypoints = a
    two.target_keypoints = torch.stack([a, b])
    stacked = stack_target_keypoints([one, two])
    assert stacked.shape == (2, 2, 18, 2)
    assert (stacked[0, 1] == -1).all()  # padding: nobody
    heat = render_gaussian_heatmaps(stacked, (32, 32), (8, 8), 1.0)
    single = render_gaussian_heatmaps(torch.stack([a, b]), (32, 32), (8, 8),
                                      1.0)
    torch.testing.assert_close(heat[0], single[0])
    torch.testing.assert_close(heat[1], torch.maximum(single[0], single[1]))
    assert stack_target_keypoints([one, one]).shape == (2, 18, 2)
