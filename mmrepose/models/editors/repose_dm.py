"""RePoseDM: the conditional diffusion model of the paper (Sec. 3), as an
mmengine ``BaseModel``.

Assembled from registered parts, so that B1, B2 and the full model differ
only in config:

- ``autoencoder``: identity (pixel space, PIDM-like) or a frozen
  ``AutoencoderKL`` (latent space, the paper's DeepFashion model);
- the source-appearance tokens the U-Net cross-attends to: those of an
  ``appearance_encoder`` of the source image (B1:
  :class:`SourceAppearanceEncoder`), of ``pose_alignment``, the Recurrent
  Pose Alignment that warps the source to the target pose (B2 and the full
  model: :class:`RecurrentPoseAlignment`, whose auxiliary loss is added to
  the diffusion loss, optionally alone for ``rpa_warmup_iters`` first), or
  of both, concatenated (B1's encoder with RPA added);
- ``unet``: eps_theta(y_t, t, P, I_S) (Eq. 2) predicting eps and the
  learned-range variance;
- ``diffusion``: schedule and the mse + vlb loss (Eqs. 3-4); its
  ``prediction_type`` may make the network predict v instead of eps, and
  every prediction is turned into eps before the vlb term, PIF guidance,
  CFG and the samplers see it;
- ``pose_interaction_field`` (full model): PIF gradient guidance from a
  frozen pose estimator, replacing eps_theta by eps_tilde in the MSE (Eq. 15)
  and adding its term to the CFG-combined eps at sampling (Eq. 16).

Classifier-free guidance (Sec. 3.4): in training, with probability
``cfg_dropout`` the pose input and the source are dropped together (pose
input -> zeros, appearance tokens -> a learned null token); at sampling,
``eps = eps_u + w (eps_c - eps_u)`` (Eq. 16 without the PIF term).

Latent mode encodes the target image and the RGB skeleton image of the
target pose (``skeleton_rgb``) with the VAE; pixel mode concatenates the pose
map (``pidm20`` by default) to the noisy image.
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from torch import Tensor, nn

from mmrepose.datasets.transforms.pose_maps import pose_encoding_channels
from mmrepose.registry import MODELS
from mmrepose.structures import PoseTransferDataSample, unit_range_to_images
from ..alignment import AlignmentOutput
from ..diffusion import (DenoiseFn, DiffusionSampler, GuidanceFn,
                         KnownRegion, conditional_denoiser,
                         merge_sampling_cfg)
from ..unets.cross_attention_cache import cache_cross_attention
from .pif_guided_editor import PIFGuidedEditor

DEFAULT_TEST_CFG = dict(sampler='ddim', num_steps=50, cfg_scale=2.0, seed=0,
                        progress=True, autocast=None)


@MODELS.register_module()
class RePoseDM(PIFGuidedEditor, BaseModel):
    """Pose-guided person image synthesis with a conditional diffusion model.

    Args:
        unet: :class:`PoseConditionedUNet` config.
        appearance_encoder: Appearance-token encoder config (B1).
        pose_alignment: :class:`RecurrentPoseAlignment` config (B2, full);
            at least one of the two is given (both: their tokens are
            concatenated, encoder first).
        rpa_warmup_iters: Training iterations with the RPA loss alone
            before the diffusion loss joins (under DDP, set
            ``find_unused_parameters=True`` when this is > 0).
        pose_interaction_field: :class:`PoseInteractionField` config (the
            full model; None for B1 and B2).
        autoencoder: ``IdentityAutoencoder`` or ``LatentAutoencoderKL``.
        diffusion: :class:`GaussianDiffusion` config.
        cfg_dropout: Probability of dropping pose and source together.
        pose_encoding: The pose encoding the data pipelines render (the
            model family's ``pose_encoding``, which the configs' pipelines
            use too); checked here against the U-Net's pose channels (pixel
            mode) or the VAE's RGB input (latent mode). None: not checked.
        test_cfg: Sampling defaults: ``sampler`` (ddpm | ddim | dpmsolver++ |
            unipc), ``num_steps``, ``cfg_scale``, ``seed``, ``progress``,
            ``autocast`` (None, or ``'bf16'``: the denoiser under bfloat16
            autocast, the sampler's arithmetic in float32), and
            with PIF ``guidance_scale`` (s of Eq. 16, the one knob of the
            guidance strength; default 1.0).
        data_preprocessor: :class:`PoseTransferDataPreprocessor` config.
    """

    def __init__(self, unet: dict, appearance_encoder: dict | None = None,
                 pose_alignment: dict | None = None,
                 rpa_warmup_iters: int = 0,
                 pose_interaction_field: dict | None = None,
                 autoencoder: dict | None = None,
                 diffusion: dict | None = None, cfg_dropout: float = 0.1,
                 pose_encoding: str | None = None,
                 test_cfg: dict | None = None,
                 data_preprocessor: dict | None = None,
                 init_cfg: dict | None = None):
        super().__init__(
            data_preprocessor=data_preprocessor
            or dict(type='PoseTransferDataPreprocessor'), init_cfg=init_cfg)
        self.autoencoder = MODELS.build(
            autoencoder or dict(type='IdentityAutoencoder'))
        self.unet = MODELS.build(unet)
        if appearance_encoder is None and pose_alignment is None:
            raise ValueError('give appearance_encoder (B1), pose_alignment '
                             '(RPA) or both')
        self.appearance_encoder = appearance_encoder and \
            MODELS.build(appearance_encoder)
        self.pose_alignment = pose_alignment and MODELS.build(pose_alignment)
        self.rpa_warmup_iters = rpa_warmup_iters
        if self.pose_alignment is not None:
            # training iterations seen, saved with the model (exact resume
            # of the RPA warm-up)
            self.register_buffer('train_iter',
                                 torch.zeros((), dtype=torch.long))
        self.diffusion = MODELS.build(diffusion or dict(type='GaussianDiffusion'))
        self.pose_interaction_field = pose_interaction_field and \
            MODELS.build(pose_interaction_field)
        if self.unet.sample_channels != self.autoencoder.latent_channels:
            raise ValueError(f'unet.sample_channels '
                             f'({self.unet.sample_channels}) must equal the '
                             f'autoencoder\'s channels '
                             f'({self.autoencoder.latent_channels})')
        if self.autoencoder.is_latent and \
                self.unet.pose_channels != self.autoencoder.latent_channels:
            raise ValueError('in latent mode the pose image is VAE-encoded: '
                             f'unet.pose_channels must be '
                             f'{self.autoencoder.latent_channels}')
        if pose_encoding is not None:
            self._check_pose_encoding(pose_encoding)
        self.pose_encoding = pose_encoding
        if not 0 <= cfg_dropout < 1:
            raise ValueError(f'cfg_dropout must be in [0, 1), got {cfg_dropout}')
        self.cfg_dropout = cfg_dropout
        context_dim = self.unet.unet.config.cross_attention_dim
        self.null_token = nn.Parameter(torch.randn(1, 1, context_dim) * 0.02)
        self.test_cfg = {**DEFAULT_TEST_CFG, **(test_cfg or {})}
        if self.pose_interaction_field is not None:
            self.test_cfg.setdefault('guidance_scale', 1.0)

    # -- conditioning -------------------------------------------------------
    def _check_pose_encoding(self, encoding: str) -> None:
        channels = pose_encoding_channels(encoding)
        wanted, what = (3, 'the RGB skeleton the VAE encodes') \
            if self.autoencoder.is_latent else \
            (self.unet.pose_channels, 'unet.pose_channels')
        if channels != wanted:
            raise ValueError(f'pose_encoding {encoding!r} renders {channels} '
                             f'channels; this model takes {wanted} ({what})')

    def encode_pose(self, pose: Tensor) -> Tensor:
        """Target-pose input at the sample's resolution."""
        if not self.autoencoder.is_latent:
            return pose
        if pose.shape[1] != 3:
            raise ValueError('latent mode encodes the RGB skeleton image: use '
                             "pose encoding 'skeleton_rgb' (3 channels), got "
                             f'{pose.shape[1]} channels')
        return self.autoencoder.encode(pose * 2 - 1)

    def condition(self, inputs: dict[str, Tensor]
                  ) -> tuple[Tensor, Tensor, AlignmentOutput | None]:
        """(pose input, appearance tokens, RPA output or None) of a
        batch."""
        if 'source_img' not in inputs:
            raise KeyError('RePoseDM needs the source image: pairs with '
                           '"source_img" (text-pose data is for RePoseSD)')
        pose_in = self.encode_pose(inputs['target_pose'])
        tokens = [] if self.appearance_encoder is None else \
            [self.appearance_encoder(inputs['source_img'])]
        if self.pose_alignment is None:
            return pose_in, tokens[0], None
        if 'source_pose' not in inputs:
            raise KeyError('pose alignment needs the source pose: set '
                           "GeneratePoseEncoding keys=('source', 'target')")
        alignment = self.pose_alignment(
            inputs['source_img'], inputs['source_pose'], pose_in,
            self.autoencoder.encode, self.encode_pose)
        return pose_in, torch.cat([*tokens, alignment.tokens], 1), alignment

    def null_condition(self, pose_in: Tensor,
                       tokens: Tensor) -> tuple[Tensor, Tensor]:
        """The dropped condition: zero pose input, null tokens."""
        return (torch.zeros_like(pose_in),
                self.null_token.to(tokens.dtype).expand_as(tokens))

    # -- mmengine entry points -------------------------------------------
    def loss(self, inputs: dict[str, Tensor],
             data_samples: list | None = None) -> dict[str, Tensor]:
        if 'target_img' not in inputs:
            raise KeyError('training needs the target image (data samples '
                           'with gt_img)')
        pose_in, tokens, alignment = self.condition(inputs)
        losses = {}
        if alignment is not None:
            losses = self.pose_alignment.loss(alignment, inputs['source_img'],
                                              inputs['target_img'])
            # compared only when there is a warm-up (a host sync per step)
            warming_up = self.rpa_warmup_iters > 0 and \
                bool(self.train_iter < self.rpa_warmup_iters)
            self.train_iter += 1
            if warming_up:
                return losses
        x0 = self.autoencoder.encode(inputs['target_img'])
        step = self.denoising_step(
            x0, (pose_in, tokens), self.null_condition(pose_in, tokens),
            data_samples, inputs['target_img'])
        losses.update(step['stats'])
        return {**self.diffusion.loss(step['eps'], step['v'], x0,
                                      step['x_t'], step['t'], step['noise']),
                **losses}

    def _forward_tensor(self, inputs: dict[str, Tensor],
                        data_samples: list | None = None
                        ) -> tuple[Tensor, Any]:
        """One denoiser call at random t (for benchmarks and export)."""
        pose_in, tokens, _ = self.condition(inputs)
        h, w = pose_in.shape[-2:]
        x_t = torch.randn(pose_in.shape[0], self.unet.sample_channels, h, w,
                          device=pose_in.device)
        t = self.diffusion.sample_timesteps(x_t.shape[0], x_t.device)
        return self.unet(x_t, t, pose_in, tokens)

    def predict(self, inputs: dict[str, Tensor],
                data_samples: list[PoseTransferDataSample] | None = None,
                **overrides: Any) -> list[PoseTransferDataSample]:
        """Sample with ``test_cfg`` (entries can be overridden by keyword)
        and return the data samples with ``pred_img`` (uint8, 3 x H x W).

        This is the runner's val/test path: its logger reports progress by
        batch, so the per-batch sampling bar is off unless ``progress=True``
        is passed here."""
        overrides.setdefault('target_keypoints', self.pif_targets(
            data_samples, inputs['source_img'].device))
        overrides.setdefault('progress', False)
        images = self.sample(inputs, **overrides)
        samples = data_samples or [PoseTransferDataSample()
                                   for _ in range(images.shape[0])]
        for sample, image in zip(samples, unit_range_to_images(images).cpu()):
            sample.pred_img = image
        return samples

    # -- sampling -------------------------------------------------------------
    def sampling_cfg(self, overrides: dict[str, Any]) -> dict[str, Any]:
        """``test_cfg`` with ``overrides`` (keys of ``test_cfg`` only)."""
        return merge_sampling_cfg(self.test_cfg, overrides)

    def denoiser(self, inputs: dict[str, Tensor], cfg: dict[str, Any],
                 guidance: GuidanceFn | None = None,
                 target_keypoints: Tensor | None = None
                 ) -> tuple[DenoiseFn, GuidanceFn | None, tuple[int, ...]]:
        """``(model_fn, guidance, sample shape)`` of a batch for
        :class:`DiffusionSampler` under sampling settings ``cfg``: the
        conditions are made once (the same tensors at every step, so the
        U-Net projects the tokens to keys and values once), and
        ``guidance`` defaults to the model's PIF guidance (Eq. 16) towards
        ``target_keypoints`` when ``guidance_scale`` is not 0."""
        if guidance is None:
            guidance = self.pif_guidance(cfg, target_keypoints)
        pose_in, tokens, _ = self.condition(inputs)
        model_fn = conditional_denoiser(
            self.unet, self.diffusion, (pose_in, tokens),
            self.null_condition(pose_in, tokens), cfg['autocast'])
        shape = (pose_in.shape[0], self.unet.sample_channels,
                 *pose_in.shape[-2:])
        return model_fn, guidance, shape

    @torch.no_grad()
    def sample(self, inputs: dict[str, Tensor],
               guidance: GuidanceFn | None = None,
               target_keypoints: Tensor | None = None,
               known_image: Tensor | None = None,
               known_mask: Tensor | None = None,
               self_recurrence: int | None = None,
               **overrides: Any) -> Tensor:
        """Generate images in [-1, 1] at the source image's size.

        ``overrides``: any key of ``test_cfg`` (``sampler``, ``num_steps``,
        ``cfg_scale``, ``seed``, ``progress``, ``autocast``;
        ``guidance_scale`` with PIF).
        ``guidance(x_t, t, eps) -> eps`` is called after CFG at every step;
        by default it is the model's PIF guidance (Eq. 16) towards
        ``target_keypoints`` ``(B, 18, 2)`` (OpenPose-18, image pixels),
        which PIF models need unless ``guidance_scale`` is 0.
        ``known_image`` ``(B, 3, H, W)`` in [-1, 1] and ``known_mask``
        ``(B, 1, H, W)`` (1 = keep) inpaint: the result keeps the known
        image where the mask is 1 (RePaint-style, :class:`KnownRegion`; a
        latent model keeps the latent cells wholly inside the mask).
        ``self_recurrence``: repeats of each step (RePaint's resampling;
        default: the guidance's, see :class:`DiffusionSampler`).
        """
        cfg = self.sampling_cfg(overrides)
        model_fn, guidance, shape = self.denoiser(inputs, cfg, guidance,
                                                  target_keypoints)
        sampler = DiffusionSampler(
            self.diffusion, cfg['sampler'], cfg['num_steps'], cfg['cfg_scale'],
            clip_sample=not self.autoencoder.is_latent)
        device = inputs['source_img'].device
        generator = torch.Generator(device=device).manual_seed(int(cfg['seed']))
        known = None if known_image is None else self.known_region(
            known_image, known_mask, shape, generator)
        with cache_cross_attention(self.unet):
            x0 = sampler.sample(model_fn, shape, device, generator, guidance,
                                progress=cfg['progress'],
                                self_recurrence=self_recurrence, known=known)
        return self.autoencoder.decode(x0)

    def known_region(self, image: Tensor, mask: Tensor | None,
                     shape: tuple[int, ...],
                     generator: torch.Generator) -> KnownRegion:
        """Inpainting's known content in the sample space of ``shape``."""
        if mask is None or mask.ndim != 4 or mask.shape[1] != 1 or \
                mask.shape[-2:] != image.shape[-2:]:
            raise ValueError('known_image needs a known_mask (B, 1, H, W) '
                             f'of its size {tuple(image.shape[-2:])}, got '
                             f'{None if mask is None else tuple(mask.shape)}')
        x0 = self.autoencoder.encode(image)
        if x0.shape != shape:
            raise ValueError(f'known_image encodes to {tuple(x0.shape)}, '
                             f'the samples are {shape}')
        if mask.shape[-2:] != x0.shape[-2:]:  # latent cells wholly known
            mask = (F.interpolate(mask.float(), size=x0.shape[-2:],
                                  mode='area') > 1 - 1e-6).float()
        return KnownRegion(x0, mask, generator)
