"""RePoseSD: PIF gradient guidance on a Stable Diffusion 2.1 text-to-image
model (paper Sec. 4.4, Table 3; method.md sec. 5), as an mmengine
``BaseModel``.

Assembled from registered parts, loaded from a local diffusers
``stable-diffusion-2-1-base`` folder:

- ``autoencoder``: the frozen SD VAE (:class:`LatentAutoencoderKL`); the
  target image and the RGB skeleton image of the pose (``skeleton_rgb``) are
  both encoded with it;
- ``text_encoder``: the frozen CLIP text encoder (:class:`CLIPTextEncoder`),
  prompt -> tokens the U-Net cross-attends to;
- ``unet``: SD's U-Net with the pose latent concatenated to the noisy latent
  (:class:`PoseConcatUNet`, in channels 4 -> 4 + 4, new weights zero: step
  0 is SD);
- ``diffusion``: SD's schedule and prediction type read from the folder's
  scheduler (:func:`SchedulerConfigDiffusion`); the MSE loss of Eq. 3 (no
  learned variance);
- ``pose_interaction_field``: PIF guidance (eps_tilde of Eq. 15 in
  training, the Eq. 16 term at sampling), exactly RePoseDM's
  (:class:`PIFGuidedEditor`);
- ``loss_weight``: HumanSD's heatmap-guided denoising loss
  (:class:`HumanSDHeatmapWeight`): the baseline of Table 3 is this model
  with ``loss_weight`` and without PIF.

Classifier-free guidance on text and pose together: in training, with
probability ``cfg_dropout`` the prompt becomes the empty prompt and the pose
latent zeros; at sampling ``eps = eps_u + w (eps_c - eps_u)`` with the empty
prompt (or ``negative_prompt``) and no pose as the unconditional branch.

Prompts come from the data samples' ``prompt`` metainfo; the pose from the
pipeline's ``target_pose`` (skeleton_rgb); the image from ``gt_img``.
"""
from __future__ import annotations

from typing import Any

import torch
from mmengine.model import BaseModel
from torch import Tensor

from mmrepose.registry import MODELS
from mmrepose.structures import PoseTransferDataSample, unit_range_to_images
from ..diffusion import (DiffusionSampler, GuidanceFn, conditional_denoiser,
                         merge_sampling_cfg)
from ..stable_diffusion import part_configs
from ..unets.cross_attention_cache import cache_cross_attention
from .pif_guided_editor import PIFGuidedEditor

DEFAULT_TEST_CFG = dict(sampler='ddim', num_steps=50, cfg_scale=7.5, seed=0,
                        progress=True, autocast=None, negative_prompt='')


@MODELS.register_module()
class RePoseSD(PIFGuidedEditor, BaseModel):
    """Text- and pose-conditioned Stable Diffusion with PIF guidance.

    Args:
        sd_folder: A local diffusers Stable Diffusion folder; every part not
            configured otherwise loads from its sub-folder (``unet/``,
            ``vae/``, ``text_encoder/``, ``tokenizer/``, ``scheduler/``).
        unet: :class:`PoseConcatUNet` config (merged over the folder's,
            e.g. ``dict(gradient_checkpointing=True)``).
        text_encoder: :class:`CLIPTextEncoder` config (likewise).
        autoencoder: :class:`LatentAutoencoderKL` config (likewise).
        diffusion: ``SchedulerConfigDiffusion`` (or ``GaussianDiffusion``)
            config (likewise).
        pose_interaction_field: :class:`PoseInteractionField` config
            (RePoseSD).
        loss_weight: :class:`HumanSDHeatmapWeight` config (HumanSD's
            loss, the baseline); None: the plain MSE.
        cfg_dropout: Probability of dropping prompt and pose together.
        test_cfg: Sampling defaults: ``sampler``, ``num_steps``,
            ``cfg_scale``, ``seed``, ``progress``, ``autocast`` (None or
            ``'bf16'``), ``negative_prompt`` (the unconditional branch's
            prompt), with PIF ``guidance_scale`` (s of Eq. 16, default 1).
        data_preprocessor: :class:`PoseTransferDataPreprocessor` config.
    """

    def __init__(self, sd_folder: str | None = None,
                 unet: dict | None = None, text_encoder: dict | None = None,
                 autoencoder: dict | None = None,
                 diffusion: dict | None = None,
                 pose_interaction_field: dict | None = None,
                 loss_weight: dict | None = None,
                 cfg_dropout: float = 0.1, test_cfg: dict | None = None,
                 data_preprocessor: dict | None = None,
                 init_cfg: dict | None = None):
        super().__init__(
            data_preprocessor=data_preprocessor
            or dict(type='PoseTransferDataPreprocessor'), init_cfg=init_cfg)
        parts = self._part_configs(sd_folder, unet=unet,
                                   text_encoder=text_encoder,
                                   autoencoder=autoencoder,
                                   diffusion=diffusion)
        self.autoencoder = MODELS.build(parts['autoencoder'])
        self.text_encoder = MODELS.build(parts['text_encoder'])
        self.unet = MODELS.build(parts['unet'])
        self.diffusion = MODELS.build(parts['diffusion'])
        self.pose_interaction_field = pose_interaction_field and \
            MODELS.build(pose_interaction_field)
        self.loss_weight = loss_weight and MODELS.build(loss_weight)
        latent = self.autoencoder.latent_channels
        if (self.unet.sample_channels, self.unet.pose_channels) != \
                (latent, latent):
            raise ValueError(
                f'the U-Net denoises {self.unet.sample_channels} channels '
                f'with {self.unet.pose_channels} pose channels; the VAE\'s '
                f'latents have {latent}')
        context = self.unet.unet.config.cross_attention_dim
        if context != self.text_encoder.context_dim:
            raise ValueError(f'the U-Net attends to {context}-wide tokens; '
                             f'the text encoder gives '
                             f'{self.text_encoder.context_dim}')
        if not 0 <= cfg_dropout < 1:
            raise ValueError(f'cfg_dropout must be in [0, 1), got {cfg_dropout}')
        self.cfg_dropout = cfg_dropout
        self.test_cfg = {**DEFAULT_TEST_CFG, **(test_cfg or {})}
        if self.pose_interaction_field is not None:
            self.test_cfg.setdefault('guidance_scale', 1.0)

    @staticmethod
    def _part_configs(sd_folder: str | None,
                      **given: dict | None) -> dict[str, dict]:
        """Each part's config: the given one over the folder's (alone when
        it names another type)."""
        folder = {} if sd_folder is None else part_configs(sd_folder)
        missing = [name for name, cfg in given.items()
                   if cfg is None and name not in folder]
        if missing:
            raise ValueError(f'give sd_folder (a Stable Diffusion folder) or '
                             f'configs of {missing}')
        configs = {}
        for name, cfg in given.items():
            base = folder.get(name, {})
            if cfg and cfg.get('type', base.get('type')) != base.get('type'):
                base = {}
            configs[name] = {**base, **(cfg or {})}
        return configs

    # -- conditioning -------------------------------------------------------
    @staticmethod
    def prompts(data_samples: list | None) -> list[str]:
        """The ``prompt`` metainfo of each data sample."""
        if not data_samples or any('prompt' not in s.metainfo
                                   for s in data_samples):
            raise KeyError('RePoseSD needs a prompt per sample: a dataset '
                           'with captions and "prompt" in '
                           'PackPoseTransferInputs meta_keys')
        return [s.metainfo['prompt'] for s in data_samples]

    def encode_pose(self, pose: Tensor) -> Tensor:
        """VAE latent of the RGB skeleton image (``(B, 3, H, W)`` in [0,
        1])."""
        if pose.shape[1] != 3:
            raise ValueError('RePoseSD encodes the RGB skeleton image: use '
                             "pose encoding 'skeleton_rgb' (3 channels), got "
                             f'{pose.shape[1]} channels')
        return self.autoencoder.encode(pose * 2 - 1)

    def condition(self, target_pose: Tensor, prompts: list[str],
                  negative_prompt: str = '') -> tuple[tuple[Tensor, Tensor],
                                                      tuple[Tensor, Tensor]]:
        """``((pose latent, text tokens), (null pose, null text))``."""
        if len(prompts) != target_pose.shape[0]:
            raise ValueError(f'{len(prompts)} prompts for '
                             f'{target_pose.shape[0]} poses')
        pose_in = self.encode_pose(target_pose)
        text = self.text_encoder(list(prompts))
        null_text = self.text_encoder([negative_prompt]).expand_as(text)
        return (pose_in, text), (torch.zeros_like(pose_in), null_text)

    # -- mmengine entry points -------------------------------------------
    def loss(self, inputs: dict[str, Tensor],
             data_samples: list | None = None) -> dict[str, Tensor]:
        if 'target_img' not in inputs:
            raise KeyError('training needs the target image (data samples '
                           'with gt_img)')
        condition, null = self.condition(inputs['target_pose'],
                                         self.prompts(data_samples))
        x0 = self.autoencoder.encode(inputs['target_img'])
        step = self.denoising_step(x0, condition, null, data_samples,
                                   inputs['target_img'])
        weights = None if self.loss_weight is None else self.loss_weight(
            step['eps'], step['noise'], self.autoencoder.decode,
            self.autoencoder.encode)
        return {**self.diffusion.loss(step['eps'], None, x0, step['x_t'],
                                      step['t'], step['noise'], weights),
                **step['stats']}

    def _forward_tensor(self, inputs: dict[str, Tensor],
                        data_samples: list | None) -> tuple[Tensor, None]:
        """One denoiser call at random t (for benchmarks and export)."""
        (pose_in, text), _ = self.condition(inputs['target_pose'],
                                            self.prompts(data_samples))
        x_t = torch.randn_like(pose_in)
        t = self.diffusion.sample_timesteps(x_t.shape[0], x_t.device)
        return self.unet(x_t, t, pose_in, text)

    def predict(self, inputs: dict[str, Tensor],
                data_samples: list[PoseTransferDataSample] | None = None,
                **overrides: Any) -> list[PoseTransferDataSample]:
        """Sample with ``test_cfg`` (entries can be overridden by keyword)
        and return the data samples with ``pred_img`` (uint8, 3 x H x W)."""
        overrides.setdefault('target_keypoints', self.pif_targets(
            data_samples, inputs['target_pose'].device))
        overrides.setdefault('progress', False)
        images = self.sample(inputs['target_pose'], self.prompts(data_samples),
                             **overrides)
        for sample, image in zip(data_samples,
                                 unit_range_to_images(images).cpu()):
            sample.pred_img = image
        return data_samples

    # -- sampling -------------------------------------------------------------
    @torch.no_grad()
    def sample(self, target_pose: Tensor, prompts: list[str],
               guidance: GuidanceFn | None = None,
               target_keypoints: Tensor | None = None,
               **overrides: Any) -> Tensor:
        """Generate images in [-1, 1] at the pose image's size.

        ``target_pose``: ``(B, 3, H, W)`` skeleton_rgb images in [0, 1];
        ``prompts``: B strings. ``overrides``: any key of ``test_cfg``.
        ``guidance(x_t, t, eps) -> eps`` defaults to PIF guidance (Eq. 16)
        towards ``target_keypoints`` ``(B, 18, 2)`` (OpenPose-18, image
        pixels), which a PIF model needs unless ``guidance_scale`` is 0.
        """
        cfg = merge_sampling_cfg(self.test_cfg, overrides)
        if guidance is None:
            guidance = self.pif_guidance(cfg, target_keypoints)
        condition, null = self.condition(target_pose, prompts,
                                         cfg['negative_prompt'])
        model_fn = conditional_denoiser(self.unet, self.diffusion, condition,
                                        null, cfg['autocast'])
        sampler = DiffusionSampler(self.diffusion, cfg['sampler'],
                                   cfg['num_steps'], cfg['cfg_scale'],
                                   clip_sample=not self.autoencoder.is_latent,
                                   learned_variance=False)
        device = target_pose.device
        generator = torch.Generator(device=device).manual_seed(int(cfg['seed']))
        with cache_cross_attention(self.unet):
            x0 = sampler.sample(model_fn, tuple(condition[0].shape), device,
                                generator, guidance, progress=cfg['progress'])
        return self.autoencoder.decode(x0)
