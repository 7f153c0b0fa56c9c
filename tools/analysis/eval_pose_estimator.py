"""Pose accuracy of a pose estimator on SynthFashion's ground truth.

    python tools/analysis/eval_pose_estimator.py CONFIG CHECKPOINT
        [--data-root data/synthfashion] [--split test|val|train] [--scale S]
        [--resize HxW] [--batch-size 16] [--out metrics.json]

Runs :class:`mmrepose.models.pose_estimators.MMPoseEstimator` (per-channel
heatmap argmax, one person per image) on every image of the split's COCO
keypoint json (``annotations/synthfashion_keypoints_{split}.json``) and
scores it with the code of mmrepose's ``PoseAccuracy`` metric, so the
numbers are the ones the metric reports on generated images:

- ``pck@0.1``: fraction of visible ground-truth keypoints within
  0.1 x max(w, h) of the box around the image's visible ground-truth
  keypoints (images with fewer than two visible keypoints are left out);
- ``mean_error_px``: mean distance in pixels of the evaluated images;

averaged over keypoints (every visible keypoint of every image counts
once). ``--scale`` is the resize factor ``MMPoseEstimator`` applies before
the network; by default the config's ``image_size`` height over the
split's image height (0.5 for the 128x88 model on 256x176 images), so the
errors are in the split's own pixels.

``--resize HxW`` first downscales the split's images to ``H x W`` with area
interpolation (e.g. ``64x44``: the size of mmrepose's smallest generated
images; the default ``--scale`` is then the config's height over ``H``, 2
for the 128x88 models), runs the estimator on them and maps its keypoints
back to the split's pixels (``x -> (x + 0.5) * W0 / W - 0.5``), so the
errors and PCK stay in the split's frame and compare with the full-size
numbers. Prints a table and one JSON line.
"""
from __future__ import annotations

import argparse
import json
import os.path as osp
import sys
import time

import cv2
import numpy as np
import torch
from mmengine.config import Config

from mmrepose.structures import images_to_unit_range
from mmrepose.structures.keypoint_layout import MISSING
from mmrepose.utils import parse_image_size


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='PCK@0.1 and mean keypoint error of a pose estimator on '
        'SynthFashion.')
    parser.add_argument('config', help='mmpose config of the estimator')
    parser.add_argument('checkpoint', help='its checkpoint')
    parser.add_argument('--data-root', default='data/synthfashion')
    parser.add_argument('--split', default='test',
                        choices=('train', 'val', 'test'))
    parser.add_argument('--scale', type=float, help='resize factor before '
                        "the network (default: the config's image_size "
                        'height / the images\' height)')
    parser.add_argument('--resize', type=parse_image_size, metavar='HxW',
                        help='area-downscale the images to HxW before the '
                        "estimator; keypoints are scored in the split's "
                        'own pixels')
    parser.add_argument('--batch-size', type=int, default=16)
    parser.add_argument('--pck-thr', type=float, default=0.1)
    parser.add_argument('--out', help='also write the metrics to this JSON')
    return parser.parse_args(argv)


def load_split(data_root: str, split: str
               ) -> tuple[list[str], np.ndarray, tuple[int, int]]:
    """Image paths, ``(N, 17, 2)`` COCO keypoints (-1 where not visible)
    and the images' ``(H, W)``, from the split's COCO keypoint json."""
    ann_path = osp.join(data_root, 'annotations',
                        f'synthfashion_keypoints_{split}.json')
    if not osp.isfile(ann_path):
        raise FileNotFoundError(
            f'annotations not found: {ann_path} (generate SynthFashion with '
            'tools/dataset_converters/make_synthfashion.py)')
    with open(ann_path, encoding='utf-8') as f:
        coco = json.load(f)
    by_image = {a['image_id']: a for a in coco['annotations']}
    paths, keypoints, sizes = [], [], set()
    for image in coco['images']:
        ann = by_image.get(image['id'])
        if ann is None:
            continue
        kps = np.asarray(ann['keypoints'], np.float64).reshape(-1, 3)
        kps[kps[:, 2] <= 0, :2] = MISSING
        paths.append(osp.join(data_root, split, image['file_name']))
        keypoints.append(kps[:, :2])
        sizes.add((image['height'], image['width']))
    if len(sizes) != 1:
        raise ValueError(f'{ann_path}: expected one image size, got {sizes}')
    return paths, np.stack(keypoints), sizes.pop()


def read_images(paths: list[str],
                size: tuple[int, int] | None = None) -> torch.Tensor:
    """``(B, 3, H, W)`` RGB in [-1, 1], area-resized to ``size`` (H, W) if
    given."""
    images = []
    for path in paths:
        img = cv2.imread(path, cv2.IMREAD_COLOR)
        if img is None:
            raise FileNotFoundError(f'cannot read image {path}')
        if size is not None and img.shape[:2] != tuple(size):
            img = cv2.resize(img, (size[1], size[0]),
                             interpolation=cv2.INTER_AREA)
        images.append(torch.from_numpy(img[..., ::-1].copy()))
    return images_to_unit_range(torch.stack(images).permute(0, 3, 1, 2))


def evaluate(config: str, checkpoint: str,
             data_root: str = 'data/synthfashion', split: str = 'test',
             scale: float | None = None, batch_size: int = 16,
             pck_thr: float = 0.1,
             resize: tuple[int, int] | None = None) -> dict:
    """The metrics dict (plus ``images``, ``keypoints``, ``scale``,
    ``input_size``); ``resize`` (H, W) as ``--resize``."""
    from mmrepose.evaluation.metrics import PoseAccuracy
    from mmrepose.models.pose_estimators import MMPoseEstimator
    paths, targets, (height, width) = load_split(data_root, split)
    in_h, in_w = resize if resize is not None else (height, width)
    if scale is None:
        image_size = Config.fromfile(config).get('image_size')
        scale = image_size[0] / in_h if image_size else 1.0
    # the estimator's keypoints (in the fed images' pixels) -> split pixels
    back = np.array([width / in_w, height / in_h])
    estimator = MMPoseEstimator(config, checkpoint, scale=scale)
    if estimator.keypoint_layout != 'coco17':
        raise ValueError('the estimator must output COCO-17 keypoints, got '
                         f'{estimator.keypoint_layout}')
    metric = PoseAccuracy(estimator, pck_thr=pck_thr)
    results = []
    for i in range(0, len(paths), batch_size):
        preds = estimator.keypoints(read_images(paths[i:i + batch_size],
                                                resize)).cpu().numpy()
        if resize is not None:
            preds = (preds + 0.5) * back - 0.5
        for pred, target in zip(preds, targets[i:i + batch_size]):
            results.append(dict(pred=pred.astype(np.float64), target=target,
                                head_size=None))
    metrics = metric.compute_metrics(results)
    visible = int(np.all(targets >= 0, axis=-1).sum())
    return dict(metrics, images=len(paths), keypoints=visible,
                scale=float(scale), input_size=[in_h, in_w])


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    start = time.perf_counter()
    try:
        with torch.no_grad():
            result = evaluate(args.config, args.checkpoint, args.data_root,
                              args.split, args.scale, args.batch_size,
                              args.pck_thr, args.resize)
    except (FileNotFoundError, ImportError, ValueError, RuntimeError) as err:
        sys.exit(f'error: {err}')
    result = dict(config=args.config, checkpoint=args.checkpoint,
                  data_root=args.data_root, split=args.split, **result,
                  seconds=round(time.perf_counter() - start, 1))
    pck = f'pck@{args.pck_thr:g}'
    size = 'x'.join(str(v) for v in result['input_size'])
    print(f'{"split":<8}{"input":>9}{"images":>8}{"keypoints":>11}{pck:>10}'
          f'{"mean_error_px":>15}')
    print(f'{args.split:<8}{size:>9}{result["images"]:>8}'
          f'{result["keypoints"]:>11}{result[pck]:>10.4f}'
          f'{result["mean_error_px"]:>15.2f}')
    print(json.dumps(result))
    if args.out:
        with open(args.out, 'w', encoding='utf-8') as f:
            json.dump(result, f, indent=1)
    return result


if __name__ == '__main__':
    main()
