"""Text-and-pose demo: a prompt and a target pose -> a person (RePoseSD).

    python demo/text_pose_demo.py "a woman in a red top and blue jeans" \
        --pose demo/examples/target_pose.json \
        --config configs/reposesd/synthfashion_tiny.py --checkpoint CKPT \
        [--out outputs/text_pose.png] [--device cpu|cuda] [--sampler ddim] \
        [--steps N] [--cfg W] [--guidance-scale S] [--seed 0] \
        [--negative-prompt TEXT] [--cfg-options model.sd_folder=DIR ...]

Writes pose | result, one row per ``--pose`` (several poses take the same
prompt). A pose is a keypoint JSON file, an annotation row
``"name:[y...]:[x...]"``, an OpenPose-style pose image, or a photo of a
person read by the config's pose estimator (docs/reposesd.md). A model
trained on SynthFashion knows SynthFashion's words and people only.
"""
from __future__ import annotations

import argparse
import os
import os.path as osp
import sys

import cv2
import numpy as np
from mmengine.config import Config, DictAction

from mmrepose.apis import (CheckpointMismatchError, PoseInputError,
                           TextPoseInferencer)
from mmrepose.datasets.transforms import ImageLoadError
from mmrepose.models.pose_estimators import PoseEstimatorCheckpointError
from mmrepose.registry import DIFFUSION_SCHEDULERS


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('prompt', help='the text prompt')
    p.add_argument('--pose', nargs='+', required=True,
                   help='target pose(s); each gets the prompt')
    p.add_argument('--config', required=True, help='a RePoseSD config')
    p.add_argument('--checkpoint', required=True, help='its checkpoint')
    p.add_argument('--out', default='outputs/text_pose.png',
                   help='the grid written (pose | result per row)')
    p.add_argument('--device', default='cpu', help="'cpu' or 'cuda'")
    p.add_argument('--sampler', choices=list(DIFFUSION_SCHEDULERS.module_dict),
                   help="sampler (default: the config's test_cfg)")
    p.add_argument('--steps', type=int, help='denoising steps')
    p.add_argument('--cfg', type=float,
                   help='classifier-free guidance scale (text and pose)')
    p.add_argument('--guidance-scale', type=float,
                   help='PIF guidance scale s (RePoseSD configs only)')
    p.add_argument('--negative-prompt',
                   help="the unconditional branch's prompt (default: '')")
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                   help='config overrides, e.g. model.sd_folder=DIR')
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sampling = {k: v for k, v in dict(
        sampler=args.sampler, num_steps=args.steps, cfg_scale=args.cfg,
        guidance_scale=args.guidance_scale,
        negative_prompt=args.negative_prompt, seed=args.seed).items()
        if v is not None}
    try:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        config = Config.fromfile(args.config)
        config.merge_from_dict(args.cfg_options)
        inferencer = TextPoseInferencer(config, args.checkpoint,
                                        device=args.device)
        result = inferencer(args.prompt, args.pose, **sampling)
    except (OSError, ImageLoadError, PoseInputError, CheckpointMismatchError,
            PoseEstimatorCheckpointError, ValueError, TypeError,
            KeyError) as exc:
        sys.exit(f'error: {exc}')
    h, w = inferencer.image_size
    scale = max(1, 256 // h)  # small models: enlarge for viewing
    grid = cv2.resize(result['grid'], None, fx=scale, fy=scale,
                      interpolation=cv2.INTER_NEAREST)
    if not cv2.imwrite(args.out, cv2.cvtColor(np.ascontiguousarray(grid),
                                              cv2.COLOR_RGB2BGR)):
        sys.exit(f'error: could not write {args.out}')
    print(f'wrote {args.out} ({len(result["predictions"])} result(s) at '
          f'{h}x{w} for "{args.prompt}")')


if __name__ == '__main__':
    main()
