"""Recurrent Pose Alignment (paper Sec. 3.2, Eqs. 5-9; method.md sec. 3).

RPA estimates a dense backward flow from the target-pose frame into the
source image and refines it over N iterations with a kernel schedule from
global to local (``kernels``, default global -> 9 -> 5 -> 3 -> 3)::

    F_T = stem_T(encode(P_T)) + pos             (encode(P_T) given)
    flow = 0
    for K in kernels:
        z     = encode(warp(I_S, P_S; flow))     no gradient (Eq. 9)
        F_S   = stem_S(z) + pos
        F_S', F_T' = MapFormer_K(F_S, F_T)       Eq. 5
        C     = local_correlation(F_T', F_S', R) Eq. 6
        dF, o = PoseAggregator(C, flow, F_T')    Eqs. 7-8
        flow  = flow.detach() + dF
    tokens = proj([stem_S(encode(warp(I_S, P_S; flow))), F_T', sigmoid(o)])
             (+ proj(unwarped F_S) when include_unwarped_tokens)

``encode`` is the model's own encoding (identity in pixel space, the frozen
VAE in latent space); with ``warp_space='encoding'`` the source is encoded
once and its encoding is warped instead of the image (cheaper in latent
space: one VAE pass instead of N + 1). The flow lives at the working
resolution (the stems' output), in its pixels (:mod:`.flow_warp`).

The diffusion loss trains the stems, MapFormer, aggregator features and
token projections; the flow itself is trained by the auxiliary loss
(:meth:`RecurrentPoseAlignment.loss`, our addition):
``sum_n gamma^(N-1-n) * L1(warp(I_S, flow_n), I_T) + tv_weight * TV(flow_N)``
at working resolution.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmrepose.registry import MODELS
from .flow_warp import warp, warp_with_flow
from .local_correlation import local_correlation
from .map_former import MapFormer, sine_position_encoding
from .pose_aggregator import PoseAggregator

EncodeFn = Callable[[Tensor], Tensor]


@dataclass
class AlignmentOutput:
    """What RPA returns.

    Attributes:
        tokens: ``(B, N_tokens, context_dim)`` cross-attention context.
        flows: Flow after each iteration, ``(B, 2, h, w)`` in working pixels.
        visibility: ``(B, 1, h, w)`` in (0, 1), from the last iteration.
    """

    tokens: Tensor
    flows: list[Tensor]
    visibility: Tensor


def _stem(in_channels: int, dim: int, stride: int) -> nn.Sequential:
    """Convolutions down to the working resolution (``stride`` = 2^k)."""
    levels = int(math.log2(stride))
    if 2**levels != stride:
        raise ValueError(f'stride must be a power of 2, got {stride}')
    layers: list[nn.Module] = []
    ch = in_channels
    for _ in range(levels):
        layers += [nn.Conv2d(ch, dim, 3, 2, 1), nn.GELU()]
        ch = dim
    layers += [nn.Conv2d(ch, dim, 3, 1, 1), nn.GELU(),
               nn.Conv2d(dim, dim, 3, 1, 1)]
    return nn.Sequential(*layers)


@MODELS.register_module()
class RecurrentPoseAlignment(nn.Module):
    """Recurrent Pose Alignment (see module doc).

    Args:
        image_channels: Channels of the encoded source image (3 in pixel
            space, 4 in latent space).
        pose_channels: Channels of an encoded pose input (the pose map in
            pixel space, e.g. 20; 4 in latent space).
        context_dim: Token width (the U-Net's ``cross_attention_dim``).
        dim: Feature width C of the stems, MapFormer and correlation.
        num_heads: MapFormer heads.
        kernels: Window per iteration; ``None`` is global attention.
        radius: Correlation radius R.
        stride: Working resolution = encoding resolution / stride.
        warp_space: ``'image'`` (re-encode the warped image, Eq. 9) or
            ``'encoding'`` (warp the encoding).
        include_unwarped_tokens: Also give the unwarped source features
            as tokens (False: the paper-literal context).
        token_stride: Average-pool the token maps by this factor (fewer
            tokens for large images).
        loss_weight: lambda_rpa of the auxiliary loss.
        gamma: Per-iteration decay of the auxiliary loss.
        tv_weight: Weight of the flow's total variation.
    """

    def __init__(self, image_channels: int, pose_channels: int,
                 context_dim: int, dim: int = 128, num_heads: int = 4,
                 kernels: Sequence[int | None] = (None, 9, 5, 3, 3),
                 radius: int = 4, stride: int = 1,
                 warp_space: str = 'image',
                 include_unwarped_tokens: bool = True, token_stride: int = 1,
                 loss_weight: float = 1.0, gamma: float = 0.8,
                 tv_weight: float = 0.01):
        super().__init__()
        if warp_space not in ('image', 'encoding'):
            raise ValueError(f"warp_space must be 'image' or 'encoding', got "
                             f'{warp_space!r}')
        if not kernels:
            raise ValueError('kernels needs at least one iteration')
        self.kernels = tuple(kernels)
        self.radius = radius
        self.dim = dim
        self.warp_space = warp_space
        self.include_unwarped_tokens = include_unwarped_tokens
        self.token_stride = token_stride
        self.loss_weight, self.gamma, self.tv_weight = \
            loss_weight, gamma, tv_weight
        self.stem_source = _stem(image_channels + pose_channels, dim, stride)
        self.stem_target = _stem(pose_channels, dim, stride)
        self.map_former = MapFormer(dim, num_heads)
        self.aggregator = PoseAggregator((2 * radius + 1)**2, dim, dim)
        self.token_proj = nn.Linear(2 * dim + 1, context_dim)
        if include_unwarped_tokens:
            self.unwarped_proj = nn.Linear(dim, context_dim)
            self.token_type = nn.Parameter(torch.zeros(2, context_dim))
        self.token_norm = nn.LayerNorm(context_dim)

    @property
    def num_iterations(self) -> int:
        return len(self.kernels)

    def forward(self, source_img: Tensor, source_pose: Tensor,
                target_code: Tensor, encode_image: EncodeFn,
                encode_pose: EncodeFn) -> AlignmentOutput:
        """Align ``source_img`` (B, 3, H, W) in [-1, 1] with its pose input
        ``source_pose`` (as the pipeline renders it) to the target pose,
        given already encoded (``target_code``, the U-Net's pose input);
        ``encode_*`` map images and pose inputs to the model's space."""
        if self.warp_space == 'encoding':
            with torch.no_grad():
                source_code = torch.cat([encode_image(source_img),
                                         encode_pose(source_pose)], 1)
        feats_t = self.stem_target(target_code)
        b, _, h, w = feats_t.shape
        pos = sine_position_encoding(h, w, self.dim, feats_t.device).to(
            feats_t.dtype)
        feats_t = feats_t + pos

        def source_feats(flow: Tensor) -> Tensor:
            with torch.no_grad():
                if self.warp_space == 'encoding':
                    z = warp_with_flow(source_code, flow)
                else:
                    z = torch.cat([
                        encode_image(warp_with_flow(source_img, flow)),
                        encode_pose(warp_with_flow(source_pose, flow))], 1)
            feats = self.stem_source(z)
            if feats.shape[-2:] != (h, w):
                raise ValueError(f'source and target stems disagree: '
                                 f'{tuple(feats.shape[-2:])} vs {(h, w)}')
            return feats + pos

        flow = feats_t.new_zeros(b, 2, h, w)
        flows = []
        unwarped = None
        for window in self.kernels:
            feats_s = source_feats(flow)
            if unwarped is None:
                unwarped = feats_s
            feats_s, feats_t_attn = self.map_former(feats_s, feats_t, window)
            corr = local_correlation(feats_t_attn, feats_s, self.radius)
            d_flow, occlusion = self.aggregator(corr, flow.detach(),
                                                feats_t_attn)
            flow = flow.detach() + d_flow
            flows.append(flow)
        visibility = torch.sigmoid(occlusion)
        aligned = torch.cat([source_feats(flow), feats_t_attn, visibility], 1)
        tokens = [self.token_proj(self._flatten(aligned))]
        if self.include_unwarped_tokens:
            tokens[0] = tokens[0] + self.token_type[0]
            tokens.append(self.unwarped_proj(self._flatten(unwarped)) +
                          self.token_type[1])
        return AlignmentOutput(self.token_norm(torch.cat(tokens, 1)), flows,
                               visibility)

    def _flatten(self, maps: Tensor) -> Tensor:
        if self.token_stride > 1:
            maps = F.avg_pool2d(maps, self.token_stride, ceil_mode=True)
        return maps.flatten(2).transpose(1, 2)

    def loss(self, output: AlignmentOutput, source_img: Tensor,
             target_img: Tensor) -> dict[str, Tensor]:
        """Auxiliary loss: decayed L1 of each iteration's warped source to
        the target at working resolution, plus the final flow's TV."""
        size = output.flows[-1].shape[-2:]
        source = F.interpolate(source_img, size=size, mode='area')
        target = F.interpolate(target_img, size=size, mode='area')
        n = len(output.flows)
        l1 = sum(self.gamma**(n - 1 - i) *
                 (warp(source, flow) - target).abs().mean()
                 for i, flow in enumerate(output.flows))
        flow = output.flows[-1]
        tv = (flow[..., 1:, :] - flow[..., :-1, :]).abs().mean() + \
            (flow[..., :, 1:] - flow[..., :, :-1]).abs().mean()
        return dict(loss_rpa=self.loss_weight * l1,
                    loss_rpa_tv=self.loss_weight * self.tv_weight * tv)
