"""A tiny, deterministic stand-in for RePoseDM to test the engine with.

``ToyPoseTransferDataset`` yields items shaped like the real pipeline's
output (``inputs`` = source image, target and source pose maps;
``data_samples`` = a :class:`PoseTransferDataSample` with ``gt_img``,
keypoints and ``pair_name``), each a pure function of its index.
``ToyPoseTransferModel`` follows the real model's interface
(``mode='loss'`` -> dict of losses, ``mode='predict'`` -> samples with
``pred_img`` uint8) with one 3x3 convolution. ``ToyL1Metric`` scores
``pred_img`` against ``gt_img``. :func:`toy_config` is a complete runner
config around them. Configs run in subprocesses import this module through
``custom_imports`` (with ``tests/test_engine`` on ``PYTHONPATH``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import json
import os
import os.path as osp

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.dist import get_rank
from mmengine.evaluator import BaseMetric
from mmengine.fileio import register_backend
from mmengine.hooks import Hook
from mmengine.logging import MessageHub
from mmengine.model import BaseModel
from torch import nn
from torch.utils.data import Dataset

from mmrepose.engine import AtomicLocalBackend
from mmrepose.registry import DATASETS, HOOKS, METRICS, MODELS
from mmrepose.structures import PoseTransferDataSample

HERE = Path(__file__).resolve().parent
POSE_CHANNELS = 20  # like the default pidm20 encoding: RGB skeleton first
IMAGE_SIZE = (16, 12)  # (H, W)


@DATASETS.register_module()
class ToyPoseTransferDataset(Dataset):
    """``num_pairs`` synthetic pairs; item ``i`` depends only on ``i``."""

    def __init__(self, num_pairs: int = 8, test_mode: bool = False):
        self.num_pairs = num_pairs
        self.test_mode = test_mode
        self.metainfo: dict = {}

    def __len__(self) -> int:
        return self.num_pairs

    def __getitem__(self, index: int) -> dict:
        gen = torch.Generator().manual_seed(1000 + index)
        h, w = IMAGE_SIZE
        source = torch.randint(0, 256, (3, h, w), generator=gen,
                               dtype=torch.uint8)
        target = torch.randint(0, 256, (3, h, w), generator=gen,
                               dtype=torch.uint8)
        target_pose = torch.rand((POSE_CHANNELS, h, w), generator=gen)
        source_pose = torch.rand((POSE_CHANNELS, h, w), generator=gen)
        sample = PoseTransferDataSample()
        sample.gt_img = target
        sample.source_keypoints = torch.rand((18, 2), generator=gen) * w
        sample.target_keypoints = torch.rand((18, 2), generator=gen) * w
        sample.set_metainfo(dict(pair_name=f'src{index:03d}_2_tgt{index:03d}',
                                 img_shape=(h, w)))
        inputs = dict(source_img=source, target_pose=target_pose,
                      source_pose=source_pose)
        return dict(inputs=inputs, data_samples=sample)


@MODELS.register_module()
class ToyPoseTransferModel(BaseModel):
    """Predicts the target from (source, target pose) with one convolution.

    Args:
        nan_loss_iters: Training iterations (``runner.iter``, 0-based) whose
            loss is made NaN, to exercise the non-finite loss checks.
    """

    def __init__(self, nan_loss_iters: tuple[int, ...] = (),
                 data_preprocessor: dict | None = None):
        super().__init__(data_preprocessor=data_preprocessor)
        self.net = nn.Conv2d(3 + POSE_CHANNELS, 3, 3, padding=1)
        gen = torch.Generator().manual_seed(0)
        with torch.no_grad():
            for param in self.net.parameters():
                param.copy_(torch.randn(param.shape, generator=gen) * 0.1)
        self.nan_loss_iters = set(nan_loss_iters)

    def _generate(self, inputs: dict) -> torch.Tensor:
        source = torch.stack(list(inputs['source_img'])).float() / 127.5 - 1
        pose = torch.stack(list(inputs['target_pose'])).float()
        return torch.tanh(self.net(torch.cat([source, pose], dim=1)))

    def forward(self, inputs: dict, data_samples: list | None = None,
                mode: str = 'tensor') -> Any:
        out = self._generate(inputs)
        if mode == 'tensor':
            return out
        if mode == 'loss':
            gt = torch.stack([s.gt_img for s in data_samples]).float()
            loss = F.mse_loss(out, gt / 127.5 - 1)
            if MessageHub.get_current_instance().get_info(
                    'iter') in self.nan_loss_iters:
                loss = loss * float('nan')
            return dict(loss=loss)
        if mode == 'predict':
            images = ((out + 1) * 127.5).round().clamp(0, 255).byte()
            for sample, image in zip(data_samples, images):
                sample.pred_img = image
            return data_samples
        raise ValueError(f'unknown mode {mode!r}')


@METRICS.register_module()
class ToyL1Metric(BaseMetric):
    """Mean absolute difference between ``pred_img`` and ``gt_img``, as a
    numpy float32 (as many metrics return; it lands in checkpoints as
    ``best_score``)."""

    default_prefix = 'toy'

    def process(self, data_batch: Any, data_samples: list) -> None:
        for sample in data_samples:
            diff = sample['pred_img'].float() - sample['gt_img'].float()
            self.results.append(diff.abs().mean().item())

    def compute_metrics(self, results: list) -> dict:
        return dict(l1=np.float32(sum(results) / len(results)))


class SimulatedCrash(Exception):
    """Raised by :class:`CrashAfterIterHook`."""


@HOOKS.register_module()
class CrashAfterIterHook(Hook):
    """Stop training abruptly after iteration ``iters`` (1-based), once the
    checkpoint hook has run: a job killed between two iterations."""

    priority = 'LOWEST'

    def __init__(self, iters: int):
        self.iters = iters

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if runner.iter + 1 == self.iters:
            raise SimulatedCrash(f'crash after iteration {self.iters}')


@HOOKS.register_module()
class RecordRankStepsHook(Hook):
    """Writes ``{work_dir}/steps_rank{rank}.json``: this rank's (iteration,
    loss) steps and its final weights, to compare ranks of a DDP run."""

    def __init__(self):
        self.steps: list = []

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        self.steps.append([runner.iter, outputs['loss'].item()])

    def after_train(self, runner) -> None:
        model = getattr(runner.model, 'module', runner.model)
        weights = {k: v.tolist() for k, v in model.state_dict().items()}
        path = osp.join(runner.work_dir, f'steps_rank{get_rank()}.json')
        with open(path, 'w') as f:
            json.dump(dict(steps=self.steps, weights=weights), f)


@register_backend('toy_logged_atomic_local')
class LoggedAtomicLocalBackend(AtomicLocalBackend):
    """``atomic_local`` that also appends ``rank path`` to
    ``writes.log`` next to each file it writes."""

    def put(self, obj: bytes, filepath) -> None:
        super().put(obj, filepath)
        with open(osp.join(osp.dirname(filepath), 'writes.log'), 'a') as f:
            f.write(f'{get_rank()} {osp.basename(filepath)}{os.linesep}')


def toy_config(work_dir: str | Path, max_iters: int = 6,
               num_pairs: int = 8) -> dict:
    """A complete runner config (as a plain dict) around the toy parts:
    AdamW, a linear warm-up then cosine decay, EMA (momentum 1e-4), the
    non-finite loss check, and every 2 iterations validation and an atomic
    checkpoint (keeping the best by ``toy/l1``)."""
    dataloader = dict(batch_size=2, num_workers=0,
                      sampler=dict(type='DefaultSampler', shuffle=True),
                      dataset=dict(type='ToyPoseTransferDataset',
                                   num_pairs=num_pairs))
    eval_loader = dict(batch_size=2, num_workers=0,
                       sampler=dict(type='DefaultSampler', shuffle=False),
                       dataset=dict(type='ToyPoseTransferDataset',
                                    num_pairs=4, test_mode=True))
    return dict(
        default_scope='mmrepose',
        custom_imports=dict(imports=['engine_toy'],
                            allow_failed_imports=False),
        work_dir=str(work_dir),
        model=dict(type='ToyPoseTransferModel'),
        train_dataloader=dataloader,
        val_dataloader=eval_loader,
        test_dataloader=eval_loader,
        val_evaluator=dict(type='ToyL1Metric'),
        test_evaluator=dict(type='ToyL1Metric'),
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=max_iters,
                       val_interval=2),
        val_cfg=dict(type='ValLoop'),
        test_cfg=dict(type='TestLoop'),
        optim_wrapper=dict(type='NonFiniteCheckOptimWrapper',
                           optimizer=dict(type='AdamW', lr=1e-2,
                                          weight_decay=1e-2)),
        param_scheduler=[
            dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
                 end=2),
            dict(type='CosineAnnealingLR', by_epoch=False, begin=2,
                 end=max_iters, T_max=max_iters - 2),
        ],
        custom_hooks=[dict(type='EMAHook', momentum=1e-4)],
        default_hooks=dict(
            timer=dict(type='IterTimerHook'),
            logger=dict(type='LoggerHook', interval=1),
            param_scheduler=dict(type='ParamSchedulerHook'),
            checkpoint=dict(type='CheckpointHook', interval=2, by_epoch=False,
                            max_keep_ckpts=3, save_best='toy/l1', rule='less',
                            backend_args=dict(backend='atomic_local'))),
        env_cfg=dict(cudnn_benchmark=False,
                     dist_cfg=dict(backend='gloo')),
        log_processor=dict(by_epoch=False, window_size=1),
        randomness=dict(seed=0),
        log_level='WARNING',
    )
