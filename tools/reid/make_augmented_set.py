"""Write a Market-1501 re-ID training set augmented with generated people.

    python tools/reid/make_augmented_set.py --data-root DIR --out OUT
        [--config C --checkpoint W] [--split train] [--real-fraction F]
        [--num N] [--seed S] [--frame 128x64] [--device cpu]
        [--sampler ddim --steps K]

``DIR`` is a Market-1501 pose-transfer root (``{split}/*.jpg`` and
``market-annotation-{split}.csv``, the PATN/GFLA layout the Market configs
read). The tool keeps ``F`` of the split's annotated images (chosen with
the seed), copies them to ``OUT/bounding_box_train/``, and writes ``N``
generated images beside them: each is a kept image's person (identity
label kept) in the pose of another kept image, rendered by the model
(:mod:`mmrepose.reid.augmentation_plan`), named as Market-1501 names them
with sequence 9 (:mod:`mmrepose.reid.market_names`). ``OUT/generated.csv``
lists each generated image with its source and pose image; the set is
rebuilt exactly from the same arguments. The model must be one trained on
Market-1501 (``configs/repose/market1501_128*.py``); docs/applications.md.
"""
from __future__ import annotations

import argparse
import csv
import os
import os.path as osp
import shutil
import sys
from collections import defaultdict

import cv2
from tqdm import tqdm

from mmrepose.apis import PoseTransferInferencer
from mmrepose.datasets import AnnotationError
from mmrepose.datasets.annotation_formats import read_patn_annotations
from mmrepose.reid import plan_generation, real_subset
from mmrepose.utils import parse_image_size

#: Market-1501's image size (H, W): the frame of its annotation csv.
MARKET_FRAME = (128, 64)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data-root', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--config', required=True, help='a Market-1501 model')
    p.add_argument('--checkpoint', required=True)
    p.add_argument('--split', default='train')
    p.add_argument('--real-fraction', type=float, default=1.0)
    p.add_argument('--num', type=int, default=1000,
                   help='generated images')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--frame', type=parse_image_size, default=MARKET_FRAME,
                   help="HEIGHTxWIDTH of the annotation's keypoints (the "
                   "images' size; Market-1501's 128x64)")
    p.add_argument('--device', default='cpu')
    p.add_argument('--sampler')
    p.add_argument('--steps', type=int)
    return p.parse_args(argv)


def write(args: argparse.Namespace) -> dict:
    annotations = read_patn_annotations(osp.join(
        args.data_root, f'market-annotation-{args.split}.csv'))
    names = sorted(n for n in annotations
                   if osp.isfile(osp.join(args.data_root, args.split, n)))
    missing = len(annotations) - len(names)
    if missing:
        print(f'[augment] {missing} annotated image(s) are not in '
              f'{args.split}/ and are left out', file=sys.stderr)
    real = real_subset(names, args.real_fraction, args.seed)
    plan = plan_generation(real, args.num, args.seed)
    out_dir = osp.join(args.out, 'bounding_box_train')
    os.makedirs(out_dir, exist_ok=True)
    for name in real:
        shutil.copyfile(osp.join(args.data_root, args.split, name),
                        osp.join(out_dir, name))
    inferencer = PoseTransferInferencer(args.config, args.checkpoint,
                                        device=args.device)
    sampling = {k: v for k, v in dict(sampler=args.sampler,
                                      num_steps=args.steps).items() if v}
    uses_source_pose = inferencer.model.pose_alignment is not None
    by_source = defaultdict(list)
    for item in plan:
        by_source[item.source].append(item)
    for source, items in tqdm(by_source.items(), desc='generating',
                              unit='source'):
        result = inferencer(
            osp.join(args.data_root, args.split, source),
            [annotations[i.pose_of].tolist() for i in items],
            source_pose=annotations[source].tolist()
            if uses_source_pose else None,
            frame=args.frame, progress=False, **sampling)
        for item, image in zip(items, result['predictions']):
            cv2.imwrite(osp.join(out_dir, item.name),
                        cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    with open(osp.join(args.out, 'generated.csv'), 'w', newline='') as f:
        rows = csv.writer(f)
        rows.writerow(['name', 'source', 'pose_of'])
        rows.writerows((i.name, i.source, i.pose_of) for i in plan)
    return dict(real=len(real), generated=len(plan), out=out_dir)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        counts = write(args)
    except (FileNotFoundError, AnnotationError, ValueError) as exc:
        sys.exit(f'error: {exc}')
    print(f"[augment] wrote {counts['real']} real and {counts['generated']} "
          f"generated images to {counts['out']}")


if __name__ == '__main__':
    main()
