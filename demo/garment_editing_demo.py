"""Garment editing demo: a reference person wears another photo's garment.

    python demo/garment_editing_demo.py REFERENCE GARMENT_SOURCE
        (--mask MASK | --parts PART_MAP --region upper|lower|full)
        [--reference-pose POSE] [--garment-pose POSE]
        [--config CONFIG --checkpoint CKPT] [--grow 1] [--resample 0]
        [--out-dir outputs] [--device cpu] [--steps N] [--cfg W] [--seed 0]

The result keeps the reference's pose, face, hair, other garments and
background, and shows the garment source's garment inside the region:
``--mask`` (white = change), or a SynthFashion part map and a region name.
Poses are keypoint JSON files or any form ``pose_transfer_demo.py`` takes
(default: read by the config's pose reader). Writes
``OUT_DIR/garment_edit.png`` (reference | garment source | region | result)
and ``garment_edit_result.png``. Method and limits:
docs/applications.md.
"""
from __future__ import annotations

import argparse
import os
import os.path as osp
import sys

import cv2

from mmrepose.apis import (CheckpointMismatchError, PoseInputError,
                           PoseTransferInferencer)
from mmrepose.datasets.transforms import ImageLoadError
from mmrepose.models.pose_estimators import PoseEstimatorCheckpointError


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('reference', help='the person to edit')
    p.add_argument('garment_source', help='the photo whose garment to wear')
    p.add_argument('--mask', help='region to change (white = change)')
    p.add_argument('--parts', help='part map of the reference (SynthFashion '
                   'parts/{split}/NAME.png), with --region')
    p.add_argument('--region', choices=['upper', 'lower', 'full'])
    p.add_argument('--reference-pose')
    p.add_argument('--garment-pose')
    p.add_argument('--config', help='model config (default: embedded model)')
    p.add_argument('--checkpoint', help='checkpoint (default: embedded model)')
    p.add_argument('--grow', type=int, default=1,
                   help='pixels the region grows by at the model size')
    p.add_argument('--resample', type=int, default=0,
                   help="RePaint's resampling: repeats of each step")
    p.add_argument('--out-dir', default='outputs')
    p.add_argument('--device', default='cpu')
    p.add_argument('--steps', type=int)
    p.add_argument('--cfg', type=float)
    p.add_argument('--seed', type=int, default=0)
    args = p.parse_args(argv)
    if args.mask is None and (args.parts is None or args.region is None):
        p.error('give --mask, or --parts and --region')
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sampling = {k: v for k, v in dict(num_steps=args.steps,
                                      cfg_scale=args.cfg).items()
                if v is not None}
    try:
        inferencer = PoseTransferInferencer(args.config, args.checkpoint,
                                            device=args.device)
        out = inferencer.edit_garment(
            args.reference, args.garment_source, mask=args.mask,
            parts=args.parts, region=args.region,
            reference_pose=args.reference_pose,
            garment_pose=args.garment_pose, grow=args.grow,
            self_recurrence=args.resample, seed=args.seed, **sampling)
    except (FileNotFoundError, ImageLoadError, PoseInputError,
            CheckpointMismatchError, PoseEstimatorCheckpointError,
            ValueError) as exc:
        sys.exit(f'error: {exc}')
    os.makedirs(args.out_dir, exist_ok=True)
    for name, image in (('garment_edit.png', out['grid']),
                        ('garment_edit_result.png', out['result'])):
        path = osp.join(args.out_dir, name)
        if not cv2.imwrite(path, cv2.cvtColor(image, cv2.COLOR_RGB2BGR)):
            sys.exit(f'error: could not write {path}')
    print(f"wrote {osp.join(args.out_dir, 'garment_edit.png')}")


if __name__ == '__main__':
    main()
