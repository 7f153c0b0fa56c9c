"""Score a folder of generated images under a named evaluation preset.

    python tools/evaluate_folder.py --gt DIR --pairs CSV --protocol NAME \\
        (--pred DIR | --baseline copy-source|ground-truth) \\
        --real-set DIR|test [--size HxW] [--resize METHOD] \\
        [--metrics fid,lpips,ssim,psnr,masked_l1] [--fid-method exact] \\
        [--annotations CSV] [--random-weights] [--out results.json]

The presets (``mmrepose.evaluation.protocols``, ``docs/evaluation.md``)
reproduce the metric code of PIDM, GFLA, CFLD and PCDMs number for number,
or score the ``standard`` way; the output names the preset and every choice
it makes. The generated image of the pair ``(source, target)`` of the
PATN/GFLA pairs csv is ``{source stem}_2_{target stem}[_vis].{png,jpg,jpeg}``
in ``--pred`` (mmrepose's and GFLA's names); its ground truth is
``--gt``/``target`` (or the file of the target's stem with another image
extension).

- ``--real-set``: FID's real set, explicitly: a folder (the papers use the
  whole training set) or ``test`` (every image of ``--gt``);
- ``--size HxW``: the evaluation size (default: the ground truth's); images
  of another size are resized the preset's way, or by ``--resize``;
- ``--baseline copy-source``: score the source image of each pair as its
  prediction (the floor every model must beat); ``ground-truth``: the
  targets themselves, for FID only (the other metrics are trivially
  perfect): the best FID a perfect model can reach against that real set;
- ``--annotations`` (the PATN keypoint csv of the targets) adds the
  keypoint-masked metrics (Market-1501's mask-SSIM / mask-LPIPS, masked L1).

A warning is printed (and recorded) when ``--pred`` holds another number of
images than the pairs file has pairs. Weights come from local files only
(``--inception-weights`` / ``--alexnet-weights`` or
``$TORCH_HOME/hub/checkpoints``); ``--random-weights`` runs without them and
labels every such number as not comparable. The results JSON goes to
``--out`` (default ``{pred}/metrics_{protocol}.json``).
"""
from __future__ import annotations

import argparse
import os.path as osp
import sys
from collections import Counter

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
from mmrepose.evaluation.functional import (FRECHET_METHODS, RESIZE_METHODS,
                                            SizeMismatchError, list_folder)
from mmrepose.evaluation.metrics import ImageTooSmallError
from mmrepose.registry import METRICS
from mmrepose.utils import parse_image_size

PRED_EXTENSIONS = ('.png', '.jpg', '.jpeg')
PRED_SUFFIXES = ('', '_vis')
METRIC_FAMILIES = ('fid', 'lpips', 'ssim', 'psnr', 'masked_l1')
#: also accepted by --metrics: one SSIM variant
SSIM_VARIANT_FAMILIES = ('ssim_win51', 'ssim_256')
BASELINES = ('copy-source', 'ground-truth')


class InputError(ValueError):
    """Inputs that cannot be scored as given."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--gt', required=True,
                        help='folder of the ground-truth target images')
    parser.add_argument('--pairs', required=True,
                        help='PATN/GFLA pairs csv (columns from,to)')
    parser.add_argument('--protocol', required=True, choices=list(PROTOCOLS),
                        help='evaluation preset (docs/evaluation.md)')
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument('--pred', help='folder of the generated images')
    source.add_argument('--baseline', choices=BASELINES,
                        help='score a sanity baseline instead of a model')
    parser.add_argument('--source-dir', help='folder of the source images '
                        '(copy-source baseline; default: --gt)')
    parser.add_argument('--real-set', help="FID's real set: a folder (the "
                        "papers: the whole training set) or 'test' (every "
                        'image of --gt); required with FID')
    parser.add_argument('--size', type=parse_image_size,
                        help="evaluation size HxW (default: the ground "
                        "truth's)")
    parser.add_argument('--resize', choices=list(RESIZE_METHODS),
                        help="resize method overriding the preset's")
    parser.add_argument('--fid-method', choices=list(FRECHET_METHODS),
                        help="Fréchet distance method overriding the "
                        "preset's sqrtm ('exact' is fast, and differs from "
                        'the references by ~1e-4 under 2048 images)')
    parser.add_argument('--metrics', default=','.join(METRIC_FAMILIES),
                        help='comma-separated subset of %(default)s '
                        '(ssim: both variants, or ssim_win51 / ssim_256 '
                        'alone; masked_l1 needs --annotations)')
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
    parser.add_argument('--out', help='results JSON (default: {pred}/'
                        'metrics_{protocol}.json; baselines: required)')
    return parser.parse_args(argv)


def find_prediction(pred_dir: str, source: str, target: str) -> str:
    stem = BasePoseTransferDataset.pair_name(source, target)
    for suffix in PRED_SUFFIXES:
        for ext in PRED_EXTENSIONS:
            path = osp.join(pred_dir, stem + suffix + ext)
            if osp.isfile(path):
                return path
    raise FileNotFoundError(
        f'generated image not found: {osp.join(pred_dir, stem)}'
        f'[_vis]{{{",".join(PRED_EXTENSIONS)}}} (pair {source} -> {target})')


def find_image(folder: str, name: str) -> str:
    """``folder/name``, or the file of the same stem with another image
    extension (PIDM's test set is PNG where the pairs name JPEG files)."""
    path = osp.join(folder, name)
    if osp.isfile(path):
        return path
    stem = osp.splitext(name)[0]
    for ext in PRED_EXTENSIONS:
        if osp.isfile(osp.join(folder, stem + ext)):
            return osp.join(folder, stem + ext)
    raise FileNotFoundError(f'image not found: {path} (nor {stem} with '
                            f'another of {", ".join(PRED_EXTENSIONS)})')


def selected_metrics(args: argparse.Namespace) -> tuple[str, ...]:
    which = tuple(m.strip() for m in args.metrics.split(',') if m.strip())
    known = METRIC_FAMILIES + SSIM_VARIANT_FAMILIES
    unknown = set(which) - set(known)
    if unknown:
        raise InputError(f'unknown --metrics {", ".join(sorted(unknown))}; '
                         f'choose from {", ".join(known)}')
    if 'masked_l1' in which and not args.annotations:
        which = tuple(m for m in which if m != 'masked_l1')
    if args.baseline == 'ground-truth':
        which = tuple(m for m in which if m == 'fid')
        if not which:
            raise InputError('the ground-truth baseline scores FID only (its '
                             'other metrics are trivially perfect)')
    if 'fid' in which and not args.real_set:
        raise InputError("FID needs --real-set: a folder (the papers' "
                         "protocol: the whole training set) or 'test'")
    return which


def real_set_folder(args: argparse.Namespace) -> str | None:
    return args.gt if args.real_set == 'test' else args.real_set


def build_metrics(args: argparse.Namespace, protocol: EvalProtocol,
                  which: tuple[str, ...]) -> list:
    cfgs = protocol.metrics(
        real_set=real_set_folder(args), masked=bool(args.annotations),
        random_weights=args.random_weights,
        inception_weights=args.inception_weights,
        alexnet_weights=args.alexnet_weights, device=args.device,
        cache_dir=args.cache_dir, size=args.size, resize=args.resize,
        fid_method=args.fid_method, which=which)
    if 'masked_l1' in which:
        cfgs.append(dict(type='MaskedL1', protocol=protocol.name,
                         size=args.size, real_resize=args.resize,
                         pred_resize=args.resize))
    return [METRICS.build(cfg) for cfg in cfgs]


def pair_items(args: argparse.Namespace, annotations: dict | None
               ) -> list[dict]:
    """One dict per pair: the files of its prediction and ground truth."""
    items = []
    for line, src, tgt in read_patn_pairs(args.pairs):
        if annotations is not None and tgt not in annotations:
            raise AnnotationError('target without keypoint annotation',
                                  args.pairs, line, tgt)
        gt = find_image(args.gt, tgt)
        if args.baseline == 'copy-source':
            pred = find_image(args.source_dir or args.gt, src)
            pred_path = None
        elif args.baseline == 'ground-truth':
            pred, pred_path = gt, None
        else:
            pred = pred_path = find_prediction(args.pred, src, tgt)
        items.append(dict(pred=pred, pred_path=pred_path, gt=gt,
                          name=BasePoseTransferDataset.pair_name(src, tgt),
                          keypoints=None if annotations is None
                          else annotations[tgt]))
    return items


def count_warnings(args: argparse.Namespace, items: list[dict]) -> list[str]:
    """Warnings when the predictions and the pairs file do not match one to
    one (the checklist of docs/evaluation.md)."""
    if args.pred is None:
        return []
    warnings = []
    on_disk = [n for n in list_folder(args.pred, 'sorted')
               if n.lower().endswith(PRED_EXTENSIONS)]
    if len(on_disk) != len(items):
        used = {osp.basename(i['pred_path']) for i in items}
        extra = len([n for n in on_disk if n not in used])
        warnings.append(
            f'{args.pred} holds {len(on_disk)} images but the pairs file has '
            f'{len(items)} pairs ({extra} images are not predictions of a '
            'pair); reference scripts that list the folder (FID of pidm, '
            'gfla, pcdms) would score another set')
    repeated = sum(c - 1 for c in Counter(i['name'] for i in items).values()
                   if c > 1)
    if repeated:
        warnings.append(f'the pairs file repeats {repeated} pairs')
    return warnings


def load_sample(item: dict, size: tuple[int, int] | None) -> dict:
    gt, pred = load_rgb_image(item['gt']), load_rgb_image(item['pred'])
    sample = dict(gt_img=torch.from_numpy(gt).permute(2, 0, 1),
                  pred_img=torch.from_numpy(pred).permute(2, 0, 1),
                  pair_name=item['name'], pred_path=item['pred_path'],
                  resized=pred.shape[:2] != (size or gt.shape[:2]),
                  pred_size=pred.shape[:2], gt_size=gt.shape[:2])
    if item['keypoints'] is not None:
        sample['target_keypoints'] = torch.from_numpy(
            np.asarray(item['keypoints']))
    return sample


def evaluate(args: argparse.Namespace) -> dict:
    """``dict(metrics, notes, warnings, resolution, num_images)``."""
    protocol = get_protocol(args.protocol)
    folders = [('--gt', args.gt), ('--pred', args.pred),
               ('--source-dir', args.source_dir),
               ('--real-set', real_set_folder(args))]
    for flag, folder in folders:
        if folder is not None and not osp.isdir(folder):
            raise FileNotFoundError(f'{flag} folder not found: {folder}')
    which = selected_metrics(args)
    annotations = read_patn_annotations(args.annotations) \
        if args.annotations else None
    items = pair_items(args, annotations)
    warnings = count_warnings(args, items)
    evaluator = Evaluator(build_metrics(args, protocol, which))
    resized: Counter = Counter()
    resized_gt: Counter = Counter()
    shape = None
    for start in tqdm(range(0, len(items), args.batch_size), desc='scoring',
                      unit='batch'):
        batch = [load_sample(item, args.size)
                 for item in items[start:start + args.batch_size]]
        shape = args.size or tuple(batch[0]['gt_img'].shape[1:])
        resized.update(s['pred_size'] for s in batch if s['resized'])
        resized_gt.update(s['gt_size'] for s in batch
                          if s['gt_size'] != shape)
        evaluator.process(batch)
    metrics = evaluator.evaluate(len(items))
    return dict(metrics=metrics, warnings=warnings, resolution=shape,
                num_images=len(items),
                notes=notes(args, protocol, which, resized, resized_gt,
                            shape))


def notes(args: argparse.Namespace, protocol: EvalProtocol,
          which: tuple[str, ...], resized: Counter, resized_gt: Counter,
          shape: tuple[int, int] | None) -> list[str]:
    out = []
    if 'fid' in which:
        out.append('FID real set: ' + (
            f'the test set ({args.gt})' if args.real_set == 'test'
            else args.real_set))
    if args.baseline == 'copy-source':
        out.append('baseline: the source image of each pair as its '
                   'prediction, in pairs order')
    elif args.baseline == 'ground-truth':
        out.append('baseline: the ground-truth targets as predictions (FID '
                   'only)')
    if args.resize:
        out.append(f'resize method {args.resize} instead of the preset\'s')
    if args.fid_method and 'fid' in which:
        out.append(f'Fréchet distance by {args.fid_method} instead of the '
                   "preset's")
    if args.size:
        out.append(f'evaluation size {args.size[0]}x{args.size[1]} (HxW)')
    stored = '; SSIM and PSNR score them as stored' \
        if protocol.ssim_at_stored_size else ''
    for kind, counts, method in (
            ('generated', resized, args.resize or protocol.pred_resize),
            ('ground-truth', resized_gt, args.resize or protocol.real_resize)):
        for (h, w), count in sorted(counts.items()):
            out.append(f'{count} {kind} images of {h}x{w} (HxW) resized to '
                       f'{shape[0]}x{shape[1]} ({method}){stored}')
    if args.random_weights:
        out.append('random weights - not comparable')
    return out


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    protocol = get_protocol(args.protocol)
    if args.baseline and not args.out:
        sys.exit('error: a baseline has no --pred folder: give --out')
    try:
        result = evaluate(args)
    except (FileNotFoundError, ImageLoadError, AnnotationError, InputError,
            SizeMismatchError, ImageTooSmallError) as exc:
        sys.exit(f'error: {exc}')
    out = write_results_json(
        args.out or default_results_path(args.pred, protocol.name),
        result['metrics'], protocol.name, result['resolution'],
        result['num_images'], args.checkpoint, args.config,
        result['notes'] + [f'warning: {w}' for w in result['warnings']],
        extra=dict(real_set=args.real_set, baseline=args.baseline,
                   size=args.size, resize=args.resize,
                   fid_method=args.fid_method))
    for warning in result['warnings']:
        print(f'warning: {warning}', file=sys.stderr)
    metrics = result['metrics']
    width = max(len(k) for k in metrics) + 2
    print(f'protocol: {protocol.describe()}')
    for note in result['notes']:
        print(f'note: {note}')
    print(f'{"metric":<{width}}value')
    for key, value in metrics.items():
        print(f'{key:<{width}}{value:.4f}')
    print(f'results: {out}')


if __name__ == '__main__':
    main()
