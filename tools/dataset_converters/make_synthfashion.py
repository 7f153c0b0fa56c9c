"""Generate the SynthFashion dataset: procedural clothed people in
DeepFashion's file layout, deterministic from a seed, with no downloads.

Usage::

    python tools/dataset_converters/make_synthfashion.py \\
        --out data/synthfashion --size 256x176 --train-ids 150 \\
        --test-ids 20 --val-ids 20 --poses-per-id 6 --seed 0 \\
        [--background studio|cluttered] [--max-pairs-per-id 30] \\
        [--only-splits test]

Writes, for each split (``train``, ``test`` and, with ``--val-ids``,
``val``), ``{split}/``, ``fasion-resize-annotation-{split}.csv``,
``fasion-resize-pairs-{split}.csv``, ``{split}.lst`` and
``annotations/synthfashion_keypoints_{split}.json`` (COCO keypoints), plus
``parts/`` (body-part label maps and ``labels.json``) and ``meta.json``.
"""
from __future__ import annotations

import argparse
import time

from mmrepose.datasets.synthesis import BACKGROUNDS, generate_synthfashion
from mmrepose.utils import parse_image_size


def parse_size(text: str) -> tuple[int, int]:
    """``'256x176'`` -> ``(256, 176)``; at least 16 pixels a side."""
    return parse_image_size(text, minimum=16)


def _int_at_least(minimum: int):
    """argparse type: an integer >= ``minimum``."""

    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f'expected an integer >= {minimum}, got {text}')
        return value

    return parse


_non_negative = _int_at_least(0)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Generate the SynthFashion dataset in DeepFashion layout.')
    parser.add_argument('--out', required=True, help='output directory')
    parser.add_argument('--size', type=parse_size, default=(256, 176),
                        help='image size HEIGHTxWIDTH (default 256x176)')
    parser.add_argument('--train-ids', type=_non_negative, default=100,
                        help='number of training identities')
    parser.add_argument('--test-ids', type=_non_negative, default=20,
                        help='number of test identities')
    parser.add_argument('--val-ids', type=_non_negative, default=0,
                        help='number of validation identities (a val split, '
                        'which the SynthFashion configs validate on)')
    parser.add_argument('--poses-per-id', type=_int_at_least(2), default=6,
                        help='images per identity (>= 2: pairs are made within an identity)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--background', choices=BACKGROUNDS,
                        default='studio')
    parser.add_argument('--max-pairs-per-id', type=_non_negative, default=30,
                        help='cap on the ordered pairs per identity')
    parser.add_argument('--only-splits', metavar='SPLIT[,SPLIT]',
                        type=lambda text: tuple(text.split(',')),
                        help='write only these splits (e.g. test), exactly '
                        'as the whole set of these settings has them')
    parser.add_argument('--no-progress', action='store_true',
                        help='hide the progress bar')
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    start = time.perf_counter()
    counts = generate_synthfashion(
        args.out, size=args.size, train_ids=args.train_ids,
        test_ids=args.test_ids, val_ids=args.val_ids,
        poses_per_id=args.poses_per_id,
        seed=args.seed, background=args.background,
        max_pairs_per_id=args.max_pairs_per_id, progress=not args.no_progress,
        only_splits=args.only_splits)
    splits = [s for s in ('train', 'test', 'val') if f'{s}_ids' in counts]
    print(f'SynthFashion ({" / ".join(splits)}): '
          + ' / '.join(str(counts[f'{s}_images']) for s in splits)
          + ' images, '
          + ' / '.join(str(counts[f'{s}_pairs']) for s in splits)
          + ' pairs, '
          + ' / '.join(str(counts[f'{s}_ids']) for s in splits)
          + f' identities, {args.size[0]}x{args.size[1]}, in '
          f'{time.perf_counter() - start:.1f} s -> {args.out}')
    return counts


if __name__ == '__main__':
    main()
