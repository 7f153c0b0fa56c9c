"""RePoseSD (Sec. 4.4) built from a tiny random Stable Diffusion folder."""
import shutil

import numpy as np
import pytest
import torch
from diffusers import DDPMScheduler, UNet2DConditionModel
from torch import nn

from mmrepose.models.diffusion import GaussianDiffusion
from mmrepose.models.stable_diffusion import (CLIPTextEncoder, PoseConcatUNet,
                                              SchedulerConfigDiffusion,
                                              require_part)
from mmrepose.registry import MODELS
from mmrepose.structures import PoseTransferDataSample


class ConvEstimator(nn.Module):
    """A random 18-joint heatmap network at stride 4 (OpenPose-18)."""

    keypoint_layout = 'openpose18'
    heatmap_sigma = 1.0

    def __init__(self):
        super().__init__()
        torch.manual_seed(1)
        self.net = nn.Sequential(nn.AvgPool2d(4), nn.Conv2d(3, 18, 3,
                                                            padding=1))

    def heatmaps(self, images):
        return torch.sigmoid(self.net(images))


def model_cfg(sd, pif=False):
    cfg = dict(type='RePoseSD', sd_folder=str(sd),
               test_cfg=dict(num_steps=2, progress=False))
    if pif:
        cfg['pose_interaction_field'] = dict(
            type='PoseInteractionField', estimator=ConvEstimator(),
            train_cfg=dict(max_timestep=None))
    return cfg


def batch(n=2, size=(32, 24)):
    g = torch.Generator().manual_seed(0)
    inputs = dict(target_img=torch.rand(n, 3, *size, generator=g) * 2 - 1,
                  target_pose=torch.rand(n, 3, *size, generator=g),
                  source_img=torch.zeros(n, 3, *size))
    samples = []
    for i in range(n):
        s = PoseTransferDataSample(metainfo=dict(
            prompt=['a woman in a red top', 'a man seen from the side'][i % 2]))
        s.target_keypoints = torch.rand(18, 2, generator=g) * 20
        samples.append(s)
    return inputs, samples


def test_widened_unet_equals_stable_diffusion_at_init(tiny_sd_dir):
    sd = UNet2DConditionModel.from_pretrained(tiny_sd_dir / 'unet')
    wide = PoseConcatUNet(str(tiny_sd_dir / 'unet'))
    assert wide.unet.conv_in.in_channels == 8
    assert wide.unet.config.in_channels == 8
    torch.manual_seed(0)
    x, pose = torch.randn(2, 4, 8, 6), torch.randn(2, 4, 8, 6) * 3
    text = torch.randn(2, 5, 16)
    t = torch.tensor([10, 900])
    with torch.no_grad():
        ref = sd(x, t, encoder_hidden_states=text).sample
        out, v = wide(x, t, pose, text)
    assert v is None
    torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5)
    # the pose does reach the output once its weights are not zero
    with torch.no_grad():
        wide.unet.conv_in.weight[:, 4:].fill_(0.1)
        moved, _ = wide(x, t, pose, text)
    assert (moved - ref).abs().max() > 1e-3


def test_widened_folder_loads_as_is(tiny_sd_dir, tmp_path):
    wide = PoseConcatUNet(str(tiny_sd_dir / 'unet'))
    wide.unet.save_pretrained(tmp_path / 'unet')
    again = PoseConcatUNet(str(tmp_path / 'unet'))
    torch.testing.assert_close(again.unet.conv_in.weight,
                               wide.unet.conv_in.weight)
    with pytest.raises(ValueError, match='input channels'):
        PoseConcatUNet(str(tmp_path / 'unet'), pose_channels=2)


@pytest.mark.parametrize('part', ['unet', 'text_encoder', 'tokenizer',
                                  'scheduler'])
def test_missing_part_is_a_one_line_error(tiny_sd_dir, tmp_path, part):
    sd = tmp_path / 'sd'
    shutil.copytree(tiny_sd_dir, sd)
    shutil.rmtree(sd / part)
    with pytest.raises(FileNotFoundError) as err:
        MODELS.build(model_cfg(sd))
    message = str(err.value)
    assert '\n' not in message and str(sd / part) in message
    assert f'{part}/ sub-folder' in message


def test_explicit_parts_override_the_folder(tiny_sd_dir):
    sd = str(tiny_sd_dir)
    model = MODELS.build(dict(
        type='RePoseSD', sd_folder=sd,
        unet=dict(gradient_checkpointing=True),
        diffusion=dict(type='GaussianDiffusion', vlb_weight=0.0,
                       decoder_nll='gaussian')))
    assert model.unet.unet.is_gradient_checkpointing
    assert model.diffusion.betas[-1].item() == pytest.approx(0.02)
    with pytest.raises(ValueError, match='give sd_folder'):
        MODELS.build(dict(type='RePoseSD', unet=dict(
            type='PoseConcatUNet', path=f'{sd}/unet')))


def test_schedule_matches_the_folders_diffusers_scheduler(tiny_sd_dir):
    diffusion = SchedulerConfigDiffusion(str(tiny_sd_dir / 'scheduler'))
    ref = DDPMScheduler.from_pretrained(tiny_sd_dir / 'scheduler')
    torch.testing.assert_close(diffusion.alphas_cumprod.double(),
                               ref.alphas_cumprod.double(), rtol=1e-6,
                               atol=1e-7)
    assert diffusion.prediction_type == 'epsilon'
    assert diffusion.vlb_weight == 0
    with pytest.raises(ValueError, match='beta_schedule'):
        GaussianDiffusion(beta_schedule='cosine')


def test_text_encoder_keeps_known_words_whole(tiny_sd_dir):
    encoder = CLIPTextEncoder(str(tiny_sd_dir / 'text_encoder'),
                              str(tiny_sd_dir / 'tokenizer'))
    tokens = encoder.tokenizer.tokenize('a woman in a teal top')
    assert tokens == ['a</w>', 'woman</w>', 'in</w>', 'a</w>', 'teal</w>',
                      'top</w>']
    out = encoder(['a woman', 'a teal top'])
    assert out.shape == (2, 24, 16)
    assert not torch.allclose(out[0], out[1])
    with pytest.raises(TypeError, match='list of strings'):
        encoder('a woman')
    assert require_part(str(tiny_sd_dir / 'vae'), 'vae')


def test_training_step_with_pif_and_guided_sampling(tiny_sd_dir):
    torch.manual_seed(0)
    model = MODELS.build({**model_cfg(tiny_sd_dir, pif=True),
                          'cfg_dropout': 0.0})
    inputs, samples = batch()
    losses = model.loss(inputs, samples)
    assert set(losses) >= {'loss_mse'} and 'loss_vlb' not in losses
    # Eq. 15 was applied to every sample (none dropped)
    assert float(losses['pif_fraction']) == 1.0 and 'pif_energy' in losses
    losses['loss_mse'].backward()
    grads = {n for n, p in model.named_parameters() if p.grad is not None}
    assert any(n.startswith('unet.unet.conv_in') for n in grads)
    assert not any(n.startswith(('text_encoder.', 'autoencoder.'))
                   for n in grads)
    # the frozen parts are not trainable at all
    assert not any(p.requires_grad for p in model.text_encoder.parameters())

    calls = []

    def counting(x_t, t, eps):
        calls.append(int(t[0]))
        return eps

    out = model.predict(inputs, samples)
    assert out[0].pred_img.shape == (3, 32, 24)
    assert out[0].pred_img.dtype == torch.uint8
    images = model.sample(inputs['target_pose'], model.prompts(samples),
                          guidance=counting, num_steps=2)
    assert len(calls) == 2 and images.shape == (2, 3, 32, 24)
    guided = model.sample(inputs['target_pose'], model.prompts(samples),
                          target_keypoints=torch.stack(
                              [s.target_keypoints for s in samples]),
                          guidance_scale=50.0)
    plain = model.sample(inputs['target_pose'], model.prompts(samples),
                         guidance_scale=0.0)
    assert (guided - plain).abs().max() > 1e-4


def test_prompts_and_condition_errors(tiny_sd_dir):
    model = MODELS.build(model_cfg(tiny_sd_dir))
    inputs, samples = batch()
    with pytest.raises(KeyError, match='prompt'):
        model.loss(inputs, [PoseTransferDataSample(), samples[1]])
    with pytest.raises(ValueError, match='skeleton'):
        model.encode_pose(torch.zeros(1, 20, 32, 24))
    with pytest.raises(ValueError, match='2 prompts for 1 poses'):
        model.sample(inputs['target_pose'][:1], ['a', 'b'])
    with pytest.raises(TypeError, match='unknown sampling options'):
        model.sample(inputs['target_pose'], ['a', 'b'], steps=3)
    # different prompts, same noise: different images
    a = model.sample(inputs['target_pose'][:1], ['a woman in a red top'])
    b = model.sample(inputs['target_pose'][:1], ['a man seen from the side'])
    assert not np.allclose(a.numpy(), b.numpy())


class FixedHeatmaps(nn.Module):
    """Heatmaps given per call, whatever the image (records its input)."""

    def __init__(self, maps):
        super().__init__()
        self.maps = maps
        self.seen = []

    def heatmaps(self, images):
        self.seen.append(images)
        return self.maps.expand(images.shape[0], -1, -1, -1)


def test_humansd_weight_counts_the_missed_joints_by_hand():
    from mmrepose.models.stable_diffusion import HumanSDHeatmapWeight
    maps = torch.zeros(1, 17, 8, 6)
    maps[0, 0, :4, :3] = 1.0  # joint 0 found in the top-left quarter
    estimator = FixedHeatmaps(maps)
    weight = HumanSDHeatmapWeight(estimator, threshold=0.05, weight=0.1)
    eps, noise = torch.full((2, 3, 8, 6), 0.7), torch.full((2, 3, 8, 6), -0.6)
    w = weight(eps, noise, decode=lambda x: x, encode=lambda x: x)
    # 16 joints missed in the found quarter, 17 elsewhere
    expected = torch.full((2, 3, 8, 6), 1 + 0.1 * 17)
    expected[:, :, :4, :3] = 1 + 0.1 * 16
    torch.testing.assert_close(w, expected)
    # the estimator saw the decoded error eps - noise, clamped to [-1, 1]
    torch.testing.assert_close(estimator.seen[0],
                               torch.ones(2, 3, 8, 6))


def test_humansd_baseline_loss_is_the_weighted_mse(tiny_sd_pixel_dir):
    """No joint found anywhere: W = 17, the loss is 1 + 0.1 * 17 = 2.7 times
    the plain MSE of the same draw."""
    inputs, samples = batch()
    losses = {}
    for name, loss_weight in (('plain', None), ('humansd', dict(
            type='HumanSDHeatmapWeight',
            estimator=FixedHeatmaps(torch.zeros(1, 17, 8, 6))))):
        cfg = dict(type='RePoseSD', sd_folder=str(tiny_sd_pixel_dir),
                   autoencoder=dict(type='IdentityAutoencoder'),
                   loss_weight=loss_weight)
        torch.manual_seed(0)
        model = MODELS.build(cfg)
        torch.manual_seed(1)
        losses[name] = model.loss(inputs, samples)['loss_mse'].detach()
    assert float(losses['humansd']) == pytest.approx(
        2.7 * float(losses['plain']), rel=1e-5)


def test_pif_with_several_people_per_image(tiny_sd_dir):
    torch.manual_seed(0)
    model = MODELS.build({**model_cfg(tiny_sd_dir, pif=True),
                          'cfg_dropout': 0.0})
    inputs, samples = batch()
    samples[1].target_keypoints = torch.stack(
        [samples[1].target_keypoints, samples[0].target_keypoints + 2])
    losses = model.loss(inputs, samples)
    assert float(losses['pif_fraction']) == 1.0
    out = model.predict(inputs, samples)
    assert out[1].pred_img.shape == (3, 32, 24)


def test_training_step_under_the_memory_switches(tiny_sd_dir):
    """bfloat16 autocast (``--amp``) with gradient checkpointing, PIF on:
    the loss is finite and the U-Net's gradients are float32."""
    torch.manual_seed(0)
    model = MODELS.build({**model_cfg(tiny_sd_dir, pif=True),
                          'cfg_dropout': 0.0,
                          'unet': dict(gradient_checkpointing=True)})
    model.train()
    inputs, samples = batch()
    with torch.autocast('cpu', dtype=torch.bfloat16):
        losses = model.loss(inputs, samples)
    assert torch.isfinite(losses['loss_mse'])
    assert float(losses['pif_fraction']) == 1.0
    losses['loss_mse'].backward()
    grad = model.unet.unet.conv_in.weight.grad
    assert grad is not None and grad.dtype == torch.float32
    assert torch.isfinite(grad).all()
