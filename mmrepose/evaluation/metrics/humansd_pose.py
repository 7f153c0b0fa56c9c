"""Pose AP, AP(m), CAP and PCE of generated images, HumanSD's text-to-image
pose scores (paper Table 3; :mod:`..functional.pose_ap` for the
definitions and what was followed).

A pose estimator runs on each generated image; its detections (COCO-17
keypoints with scores) are matched against the target's people. The
target's keypoints are OpenPose-18 ``target_keypoints`` ``(18, 2)`` (one
person) or ``(P, 18, 2)`` (several), converted to COCO-17, visible where
given. An estimator whose ``bottom_up`` is true (an associative-embedding
:class:`MMPoseEstimator`) finds several people with ``detect(images)``
(``[(keypoints (N, 17, 3), scores (N,)), ...]``); any other estimator with
``keypoints(images, return_scores=True)`` gives one person per image, kept
when its mean keypoint score reaches ``detection_threshold`` (then PCE
counts images where no one was found).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from mmrepose.registry import METRICS
from mmrepose.structures.keypoint_layout import (keypoint_visible,
                                                 openpose18_to_coco17)
from ..functional.images import images_to_tensor, same_shape_runs
from ..functional.pose_ap import pose_ap
from .base import PoseTransferMetric, build_pose_estimator


def coco17_people(keypoints: np.ndarray) -> np.ndarray:
    """OpenPose-18 ``(18, 2)`` or ``(P, 18, 2)`` -> COCO-17 ``(P, 17, 3)``
    with visibility 2 on the given keypoints."""
    kps = np.asarray(keypoints, np.float64)
    kps = kps[None] if kps.ndim == 2 else kps
    coco = openpose18_to_coco17(kps)
    visible = keypoint_visible(coco)
    coco = np.where(visible[..., None], coco, -1.0)
    return np.concatenate([coco, 2.0 * visible[..., None]], -1)


@METRICS.register_module()
class HumanSDPoseMetric(PoseTransferMetric):
    """HumanSD's pose AP / AP(m) / CAP / PCE (module doc).

    Args:
        estimator: Pose estimator object or config (see module doc), e.g.
            ``dict(type='MMPoseEstimator', config=..., checkpoint=...)``.
        detection_threshold: Mean keypoint score under which a
            single-person estimator's detection does not count.
        humansd_bugs: Reproduce the two departures of HumanSD's code from
            its definitions (:mod:`..functional.pose_ap`) for numbers
            comparable with its published ones.
        image_key: ``'pred_img'`` (generated) or ``'gt_img'`` (the real
            images: the estimator's own ceiling).
        **kwargs: :class:`PoseTransferMetric` arguments.
    """

    def __init__(self, estimator: Any, detection_threshold: float = 0.1,
                 humansd_bugs: bool = False, image_key: str = 'pred_img',
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.estimator = build_pose_estimator(estimator)
        self.detection_threshold = detection_threshold
        self.humansd_bugs = humansd_bugs
        self.image_key = image_key

    def _detect(self, images: torch.Tensor
                ) -> list[tuple[np.ndarray, np.ndarray]]:
        if getattr(self.estimator, 'bottom_up', False):
            return [(np.asarray(k, np.float64), np.asarray(s, np.float64))
                    for k, s in self.estimator.detect(images)]
        kps, scores = self.estimator.keypoints(images, return_scores=True)
        kps, scores = (torch.as_tensor(kps).cpu().numpy(),
                       torch.as_tensor(scores).cpu().numpy())
        if kps.shape[1:] != (17, 2):
            raise ValueError(f'the pose estimator must return COCO-17 '
                             f'keypoints (B, 17, 2), got {kps.shape}')
        found = []
        for k, s in zip(kps, scores):
            person = np.concatenate([k, s[:, None]], -1)[None]
            score = float(s.mean())
            keep = score >= self.detection_threshold
            found.append((person[:int(keep)], np.array([score])[:int(keep)]))
        return found

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        images = [self.image(s, self.image_key) for s in data_samples]
        detected = []
        for run in same_shape_runs(images):
            detected.extend(self._detect(images_to_tensor(run, 'signed')))
        for sample, found in zip(data_samples, detected):
            self.results.append(dict(
                people=coco17_people(self.keypoints(sample)),
                detected=found))

    def compute_metrics(self, results: list) -> dict[str, float]:
        scores = pose_ap([r['people'] for r in results],
                         [r['detected'] for r in results], self.humansd_bugs)
        metrics = {'pose_ap': scores['AP'], 'pose_ap_m': scores['AP(m)'],
                   'cap': scores['CAP'], 'pce': scores['PCE']}
        self.report(metrics, f'{len(results)} images'
                    + (', HumanSD bugs reproduced' if self.humansd_bugs
                       else ''))
        return metrics
