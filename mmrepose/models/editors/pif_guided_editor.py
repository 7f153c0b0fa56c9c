"""PIF gradient guidance as an editor uses it, in training (Eq. 15) and at
sampling (Eq. 16), for any editor with a ``pose_interaction_field`` (or
None), a ``diffusion`` and an ``autoencoder``: RePoseDM and RePoseSD.
"""
from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

from ..diffusion import GuidanceFn
from ..guidance import stack_target_keypoints


class PIFGuidedEditor:
    """Mixin: the target keypoints of a batch, eps_tilde of Eq. 15 and the
    Eq. 16 guidance callback."""

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
