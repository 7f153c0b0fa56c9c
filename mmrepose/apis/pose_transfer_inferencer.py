"""PoseTransferInferencer: one source photo + target poses -> new images.

    from mmrepose.apis import PoseTransferInferencer
    inferencer = PoseTransferInferencer()          # the embedded default model
    result = inferencer('demo/examples/source.jpg',
                        ['demo/examples/target_pose.json'], out_dir='outputs')
    result['predictions'][0]                       # (H, W, 3) uint8 RGB

The model's image size and pose encoding are read from its config's test
pipeline; the source is resized to that size and each target pose is
rendered with that encoding (see :mod:`mmrepose.apis.target_pose` for the
accepted pose forms).
"""
from __future__ import annotations

import os
import os.path as osp
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch
from mmengine.config import Config

from mmrepose.datasets.transforms import encode_pose, load_rgb_image
from mmrepose.registry import INFERENCERS
from mmrepose.structures.keypoint_layout import MISSING
from mmrepose.visualization import pose_map_to_rgb, tile_grid
from .init_model import init_model
from .target_pose import (DEEPFASHION_FRAME, PoseSpec, load_target_pose,
                          scale_keypoints)

REPO_ROOT = Path(__file__).resolve().parents[2]
#: The embedded default: a small B1 trained on SynthFashion (see README).
DEFAULT_CONFIG = REPO_ROOT / 'configs/repose/synthfashion_64_b1.py'
DEFAULT_WEIGHTS = REPO_ROOT / 'checkpoints/synthfashion_64_b1.pth'


def _pipeline_settings(cfg: Config) -> tuple[tuple[int, int], str]:
    """(image size (H, W), pose encoding) from the config's test pipeline."""
    pipeline = (cfg.get('test_dataloader') or cfg.train_dataloader
                ).dataset.pipeline
    steps = {step['type']: step for step in pipeline}
    if 'ResizePair' not in steps or 'GeneratePoseEncoding' not in steps:
        raise ValueError('the config\'s test pipeline needs ResizePair and '
                         'GeneratePoseEncoding to define the input size and '
                         'pose encoding')
    w, h = steps['ResizePair']['scale']
    return (int(h), int(w)), steps['GeneratePoseEncoding']['encoding']


@INFERENCERS.register_module()
class PoseTransferInferencer:
    """Pose transfer with a trained RePoseDM.

    Args:
        config: Config file (default: the embedded SynthFashion model's).
        weights: Checkpoint (default: the embedded one). Weights saved by
            training hold the EMA parameters under ``state_dict``.
        device: ``'cpu'``, ``'cuda'``, ``'cuda:1'``...
    """

    def __init__(self, config: str | os.PathLike | None = None,
                 weights: str | os.PathLike | None = None,
                 device: str = 'cpu'):
        self.cfg, self.model = init_model(config or DEFAULT_CONFIG,
                                          weights or DEFAULT_WEIGHTS, device)
        self.device = torch.device(device)
        self.image_size, self.pose_encoding = _pipeline_settings(self.cfg)

    def _source(self, source: str | np.ndarray) -> np.ndarray:
        img = load_rgb_image(source) if isinstance(source, str) else source
        if not isinstance(img, np.ndarray) or img.ndim != 3 or \
                img.shape[2] != 3 or img.dtype != np.uint8:
            raise ValueError('the source must be an image path or an '
                             '(H, W, 3) uint8 RGB array')
        h, w = self.image_size
        return cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)

    def _pose(self, spec: PoseSpec, frame: tuple[int, int]) -> np.ndarray:
        """The pose input (C, H, W) of one target pose."""
        kps, kps_frame = load_target_pose(spec, frame)
        kps = scale_keypoints(kps, kps_frame, self.image_size)
        if not np.any(kps[:, 0] != MISSING):
            raise ValueError('no keypoint of the target pose lies inside the '
                             'image')
        return encode_pose(kps, self.image_size, self.pose_encoding)

    @torch.no_grad()
    def __call__(self, source: str | np.ndarray,
                 target_poses: str | Sequence[PoseSpec],
                 frame: tuple[int, int] = DEEPFASHION_FRAME,
                 out_dir: str | None = None, **sampling: Any) -> dict:
        """Render the source person in each target pose.

        Args:
            source: Image path or ``(H, W, 3)`` uint8 RGB array.
            target_poses: A list of poses, each a JSON file, an annotation
                row, or 18 / 17 ``[x, y]`` pairs (a single file or row may
                be given alone).
            frame: ``(H, W)`` of rows and lists (JSON files carry their own).
            out_dir: Where to write ``result_{i}.png`` and ``grid.png``.
            sampling: ``sampler``, ``num_steps``, ``cfg_scale``, ``seed``,
                ``progress`` (defaults: the config's ``test_cfg``).

        Returns:
            dict with ``source`` (resized to the model's size),
            ``predictions`` (list of (H, W, 3) uint8 RGB), ``pose_images``
            (the rendered target poses) and ``grid``.
        """
        if isinstance(target_poses, str):
            target_poses = [target_poses]
        src = self._source(source)
        poses = [self._pose(p, frame) for p in target_poses]
        n = len(poses)
        inputs = {
            'source_img': [torch.from_numpy(src.transpose(2, 0, 1).copy())] * n,
            'target_pose': [torch.from_numpy(p) for p in poses],
        }
        data = self.model.data_preprocessor({'inputs': inputs}, False)
        samples = self.model.predict(data['inputs'], None, **sampling)
        predictions = [s.pred_img.permute(1, 2, 0).numpy() for s in samples]
        pose_images = [pose_map_to_rgb(p) for p in poses]
        grid = tile_grid([[src, pose, pred] for pose, pred in
                          zip(pose_images, predictions)],
                         column_titles=['source', 'target pose', 'result'])
        if out_dir:
            os.makedirs(out_dir, exist_ok=True)
            for i, img in enumerate(predictions):
                cv2.imwrite(osp.join(out_dir, f'result_{i}.png'),
                            cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
            cv2.imwrite(osp.join(out_dir, 'grid.png'),
                        cv2.cvtColor(grid, cv2.COLOR_RGB2BGR))
        return {'source': src, 'predictions': predictions,
                'pose_images': pose_images, 'grid': grid}
