"""PIF's guidance decoder: the TinyLatentDecoder, its distillation and its
use inside RePoseDM (the gradient goes through it, the image through the
VAE)."""
from pathlib import Path

import pytest
import torch
from torch import nn

from mmrepose.engine.guidance_decoder_distillation import (
    decoder_agreement, distillation_step, save_guidance_decoder,
    x0_estimate_like)
from mmrepose.models.autoencoders import (LatentAutoencoderKL,
                                          TinyLatentDecoder)
from mmrepose.registry import MODELS
from script_loading import load_script
from test_utils.test_mmpose_stack import tiny_bottomup_ae_config

from tiny_models import random_batch, tiny_b1_cfg

ARCH = dict(latent_channels=4, upsample_factor=2, channels=(16, 8))


def test_shapes_and_bad_arguments():
    decoder = TinyLatentDecoder(latent_channels=4, upsample_factor=8)
    assert decoder(torch.randn(2, 4, 32, 22)).shape == (2, 3, 256, 176)
    with pytest.raises(ValueError, match='power of 2'):
        TinyLatentDecoder(upsample_factor=6)
    with pytest.raises(ValueError, match='needs 4 widths'):
        TinyLatentDecoder(upsample_factor=8, channels=(64, 32))


def test_saved_weights_load_and_bad_files_are_clear_errors(tmp_path):
    torch.manual_seed(0)
    decoder = TinyLatentDecoder(**ARCH)
    path = tmp_path / 'decoder.pth'
    save_guidance_decoder(decoder, str(path), ARCH, dict(iters=0))
    loaded = TinyLatentDecoder(**ARCH, checkpoint=str(path))
    z = torch.randn(1, 4, 8, 6)
    assert torch.equal(loaded(z), decoder(z))
    with pytest.raises(FileNotFoundError, match=r'nowhere\.pth.*'
                       r'distill_guidance_decoder\.py.*guidance_decoder=None'):
        TinyLatentDecoder(**ARCH, checkpoint=str(tmp_path / 'nowhere.pth'))
    with pytest.raises(RuntimeError, match=r'decoder\.pth does not hold .*'
                       r"'channels': \(16, 8\)"):
        TinyLatentDecoder(latent_channels=4, upsample_factor=2,
                          channels=(32, 8), checkpoint=str(path))


def test_x0_estimate_like_is_reproducible_and_keeps_some_latents_clean():
    z = torch.randn(64, 4, 8, 6)
    a = x0_estimate_like(z, torch.Generator().manual_seed(0))
    b = x0_estimate_like(z, torch.Generator().manual_seed(0))
    assert torch.equal(a, b) and a.shape == z.shape
    clean = (a == z).flatten(1).all(1)
    assert 4 <= int(clean.sum()) <= 32  # about a quarter


def test_agreement_of_a_decoder_with_itself_and_distillation_learns():
    torch.manual_seed(0)
    exact = nn.Sequential(nn.Upsample(scale_factor=2),
                          nn.Conv2d(4, 3, 3, padding=1), nn.Tanh())
    exact.requires_grad_(False)
    z = torch.randn(4, 4, 8, 6)
    same = decoder_agreement(exact, exact, z)
    assert same['gradient_cosine'] == pytest.approx(1.0, abs=1e-6)
    assert same['psnr_db'] > 100
    tiny = TinyLatentDecoder(**ARCH)
    before = decoder_agreement(exact, tiny, z)
    optimizer = torch.optim.Adam(tiny.parameters(), lr=3e-3)
    generator = torch.Generator().manual_seed(0)
    losses = [distillation_step(exact, tiny, optimizer, z, generator)['l1']
              for _ in range(150)]
    after = decoder_agreement(exact, tiny, z)
    assert sum(losses[-10:]) < 0.5 * sum(losses[:10])
    assert after['psnr_db'] > before['psnr_db'] + 3
    assert after['gradient_cosine'] > max(before['gradient_cosine'], 0.5)


def test_gradient_term_matches_the_decoders_jacobians_better():
    """Distilled on images alone, a decoder's gradients agree less with the
    exact decoder's than when its vector-Jacobian products are matched too;
    the term is 0 for the exact decoder itself."""
    torch.manual_seed(0)
    exact = nn.Sequential(nn.Upsample(scale_factor=2),
                          nn.Conv2d(4, 8, 3, padding=1), nn.Tanh(),
                          nn.Conv2d(8, 3, 3, padding=1), nn.Tanh())
    exact.requires_grad_(False)
    z = torch.randn(8, 4, 8, 6)
    optimizer = torch.optim.SGD(exact.parameters() or [torch.zeros(1)], 0.0)
    same = distillation_step(exact, exact, optimizer, z,
                             torch.Generator().manual_seed(0), 1.0)
    assert same['gradient'] == pytest.approx(0.0, abs=1e-10)

    def distilled(gradient_weight: float) -> float:
        torch.manual_seed(1)
        tiny = TinyLatentDecoder(**ARCH)
        optimizer = torch.optim.Adam(tiny.parameters(), lr=3e-3)
        generator = torch.Generator().manual_seed(0)
        for _ in range(100):
            distillation_step(exact, tiny, optimizer, z, generator,
                              gradient_weight)
        return decoder_agreement(exact, tiny, z)['gradient_cosine']

    images_only, with_jacobians = distilled(0.0), distilled(1.0)
    # measured: 0.878 -> 0.944, the gap to 1 about halved
    assert 1 - with_jacobians < 0.7 * (1 - images_only), (images_only,
                                                           with_jacobians)


def test_latent_autoencoder_guides_through_its_guidance_decoder(
        tiny_vae_dir, tmp_path):
    torch.manual_seed(0)
    path = tmp_path / 'decoder.pth'
    save_guidance_decoder(TinyLatentDecoder(**ARCH), str(path), ARCH, {})
    vae = LatentAutoencoderKL(str(tiny_vae_dir), guidance_decoder=dict(
        type='TinyLatentDecoder', **ARCH, checkpoint=str(path)))
    vae.train()
    assert not vae.guidance_decoder.training
    assert not any(p.requires_grad for p in vae.parameters())
    z = torch.randn(1, 4, 8, 6)
    assert torch.equal(vae.decode_for_guidance(z), vae.guidance_decoder(z))
    assert not torch.equal(vae.decode_for_guidance(z), vae.decode(z))
    plain = LatentAutoencoderKL(str(tiny_vae_dir))
    assert torch.equal(plain.decode_for_guidance(z), plain.decode(z))


def _count_calls(module: nn.Module) -> list[int]:
    calls = [0]
    module.register_forward_hook(lambda *_: calls.__setitem__(0, calls[0] + 1))
    return calls


def test_full_latent_model_guides_through_tiny_decoder_and_decodes_with_vae(
        tiny_vae_dir):
    torch.manual_seed(0)
    cfg = tiny_b1_cfg(pose_channels=4, sample_channels=4, autoencoder=dict(
        type='LatentAutoencoderKL', path=str(tiny_vae_dir),
        guidance_decoder=dict(type='TinyLatentDecoder', **ARCH)))
    cfg['pose_interaction_field'] = dict(
        type='PoseInteractionField',
        estimator=dict(type='MMPoseEstimator',
                       config=tiny_bottomup_ae_config(), checkpoint=None),
        train_cfg=dict(enabled=True, max_timestep=1000))
    cfg['test_cfg'] = {**cfg['test_cfg'], 'guidance_scale': 1.0}
    model = MODELS.build(cfg)
    tiny_calls = _count_calls(model.autoencoder.guidance_decoder)
    vae_calls = _count_calls(model.autoencoder.vae.decoder)
    batch = random_batch(size=(32, 24), pose_channels=3)
    for sample in batch['data_samples']:
        sample.target_keypoints = torch.rand(18, 2) * torch.tensor([24, 32])
    losses = model(**model.data_preprocessor(batch, True), mode='loss')
    assert float(losses['pif_fraction']) > 0
    assert tiny_calls[0] == 1 and vae_calls[0] == 0  # Eq. 15's gradient
    model.eval()
    out = model.predict(**model.data_preprocessor(batch, False), num_steps=3)
    assert out[0].pred_img.shape == (3, 32, 24)
    assert tiny_calls[0] == 1 + 3  # one gradient per guided step
    assert vae_calls[0] == 1  # the image: the VAE's decoder, once
    # the benchmark's FLOP counter follows the gradient into the decoder
    # (its module tracker cannot hook a module fed the autograd leaf)
    count_flops = load_script('tools/analysis/benchmarking.py').count_flops
    inputs = model.data_preprocessor(batch, False)['inputs']
    keypoints = torch.stack([s.target_keypoints
                             for s in batch['data_samples']])
    flops = count_flops(lambda: model.sample(
        inputs, num_steps=2, target_keypoints=keypoints), model)
    assert flops['by_component']['autoencoder'] > 0


def test_small_vae_then_distillation_tools(synthfashion_64, tmp_path,
                                           capsys):
    """train_small_vae writes a VAE folder LatentAutoencoderKL loads; the
    distillation tool distils from it (--vae) under a pixel config and
    writes weights the decoder loads, with its before/after agreement."""
    import json
    repo = Path(__file__).parents[2]
    config = str(repo / 'configs/repose/synthfashion_64.py')  # full, pixel
    root = str(synthfashion_64)
    data = ['--cfg-options', f'train_dataloader.dataset.data_root={root}',
            f'val_dataloader.dataset.data_root={root}']
    vae_dir = tmp_path / 'vae'
    load_script('tools/analysis/train_small_vae.py').main(
        [config, '--out', str(vae_dir), '--channels', '8,16', '--iters', '2',
         '--batch', '2'] + data)
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    vae = LatentAutoencoderKL(str(vae_dir))
    assert vae.downsample_factor == 2
    assert vae.scaling_factor == pytest.approx(summary['scaling_factor'],
                                               rel=1e-4)

    distill = load_script('tools/distill_guidance_decoder.py').main
    out = tmp_path / 'decoder.pth'
    distill([config, '--vae', str(vae_dir), '--out', str(out), '--iters',
             '3', '--batch', '2', '--eval-batches', '1', '--gradient-weight',
             '1'] + data)
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary['iters'] == 3 and summary['energy'] == 'PIF energy'
    assert summary['gradient_weight'] == 1
    for key in ('gradient_cosine', 'x0_gradient_cosine',
                'untrained_gradient_cosine'):
        assert -1 <= summary[key] <= 1
    architecture = summary['architecture']
    assert architecture.pop('type') == 'TinyLatentDecoder'
    decoder = TinyLatentDecoder(**architecture, checkpoint=str(out))
    assert decoder(torch.randn(1, 4, 32, 22)).shape == (1, 3, 64, 44)
    with pytest.raises(SystemExit, match='pixel space.*--vae DIR'):
        distill([config, '--out', str(out)])
