"""Pose-transfer demo: render a person from a photo in new poses.

    python demo/pose_transfer_demo.py [SOURCE] [TARGET_POSE ...] \
        [--source-pose POSE] [--config CONFIG --checkpoint CKPT] \
        [--gt IMAGE ...] \
        [--out-dir DIR] [--device cpu|cuda] [--sampler ddim] [--steps N] \
        [--cfg W] [--guidance-scale S] [--seed 0]

With no arguments it runs the embedded default model (a small model trained
on SynthFashion, see docs/embedded_model.md) on ``demo/examples/source.jpg`` (with its
keypoints ``source_pose.json``) and the bundled target poses
``demo/examples/target_pose*.json`` and writes ``outputs/demo.png``, a row
per target: source | target pose | result | ground truth
(``target_gt*.jpg``).
TARGET_POSE is a keypoint JSON file (``{"keypoints": [[x, y] x 18],
"image_size": [H, W]}``), an annotation row ``"name:[y...]:[x...]"`` in the
256x176 frame, an OpenPose-style pose image (black canvas, OpenPose joint
colours), or a photo of a person (a driving photo, read by the pose
estimator). Models with Recurrent Pose Alignment also use the source's pose:
``--source-pose`` in the same forms, else the pose estimator reads it.
"""
from __future__ import annotations

import argparse
import glob
import os
import os.path as osp
import sys
import tempfile

import cv2
import numpy as np

from mmrepose.apis import (CheckpointMismatchError, PoseInputError,
                           PoseTransferInferencer)
from mmrepose.apis.target_pose import scale_keypoints
from mmrepose.datasets.transforms import (ImageLoadError, load_rgb_image,
                                          skeleton_rgb)
from mmrepose.models.pose_estimators import PoseEstimatorCheckpointError
from mmrepose.registry import DIFFUSION_SCHEDULERS
from mmrepose.visualization import tile_grid

HERE = osp.dirname(osp.abspath(__file__))
EXAMPLES = osp.join(HERE, 'examples')
EXAMPLE_SOURCE = osp.join(EXAMPLES, 'source.jpg')
EXAMPLE_TARGETS = sorted(glob.glob(osp.join(EXAMPLES, 'target_pose*.json')))


def example_ground_truth(target_pose: str) -> str:
    """``target_gt_2.jpg`` for ``target_pose_2.json``."""
    return target_pose.replace('target_pose', 'target_gt')[:-len('.json')] \
        + '.jpg'


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('source', nargs='?', default=EXAMPLE_SOURCE,
                   help='source image (default: the bundled example)')
    p.add_argument('target_poses', nargs='*', default=EXAMPLE_TARGETS,
                   help='target poses (default: the bundled examples)')
    p.add_argument('--source-pose', help='keypoints of the source (default: '
                   'the bundled example\'s, or read by the pose estimator)')
    p.add_argument('--config', help='model config (default: embedded model)')
    p.add_argument('--checkpoint', help='checkpoint (default: embedded model)')
    p.add_argument('--gt', nargs='+', default=[],
                   help='ground-truth target images, one per target pose, '
                   'shown last (default with the bundled example: its '
                   'ground truth)')
    p.add_argument('--out-dir', default='outputs', help='output folder')
    p.add_argument('--device', default='cpu', help="'cpu' or 'cuda'")
    p.add_argument('--sampler', choices=list(DIFFUSION_SCHEDULERS.module_dict),
                   help="sampler (default: the config's test_cfg)")
    p.add_argument('--steps', type=int,
                   help="denoising steps (default: the config's test_cfg)")
    p.add_argument('--cfg', type=float,
                   help="classifier-free guidance scale (default: the "
                   "config's test_cfg; 1 skips the unconditional pass)")
    p.add_argument('--guidance-scale', type=float,
                   help='PIF guidance scale s (full models only)')
    p.add_argument('--seed', type=int, default=0)
    args = p.parse_args()
    example = args.source == EXAMPLE_SOURCE
    # the bundled source's keypoints, for models that use them (RPA)
    args.example_source_pose = example and args.source_pose is None
    if args.example_source_pose:
        args.source_pose = osp.join(EXAMPLES, 'source_pose.json')
    if not args.gt and example and args.target_poses == EXAMPLE_TARGETS:
        args.gt = [example_ground_truth(t) for t in EXAMPLE_TARGETS]
    if args.gt and len(args.gt) != len(args.target_poses):
        p.error(f'--gt: {len(args.gt)} image(s) for '
                f'{len(args.target_poses)} target pose(s); give one each')
    return args


def prepare_out_dir(path: str) -> None:
    """Create the output folder and check it takes files, before any
    sampling; exits with one line naming it otherwise."""
    try:
        os.makedirs(path, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=path, suffix='.png')
        probe.close()
    except OSError as exc:
        sys.exit(f'error: cannot write to --out-dir {path}: '
                 f'{exc.strerror or exc}')


def write_image(path: str, rgb: np.ndarray) -> None:
    """Write an RGB image; exits with one line naming the file when
    nothing was written."""
    if not cv2.imwrite(path, cv2.cvtColor(np.ascontiguousarray(rgb),
                                          cv2.COLOR_RGB2BGR)) \
            or not osp.isfile(path):
        sys.exit(f'error: could not write {path}')


def main() -> None:
    args = parse_args()
    prepare_out_dir(args.out_dir)
    sampling = {k: v for k, v in dict(sampler=args.sampler,
                                      num_steps=args.steps,
                                      cfg_scale=args.cfg,
                                      guidance_scale=args.guidance_scale,
                                      seed=args.seed).items() if v is not None}
    try:
        inferencer = PoseTransferInferencer(args.config, args.checkpoint,
                                            device=args.device)
        if args.example_source_pose and \
                inferencer.model.pose_alignment is None:
            args.source_pose = None
        result = inferencer(args.source, args.target_poses,
                            source_pose=args.source_pose, **sampling)
        gts = [load_rgb_image(path) for path in args.gt]
    except (FileNotFoundError, ImageLoadError, PoseInputError,
            CheckpointMismatchError, PoseEstimatorCheckpointError,
            ValueError, TypeError) as exc:
        sys.exit(f'error: {exc}')

    h, w = inferencer.image_size
    scale = max(1, 256 // h)  # small models: enlarge for viewing
    size = (h * scale, w * scale)
    rows = []
    for i, (kps, pred) in enumerate(zip(result['target_keypoints'],
                                        result['predictions'])):
        row = [result['source'], pred]
        if gts:
            row.append(cv2.resize(gts[i], (w, h),
                                  interpolation=cv2.INTER_AREA))
        row = [cv2.resize(p, size[::-1], interpolation=cv2.INTER_NEAREST)
               for p in row]
        # the skeleton drawn at the viewing size, not the model's pose map
        # enlarged
        pose = skeleton_rgb(scale_keypoints(kps, (h, w), size), size)
        row.insert(1, (pose.transpose(1, 2, 0) * 255).round().astype(np.uint8))
        rows.append(row)
    titles = ['source', 'target pose', 'result'] + (['ground truth']
                                                   if gts else [])
    grid = tile_grid(rows, column_titles=titles)
    out = osp.join(args.out_dir, 'demo.png')
    write_image(out, grid)
    for i, pred in enumerate(result['predictions']):
        write_image(osp.join(args.out_dir, f'demo_result_{i}.png'), pred)
    print(f'wrote {out} ({len(rows)} result(s) at {h}x{w}, '
          f'{inferencer.pose_encoding} poses)')


if __name__ == '__main__':
    main()
