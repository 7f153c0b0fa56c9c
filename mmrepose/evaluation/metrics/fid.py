"""FID of the generated images against a real set, the way each preset's
reference code computes it.

Every choice defaults to the metric's named preset
(:mod:`..protocols`, ``docs/evaluation.md``):

- network and input scaling (:mod:`..functional.inception`): torchvision
  or TF-FID Inception weights, from local files only, with ``'signed'``
  (pytorch-fid) or ``'imagenet-std'`` (PIDM/GFLA/CFLD/PCDMs) inputs;
- images at the evaluation size (:mod:`.base`): generated images of another
  size are resized the preset's way; real-set images too when the preset
  resizes them (PIDM, CFLD, PCDMs), else used as stored;
- real set: a folder listed the preset's way
  (:mod:`..functional.listing`), a dataset config (its pairs' images), or
  None: the ``gt_img`` of the evaluated samples; its statistics are cached
  (:mod:`..functional.real_set`);
- ``drop_last_partial_batch``: the reference scripts' batching keeps only
  full batches, of the real set in its listing order and of the generated
  images in their folder's listing order (``pred_path``; evaluation order
  without files), a smaller real set shrinking the batch for both;
- the distance (:mod:`..functional.frechet`): ``scipy.linalg.sqrtm`` as
  every reference, or the exact eigenvalue form.

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
from ..functional.frechet import (feature_moments, frechet_distance,
                                  gaussian_from_features,
                                  gaussian_from_moments)
from ..functional.images import unit_image
from ..functional.inception import build_fid_inception, inception_features
from ..functional.listing import (kept_count, listing_order,
                                  reference_batch_size)
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
            torchvision's; None: the preset's.
        inception_input: Input scaling, ``'signed'`` or ``'imagenet-std'``;
            None: the preset's.
        inception_weights: Path of the weights file; None looks in
            ``$TORCH_HOME/hub/checkpoints`` under the standard name.
        random_weights: Seeded random Inception weights (no file; the key
            says the value is not comparable).
        drop_last_partial_batch: Keep only full batches (module doc); None:
            the preset's.
        batch_size: Batch of that rule and of the real-set pass; None: the
            preset's.
        listing: How the real-set folder is listed and the generated
            images ordered; None: the preset's.
        method: ``'sqrtm'`` or ``'exact'`` (:mod:`..functional.frechet`);
            None: the preset's.
        resolution: Former name of ``size`` (kept for configs).
        cache_dir: Folder of the real-set statistics cache.
        device: Where Inception runs (default: CUDA if available).
        **kwargs: :class:`PoseTransferMetric` arguments.
    """

    def __init__(self, real_set: str | dict | None = None,
                 use_fid_inception: bool | None = None,
                 inception_input: str | None = None,
                 inception_weights: str | None = None,
                 random_weights: bool = False,
                 drop_last_partial_batch: bool | None = None,
                 batch_size: int | None = None,
                 listing: str | None = None,
                 method: str | None = None,
                 resolution: Sequence[int] | None = None,
                 cache_dir: str = DEFAULT_CACHE_DIR,
                 device: str | None = None, **kwargs: Any):
        if resolution is not None:
            kwargs.setdefault('size', resolution)
        super().__init__(**kwargs)
        self.real_set = real_set
        self.use_fid_inception = self.option('use_fid_inception',
                                             use_fid_inception)
        self.inception_input = self.option('inception_input', inception_input)
        self.drop_last = self.option('drop_last', drop_last_partial_batch)
        self.batch_size = self.option('fid_batch_size', batch_size)
        self.listing = self.option('listing', listing)
        self.method = self.option('fid_method', method)
        self.cache_dir = cache_dir
        self.device = device or ('cuda' if torch.cuda.is_available()
                                 else 'cpu')
        self.inception = build_fid_inception(self.use_fid_inception,
                                             inception_weights,
                                             random_weights, self.device)
        self.weights_tag = ('tf-fid' if self.use_fid_inception else
                            'torchvision') + ('-random' if random_weights
                                              else '')
        self.name = 'fid' + (NOT_COMPARABLE if random_weights else '')
        self.eval_size: tuple[int, int] | None = self.size

    def features(self, images: list[np.ndarray]) -> np.ndarray:
        return inception_features(self.inception, images,
                                  self.inception_input, self.device)

    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        pairs = [self.pair(s) for s in data_samples]
        self.eval_size = self.eval_size or pairs[0][0].shape[:2]
        preds = self.features([pred for _, pred in pairs])
        gts = self.features([gt for gt, _ in pairs]) \
            if self.real_set is None else [None] * len(pairs)
        self.results.extend(dict(pred=f, gt=g, path=s.get('pred_path'))
                            for f, g, s in zip(preds, gts, data_samples))

    def compute_metrics(self, results: list) -> dict[str, float]:
        if self.real_set is None:
            real_feats = np.stack([r['gt'] for r in results])
            batch = self._batch(len(real_feats))
            real = gaussian_from_features(self._kept(real_feats, batch))
            real_desc = (f'{self._count(len(real_feats), batch)} ground-truth '
                         'images of the pairs')
        else:
            files = real_set_files(self.real_set, self.listing)
            batch = self._batch(len(files))
            mu, sigma, path, hit = self._real_set_moments(files, batch)
            real = gaussian_from_moments(mu, sigma)
            real_desc = (f'{self.real_set}, {self._count(len(files), batch)} '
                         f'images ({"cached" if hit else "new"}: {path})')
        order, unlisted = list(range(len(results))), 0
        if self.drop_last:
            order, unlisted = listing_order(
                [r.get('path') for r in results], self.listing)
        pred = np.stack([results[i]['pred'] for i in order])
        pred = self._kept(pred, batch)
        metrics = {self.name: frechet_distance(
            real, gaussian_from_features(pred), self.method)}
        details = (f'{self._count(len(results), batch)} generated images'
                   + (f' (listing {self.listing}' + (
                       f', {unlisted} not listed: last' if unlisted else '')
                      + ')' if self.drop_last else '')
                   + f', {self.weights_tag} Inception, {self.inception_input}'
                   f' inputs, {self.method}; real set: {real_desc}')
        self.report(metrics, details)
        return metrics

    def _batch(self, num_real: int) -> int:
        """The batch the drop rule uses after the real set lowered it."""
        return reference_batch_size(self.batch_size, num_real)

    def _kept(self, features: np.ndarray, batch: int) -> np.ndarray:
        if not self.drop_last:
            return features
        return features[:kept_count(len(features), batch)]

    def _count(self, num: int, batch: int) -> str:
        if not self.drop_last:
            return f'all {num}'
        return f'{kept_count(num, batch)} of {num} (full batches of {batch})'

    def _real_set_moments(self, files: list[str], batch: int
                          ) -> tuple[np.ndarray, np.ndarray, str, bool]:
        used = files[:kept_count(len(files), batch)] if self.drop_last \
            else files
        resized = self.real_resize is not None and self.eval_size
        key = dict(weights=self.weights_tag, inputs=self.inception_input,
                   resolution='x'.join(map(str, self.eval_size))
                   if resized else 'native',
                   resize=self.real_resize if resized else 'none')
        return real_set_moments(used, key, self.cache_dir,
                                self._compute_real_moments)

    def _compute_real_moments(self, files: list[str]
                              ) -> tuple[np.ndarray, np.ndarray]:
        print_log(f'[protocol {self.protocol}] FID: computing real-set '
                  f'statistics of {len(files)} images', logger='current')
        resize = self.real_resize is not None and self.eval_size
        feats = []
        for start in tqdm(range(0, len(files), 64), desc='FID real set',
                          unit='batch'):
            images = [load_rgb_image(f) for f in files[start:start + 64]]
            feats.append(self.features([
                unit_image(img, self.eval_size if resize else None,
                           self.real_resize, f'real-set image {f}')
                for img, f in zip(images, files[start:start + 64])]))
        return feature_moments(np.concatenate(feats))
