"""The conditional denoising step of training (Eqs. 1-3 with the
classifier-free-guidance dropout of Sec. 3.4) and PIF gradient guidance as
an editor uses it, in training (Eq. 15) and at sampling (Eq. 16), for any
editor with a ``unet``, a ``diffusion``, an ``autoencoder``, a
``cfg_dropout`` and a ``pose_interaction_field`` (or None): RePoseDM and
RePoseSD.
"""
from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from ..diffusion import GuidanceFn
from ..guidance import stack_target_keypoints


class PIFGuidedEditor:
    """Mixin: mmengine's ``forward(mode=...)``, the training denoising step,
    the target keypoints of a batch, eps_tilde of Eq. 15 and the Eq. 16
    guidance callback."""

    def forward(self, inputs: dict[str, Tensor],
                data_samples: list | None = None,
                mode: str = 'tensor') -> Any:
        """``'loss'``: :meth:`loss`; ``'predict'``: :meth:`predict`;
        ``'tensor'``: one denoiser call at random t."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self._forward_tensor(inputs, data_samples)
        raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', got "
                         f'{mode!r}')

    def denoising_step(self, x0: Tensor, condition: tuple[Tensor, ...],
                       null_condition: tuple[Tensor, ...],
                       data_samples: list | None, target_images: Tensor
                       ) -> dict[str, Any]:
        """One training draw: with probability ``cfg_dropout`` a sample's
        condition becomes the null one, ``t`` and the noise are drawn,
        ``x_t`` made (Eq. 1) and the U-Net's prediction turned into eps,
        with Eq. 15's PIF term on the samples that kept their condition.

        Returns ``eps``, ``v``, ``x_t``, ``t``, ``noise`` and the PIF
        ``stats``."""
        batch = x0.shape[0]
        drop = torch.zeros(batch, dtype=torch.bool, device=x0.device)
        if self.cfg_dropout > 0:
            drop = torch.rand(batch, device=x0.device) < self.cfg_dropout
            condition = tuple(
                torch.where(drop.view(-1, *[1] * (c.dim() - 1)), n, c)
                for c, n in zip(condition, null_condition))
        t = self.diffusion.sample_timesteps(batch, x0.device)
        noise = torch.randn_like(x0)
        x_t = self.diffusion.q_sample(x0, t, noise)
        pred, v = self.unet(x_t, t, *condition)
        eps = self.diffusion.eps_from_prediction(pred, x_t, t)
        # Eq. 15, not on the samples whose condition was dropped
        eps, stats = self.pif_training_eps(eps, x_t, t, data_samples,
                                           target_images, drop)
        return dict(eps=eps, v=v, x_t=x_t, t=t, noise=noise, stats=stats)

    def pif_targets(self, data_samples: list | None,
                    device: torch.device) -> Tensor | None:
        """``(B, 18, 2)`` target keypoints of the data samples for PIF
        guidance; None for models without PIF or samples without
        ``target_keypoints``."""
        if self.pose_interaction_field is None or not data_samples or any(
                'target_keypoints' not in s for s in data_samples):
            return None
        return stack_target_keypoints(data_samples, device)

    def pif_training_eps(self, eps: Tensor, x_t: Tensor, t: Tensor,
                         data_samples: list | None, target_images: Tensor,
                         dropped: Tensor) -> tuple[Tensor, dict[str, Tensor]]:
        """``(eps_tilde, stats)`` of Eq. 15 (``eps`` and no stats without
        PIF); not applied to the ``dropped`` samples (condition dropped for
        CFG)."""
        if self.pose_interaction_field is None:
            return eps, {}
        keypoints = self.pif_targets(data_samples, eps.device)
        if keypoints is None:
            raise KeyError('PIF guidance needs the target keypoints: '
                           'data samples with target_keypoints')
        return self.pose_interaction_field.training_eps(
            eps, x_t, t, self.diffusion,
            self.autoencoder.decode_for_guidance, keypoints,
            target_images=target_images, sample_mask=~dropped)

    def pif_guidance(self, cfg: dict[str, Any],
                     target_keypoints: Tensor | None) -> GuidanceFn | None:
        """The Eq. 16 callback towards ``target_keypoints`` at the sampling
        settings ``cfg`` (``cfg_scale``, ``guidance_scale``); None without
        PIF or at ``guidance_scale`` 0."""
        if self.pose_interaction_field is None or cfg['guidance_scale'] == 0:
            return None
        if target_keypoints is None:
            raise ValueError('PIF guidance needs target_keypoints '
                             '(or guidance_scale=0)')
        return self.pose_interaction_field.guidance_fn(
            self.diffusion, self.autoencoder.decode_for_guidance,
            target_keypoints, cfg_scale=cfg['cfg_scale'],
            scale=cfg['guidance_scale'])
