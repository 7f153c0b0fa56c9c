"""TextPoseInferencer: a prompt + a target pose -> an image, with RePoseSD.

    from mmrepose.apis import TextPoseInferencer
    inferencer = TextPoseInferencer('configs/reposesd/synthfashion_tiny.py',
                                    'work_dirs/synthfashion_tiny/iter_4000.pth')
    result = inferencer('a woman in a red top and blue jeans',
                        'demo/examples/target_pose.json')
    result['predictions'][0]                       # (H, W, 3) uint8 RGB

Poses are given in every form :class:`PoseTransferInferencer` reads (JSON,
annotation row, list of points, OpenPose-style pose image, a photo read by
the pose estimator); they enter the config's test pipeline with a blank
source image, which RePoseSD does not use.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from mmrepose.registry import INFERENCERS
from mmrepose.structures.keypoint_layout import MISSING, NUM_OPENPOSE18
from mmrepose.visualization import pose_map_to_rgb, tile_grid
from .pose_transfer_inferencer import PoseTransferInferencer, write_results
from .target_pose import DEEPFASHION_FRAME, PoseSpec


@INFERENCERS.register_module()
class TextPoseInferencer(PoseTransferInferencer):
    """Text-and-pose generation with a trained RePoseSD.

    Args:
        config: A RePoseSD config file (``configs/reposesd/``) or loaded
            ``Config``.
        weights: Its checkpoint.
        device: ``'cpu'``, ``'cuda'``, ...
        pose_estimator: Reads poses from photos (see
            :class:`PoseTransferInferencer`).
    """

    def __init__(self, config: str | Config, weights: str,
                 device: str = 'cpu',
                 pose_estimator: dict | None = None):
        super().__init__(config, weights, device, pose_estimator)
        if not hasattr(self.model, 'text_encoder'):
            name = getattr(config, 'filename', config)
            raise ValueError(f'{name}: not a text-and-pose model '
                             '(RePoseSD); use PoseTransferInferencer')

    @torch.no_grad()
    def __call__(self, prompts: str | Sequence[str],
                 target_poses: PoseSpec | Sequence[PoseSpec],
                 frame: tuple[int, int] = DEEPFASHION_FRAME,
                 out_dir: str | None = None, **sampling: Any) -> dict:
        """Generate one image per (prompt, pose): a single prompt goes with
        every pose, else one prompt per pose.

        ``sampling``: ``sampler``, ``num_steps``, ``cfg_scale``, ``seed``,
        ``progress``, ``negative_prompt``, and ``guidance_scale`` with PIF.
        Returns ``predictions``, ``pose_images``, ``target_keypoints``,
        ``prompts`` and ``grid`` (pose | result per row); with ``out_dir``
        writes ``result_{i}.png`` and ``grid.png`` there.
        """
        if isinstance(target_poses, str) or (
                isinstance(target_poses, Sequence) and target_poses and
                np.ndim(target_poses[0]) == 1):
            target_poses = [target_poses]
        prompts = [prompts] * len(target_poses) if isinstance(prompts, str) \
            else list(prompts)
        if len(prompts) != len(target_poses):
            raise ValueError(f'{len(prompts)} prompts for '
                             f'{len(target_poses)} poses: give one prompt, '
                             'or one per pose')
        targets = [self.keypoints(p, frame) for p in target_poses]
        blank = np.zeros((*self.image_size, 3), np.uint8)
        no_pose = np.full((NUM_OPENPOSE18, 2), MISSING, np.float32)
        packed = [self.model_input(blank, no_pose, k) for k in targets]
        for item, prompt in zip(packed, prompts):
            item['data_samples'].set_metainfo(dict(prompt=prompt))
        data = self.model.data_preprocessor(pseudo_collate(packed), False)
        samples = self.model.predict(data['inputs'], data['data_samples'],
                                     **sampling)
        predictions = [s.pred_img.permute(1, 2, 0).numpy() for s in samples]
        pose_images = [pose_map_to_rgb(p['inputs']['target_pose'].numpy())
                       for p in packed]
        grid = tile_grid([[pose, pred] for pose, pred in
                          zip(pose_images, predictions)],
                         column_titles=['pose', 'result'])
        if out_dir:
            write_results(out_dir, predictions, grid)
        return {'predictions': predictions, 'pose_images': pose_images,
                'target_keypoints': targets, 'prompts': prompts,
                'grid': grid}
