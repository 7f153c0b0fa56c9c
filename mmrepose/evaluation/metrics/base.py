"""Base class of mmrepose's image metrics: protocol label, sample access and
the images at the evaluation size.

Every metric is an mmengine :class:`~mmengine.evaluator.BaseMetric`:
``process`` stores per-sample results (values or features), mmengine
gathers them from all ranks, and ``compute_metrics`` reduces them on the
main rank, so distributed evaluation needs nothing more.

Reports name the protocol: the metric keys carry it as their prefix
(``pidm/fid``), ``'custom'`` when no named protocol set the options, and
the computed values are logged with it. A score from random weights is
labelled :data:`NOT_COMPARABLE` in its key.

:meth:`PoseTransferMetric.pair` gives a sample's ground truth and generated
image as unit images (:mod:`..functional.images`) at the evaluation size:
``size`` if set, else the ground truth's; images of another size are resized
the protocol's way (``pred_resize`` / ``real_resize``, unset: the named
preset's, :func:`..protocols.preset_value`). A sample may carry
``pred_path``, the generated image's file, which the drop rules of the
reference presets order by (:mod:`..functional.listing`).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from mmrepose.datasets.transforms.geometric import transform_keypoints
from ..functional.images import SizeMismatchError, to_uint8_image, unit_image
from ..functional.person_mask import keypoint_person_mask
from ..protocols import preset_value

CUSTOM_PROTOCOL = 'custom'
NOT_COMPARABLE = ' [random weights - not comparable]'


def build_pose_estimator(estimator: Any) -> Any:
    """A pose estimator object, or built from its config (e.g.
    ``dict(type='MMPoseEstimator', config=..., checkpoint=...)``)."""
    if not isinstance(estimator, dict):
        return estimator
    # registers MMPoseEstimator (imported here: it pulls in mmpose)
    import mmrepose.models.pose_estimators  # noqa: F401
    from mmrepose.registry import MODELS
    return MODELS.build(estimator)


class PoseTransferMetric(BaseMetric):
    """Common part of the metrics (see module doc).

    Args:
        protocol: Name of the protocol whose options the metric follows
            (a preset of :data:`..protocols.PROTOCOLS`, or any label);
            default ``'custom'``.
        size: Evaluation size ``(H, W)``; None: the ground truth's.
        pred_resize: How generated images of another size are resized
            (:data:`..functional.images.RESIZE_METHODS`); None: the
            preset's.
        real_resize: The same for ground-truth (and real-set) images.
        collect_device: mmengine's device for gathering results.
        prefix: Key prefix; default: the protocol name.
        collect_dir: mmengine's directory for gathering on the CPU.
    """

    def __init__(self, protocol: str | None = None,
                 size: Sequence[int] | None = None,
                 pred_resize: str | None = None,
                 real_resize: str | None = None,
                 collect_device: str = 'cpu', prefix: str | None = None,
                 collect_dir: str | None = None):
        self.protocol = protocol or CUSTOM_PROTOCOL
        super().__init__(collect_device=collect_device,
                         prefix=prefix or self.protocol,
                         collect_dir=collect_dir)
        self.size = None if size is None else (int(size[0]), int(size[1]))
        self.pred_resize = preset_value(protocol, 'pred_resize', pred_resize)
        self.real_resize = preset_value(protocol, 'real_resize', real_resize)

    def option(self, name: str, value: Any = None) -> Any:
        """``value`` if given, else this metric's preset's ``name``."""
        return preset_value(self.protocol, name, value)

    @staticmethod
    def image(sample: Any, key: str) -> np.ndarray:
        """A sample's image field as ``(H, W, 3)`` uint8 (see
        :mod:`mmrepose.evaluation.functional.images`)."""
        value = sample.get(key)
        if value is None:
            raise KeyError(f'data sample has no {key!r} (needed by the '
                           'metrics; pred_img is set by predict)')
        return to_uint8_image(value)

    @staticmethod
    def name_of(sample: Any) -> str:
        return str(sample.get('pair_name') or sample.get('pred_path')
                   or 'a sample')

    def raw_pair(self, sample: Any) -> tuple[np.ndarray, np.ndarray]:
        """``(gt, pred)`` uint8 images as stored, which must be of one
        size."""
        gt, pred = self.image(sample, 'gt_img'), self.image(sample, 'pred_img')
        if gt.shape != pred.shape:
            raise SizeMismatchError(
                f'{self.name_of(sample)}: generated image {pred.shape[:2]} '
                f'and ground truth {gt.shape[:2]} differ in size and this '
                f'metric ({self.protocol}) scores them as stored')
        return gt, pred

    def pair(self, sample: Any, masked: bool = False,
             stored_size: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """``(gt, pred)`` unit images at the evaluation size (module doc),
        or as stored with ``stored_size``; with ``masked``, both multiplied
        by the target's keypoint person mask."""
        if stored_size:
            gt, pred = (unit_image(img) for img in self.raw_pair(sample))
            stored = gt.shape[:2]
        else:
            gt8, pred8 = (self.image(sample, 'gt_img'),
                          self.image(sample, 'pred_img'))
            stored = gt8.shape[:2]
            size = self.size or stored
            name = self.name_of(sample)
            gt = unit_image(gt8, size, self.real_resize,
                            f'{name}: the ground truth')
            pred = unit_image(pred8, size, self.pred_resize,
                              f'{name}: the generated image')
        if masked:
            mask = self.person_mask(sample, stored, gt.shape[:2])[..., None]
            gt, pred = gt * mask, pred * mask
        return gt, pred

    def person_mask(self, sample: Any, frame: tuple[int, int],
                    shape: tuple[int, int]) -> np.ndarray:
        """The target's keypoint person mask at ``shape``, its keypoints
        given in the ``frame`` ``(H, W)`` of the stored ground truth."""
        kps = self.keypoints(sample)
        if tuple(shape) != tuple(frame):
            kps = transform_keypoints(
                kps.astype(np.float32),
                (shape[1] / frame[1], shape[0] / frame[0]), (0, 0), shape)
        return keypoint_person_mask(kps, shape)

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
        label = f'protocol {self.protocol}' if self.prefix == self.protocol \
            else f'{self.prefix}, protocol {self.protocol}'
        print_log(f'[{label}] {type(self).__name__}: '
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
