"""Base class of mmrepose's image metrics: protocol label and sample access.

Every metric is an mmengine :class:`~mmengine.evaluator.BaseMetric`:
``process`` stores per-sample results (values or features), mmengine
gathers them from all ranks, and ``compute_metrics`` reduces them on the
main rank, so distributed evaluation needs nothing more.

Reports name the protocol: the metric keys carry it as their prefix
(``pidm/fid``), ``'custom'`` when no named protocol set the options, and
the computed values are logged with it. A score from random weights is
labelled :data:`NOT_COMPARABLE` in its key.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from ..functional.images import to_uint8_image
from ..functional.person_mask import keypoint_person_mask

CUSTOM_PROTOCOL = 'custom'
NOT_COMPARABLE = ' [random weights - not comparable]'


class PoseTransferMetric(BaseMetric):
    """Common part of the metrics (see module doc).

    Args:
        protocol: Name of the protocol whose options the metric follows
            (``pidm``, ``gfla``, ``cfld``, see
            :mod:`mmrepose.evaluation.protocols`); default ``'custom'``.
        collect_device: mmengine's device for gathering results.
        prefix: Key prefix; default: the protocol name.
        collect_dir: mmengine's directory for gathering on the CPU.
    """

    def __init__(self, protocol: str | None = None,
                 collect_device: str = 'cpu', prefix: str | None = None,
                 collect_dir: str | None = None):
        self.protocol = protocol or CUSTOM_PROTOCOL
        super().__init__(collect_device=collect_device,
                         prefix=prefix or self.protocol,
                         collect_dir=collect_dir)

    @staticmethod
    def image(sample: Any, key: str) -> np.ndarray:
        """A sample's image field as ``(H, W, 3)`` uint8 (see
        :mod:`mmrepose.evaluation.functional.images`)."""
        value = sample.get(key)
        if value is None:
            raise KeyError(f'data sample has no {key!r} (needed by the '
                           'metrics; pred_img is set by predict)')
        return to_uint8_image(value)

    def pair(self, sample: Any, masked: bool = False
             ) -> tuple[np.ndarray, np.ndarray]:
        """``(gt, pred)`` uint8 images of a sample, of one size; with
        ``masked``, both multiplied by the target's keypoint person mask."""
        gt, pred = self.image(sample, 'gt_img'), self.image(sample, 'pred_img')
        if gt.shape != pred.shape:
            raise ValueError(
                f'{sample.get("pair_name", "a sample")}: generated image '
                f'{pred.shape[:2]} and ground truth {gt.shape[:2]} differ in '
                'size; resize the generated images to the benchmark size '
                '(mmrepose.evaluation.functional.images.resize_image)')
        if masked:
            mask = keypoint_person_mask(self.keypoints(sample),
                                        gt.shape[:2])[..., None]
            gt, pred = gt * mask, pred * mask
        return gt, pred

    @staticmethod
    def keypoints(sample: Any, key: str = 'target_keypoints') -> np.ndarray:
        """A sample's ``(18, 2)`` OpenPose keypoints as float numpy."""
        value = sample.get(key)
        if value is None:
            raise KeyError(f'data sample has no {key!r} (needed by the '
                           'keypoint-based metrics)')
        if isinstance(value, torch.Tensor):
            value = value.detach().cpu().numpy()
        return np.asarray(value, np.float64)

    def per_image(self, results: list) -> dict[str, list[float | None]]:
        """``{key: one value per image}`` of processed ``results`` (None:
        nothing to measure in that image), keyed as :meth:`compute_metrics`
        (without the prefix); for paired comparisons of two models."""
        raise NotImplementedError(f'{type(self).__name__} has no per-image '
                                  'values')

    def report(self, metrics: dict[str, float], details: str = '') -> None:
        """Log the computed values with the protocol they follow."""
        values = ', '.join(f'{k}={v:.4f}' for k, v in metrics.items())
        print_log(f'[protocol {self.protocol}] {type(self).__name__}: '
                  f'{values}' + (f' ({details})' if details else ''),
                  logger='current')


class PerImageMetric(PoseTransferMetric):
    """A metric that is the mean of one value per image.

    Subclasses set ``self.name`` (the key) and implement :meth:`score`;
    an image whose score is None (nothing to measure) is left out and
    counted in the log.
    """
    name: str

    def score(self, sample: Any) -> float | None:
        raise NotImplementedError

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        self.results.extend(self.score(sample) for sample in data_samples)

    def per_image(self, results: list) -> dict[str, list[float | None]]:
        return {self.name: list(results)}

    def compute_metrics(self, results: list) -> dict[str, float]:
        values = [v for v in results if v is not None]
        metrics = {self.name: float(np.mean(values)) if values
                   else float('nan')}
        left_out = len(results) - len(values)
        self.report(metrics, f'{len(values)} images' +
                    (f', {left_out} left out' if left_out else ''))
        return metrics
