"""Score a folder of generated images under a named evaluation protocol.

    python tools/evaluate_folder.py --gt DIR --pred DIR --pairs CSV \
        --protocol pidm|gfla|cfld [--real-set DIR] [--annotations CSV] \
        [--random-weights] [--out results.json]

Works for any method's results: the generated image of the pair
``(source, target)`` of the PATN/GFLA pairs csv is
``{source stem}_2_{target stem}.png`` (or ``.jpg``/``.jpeg``) in ``--pred``,
the name ``BasePoseTransferDataset.pair_name`` gives; its ground truth is
``--gt``/``target``. The protocol (``mmrepose.evaluation.protocols``) sets
FID's Inception weights and batch rule, the SSIM variant and how generated
images of another size are resized. FID's real set is ``--real-set`` (the
protocol's: the whole training folder), else the ground-truth targets of the
pairs. ``--annotations`` (the PATN keypoint csv of the targets) adds the
keypoint-masked metrics (Market-1501's mask-SSIM / mask-LPIPS, masked L1).

Weights come from local files only (``--inception-weights`` /
``--alexnet-weights`` or ``$TORCH_HOME/hub/checkpoints``);
``--random-weights`` runs without them and labels every such number as not
comparable. The table names the protocol; the results JSON goes to
``--out`` (default ``{pred}/metrics_{protocol}.json``).
"""
from __future__ import annotations

import argparse
import os.path as osp
import sys

import numpy as np
import torch
from mmengine.evaluator import Evaluator
from tqdm import tqdm

from mmrepose.datasets import (AnnotationError, BasePoseTransferDataset,
                               read_patn_annotations, read_patn_pairs)
from mmrepose.datasets.transforms.loading import (ImageLoadError,
                                                  load_rgb_image)
from mmrepose.evaluation import (PROTOCOLS, EvalProtocol,
                                 default_results_path, get_protocol,
                                 write_results_json)
from mmrepose.evaluation.functional import resize_image
from mmrepose.registry import METRICS

PRED_EXTENSIONS = ('.png', '.jpg', '.jpeg')


class InputError(ValueError):
    """Generated images that cannot be scored as given."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--gt', required=True,
                        help='folder of the ground-truth target images')
    parser.add_argument('--pred', required=True,
                        help='folder of the generated images')
    parser.add_argument('--pairs', required=True,
                        help='PATN/GFLA pairs csv (columns from,to)')
    parser.add_argument('--protocol', required=True, choices=list(PROTOCOLS),
                        help='evaluation protocol')
    parser.add_argument('--real-set', help='FID real-set folder (the '
                        'protocol: the whole training set); default: the '
                        'ground-truth targets of the pairs')
    parser.add_argument('--annotations', help='PATN keypoint csv of the '
                        'targets: adds mask-SSIM, mask-LPIPS, masked L1')
    parser.add_argument('--random-weights', action='store_true',
                        help='random Inception/AlexNet weights (numbers '
                        'not comparable; for machines without weights)')
    parser.add_argument('--inception-weights', help='Inception weights file')
    parser.add_argument('--alexnet-weights', help='AlexNet weights file')
    parser.add_argument('--cache-dir', help='FID real-set statistics cache')
    parser.add_argument('--batch-size', type=int, default=16,
                        help='images per step (default: %(default)s)')
    parser.add_argument('--device', help='default: cuda if available')
    parser.add_argument('--checkpoint', help='recorded in the results JSON')
    parser.add_argument('--config', help='recorded in the results JSON')
    parser.add_argument('--out', help='results JSON (default: '
                        '{pred}/metrics_{protocol}.json)')
    return parser.parse_args(argv)


def find_prediction(pred_dir: str, source: str, target: str) -> str:
    stem = BasePoseTransferDataset.pair_name(source, target)
    for ext in PRED_EXTENSIONS:
        path = osp.join(pred_dir, stem + ext)
        if osp.isfile(path):
            return path
    raise FileNotFoundError(
        f'generated image not found: {osp.join(pred_dir, stem)}'
        f'{{{",".join(PRED_EXTENSIONS)}}} (pair {source} -> {target})')


def build_metrics(args: argparse.Namespace, protocol: EvalProtocol) -> list:
    cfgs = protocol.metrics(
        real_set=args.real_set, masked=bool(args.annotations),
        random_weights=args.random_weights,
        inception_weights=args.inception_weights,
        alexnet_weights=args.alexnet_weights, device=args.device,
        cache_dir=args.cache_dir)
    cfgs.append(dict(type='PSNR', protocol=protocol.name))
    if args.annotations:
        cfgs.append(dict(type='MaskedL1', protocol=protocol.name))
    return [METRICS.build(cfg) for cfg in cfgs]


def load_sample(pred_path: str, gt_path: str, keypoints: np.ndarray | None,
                protocol: EvalProtocol, resized: set) -> dict:
    """One pair as a data sample; a generated image of another size is
    resized as the protocol does (its size recorded in ``resized``)."""
    gt, pred = load_rgb_image(gt_path), load_rgb_image(pred_path)
    if pred.shape != gt.shape:
        if protocol.resize is None:
            raise InputError(
                f'{pred_path} is {pred.shape[1]}x{pred.shape[0]} but the '
                f'ground truth is {gt.shape[1]}x{gt.shape[0]}; the '
                f'{protocol.name} protocol scores images generated at the '
                'benchmark size (pidm and cfld resize)')
        resized.add(pred.shape[:2])
        pred = resize_image(pred, gt.shape[:2], protocol.resize)
    sample = dict(gt_img=torch.from_numpy(gt).permute(2, 0, 1),
                  pred_img=torch.from_numpy(pred).permute(2, 0, 1),
                  pair_name=osp.basename(pred_path))
    if keypoints is not None:
        sample['target_keypoints'] = torch.from_numpy(keypoints)
    return sample


def evaluate(args: argparse.Namespace
             ) -> tuple[dict, list[str], tuple[int, int], int]:
    """``(metrics, notes, (H, W), number of images)``."""
    protocol = get_protocol(args.protocol)
    for flag, folder in (('--gt', args.gt), ('--pred', args.pred)):
        if not osp.isdir(folder):
            raise FileNotFoundError(f'{flag} folder not found: {folder}')
    pairs = read_patn_pairs(args.pairs)
    annotations = read_patn_annotations(args.annotations) \
        if args.annotations else None
    items = []
    for line, src, tgt in pairs:
        if annotations is not None and tgt not in annotations:
            raise AnnotationError('target without keypoint annotation',
                                  args.pairs, line, tgt)
        items.append((find_prediction(args.pred, src, tgt),
                      osp.join(args.gt, tgt),
                      None if annotations is None else annotations[tgt]))
    evaluator = Evaluator(build_metrics(args, protocol))
    resized: set = set()
    shape = None
    for start in tqdm(range(0, len(items), args.batch_size), desc='scoring',
                      unit='batch'):
        batch = [load_sample(*item, protocol, resized)
                 for item in items[start:start + args.batch_size]]
        shape = tuple(batch[0]['gt_img'].shape[1:])
        evaluator.process(batch)
    metrics = evaluator.evaluate(len(items))
    notes = ['FID real set: ' + (args.real_set or
                                 'the ground-truth targets of the pairs')]
    if resized:
        sizes = ', '.join(f'{w}x{h}' for h, w in sorted(resized))
        notes.append(f'generated images of size {sizes} resized to '
                     f'{shape[1]}x{shape[0]} ({protocol.resize})')
    if args.random_weights:
        notes.append('random weights - not comparable')
    return metrics, notes, shape, len(items)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    protocol = get_protocol(args.protocol)
    try:
        metrics, notes, shape, num_images = evaluate(args)
    except (FileNotFoundError, ImageLoadError, AnnotationError,
            InputError) as exc:
        sys.exit(f'error: {exc}')
    out = write_results_json(
        args.out or default_results_path(args.pred, protocol.name), metrics,
        protocol.name, shape, num_images, args.checkpoint, args.config, notes)
    width = max(len(k) for k in metrics) + 2
    print(f'protocol: {protocol.describe()}')
    for note in notes:
        print(f'note: {note}')
    print(f'{"metric":<{width}}value')
    for key, value in metrics.items():
        print(f'{key:<{width}}{value:.4f}')
    print(f'results: {out}')


if __name__ == '__main__':
    main()
