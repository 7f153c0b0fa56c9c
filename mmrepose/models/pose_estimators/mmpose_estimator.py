"""A frozen mmpose pose estimator behind a small interface.

mmrepose uses a pose estimator on generated images twice: to score pose
accuracy (:class:`mmrepose.evaluation.metrics.PoseAccuracy`) and, as a
differentiable critic, for the Pose Interaction Field guidance of RePoseDM
(method.md section 4: heatmaps ``H_phi`` and backbone features ``P_phi``).
Both take RGB images ``(B, 3, H, W)`` in mmrepose's range [-1, 1]:

- :meth:`MMPoseEstimator.heatmaps`: ``(B, K, h, w)`` keypoint heatmaps,
  differentiable with respect to the images;
- :meth:`MMPoseEstimator.features`: ``(B, C, hf, wf)`` backbone features,
  differentiable as well;
- :meth:`MMPoseEstimator.keypoints`: ``(B, K, 2)`` ``(x, y)`` in image
  pixels, the per-channel argmax of the heatmaps (one person per image);
- :meth:`MMPoseEstimator.detect`: several people per image, grouped by a
  bottom-up model's associative embedding.

**Model.** Any mmpose bottom-up estimator (``BottomupPoseEstimator``: HRNet
with an associative-embedding head as mmpose's AE recipe, or HigherHRNet
style with deconvolution layers in the head), or a top-down heatmap
estimator (``TopdownPoseEstimator``, e.g. SimpleBaseline: ResNet and a
deconvolution ``HeatmapHead``) trained with the person box set to the whole
image padded on the right/bottom to ``size_divisor``
(``mmrepose.SetFullImageBBox``), so that its input is the one built here.
The model is built from an mmpose config in mmpose's registry scope, frozen
(no parameter requires grad) and kept in eval mode, its weights loaded from
a local checkpoint through mmrepose's ``torch.load(weights_only=True)``
allow-list (:mod:`.checkpoint`); nothing is downloaded and nothing is
unpickled beyond the allow-list.

**Input.** Images go from [-1, 1] to 0..255, in the channel order the
config's ``data_preprocessor`` gives the network (mmpose loads BGR and flips
to RGB when ``bgr_to_rgb`` is set), resized by ``scale`` (antialiased when
shrinking), padded with black on the right and bottom to a multiple of
``size_divisor`` (HRNet's four branches need multiples of 32; black as
mmpose's ``BottomupResize`` and the borders of its training augmentation)
and normalised with the preprocessor's mean/std.

**Resolutions.** Let ``s_h`` be the network's heatmap stride and ``s_f`` its
feature stride on its input (both measured once when the estimator is
built): HRNet's AE head has ``s_h = s_f = 4``; each deconvolution layer in
the head halves ``s_h``. For images of ``H x W`` the outputs are cropped to
the image area (the padding is dropped):

- heatmaps: ``ceil(H * scale / s_h) x ceil(W * scale / s_h)``; attribute
  :attr:`heatmap_stride` = ``s_h / scale`` image pixels per heatmap pixel;
- features: the feature map the keypoint head reads (``extract_feat(x)[-1]``
  of mmpose's estimator: for HRNet the highest-resolution branch, stride 4,
  ``C`` = the first channel count of stage 4, e.g. 32 for HRNet-W32; for a
  ResNet the last stage, stride 32),
  ``ceil(H * scale / s_f) x ceil(W * scale / s_f)``; attributes
  :attr:`feature_stride` and :attr:`feature_channels`.

**Keypoint coordinates.** Heatmap pixel ``(i, j)`` of the network is the
input pixel ``(j * s_h, i * s_h)``: the convention of mmpose's codecs, which
draw the Gaussian of a keypoint at ``x`` around heatmap pixel
``round(x / s_h)``. With ``scale != 1`` the input pixel ``u`` maps back to
the image pixel ``(u + 0.5) / scale - 0.5`` (pixel centres at integers, the
mapping of bilinear/area resizing). As the heatmaps are cropped to
``ceil(size / s_h)`` cells, a keypoint within ``s_h / 2`` input pixels of the
right or bottom border, whose nearest cell lies past the image, peaks in the
last cell (an error of up to one stride).

**Target heatmaps.** :attr:`heatmap_sigma` is the standard deviation, in
heatmap pixels, of the Gaussians the model was trained to output (the
``sigma`` of the config's codec); a target heatmap for keypoint ``(x, y)``
is ``exp(-((u - x / heatmap_stride)^2 + (v - y / heatmap_stride)^2) /
(2 heatmap_sigma^2))`` with peak 1, as mmpose's ``generate_gaussian_heatmaps``.

**Layouts.** :attr:`keypoint_layout` names the order of the ``K`` channels
('coco17' for COCO-trained models). :meth:`to_openpose18` and
:meth:`from_openpose18` convert to and from the OpenPose-18 layout of the
datasets (:mod:`mmrepose.structures.keypoint_layout`).
"""
from __future__ import annotations

import math
import os.path as osp
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.logging import print_log
from mmengine.registry import DefaultScope
from torch import nn

from mmrepose.engine.checkpoint_loading import (CheckpointReadError,
                                                checkpoint_state_dict,
                                                mismatch_summary,
                                                read_checkpoint,
                                                shape_mismatches)
from mmrepose.registry import MODELS
from mmrepose.structures.keypoint_layout import (LAYOUTS_BY_COUNT,
                                                 from_openpose18,
                                                 to_openpose18)
from ..guidance.target_heatmaps import DEFAULT_HEATMAP_SIGMA
from .bottom_up_detection import detect_people, is_bottom_up
from .mmpose_config import codec_sigma, import_mmpose, read_mmpose_config


class PoseEstimatorCheckpointError(RuntimeError):
    """A pose-estimator checkpoint that cannot be (safely) read or does not
    fit its config; the message is one line and says why."""


@MODELS.register_module()
class MMPoseEstimator(nn.Module):
    """Frozen mmpose bottom-up or top-down estimator (see the module doc).

    Args:
        config: An mmpose config file (its ``model`` and top-level ``codec``
            are used), a whole config (dict or ``Config``), or the model
            config dict alone.
        checkpoint: Local checkpoint path (an mmengine/mmpose checkpoint or
            a plain state dict); None keeps random weights (tests only; a
            warning says so).
        scale: Resize factor applied to the images before the network, e.g.
            0.5 to run a model trained on 128x88 images on 256x176 ones, or
            2 for 64x44 images. Outputs are in the caller's image pixels.
        size_divisor: Pad the (rescaled) images to a multiple of this.
        keypoint_layout: Order of the keypoints, 'coco17' or 'openpose18';
            None infers it from the number of keypoints (17: 'coco17',
            18: 'openpose18'). Other counts are allowed with an explicit
            name, but cannot be converted to OpenPose-18.
        heatmap_sigma: Override the Gaussian sigma (heatmap pixels) read
            from the config's codec.

    Attributes:
        model: The mmpose ``BottomupPoseEstimator`` or
            ``TopdownPoseEstimator``.
        num_keypoints (int): ``K``.
        keypoint_layout (str): See Args.
        heatmap_sigma (float): Target-heatmap sigma in heatmap pixels.
        heatmap_stride (float): Image pixels per heatmap pixel.
        feature_stride (float): Image pixels per feature pixel.
        feature_channels (int): ``C`` of :meth:`features`.
        scale (float), size_divisor (int), expects_rgb (bool).
    """

    def __init__(self, config: dict | str, checkpoint: str | None,
                 scale: float = 1.0, size_divisor: int = 32,
                 keypoint_layout: str | None = None,
                 heatmap_sigma: float | None = None):
        super().__init__()
        if scale <= 0:
            raise ValueError(f'scale must be > 0, got {scale}')
        source = config if isinstance(config, str) else 'the given config'
        model_cfg, codec = read_mmpose_config(config)
        if checkpoint is not None and not osp.isfile(checkpoint):
            raise FileNotFoundError(
                f'pose estimator checkpoint not found: {checkpoint}. Put the '
                'mmpose checkpoint of this config there (nothing is '
                'downloaded); SynthFashion estimators are trained with '
                'tools/train_pose_estimator.py (docs/pose_estimator.md)')
        self.model = self._build(model_cfg)
        if checkpoint is None:
            print_log('MMPoseEstimator: no checkpoint, random weights (for '
                      'tests only; poses are meaningless)', logger='current',
                      level=30)
        else:
            self._load_weights(checkpoint, source)
        self.model.requires_grad_(False)
        self.train(False)

        pre = model_cfg.get('data_preprocessor') or {}
        self.expects_rgb = bool(pre.get('bgr_to_rgb') or
                                pre.get('rgb_to_bgr'))
        mean, std = pre.get('mean'), pre.get('std')
        self.register_buffer('mean', None if mean is None else
                             torch.tensor(mean).view(1, -1, 1, 1), False)
        self.register_buffer('std', None if std is None else
                             torch.tensor(std).view(1, -1, 1, 1), False)
        self.scale = float(scale)
        self.size_divisor = int(size_divisor)

        sigma = heatmap_sigma if heatmap_sigma is not None else \
            codec_sigma(codec)
        if sigma is None:
            print_log(f'MMPoseEstimator: no codec sigma in {source}; target '
                      f'heatmaps use sigma={DEFAULT_HEATMAP_SIGMA}',
                      logger='current')
            sigma = DEFAULT_HEATMAP_SIGMA
        self.heatmap_sigma = float(sigma)
        self._measure_strides()
        if keypoint_layout is None:
            keypoint_layout = LAYOUTS_BY_COUNT.get(self.num_keypoints)
            if keypoint_layout is None:
                raise ValueError(
                    f'cannot infer the keypoint layout of a model with '
                    f'{self.num_keypoints} keypoints; pass keypoint_layout')
        elif keypoint_layout in LAYOUTS_BY_COUNT.values() and \
                LAYOUTS_BY_COUNT.get(self.num_keypoints) != keypoint_layout:
            raise ValueError(f'keypoint_layout={keypoint_layout!r} does not '
                             f'fit a model with {self.num_keypoints} '
                             'keypoints')
        self.keypoint_layout = keypoint_layout

    # --------------------------------------------------------------- building
    @staticmethod
    def _build(config: dict) -> nn.Module:
        mmpose_models, register_mmpose = import_mmpose()
        register_mmpose(init_default_scope=False)
        with DefaultScope.overwrite_default_scope('mmpose'):
            return mmpose_models.build(config)

    def _load_weights(self, checkpoint: str, source: str) -> None:
        try:
            state = checkpoint_state_dict(read_checkpoint(checkpoint),
                                          checkpoint)
        except CheckpointReadError as err:
            raise PoseEstimatorCheckpointError(str(err)) from None
        own = self.model.state_dict()
        # mmpose's pre-hook renames pre-1.0 head keys: compare after it
        shapes = shape_mismatches(own, state)
        if not shapes:
            result = self.model.load_state_dict(state, strict=False)
            missing, unexpected = result.missing_keys, result.unexpected_keys
        else:
            missing = unexpected = []
        mismatch = mismatch_summary(missing, unexpected, shapes)
        if mismatch is not None:
            raise PoseEstimatorCheckpointError(
                f'checkpoint {checkpoint} does not match the model of '
                f'{source}: {mismatch}')

    @torch.no_grad()
    def _measure_strides(self) -> None:
        """Heatmap/feature strides and sizes from one small forward pass."""
        size = 2 * self.size_divisor
        x = torch.zeros(1, 3, size, size, device=self._device())
        feats = self.model.extract_feat(x)
        heatmaps = self._head_heatmaps(self.model.head.forward(feats))
        feat = feats[-1]
        self.num_keypoints = heatmaps.shape[1]
        self.feature_channels = feat.shape[1]
        self._net_heatmap_stride = size / heatmaps.shape[-1]
        self._net_feature_stride = size / feat.shape[-1]

    @property
    def heatmap_stride(self) -> float:
        """Image pixels per heatmap pixel (network stride / ``scale``)."""
        return self._net_heatmap_stride / self.scale

    @property
    def heatmap_offset(self) -> float:
        """Image pixels added before dividing by :attr:`heatmap_stride` to
        find a point's heatmap cell: ``0.5 - 0.5 / scale`` (the input is
        resized by ``scale``; see :meth:`keypoints`)."""
        return 0.5 - 0.5 / self.scale

    @property
    def feature_stride(self) -> float:
        """Image pixels per feature pixel (network stride / ``scale``)."""
        return self._net_feature_stride / self.scale

    def train(self, mode: bool = True) -> MMPoseEstimator:
        """Stay in eval mode whatever the parent module does."""
        return super().train(False)

    def _device(self) -> torch.device:
        return next(self.model.parameters()).device

    # ---------------------------------------------------------------- forward
    @staticmethod
    def _head_heatmaps(out: Any) -> torch.Tensor:
        """The heatmaps of a head's output (AE heads return (heatmaps,
        tags))."""
        return out[0] if isinstance(out, (tuple, list)) else out

    def _prepare(self, images: torch.Tensor) -> tuple[torch.Tensor, int, int]:
        """Network input and the (rescaled, unpadded) image size."""
        if images.ndim != 4 or images.shape[1] != 3:
            raise ValueError(f'expected (B, 3, H, W) RGB images, got '
                             f'{tuple(images.shape)}')
        x = (images.to(self._device()) + 1) * 127.5
        if not self.expects_rgb:
            x = x.flip(1)
        if self.scale != 1:
            x = F.interpolate(x, scale_factor=self.scale, mode='bilinear',
                              align_corners=False,
                              antialias=self.scale < 1)
        h_in, w_in = x.shape[-2:]
        d = self.size_divisor
        # black padding, as mmpose's BottomupResize and the borders of its
        # training augmentation (pad_val 0 before normalisation)
        x = F.pad(x, (0, -w_in % d, 0, -h_in % d))
        if self.mean is not None:
            x = (x - self.mean) / self.std
        return x, h_in, w_in

    def _crop(self, maps: torch.Tensor, stride: float, h_in: int,
              w_in: int) -> torch.Tensor:
        return maps[..., :math.ceil(h_in / stride), :math.ceil(w_in / stride)]

    def heatmaps_and_features(self, images: torch.Tensor
                              ) -> tuple[torch.Tensor, torch.Tensor]:
        """:meth:`heatmaps` and :meth:`features` from one forward pass."""
        x, h_in, w_in = self._prepare(images)
        feats = self.model.extract_feat(x)
        heatmaps = self._head_heatmaps(self.model.head.forward(feats))
        return (self._crop(heatmaps, self._net_heatmap_stride, h_in, w_in),
                self._crop(feats[-1], self._net_feature_stride, h_in, w_in))

    def heatmaps(self, images: torch.Tensor) -> torch.Tensor:
        """``(B, K, h, w)`` heatmaps of ``(B, 3, H, W)`` RGB images in
        [-1, 1] (``h = ceil(H / heatmap_stride)``); differentiable with
        respect to the images."""
        x, h_in, w_in = self._prepare(images)
        heatmaps = self._head_heatmaps(self.model(x, None, mode='tensor'))
        return self._crop(heatmaps, self._net_heatmap_stride, h_in, w_in)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """``(B, C, hf, wf)`` backbone features (the map the keypoint head
        reads; ``hf = ceil(H / feature_stride)``) of RGB images in [-1, 1];
        differentiable with respect to the images."""
        x, h_in, w_in = self._prepare(images)
        return self._crop(self.model.extract_feat(x)[-1],
                          self._net_feature_stride, h_in, w_in)

    @torch.no_grad()
    def keypoints(self, images: torch.Tensor, return_scores: bool = False
                  ) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """``(B, K, 2)`` ``(x, y)`` keypoints in image pixels, in
        :attr:`keypoint_layout`: the argmax of each heatmap channel mapped
        to the image (module doc, "Keypoint coordinates"). With
        ``return_scores`` also the ``(B, K)`` heatmap maxima."""
        heatmaps = self.heatmaps(images)
        width = heatmaps.shape[-1]
        scores, index = heatmaps.flatten(2).max(-1)
        net = torch.stack([(index % width).float(),
                           torch.div(index, width,
                                     rounding_mode='floor').float()], dim=-1)
        kps = net * self._net_heatmap_stride
        if self.scale != 1:
            kps = (kps + 0.5) / self.scale - 0.5
        return (kps, scores) if return_scores else kps

    @property
    def bottom_up(self) -> bool:
        """Whether :meth:`detect` can find several people."""
        return is_bottom_up(self)

    def detect(self, images: torch.Tensor
               ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Several people per image (bottom-up models only): per image
        ``(keypoints (N, K, 3) x, y, score, scores (N,))`` in image pixels
        (:mod:`.bottom_up_detection`)."""
        return detect_people(self, images)

    # ---------------------------------------------------------------- layouts
    def to_openpose18(self, keypoints: np.ndarray | torch.Tensor
                      ) -> np.ndarray | torch.Tensor:
        """``(..., K, 2)`` keypoints of this model's layout as OpenPose-18
        ``(..., 18, 2)`` (same array type; COCO-17 gains the neck as the
        shoulders' midpoint; -1 marks missing keypoints)."""
        return to_openpose18(keypoints, self.keypoint_layout)

    def from_openpose18(self, keypoints: np.ndarray | torch.Tensor
                        ) -> np.ndarray | torch.Tensor:
        """OpenPose-18 ``(..., 18, 2)`` keypoints (e.g. a target pose) in
        this model's layout ``(..., K, 2)`` (COCO-17 drops the neck)."""
        return from_openpose18(keypoints, self.keypoint_layout)

    def keypoints_openpose18(self, images: torch.Tensor) -> torch.Tensor:
        """:meth:`keypoints` converted to OpenPose-18, ``(B, 18, 2)``."""
        return self.to_openpose18(self.keypoints(images))

