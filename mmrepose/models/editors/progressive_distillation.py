"""Progressive distillation of a trained RePoseDM into a sampler with half
the DDIM steps (Salimans & Ho 2022, Alg. 2), its guidance baked in.

The **teacher** is a frozen RePoseDM sampled with DDIM at ``teacher_steps``
steps (stride ``k = T / teacher_steps`` timesteps), with its CFG scale w and,
for the full model, PIF guidance s (Eq. 16): its step uses
``eps_hat = eps_u + w (eps_c - eps_u) [+ w s sqrt(1 - ab_t) g]``. The
**student** has the same architecture, starts from the teacher's weights
and samples with DDIM at ``teacher_steps / 2`` steps (stride 2k) and one
conditional network call a step: no CFG pass and no PIF gradient, since
both are in what it learns (as in stage one of Meng et al. 2023, at one
guidance strength). One round of distillation therefore cuts the network
calls per image by 4 with CFG (2 calls -> 1, N steps -> N / 2), and PIF's
gradient cost to zero; each further round (the student of one round the
teacher of the next, ``cfg_scale`` 1) halves them again.

Per training sample (``alpha_t = sqrt(ab_t)``, ``sigma_t = sqrt(1 - ab_t)``):
a timestep ``t`` of the student's grid (``t = 2 k j``), ``x_t`` by the
forward process from the target image; the teacher's two DDIM steps
``t -> t - k -> t - 2k`` give ``x''`` (one step, to the end, when
``t = 0``; ``ab`` past the end is DDIM's final value, 1), each with x0
clipped to [-1, 1] in pixel space as the sampler does. The student's x0
target is the one with which a single DDIM step from ``t`` lands on
``x''``::

    x~ = (x'' - (sigma'' / sigma_t) x_t) / (alpha'' - (sigma'' / sigma_t) alpha_t)

with ``eps~ = (x_t - alpha_t x~) / sigma_t``; the loss is the MSE of the
student's prediction (eps or v, the diffusion's ``prediction_type``) against
the one of ``(x~, eps~)``. In v-prediction that is Salimans & Ho's
"SNR + 1" weighting.

The teacher is loaded from ``teacher_checkpoint``: a RePoseDM checkpoint,
or one of this model (its ``student.`` weights: the next round). Its
architecture is ``model``: a model config, or the path of a config file
whose ``model`` it is (so that a distillation config names the model it
distils instead of repeating it).
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from torch import Tensor, nn

from mmrepose.registry import MODELS
from mmrepose.utils import read_config
from ..diffusion import DiffusionSampler
from ..guidance import stack_target_keypoints
from ..guidance.pif_guidance import per_sample
from ..unets.cross_attention_cache import cache_cross_attention


@MODELS.register_module()
class ProgressiveDistillation(BaseModel):
    """A RePoseDM student learning two teacher DDIM steps in one.

    Args:
        model: The RePoseDM config of teacher and student (one
            architecture), or the path of a config file holding it.
        teacher_checkpoint: The teacher's weights (see module doc).
        teacher_steps: The teacher's DDIM steps (even, dividing T); the
            student samples with half as many.
        teacher_sampling: The teacher's sampling settings besides sampler
            and steps (``cfg_scale``, ``guidance_scale``; default: the
            model's ``test_cfg``).

    The data preprocessor is the model's.
    """

    def __init__(self, model: dict | str, teacher_checkpoint: str,
                 teacher_steps: int, teacher_sampling: dict | None = None):
        super().__init__()
        from mmrepose.apis.init_model import (  # no import cycle
            SELF_LOADING, load_weights)
        if isinstance(model, str):
            model = read_config(model).model
        self.teacher = MODELS.build(model)
        num_timesteps = self.teacher.diffusion.num_timesteps
        if teacher_steps < 2 or teacher_steps % 2 or \
                num_timesteps % teacher_steps:
            raise ValueError(f'teacher_steps must be even and divide the '
                             f'{num_timesteps} timesteps, got '
                             f'{teacher_steps}')
        load_weights(self.teacher, teacher_checkpoint,
                     'ProgressiveDistillation.model',
                     keep_missing=SELF_LOADING,
                     prefix='student.')
        self.teacher.requires_grad_(False).eval()
        self.student = MODELS.build(model)
        self.student.load_state_dict(self.teacher.state_dict())
        self.data_preprocessor = self.student.data_preprocessor
        self.teacher_steps = teacher_steps
        self.stride = num_timesteps // teacher_steps
        self.teacher_cfg = self.teacher.sampling_cfg(
            {**(teacher_sampling or {}), 'sampler': 'ddim',
             'num_steps': teacher_steps})
        self.sampler = DiffusionSampler(
            self.teacher.diffusion, 'ddim', teacher_steps,
            self.teacher_cfg['cfg_scale'],
            clip_sample=not self.teacher.autoencoder.is_latent)
        self.final_alpha_cumprod = float(
            self.sampler.scheduler.final_alpha_cumprod)
        student_cfg = dict(sampler='ddim', num_steps=teacher_steps // 2,
                           cfg_scale=1.0)
        if 'guidance_scale' in self.student.test_cfg:
            student_cfg['guidance_scale'] = 0.0
        self.student.test_cfg.update(student_cfg)

    def train(self, mode: bool = True) -> ProgressiveDistillation:
        """The teacher stays in eval mode."""
        super().train(mode)
        self.teacher.eval()
        return self

    # -- the student's sampler and test path ------------------------------
    @property
    def test_cfg(self) -> dict[str, Any]:
        return self.student.test_cfg

    @property
    def diffusion(self) -> nn.Module:
        """The student's noise schedule (the teacher's)."""
        return self.student.diffusion

    @property
    def pose_interaction_field(self) -> None:
        """None: the student samples without PIF's gradient (baked in)."""
        return None

    def forward(self, inputs: dict[str, Tensor],
                data_samples: list | None = None, mode: str = 'tensor'
                ) -> Any:
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        return self.student(inputs, data_samples, mode)

    # -- Alg. 2 -------------------------------------------------------------
    def alphas_cumprod(self, t: Tensor) -> Tensor:
        """``ab_t`` per sample, DDIM's final value for ``t < 0``."""
        table = self.teacher.diffusion.alphas_cumprod
        ab = table[t.clamp(min=0)]
        return torch.where(t >= 0, ab, ab.new_tensor(self.final_alpha_cumprod))

    def ddim_step(self, x_t: Tensor, eps: Tensor, t: Tensor,
                  t_prev: Tensor) -> Tensor:
        """DDIM (eta 0) from ``t`` to ``t_prev`` per sample, x0 clipped to
        [-1, 1] in pixel space (the sampler's step)."""
        ab, ab_prev = (per_sample(self.alphas_cumprod(s), x_t)
                       for s in (t, t_prev))
        x0 = (x_t - (1 - ab).sqrt() * eps) / ab.sqrt()
        if not self.teacher.autoencoder.is_latent:
            x0 = x0.clamp(-1, 1)
        return ab_prev.sqrt() * x0 + (1 - ab_prev).sqrt() * eps

    @torch.no_grad()
    def teacher_target(self, inputs: dict[str, Tensor], x_t: Tensor,
                       t: Tensor, keypoints: Tensor | None) -> Tensor:
        """``x''``: the teacher's two DDIM steps from ``x_t`` (one when
        ``t = 0``)."""
        model_fn, guidance, _ = self.teacher.denoiser(
            inputs, self.teacher_cfg, target_keypoints=keypoints)
        x = x_t
        with cache_cross_attention(self.teacher.unet):
            for offset in (0, self.stride):
                now = t - offset
                eps, _ = self.sampler.guided_eps(model_fn, x,
                                                 now.clamp(min=0), guidance)
                stepped = self.ddim_step(x, eps, now, now - self.stride)
                x = torch.where(per_sample(now >= 0, x).bool(), stepped, x)
        return x

    def student_target(self, x_t: Tensor, t: Tensor,
                       x_next: Tensor) -> Tensor:
        """The student's prediction target for landing on ``x_next`` at
        ``t - 2k`` in one DDIM step (module doc)."""
        ab = per_sample(self.alphas_cumprod(t), x_t)
        ab_next = per_sample(self.alphas_cumprod(t - 2 * self.stride), x_t)
        ratio = (1 - ab_next).sqrt() / (1 - ab).sqrt()
        x0 = (x_next - ratio * x_t) / (ab_next.sqrt() - ratio * ab.sqrt())
        eps = (x_t - ab.sqrt() * x0) / (1 - ab).sqrt()
        return self.student.diffusion.prediction_from_eps(eps, x_t, t)

    def loss(self, inputs: dict[str, Tensor],
             data_samples: list | None = None) -> dict[str, Tensor]:
        if 'target_img' not in inputs:
            raise KeyError('distillation needs the target image (data '
                           'samples with gt_img)')
        keypoints = None
        if self.teacher.pose_interaction_field is not None and \
                self.teacher_cfg['guidance_scale'] != 0:
            if not data_samples or any('target_keypoints' not in s
                                       for s in data_samples):
                raise KeyError('the teacher\'s PIF guidance needs the target '
                               'keypoints: data samples with '
                               'target_keypoints')
            keypoints = stack_target_keypoints(data_samples,
                                               inputs['target_img'].device)
        x0 = self.teacher.autoencoder.encode(inputs['target_img'])
        j = torch.randint(0, self.teacher_steps // 2, (x0.shape[0], ),
                          device=x0.device)
        t = 2 * self.stride * j
        x_t = self.student.diffusion.q_sample(x0, t, torch.randn_like(x0))
        target = self.student_target(
            x_t, t, self.teacher_target(inputs, x_t, t, keypoints))
        pose_in, tokens, _ = self.student.condition(inputs)
        pred, _ = self.student.unet(x_t, t, pose_in, tokens)
        return {'loss_distill': F.mse_loss(pred, target)}
