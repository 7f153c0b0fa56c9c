"""Generate SynthFashion people as a re-ID set in Market-1501's layout.

    python tools/dataset_converters/make_synthfashion_reid.py --out DIR
        [--size 128x88] [--train-ids 100] [--test-ids 50]
        [--images-per-camera 2] [--seed 0]

Writes ``bounding_box_train/``, ``query/``, ``bounding_box_test/`` and
``market-annotation-bounding_box_train.csv``
(:mod:`mmrepose.datasets.synthesis.reid_writer`); docs/applications.md.
"""
from __future__ import annotations

import argparse
import sys

from mmrepose.datasets.synthesis.reid_writer import \
    generate_synthfashion_reid
from mmrepose.utils import parse_image_size


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--out', required=True)
    p.add_argument('--size', type=parse_image_size, default=(128, 88))
    p.add_argument('--train-ids', type=int, default=100)
    p.add_argument('--test-ids', type=int, default=50)
    p.add_argument('--images-per-camera', type=int, default=2)
    p.add_argument('--seed', type=int, default=0)
    args = p.parse_args(argv)
    try:
        counts = generate_synthfashion_reid(
            args.out, args.size, args.train_ids, args.test_ids,
            args.images_per_camera, args.seed)
    except ValueError as exc:
        sys.exit(f'error: {exc}')
    print(f'[synthfashion-reid] {args.out}: ' +
          ', '.join(f'{k} {v}' for k, v in counts.items()))


if __name__ == '__main__':
    main()
