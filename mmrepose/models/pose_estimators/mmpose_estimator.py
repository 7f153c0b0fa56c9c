"""A frozen mmpose bottom-up pose estimator behind a small interface.

mmrepose uses a pose estimator on generated images twice: to score pose
accuracy (:class:`mmrepose.evaluation.metrics.PoseAccuracy`) and, as a
differentiable critic, for the gradient guidance of RePoseDM. Both need the
same two calls on RGB images in mmrepose's range [-1, 1]:

- :meth:`MMPoseEstimator.heatmaps`: ``(B, K, h, w)`` keypoint heatmaps,
  differentiable with respect to the images;
- :meth:`MMPoseEstimator.keypoints`: ``(B, K, 2)`` ``(x, y)`` in image
  pixels, the per-channel argmax of the heatmaps.

The model is any mmpose bottom-up estimator (HRNet / HigherHRNet with an
associative-embedding head, whose ops run under mmcv-lite), built from an
mmpose config in mmpose's registry scope and loaded from a local
checkpoint. Inputs are normalised as the config's ``data_preprocessor``
says (mean/std on 0..255, channel order: mmpose loads BGR and flips to RGB
when ``bgr_to_rgb`` is set), optionally rescaled, and padded on the right and
bottom to a multiple of ``size_divisor`` (HRNet's branches need it).
"""
from __future__ import annotations

import copy
import math
import os.path as osp
import pickle

import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.registry import DefaultScope
from torch import nn

from mmrepose.registry import MODELS
from mmrepose.utils import install_mmcv_ops_placeholders


def _load_checkpoint_state(path: str) -> dict[str, torch.Tensor]:
    """The model state of an mmpose checkpoint (``state_dict`` inside, if
    any), without the ``module.`` prefix of wrapped models."""
    try:
        ckpt = torch.load(path, map_location='cpu', weights_only=True)
    except pickle.UnpicklingError:
        # OpenMMLab checkpoints keep metadata torch's weights-only loader
        # refuses; the file is a local one the user named
        print_log(f'{path}: not a plain tensor file; loading it with full '
                  'unpickling (trusted local checkpoint)', logger='current',
                  level=30)
        ckpt = torch.load(path, map_location='cpu', weights_only=False)
    state = ckpt.get('state_dict', ckpt)
    return {k.removeprefix('module.'): v for k, v in state.items()}


@MODELS.register_module()
class MMPoseEstimator(nn.Module):
    """Frozen mmpose bottom-up estimator (see module doc).

    Args:
        config: mmpose model config (dict), or an mmpose config file whose
            ``model`` is used.
        checkpoint: Local checkpoint path; None keeps random weights (only
            for tests; a warning says so).
        scale: Resize factor applied to the images before the model (e.g. 2
            to run a 512-input model on 256-high images).
        size_divisor: Pad the (rescaled) images to a multiple of this.
    """

    def __init__(self, config: dict | str, checkpoint: str | None,
                 scale: float = 1.0, size_divisor: int = 32):
        super().__init__()
        if isinstance(config, str):
            if not osp.isfile(config):
                raise FileNotFoundError(f'mmpose config not found: {config}')
            config = Config.fromfile(config).model.to_dict()
        config = copy.deepcopy(dict(config))
        if checkpoint is not None and not osp.isfile(checkpoint):
            raise FileNotFoundError(
                f'pose estimator checkpoint not found: {checkpoint}. Put the '
                'mmpose checkpoint of this config there (nothing is '
                'downloaded).')
        self.model = self._build(config)
        if checkpoint is None:
            print_log('MMPoseEstimator: no checkpoint, random weights (for '
                      'tests only; poses are meaningless)', logger='current',
                      level=30)
        else:
            self.model.load_state_dict(_load_checkpoint_state(checkpoint))
        self.model.requires_grad_(False)
        self.train(False)
        pre = config.get('data_preprocessor') or {}
        self.expects_rgb = bool(pre.get('bgr_to_rgb') or
                                pre.get('rgb_to_bgr'))
        mean, std = pre.get('mean'), pre.get('std')
        self.register_buffer('mean', None if mean is None else
                             torch.tensor(mean).view(1, -1, 1, 1), False)
        self.register_buffer('std', None if std is None else
                             torch.tensor(std).view(1, -1, 1, 1), False)
        self.scale = scale
        self.size_divisor = size_divisor

    @staticmethod
    def _build(config: dict) -> nn.Module:
        install_mmcv_ops_placeholders()
        from mmpose.registry import MODELS as MMPOSE_MODELS
        from mmpose.utils import register_all_modules as register_mmpose
        register_mmpose(init_default_scope=False)
        with DefaultScope.overwrite_default_scope('mmpose'):
            return MMPOSE_MODELS.build(config)

    def train(self, mode: bool = True) -> MMPoseEstimator:
        """Stay in eval mode whatever the parent module does."""
        return super().train(False)

    def _forward(self, images: torch.Tensor
                 ) -> tuple[torch.Tensor, float, float]:
        """Heatmaps over the image area and the heatmap-to-image scale
        factors ``(sy, sx)``."""
        if images.ndim != 4 or images.shape[1] != 3:
            raise ValueError(f'expected (B, 3, H, W) RGB images, got '
                             f'{tuple(images.shape)}')
        x = (images.to(self._device()) + 1) * 127.5
        if not self.expects_rgb:
            x = x.flip(1)
        if self.mean is not None:
            x = (x - self.mean) / self.std
        if self.scale != 1:
            x = F.interpolate(x, scale_factor=self.scale, mode='bilinear',
                              align_corners=False)
        h_in, w_in = x.shape[-2:]
        d = self.size_divisor
        x = F.pad(x, (0, -w_in % d, 0, -h_in % d))
        out = self.model(x, None, mode='tensor')
        heatmaps = out[0] if isinstance(out, (tuple, list)) else out
        stride_y = x.shape[-2] / heatmaps.shape[-2]
        stride_x = x.shape[-1] / heatmaps.shape[-1]
        heatmaps = heatmaps[..., :math.ceil(h_in / stride_y),
                            :math.ceil(w_in / stride_x)]
        return heatmaps, stride_y / self.scale, stride_x / self.scale

    def _device(self) -> torch.device:
        return next(self.model.parameters()).device

    def heatmaps(self, images: torch.Tensor) -> torch.Tensor:
        """``(B, K, h, w)`` heatmaps of ``(B, 3, H, W)`` RGB images in
        [-1, 1]; differentiable with respect to the images."""
        return self._forward(images)[0]

    @torch.no_grad()
    def keypoints(self, images: torch.Tensor) -> torch.Tensor:
        """``(B, K, 2)`` ``(x, y)`` keypoints in image pixels: the argmax of
        each heatmap channel times the heatmap stride."""
        heatmaps, sy, sx = self._forward(images)
        width = heatmaps.shape[-1]
        index = heatmaps.flatten(2).argmax(-1)
        return torch.stack([(index % width).float() * sx,
                            torch.div(index, width,
                                      rounding_mode='floor').float() * sy],
                           dim=-1)
