"""HumanSD's FID, for numbers comparable with its published ones: each
output scored as the 4-panel strip its scripts save (generated image, pose,
caption, original), against the real images of its scene, on the
64-dimensional features of the FID Inception, one FID per scene
(:mod:`..functional.humansd_strip` says how each step follows HumanSD's
code and where it cannot).

mmrepose's own quality number is :class:`~.fid.FID` of the generated image
alone; this metric exists because HumanSD's published FIDs (and Table 3's,
taken from them) are on strips. Keys: ``fid`` (the mean over scenes) and
``fid_<scene>``; a scene with fewer than two images has no FID and is left
out of the mean (counted in the log).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from mmrepose.registry import METRICS
from ..functional.frechet import frechet_distance, gaussian_from_features
from ..functional.humansd_strip import (DEFAULT_FONT, caption_panel,
                                        humansd_pose_image, humansd_strip,
                                        load_caption_font, real_fid_input,
                                        scene_of, strip_fid_input)
from ..functional.inception import build_fid_inception, fidelity_features
from .base import NOT_COMPARABLE, PoseTransferMetric
from .humansd_pose import coco17_people

#: torchmetrics' FID (which HumanSD calls) takes the eigenvalue form.
FRECHET_METHOD = 'exact'


@METRICS.register_module()
class HumanSDStripFID(PoseTransferMetric):
    """FID of HumanSD's 4-panel strips, per scene (module doc).

    Samples need ``pred_img``, ``gt_img`` (square, one size),
    ``target_keypoints`` (the target's people), and the metainfo
    ``prompt`` and ``target_img_path`` (the real image, whose parent folder
    is its scene), as the text-pose datasets give them.

    Args:
        inception_weights: The TF-FID Inception file (pytorch-fid's
            ``pt_inception-2015-12-05-6726825d.pth``, the network
            torch-fidelity and torchmetrics use); None looks in
            ``$TORCH_HOME/hub/checkpoints``.
        random_weights: Seeded random Inception weights (no file; the key
            says the value is not comparable).
        font: The caption font (DejaVu Sans, HumanSD's).
        device: Where Inception runs (default: CUDA if available).
        **kwargs: :class:`PoseTransferMetric` arguments; the prefix
            defaults to ``humansd_strip``.
    """

    def __init__(self, inception_weights: str | None = None,
                 random_weights: bool = False, font: str = DEFAULT_FONT,
                 device: str | None = None, **kwargs: Any):
        kwargs.setdefault('prefix', 'humansd_strip')
        super().__init__(**kwargs)
        load_caption_font(10, font)  # a missing font fails here, not later
        self.font = font
        device = device or ('cuda' if torch.cuda.is_available() else 'cpu')
        self.inception = build_fid_inception(True, inception_weights,
                                             random_weights, device, dims=64)
        self.name = 'fid' + (NOT_COMPARABLE if random_weights else '')

    def strip(self, sample: Any) -> np.ndarray:
        """The strip HumanSD's generation script saves for ``sample``."""
        generated = self.image(sample, 'pred_img')
        original = self.image(sample, 'gt_img')
        h, w = generated.shape[:2]
        if h != w or original.shape != generated.shape:
            raise ValueError(
                f'{self.name_of(sample)}: HumanSD\'s strip needs square '
                f'generated and original images of one size, got '
                f'{generated.shape[:2]} and {original.shape[:2]}')
        pose = humansd_pose_image(coco17_people(self.keypoints(sample)), h)
        caption = caption_panel(self._meta(sample, 'prompt'), (h, w),
                                font=self.font)
        return humansd_strip(generated, pose, caption, original)

    def _meta(self, sample: Any, key: str) -> str:
        value = sample.get(key)
        if not isinstance(value, str):
            raise KeyError(f'{self.name_of(sample)}: HumanSDStripFID needs '
                           f'the sample\'s {key!r} (a text-pose dataset '
                           'gives it)')
        return value

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        paths = [self._meta(s, 'target_img_path') for s in data_samples]
        fake = fidelity_features(self.inception, torch.stack(
            [strip_fid_input(self.strip(s)) for s in data_samples]))
        real = fidelity_features(self.inception, torch.stack(
            [real_fid_input(p) for p in paths]))
        for path, r, f in zip(paths, real, fake):
            self.results.append(dict(scene=scene_of(path), real=r, fake=f))

    def compute_metrics(self, results: list) -> dict[str, float]:
        scenes: dict[str, list[dict]] = defaultdict(list)
        for row in results:
            scenes[row['scene']].append(row)
        per_scene, too_small = {}, []
        for scene, rows in sorted(scenes.items()):
            if len(rows) < 2:
                too_small.append(scene)
                continue
            real = gaussian_from_features(np.stack([r['real'] for r in rows]))
            fake = gaussian_from_features(np.stack([r['fake'] for r in rows]))
            per_scene[scene] = frechet_distance(real, fake, FRECHET_METHOD)
        if not per_scene:
            raise ValueError(f'HumanSDStripFID: no scene has two images '
                             f'({len(results)} images)')
        metrics = {self.name: float(np.mean(list(per_scene.values())))}
        metrics.update({f'fid_{s}': v for s, v in per_scene.items()})
        skipped = ('; scenes with one image, left out: '
                   + ', '.join(too_small)) if too_small else ''
        self.report(metrics, f'{len(results)} images, {len(per_scene)} '
                    f'scenes{skipped}')
        return metrics
