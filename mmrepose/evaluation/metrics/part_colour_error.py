"""Per-body-part colour error: does each garment and body part of the
generated person have the ground truth's colour? (the SynthFashion
benchmark's appearance metric, which a keypoint mask or SSIM cannot give).

For every labelled part of the *target* (hair, face, neck, top, arms, hands,
bottom, legs, shoes: the generator's part map of the target image, resized
to the image size with nearest-neighbour), the mean RGB colour of the
generated image over the part's pixels is compared with the ground truth's
mean over the same pixels: the error is the Euclidean distance of the two
means in [0, 1] RGB (0 = same colour, sqrt(3) = black vs white). A part
covering fewer than ``min_pixels`` pixels is left out. Per image the errors
of its parts are averaged; ``part_colour_error`` is the mean over images,
and ``part_colour_error/<part>`` the mean over the images showing that part.

SynthFashion writes the part maps as ``{data_root}/parts/{split}/{stem}.png``
(labels in ``parts/labels.json``); by default the map of a target image
``{data_root}/{split}/{stem}.jpg`` is looked up there.
"""
from __future__ import annotations

import os.path as osp
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from mmrepose.datasets.synthesis.appearance import PART_LABELS
from mmrepose.registry import METRICS
from .base import PoseTransferMetric


def part_map_path(target_img_path: str, part_root: str | None = None) -> str:
    """The part map of a SynthFashion image (see module doc)."""
    split_dir, name = osp.split(target_img_path)
    stem = osp.splitext(name)[0]
    if part_root is None:
        data_root, split = osp.split(split_dir)
        part_root = osp.join(data_root, 'parts', split)
    return osp.join(part_root, stem + '.png')


def part_colour_errors(pred: np.ndarray, gt: np.ndarray, parts: np.ndarray,
                       min_pixels: int = 4) -> dict[str, float]:
    """``{part name: error}`` of one image pair (uint8 ``(H, W, 3)``) with
    the target's label map ``(H, W)``."""
    pred = pred.astype(np.float64) / 255.0
    gt = gt.astype(np.float64) / 255.0
    errors = {}
    for label, name in enumerate(PART_LABELS[1:], start=1):
        mask = parts == label
        if mask.sum() < min_pixels:
            continue
        errors[name] = float(np.linalg.norm(pred[mask].mean(0) -
                                            gt[mask].mean(0)))
    return errors


@METRICS.register_module()
class PartColourError(PoseTransferMetric):
    """Mean colour error per body part of the target (see module doc).

    Args:
        part_root: Folder of the target images' part maps; None: SynthFashion's
            ``{data_root}/parts/{split}`` next to the target image.
        min_pixels: Smallest part (pixels at the evaluated size) scored.
        **kwargs: :class:`PoseTransferMetric` arguments.
    """
    name = 'part_colour_error'

    def __init__(self, part_root: str | None = None, min_pixels: int = 4,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.part_root = part_root
        self.min_pixels = min_pixels

    def read_parts(self, sample: Any, shape: tuple[int, int]) -> np.ndarray:
        target = sample.get('target_img_path')
        if target is None:
            raise KeyError('PartColourError needs target_img_path in the '
                           'data samples (PackPoseTransferInputs meta_keys)')
        path = part_map_path(target, self.part_root)
        parts = cv2.imread(path, cv2.IMREAD_UNCHANGED)
        if parts is None:
            raise FileNotFoundError(
                f'part map not found or unreadable: {path} (SynthFashion '
                'writes parts/{split}/*.png; other datasets have none: set '
                'part_root or drop PartColourError)')
        return cv2.resize(parts, shape[::-1], interpolation=cv2.INTER_NEAREST)

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        for sample in data_samples:
            gt, pred = self.raw_pair(sample)
            parts = self.read_parts(sample, gt.shape[:2])
            self.results.append(part_colour_errors(pred, gt, parts,
                                                   self.min_pixels))

    def per_image(self, results: list) -> dict[str, list[float | None]]:
        values = {self.name: [float(np.mean(list(r.values()))) if r else None
                              for r in results]}
        for part in PART_LABELS[1:]:
            values[f'{self.name}/{part}'] = [r.get(part) for r in results]
        return values

    def compute_metrics(self, results: list) -> dict[str, float]:
        metrics = {}
        for key, values in self.per_image(results).items():
            present = [v for v in values if v is not None]
            if present:
                metrics[key] = float(np.mean(present))
        self.report({self.name: metrics.get(self.name, float('nan'))},
                    f'{len(results)} images')
        return metrics
