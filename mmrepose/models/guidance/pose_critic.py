"""What PIF needs of a pose estimator (:class:`PoseCritic`), and the
heatmap sigma it renders the target pose with."""
from __future__ import annotations

from typing import Protocol, runtime_checkable

from torch import Tensor, nn

from .target_heatmaps import DEFAULT_HEATMAP_SIGMA


@runtime_checkable
class PoseCritic(Protocol):
    """What :class:`PoseInteractionField` needs of a pose estimator.

    Required:
        ``heatmaps(images) -> (B, K, h, w)``: keypoint heatmaps of ``(B, 3,
        H, W)`` RGB images in [-1, 1], differentiable w.r.t. the images.

    Optional:
        ``features(images) -> (B, C, h', w')``: backbone features P_phi, for
        ``mode='feature'``.
        ``heatmaps_and_features(images)``: both from one forward pass.
        ``heatmap_stride``: image pixels per heatmap cell (a number or a
        ``(y, x)`` pair); without it, image size / heatmap size of each call
        (inexact when the estimator cropped padded heatmaps to
        ``ceil(H / stride)``).
        ``keypoint_layout``: ``'coco17'`` (default when absent) or
        ``'openpose18'``.
        ``heatmap_sigma``: Gaussian sigma of its training targets, in heatmap
        cells (else read from an mmpose model's ``head.decoder.sigma``, else
        2).
        ``heatmap_offset``: image pixels to add before dividing by the
        stride to find a point's heatmap cell (0 when absent;
        :class:`~mmrepose.models.pose_estimators.MMPoseEstimator` resizing
        its input by ``scale``: ``0.5 - 0.5 / scale``).
    """

    def heatmaps(self, images: Tensor) -> Tensor:
        ...


def estimator_sigma(estimator: nn.Module) -> float:
    sigma = getattr(estimator, 'heatmap_sigma', None)
    if sigma is None:  # an mmpose model: its head's codec
        head = getattr(getattr(estimator, 'model', None), 'head', None)
        sigma = getattr(getattr(head, 'decoder', None), 'sigma', None)
    if isinstance(sigma, (list, tuple)):  # multi-resolution codecs
        sigma = sigma[0]
    return DEFAULT_HEATMAP_SIGMA if sigma is None else float(sigma)
