"""Progressive distillation (mmrepose/models/editors/
progressive_distillation.py, Salimans & Ho 2022 Alg. 2): the teacher's DDIM
step is diffusers' own, the student's target lands one DDIM step on the
teacher's two, only the student learns, and a distillation checkpoint is
the next round's teacher."""
import pytest
import torch
from diffusers import DDIMScheduler

from mmrepose.apis.init_model import CheckpointMismatchError
from mmrepose.models import ProgressiveDistillation
from mmrepose.models.diffusion.noise_schedulers import build_noise_scheduler
from mmrepose.models.guidance import stack_target_keypoints
from mmrepose.registry import MODELS
from tiny_models import random_batch, tiny_b1_cfg, tiny_full_cfg

STEPS = 4  # teacher; the student takes 2


def save_weights(model, path):
    torch.save({'state_dict': model.state_dict()}, path)
    return str(path)


@pytest.fixture
def distiller(tmp_path):
    torch.manual_seed(0)
    cfg = tiny_b1_cfg(diffusion=dict(type='GaussianDiffusion',
                                     prediction_type='v_prediction'))
    teacher = MODELS.build(cfg)
    return ProgressiveDistillation(
        cfg, save_weights(teacher, tmp_path / 'teacher.pth'), STEPS,
        teacher_sampling=dict(cfg_scale=2.0))


def test_student_starts_as_the_teacher_and_samples_with_half_the_steps(
        distiller):
    for (name, a), b in zip(distiller.student.state_dict().items(),
                            distiller.teacher.state_dict().values()):
        assert torch.equal(a, b), name
    assert distiller.test_cfg['num_steps'] == STEPS // 2
    assert distiller.test_cfg['cfg_scale'] == 1.0
    assert distiller.diffusion is distiller.student.diffusion  # for tools
    assert distiller.pose_interaction_field is None
    assert distiller.teacher_cfg['cfg_scale'] == 2.0
    calls = []
    distiller.student.unet.register_forward_hook(
        lambda *args: calls.append(1))
    data = distiller.data_preprocessor(random_batch(), False)
    samples = distiller(**data, mode='predict')
    assert samples[0].pred_img.shape == (3, 32, 22)
    assert len(calls) == STEPS // 2  # one conditional call a step


@pytest.mark.parametrize('t', [0, 250, 750])
def test_ddim_step_is_the_schedulers(distiller, t):
    scheduler = build_noise_scheduler('ddim', distiller.teacher.diffusion,
                                      clip_sample=True)
    assert isinstance(scheduler, DDIMScheduler)
    scheduler.set_timesteps(STEPS)
    assert t in scheduler.timesteps.tolist()
    g = torch.Generator().manual_seed(t)
    x, eps = torch.randn(2, 3, 8, 6, generator=g), \
        torch.randn(2, 3, 8, 6, generator=g)
    expected = scheduler.step(eps, t, x).prev_sample
    ours = distiller.ddim_step(x, eps, torch.tensor([t, t]),
                               torch.tensor([t - 250] * 2))
    assert torch.allclose(ours, expected, atol=1e-5)


def test_the_students_target_lands_on_the_teachers_two_steps(distiller):
    data = distiller.data_preprocessor(random_batch(), True)
    inputs = data['inputs']
    t = torch.tensor([500, 0])
    g = torch.Generator().manual_seed(1)
    x_t = torch.randn(2, 3, 32, 22, generator=g)
    x_next = distiller.teacher_target(inputs, x_t, t, None)
    # the teacher: two of its guided steps (one at t = 0), by hand
    model_fn, _, _ = distiller.teacher.denoiser(inputs,
                                                distiller.teacher_cfg)

    def step(x, now):
        now = torch.tensor([now, now])
        eps, _ = distiller.sampler.guided_eps(model_fn, x, now)
        return distiller.ddim_step(x, eps, now, now - 250)
    assert torch.allclose(x_next[0], step(step(x_t, 500), 250)[0],
                          atol=1e-5)
    assert torch.allclose(x_next[1], step(x_t, 0)[1], atol=1e-5)
    # one unclipped DDIM step of the student's target reaches x_next
    target = distiller.student_target(x_t, t, x_next)
    diffusion = distiller.student.diffusion
    eps = diffusion.eps_from_prediction(target, x_t, t)
    ab, ab_next = (distiller.alphas_cumprod(s).view(-1, 1, 1, 1)
                   for s in (t, t - 500))
    x0 = (x_t - (1 - ab).sqrt() * eps) / ab.sqrt()
    landed = ab_next.sqrt() * x0 + (1 - ab_next).sqrt() * eps
    assert torch.allclose(landed, x_next, atol=1e-4)


def test_only_the_student_learns(distiller):
    data = distiller.data_preprocessor(random_batch(), True)
    losses = distiller(**data, mode='loss')
    assert set(losses) == {'loss_distill'}
    losses['loss_distill'].backward()
    assert all(p.grad is None for p in distiller.teacher.parameters())
    grads = [p.grad for p in distiller.student.unet.parameters()]
    assert all(g is not None for g in grads)
    assert any(g.abs().sum() > 0 for g in grads)


def test_a_distillation_checkpoint_is_the_next_teacher(distiller, tmp_path):
    with torch.no_grad():
        for p in distiller.student.parameters():
            p.add_(0.01)
    path = save_weights(distiller, tmp_path / 'round1.pth')
    cfg = tiny_b1_cfg(diffusion=dict(type='GaussianDiffusion',
                                     prediction_type='v_prediction'))
    second = ProgressiveDistillation(cfg, path, STEPS // 2)
    for (name, a), b in zip(second.teacher.state_dict().items(),
                            distiller.student.state_dict().values()):
        assert torch.equal(a, b), name
    assert second.test_cfg['num_steps'] == 1


def test_a_pif_guided_teacher_puts_its_gradient_in_the_target(tmp_path):
    """The full model as teacher: its two DDIM steps carry PIF's gradient
    (the target moves with its guidance scale, the student computes none),
    and the target keypoints that needs are a clear error when missing."""
    torch.manual_seed(0)
    cfg = tiny_full_cfg(enabled=False)
    path = save_weights(MODELS.build(cfg), tmp_path / 'full.pth')
    batch = random_batch(size=(32, 24), target_keypoints=True)
    targets = []
    for scale in (0.0, 4.0):
        distiller = ProgressiveDistillation(
            cfg, path, STEPS,
            teacher_sampling=dict(cfg_scale=1.0, guidance_scale=scale))
        assert distiller.pose_interaction_field is None
        assert distiller.test_cfg['guidance_scale'] == 0.0
        data = distiller.data_preprocessor(batch, True)
        keypoints = stack_target_keypoints(data['data_samples'],
                                           torch.device('cpu'))
        torch.manual_seed(1)
        x_t = torch.randn(2, 3, 32, 24)
        t = torch.full((2, ), 2 * distiller.stride)
        targets.append(distiller.teacher_target(data['inputs'], x_t, t,
                                                keypoints))
    assert (targets[1] - targets[0]).abs().mean() > 1e-4
    assert torch.isfinite(distiller(**data, mode='loss')['loss_distill'])
    for sample in data['data_samples']:
        del sample.target_keypoints
    with pytest.raises(KeyError, match='target keypoints'):
        distiller(**data, mode='loss')


def test_bad_steps_and_weights(tmp_path, distiller):
    cfg = tiny_b1_cfg(diffusion=dict(type='GaussianDiffusion',
                                     prediction_type='v_prediction'))
    path = save_weights(distiller.teacher, tmp_path / 't.pth')
    with pytest.raises(ValueError, match='teacher_steps must be even'):
        ProgressiveDistillation(cfg, path, 3)
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        ProgressiveDistillation(cfg, str(tmp_path / 'nope.pth'), 4)
    with pytest.raises(CheckpointMismatchError, match='predicts'):
        ProgressiveDistillation(tiny_b1_cfg(), path, 4)  # eps vs v


def test_the_distillation_configs(monkeypatch):
    """Round 1 builds on the embedded B1; round 2 and the full model's
    round 1 (its model a config path) name their teachers' weights when
    they are missing."""
    from pathlib import Path

    from mmrepose.utils import read_config
    root = Path(__file__).parents[2]
    monkeypatch.chdir(root)
    cfg = read_config('configs/distillation/synthfashion_64_b1_ddim10.py')
    model = MODELS.build(cfg.model)
    assert (model.teacher_steps, model.test_cfg['num_steps']) == (20, 10)
    assert model.teacher_cfg['cfg_scale'] == 1.25
    cfg = read_config('configs/distillation/synthfashion_64_b1_ddim5.py')
    if not Path(cfg.model.teacher_checkpoint).is_file():
        with pytest.raises(FileNotFoundError,
                           match='synthfashion_64_b1_ddim10/iter_2000'):
            MODELS.build(cfg.model)
    cfg = read_config('configs/distillation/synthfashion_64_full_ddim10.py')
    assert isinstance(cfg.model.model, str)
    if not Path(cfg.model.teacher_checkpoint).is_file():
        with pytest.raises(FileNotFoundError,
                           match='full_encoder_eta_minus1/seed0/iter_4000'):
            MODELS.build(cfg.model)
    else:
        model = MODELS.build(cfg.model)
        assert model.teacher.pose_interaction_field is not None
        assert (model.teacher_cfg['cfg_scale'],
                model.teacher_cfg['guidance_scale']) == (1.25, 1.0)
