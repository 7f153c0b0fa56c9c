"""LPIPS (AlexNet, ``lpips`` 0.1.4): one distance per (generated,
ground-truth) pair at the evaluation size, averaged.

Inputs are ``2 x - 1`` of the unit images ([-1, 1], as LPIPS expects; PIDM
and GFLA ``imread(f) / 127.5 - 1``, CFLD ``normalize=True``); the ``pcdms``
preset feeds the unit images themselves (``input_range='unit'``: PCDMs
``metrics.py`` L484-498 calls ``lpips`` on [0, 1] images without
``normalize=True``), a bug reproduced only there and named in its key.

PIDM, GFLA and PCDMs score the pairs in batches of 64, their generated
images sorted by file name, and drop the last partial batch
(``drop_last_partial_batch``; :mod:`..functional.listing`): the mean is then
over the pairs those batches hold. A sample's file is its ``pred_path``;
without one the pairs keep their evaluation order.

With ``masked=True`` it is the Market-1501 mask-LPIPS: both images
multiplied by the target's keypoint person mask first. The AlexNet trunk
comes from a local file (:mod:`..functional.lpips_net`); a random trunk is
an explicit option whose key says it is not comparable.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from mmrepose.registry import METRICS
from ..functional.images import same_shape_runs, unit_batch
from ..functional.listing import kept_count, listing_order
from ..functional.lpips_net import build_lpips
from .base import NOT_COMPARABLE, PoseTransferMetric

LPIPS_INPUT_RANGES = ('signed', 'unit')
UNIT_INPUT_LABEL = ' [inputs in [0, 1], as PCDMs]'


@METRICS.register_module()
class LPIPS(PoseTransferMetric):
    """Mean LPIPS distance between ``pred_img`` and ``gt_img``.

    Args:
        alexnet_weights: Path of torchvision's ``alexnet-owt-7be5be79.pth``;
            None looks in ``$TORCH_HOME/hub/checkpoints``.
        random_backbone: Use a seeded random AlexNet (no weights file;
            scores labelled not comparable).
        masked: Score inside the target's keypoint person mask
            (Market-1501 mask-LPIPS; needs ``target_keypoints``).
        input_range: ``'signed'`` or ``'unit'`` (module doc); None: the
            preset's.
        drop_last_partial_batch: Score only the pairs of full batches
            (module doc); None: the preset's.
        batch_size: Batch of that rule; None: the preset's.
        device: Where the network runs (default: CUDA if available).
        **kwargs: :class:`PoseTransferMetric` arguments.
    """

    def __init__(self, alexnet_weights: str | None = None,
                 random_backbone: bool = False, masked: bool = False,
                 input_range: str | None = None,
                 drop_last_partial_batch: bool | None = None,
                 batch_size: int | None = None,
                 device: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.device = device or ('cuda' if torch.cuda.is_available()
                                 else 'cpu')
        self.masked = masked
        self.input_range = self.option('lpips_input', input_range)
        if self.input_range not in LPIPS_INPUT_RANGES:
            raise ValueError(f'unknown LPIPS input range '
                             f'{self.input_range!r}; expected one of '
                             f'{LPIPS_INPUT_RANGES}')
        self.drop_last = self.option('drop_last', drop_last_partial_batch)
        self.batch_size = self.option('lpips_batch_size', batch_size)
        self.net = build_lpips(alexnet_weights, random_backbone,
                               device=self.device)
        self.name = ('mask_lpips' if masked else 'lpips') + (
            UNIT_INPUT_LABEL if self.input_range == 'unit' else '') + (
            NOT_COMPARABLE if random_backbone else '')

    @torch.no_grad()
    def process(self, data_batch: Any, data_samples: Sequence[Any]) -> None:
        pairs = [(*self.pair(sample, self.masked), sample.get('pred_path'))
                 for sample in data_samples]
        for run in same_shape_runs(pairs, lambda p: p[0].shape):
            gt = unit_batch([p[0] for p in run]).to(self.device)
            pred = unit_batch([p[1] for p in run]).to(self.device)
            if self.input_range == 'signed':
                gt, pred = 2 * gt - 1, 2 * pred - 1
            dist = self.net(pred, gt).flatten().cpu().tolist()
            self.results.extend(dict(value=d, path=p[2])
                                for d, p in zip(dist, run))

    def per_image(self, results: list) -> dict[str, list[float | None]]:
        return {self.name: [r['value'] for r in results]}

    def compute_metrics(self, results: list) -> dict[str, float]:
        values = [r['value'] for r in results]
        details = f'{len(values)} pairs'
        if self.drop_last:
            order, _ = listing_order([r['path'] for r in results], 'sorted')
            kept = kept_count(len(values), self.batch_size)
            values = [values[i] for i in order[:kept]]
            details = (f'{kept} of {len(results)} pairs: full batches of '
                       f'{self.batch_size} in file-name order')
        metrics = {self.name: float(np.mean(values)) if values
                   else float('nan')}
        self.report(metrics, f'{details}, inputs {self.input_range}')
        return metrics
