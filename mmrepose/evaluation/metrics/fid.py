"""FID as the pose-transfer papers compute it.

pytorch-fid's ``InceptionV3`` pool3 features (2048-d) of [0, 1] images,
bilinearly resized to 299 (GFLA ``script/metrics.py``, PIDM
``utils/metrics.py``, CFLD ``FidRealDeepFashion``):

- weights: torchvision's ImageNet Inception (``use_fid_inception=False``,
  the papers' protocol, default) or TF-FID (``True``), from local files
  only (:mod:`..functional.weights`);
- real set: the **whole training set** for DeepFashion, as a folder or a
  dataset config, its statistics cached once
  (:mod:`..functional.real_set`); without one, the ground-truth images of
  the evaluated pairs;
- ``drop_last_partial_batch``: GFLA/PIDM/PCDMs score in batches of 64 and
  drop the last partial batch (of the generated and the real images); CFLD
  keeps every image (default).

In distributed evaluation every rank stores its samples' features; mmengine
gathers them and the main rank computes one FID over all of them.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from mmengine.logging import print_log
from tqdm import tqdm

from mmrepose.datasets.transforms.loading import load_rgb_image
from mmrepose.registry import METRICS
from ..functional.frechet import (drop_last_partial_batch, feature_moments,
                                  frechet_distance, gaussian_from_features,
                                  gaussian_from_moments)
from ..functional.images import resize_image
from ..functional.inception import build_fid_inception, inception_features
from ..functional.real_set import (DEFAULT_CACHE_DIR, real_set_files,
                                   real_set_moments)
from .base import NOT_COMPARABLE, PoseTransferMetric


@METRICS.register_module()
class FID(PoseTransferMetric):
    """Fréchet Inception Distance of the generated images (``pred_img``).

    Args:
        real_set: Folder of real images, or a dataset config whose pairs'
            images form the real set; None: the ``gt_img`` of the evaluated
            samples.
        use_fid_inception: TF-FID Inception weights instead of
            torchvision's (not the pose-transfer papers' protocol).
        inception_weights: Path of the weights file; None looks in
            ``$TORCH_HOME/hub/checkpoints`` under the standard name.
        random_weights: Seeded random Inception weights (no file; the key
            says the value is not comparable).
        drop_last_partial_batch: Drop the last ``len % batch_size`` images
            of each set (GFLA/PIDM), in evaluation / sorted-file order.
        batch_size: Batch size of that rule and of the real-set pass.
        resolution: ``(H, W)`` the real-set images are resized to
            (``cv2`` bilinear) if they differ; None: their own size.
        cache_dir: Folder of the real-set statistics cache.
        device: Where Inception runs (default: CUDA if available).
        **kwargs: :class:`PoseTransferMetric` arguments.
    """

    def __init__(self, real_set: str | dict | None = None,
                 use_fid_inception: bool = False,
                 inception_weights: str | None = None,
                 random_weights: bool = False,
                 drop_last_partial_batch: bool = False,
                 batch_size: int = 64,
                 resolution: tuple[int, int] | None = None,
                 cache_dir: str = DEFAULT_CACHE_DIR,
                 device: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.real_set = real_set
        self.use_fid_inception = use_fid_inception
        self.random_weights = random_weights
        self.drop_last = drop_last_partial_batch
        self.batch_size = batch_size
        self.resolution = None if resolution is None else tuple(resolution)
        self.cache_dir = cache_dir
        self.device = device or ('cuda' if torch.cuda.is_available()
                                 else 'cpu')
        self.inception = build_fid_inception(use_fid_inception,
                                             inception_weights,
                                             random_weights, self.device)
        self.weights_tag = ('tf-fid' if use_fid_inception else
                            'torchvision') + ('-random' if random_weights
                                              else '')
        self.name = 'fid' + (NOT_COMPARABLE if random_weights else '')

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        preds = [self.image(s, 'pred_img') for s in data_samples]
        feats = inception_features(self.inception, preds, self.device)
        if self.real_set is None:
            gts = inception_features(
                self.inception, [self.image(s, 'gt_img')
                                 for s in data_samples], self.device)
        else:
            gts = [None] * len(preds)
        self.results.extend(dict(pred=f, gt=g) for f, g in zip(feats, gts))

    def compute_metrics(self, results: list) -> dict[str, float]:
        pred = self._used(np.stack([r['pred'] for r in results]))
        if self.real_set is None:
            real = gaussian_from_features(
                self._used(np.stack([r['gt'] for r in results])))
            real_desc = f'{len(results)} ground-truth images of the pairs'
        else:
            mu, sigma, path, hit = self._real_set_moments()
            real = gaussian_from_moments(mu, sigma)
            real_desc = f'{self.real_set} ({"cached" if hit else "new"}: ' \
                        f'{path})'
        metrics = {self.name: frechet_distance(gaussian_from_features(pred),
                                               real)}
        self.report(metrics, f'{len(pred)} of {len(results)} generated '
                    f'images used ({self._drop_desc()}), {self.weights_tag} '
                    f'Inception, real set: {real_desc}')
        return metrics

    def _used(self, features: np.ndarray) -> np.ndarray:
        if self.drop_last:
            return drop_last_partial_batch(features, self.batch_size)
        return features

    def _drop_desc(self) -> str:
        return (f'rule: drop the last partial batch of {self.batch_size}'
                if self.drop_last else 'all images')

    def _real_set_moments(self) -> tuple[np.ndarray, np.ndarray, str, bool]:
        files = real_set_files(self.real_set)
        key = dict(protocol=self.protocol,
                   resolution='x'.join(map(str, self.resolution))
                   if self.resolution else 'native',
                   weights=self.weights_tag,
                   images=f'drop{self.batch_size}' if self.drop_last
                   else 'all')
        return real_set_moments(files, key, self.cache_dir,
                                self._compute_real_moments)

    def _compute_real_moments(self, files: list[str]
                              ) -> tuple[np.ndarray, np.ndarray]:
        print_log(f'[protocol {self.protocol}] FID: computing real-set '
                  f'statistics of {len(files)} images ({self._drop_desc()})',
                  logger='current')
        feats = []
        for start in tqdm(range(0, len(files), self.batch_size),
                          desc='FID real set', unit='batch'):
            images = [load_rgb_image(f)
                      for f in files[start:start + self.batch_size]]
            if self.resolution is not None:
                images = [resize_image(img, self.resolution, 'cv2-bilinear')
                          for img in images]
            feats.append(inception_features(self.inception, images,
                                            self.device))
        return feature_moments(self._used(np.concatenate(feats)))
