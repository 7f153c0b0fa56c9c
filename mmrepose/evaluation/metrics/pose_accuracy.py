"""Pose accuracy of generated images: does the person stand in the target
pose? (evaluation.md, "Pose accuracy"; as HumanSD for Human-Art).

A pose estimator runs on each generated image; its COCO-17 keypoints are
compared with the target's keypoints (OpenPose-18 converted with
:func:`~mmrepose.structures.openpose18_to_coco17`, the neck dropped), over
the target's visible keypoints:

- ``pck@0.1``: fraction within 0.1 x the person's bounding-box size, the
  larger side of the box around the target's visible keypoints (mmpose's
  ``PCKAccuracy`` with ``norm_item='bbox'``); images with fewer than two
  visible target keypoints have no box and are left out;
- ``pckh@0.5``: fraction within 0.5 x the head size, reported only when the
  samples carry ``head_size`` (pixels) in their metainfo - the OpenPose-18
  annotations of DeepFashion and Market-1501 have no head box;
- ``mean_error_px``: mean distance in pixels.

All three are averaged over keypoints (every visible keypoint of every
image counts once); :meth:`PoseAccuracy.per_image` gives each image's own
fractions and mean distance. ``image_key='gt_img'`` scores the real target
images instead: the estimator's own accuracy, the ceiling for generated
ones. The estimator is any object with ``keypoints(images)``
taking ``(B, 3, H, W)`` RGB in [-1, 1] and returning ``(B, 17, 2)``, or a
config of :class:`~mmrepose.models.pose_estimators.MMPoseEstimator`.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from mmrepose.registry import METRICS
from mmrepose.structures.keypoint_layout import (NUM_COCO17,
                                                 keypoint_visible,
                                                 openpose18_to_coco17)
from ..functional.images import images_to_tensor, same_shape_runs
from .base import PoseTransferMetric, build_pose_estimator


@METRICS.register_module()
class PoseAccuracy(PoseTransferMetric):
    """PCK / PCKh / mean keypoint error of an estimator on ``pred_img``.

    Args:
        estimator: An object with ``keypoints(images)`` (see module doc),
            or its config, e.g. ``dict(type='MMPoseEstimator', config=...,
            checkpoint=...)``.
        pck_thr: PCK threshold as a fraction of the bounding-box size.
        pckh_thr: PCKh threshold as a fraction of the head size.
        image_key: The data-sample image scored: ``'pred_img'`` (generated)
            or ``'gt_img'`` (the real target, the ceiling).
        **kwargs: :class:`PoseTransferMetric` arguments.
    """

    def __init__(self, estimator: Any, pck_thr: float = 0.1,
                 pckh_thr: float = 0.5, image_key: str = 'pred_img',
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.estimator = build_pose_estimator(estimator)
        self.pck_thr = pck_thr
        self.pckh_thr = pckh_thr
        self.image_key = image_key

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        preds = [self.image(s, self.image_key) for s in data_samples]
        found = []
        for run in same_shape_runs(preds):
            kps = self.estimator.keypoints(images_to_tensor(run, 'signed'))
            if isinstance(kps, torch.Tensor):
                kps = kps.detach().cpu().numpy()
            if kps.shape[1:] != (NUM_COCO17, 2):
                raise ValueError(f'the pose estimator must return COCO-17 '
                                 f'keypoints (B, 17, 2), got {kps.shape}')
            found.extend(kps)
        for sample, kps in zip(data_samples, found):
            head = sample.get('head_size')
            self.results.append(dict(
                pred=np.asarray(kps, np.float64),
                target=openpose18_to_coco17(self.keypoints(sample)),
                head_size=None if head is None else float(head)))

    def _image_scores(self, r: dict) -> dict[str, np.ndarray]:
        """Distances and hits of one image's visible target keypoints."""
        visible = keypoint_visible(r['target'])
        target = r['target'][visible]
        dist = np.linalg.norm(r['pred'][visible] - target, axis=-1)
        scores = dict(dist=dist, pck=np.zeros(0, bool), pckh=np.zeros(0, bool))
        if len(target) >= 2:
            bbox = np.max(target.max(0) - target.min(0))
            scores['pck'] = dist <= self.pck_thr * bbox
        if r['head_size'] is not None:
            scores['pckh'] = dist <= self.pckh_thr * r['head_size']
        return scores

    def _keys(self) -> dict[str, str]:
        return dict(pck=f'pck@{self.pck_thr:g}', dist='mean_error_px',
                    pckh=f'pckh@{self.pckh_thr:g}')

    def per_image(self, results: list) -> dict[str, list[float | None]]:
        values: dict[str, list[float | None]] = {
            k: [] for k in self._keys().values()}
        for r in results:
            for name, v in self._image_scores(r).items():
                values[self._keys()[name]].append(
                    float(v.mean()) if len(v) else None)
        return values

    def compute_metrics(self, results: list) -> dict[str, float]:
        pooled = dict(dist=[], pck=[], pckh=[])
        for r in results:
            for name, v in self._image_scores(r).items():
                pooled[name].extend(v)
        keys = self._keys()
        metrics = {keys['pck']: _mean(pooled['pck']),
                   keys['dist']: _mean(pooled['dist'])}
        if pooled['pckh']:
            metrics[keys['pckh']] = _mean(pooled['pckh'])
        self.report(metrics, f'{len(results)} images, {len(pooled["dist"])} '
                    'visible target keypoints')
        return metrics


def _mean(values: list) -> float:
    return float(np.mean(values)) if len(values) else float('nan')
