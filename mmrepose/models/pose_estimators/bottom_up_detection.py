"""Several people per image from a bottom-up (associative-embedding)
:class:`MMPoseEstimator`: the network's heatmaps and tags grouped into
people by mmpose's own codec (``AssociativeEmbedding.batch_decode``: heatmap
NMS, top-k candidates, grouping by tag, refinement), then mapped to the
caller's image pixels with the estimator's measured stride and ``scale``
(the convention of :meth:`MMPoseEstimator.keypoints`). HumanSD's pose AP /
CAP / PCE score generated images of several people so.
"""
from __future__ import annotations

import numpy as np
import torch


def is_bottom_up(estimator) -> bool:
    """Whether an :class:`MMPoseEstimator` groups people by associative
    embedding (a codec decoding heatmaps and tags)."""
    decoder = getattr(getattr(estimator.model, 'head', None), 'decoder', None)
    return hasattr(decoder, 'batch_decode') and \
        'batch_tags' in decoder.batch_decode.__code__.co_varnames


def detect_people(estimator, images: torch.Tensor
                  ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per image ``(keypoints (N, K, 3) x, y, score, instance scores
    (N,))`` of RGB images ``(B, 3, H, W)`` in [-1, 1]."""
    decoder = getattr(estimator.model.head, 'decoder', None)
    if not is_bottom_up(estimator):
        raise TypeError('detecting several people needs a bottom-up '
                        'associative-embedding estimator (heatmaps and tags); '
                        f'this one\'s codec is {type(decoder).__name__}')
    x, h_in, w_in = estimator._prepare(images)
    with torch.no_grad():
        heatmaps, tags = estimator.model.head.forward(
            estimator.model.extract_feat(x))
    # the image area only (not the padding to size_divisor)
    stride = estimator._net_heatmap_stride
    heatmaps, tags = (estimator._crop(m, stride, h_in, w_in).contiguous()
                      for m in (heatmaps, tags))
    keypoints, scores, instance_scores = decoder.batch_decode(heatmaps, tags)
    to_cells = np.asarray(decoder.scale_factor, np.float64)
    found = []
    for kps, kp_scores, people_scores in zip(keypoints, scores,
                                             instance_scores):
        kps = np.asarray(kps, np.float64)[..., :2] / to_cells
        kps = kps * stride
        if estimator.scale != 1:
            kps = (kps + 0.5) / estimator.scale - 0.5
        kp_scores = np.asarray(kp_scores, np.float64)
        people = np.concatenate([kps, kp_scores[..., None]], -1)
        found.append((people.reshape(-1, estimator.num_keypoints, 3),
                      np.asarray(people_scores, np.float64).reshape(-1)))
    return found
