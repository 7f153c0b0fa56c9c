"""The image folders of the reference-parity tests, generated from a seed.

A small DeepFashion-like benchmark in the PATN/GFLA layout, sized so that
the reference scripts' batching matters: 68 test pairs (batches of 64 drop
4 of them) and a real set of 66 training images (64 kept). File names have
a fixed width, so that any naming of the generated images the reference
scripts need (``_2_``/``_vis``, ``_to_``) sorts like ours.

``make_parity_fixture(root)`` writes under ``root``:

- ``test/``: 36 test images, 256x176 JPEG; ``test_256/``: the same padded to
  256x256 (PNG, 40 white columns each side: PIDM's test images);
  ``test_highres/``: the same scenes at 384x264 (JPEG; CFLD reads these);
- ``train/``: 66 training images, 256x176, 40 JPEG then 26 PNG;
  ``train_256/`` (PNG, padded) and ``train_highres/`` (384x264) alike;
- ``fasion-resize-pairs-test.csv`` (68 pairs) and
  ``fasion-resize-annotation-test.csv`` (random keypoints);
- ``generated/``: a "generated" image per pair, 256x176, named
  ``{source stem}_2_{target stem}_vis`` (GFLA's naming), 56 PNG and 12
  JPEG; ``generated_256/``: 256x256 PNG versions (padded, then perturbed so
  that they are not exact padding).

Images are smooth random scenes (bicubic upsampling of a small random
grid, drawn at any resolution from the same grid) with a dark "person"
ellipse; a generated image blends its target with its source, shifted, and
adds noise, so that every metric is far from its bounds.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import cv2
import numpy as np

NUM_TEST = 36
NUM_TRAIN = 66
NUM_TRAIN_JPG = 40
NUM_PAIRS = 68
NUM_PRED_JPG = 12
SIZE = (256, 176)
HIGHRES = (384, 264)
PAD = 40


def image_name(split: str, index: int) -> str:
    return f'fashion{split.upper()}id{index:05d}_1front'


def scene(seed: int, shape: tuple[int, int]) -> np.ndarray:
    """A smooth random RGB scene, the same one at every ``shape``."""
    rng = np.random.default_rng(seed)
    grid = rng.uniform(40, 230, (9, 7, 3)).astype(np.float32)
    img = cv2.resize(grid, (shape[1], shape[0]),
                     interpolation=cv2.INTER_CUBIC)
    h, w = shape
    cy, cx = rng.uniform(0.4, 0.6) * h, rng.uniform(0.4, 0.6) * w
    yy, xx = np.mgrid[:h, :w]
    person = ((yy - cy) / (0.35 * h)) ** 2 + ((xx - cx) / (0.18 * w)) ** 2
    colour = rng.uniform(20, 120, 3).astype(np.float32)
    img[person < 1] = 0.3 * img[person < 1] + 0.7 * colour
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def pad_square(img: np.ndarray) -> np.ndarray:
    return cv2.copyMakeBorder(img, 0, 0, PAD, PAD, cv2.BORDER_CONSTANT,
                              value=(255, 255, 255))


def write(path: Path, img: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    params = [cv2.IMWRITE_JPEG_QUALITY, 95] if path.suffix == '.jpg' else []
    if not cv2.imwrite(str(path), cv2.cvtColor(img, cv2.COLOR_RGB2BGR),
                       params):
        raise OSError(f'cannot write {path}')


def generated(target: np.ndarray, source: np.ndarray, seed: int
              ) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shift = int(rng.integers(-8, 9))
    blend = 0.65 * target + 0.35 * np.roll(source, shift, axis=1)
    noisy = blend + rng.normal(0, 6, blend.shape)
    return np.clip(np.round(noisy), 0, 255).astype(np.uint8)


def random_keypoints(rng: np.random.Generator) -> tuple[list, list]:
    ys = [int(v) for v in rng.integers(10, SIZE[0] - 10, 18)]
    xs = [int(v) for v in rng.integers(10, SIZE[1] - 10, 18)]
    for i in rng.choice(18, 3, replace=False):
        ys[i] = xs[i] = -1
    return ys, xs


def make_parity_fixture(root: Path, seed: int = 0) -> Path:
    """Write the fixture (module doc) under ``root``; returns ``root``."""
    root = Path(root)
    rng = np.random.default_rng(seed)
    for split, count, num_jpg in (('test', NUM_TEST, NUM_TEST),
                                  ('train', NUM_TRAIN, NUM_TRAIN_JPG)):
        for i in range(count):
            name = image_name(split, i)
            ext = '.jpg' if i < num_jpg else '.png'
            scene_seed = seed * 100003 + (0 if split == 'test' else 5000) + i
            write(root / split / (name + ext), scene(scene_seed, SIZE))
            write(root / f'{split}_256' / (name + '.png'),
                  pad_square(scene(scene_seed, SIZE)))
            write(root / f'{split}_highres' / (name + ext),
                  scene(scene_seed, HIGHRES))

    pairs, seen = [], set()
    while len(pairs) < NUM_PAIRS:
        src, tgt = (int(v) for v in rng.choice(NUM_TEST, 2, replace=False))
        if (src, tgt) not in seen:
            seen.add((src, tgt))
            pairs.append((src, tgt))
    with open(root / 'fasion-resize-pairs-test.csv', 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['from', 'to'])
        for src, tgt in pairs:
            writer.writerow([image_name('test', src) + '.jpg',
                             image_name('test', tgt) + '.jpg'])
    with open(root / 'fasion-resize-annotation-test.csv', 'w') as f:
        f.write('name:keypoints_y:keypoints_x\n')
        for i in range(NUM_TEST):
            ys, xs = random_keypoints(rng)
            f.write(f'{image_name("test", i)}.jpg:{json.dumps(ys)}:'
                    f'{json.dumps(xs)}\n')

    for k, (src, tgt) in enumerate(pairs):
        source = cv2.cvtColor(cv2.imread(str(
            root / 'test' / (image_name('test', src) + '.jpg'))),
            cv2.COLOR_BGR2RGB)
        target = cv2.cvtColor(cv2.imread(str(
            root / 'test' / (image_name('test', tgt) + '.jpg'))),
            cv2.COLOR_BGR2RGB)
        stem = (f'{image_name("test", src)}_2_{image_name("test", tgt)}'
                '_vis')
        pred = generated(target, source, seed * 7919 + k)
        ext = '.jpg' if k % (NUM_PAIRS // NUM_PRED_JPG) == 0 and \
            k < NUM_PRED_JPG * (NUM_PAIRS // NUM_PRED_JPG) else '.png'
        write(root / 'generated' / (stem + ext), pred)
        write(root / 'generated_256' / (stem + '.png'),
              generated(pad_square(target), pad_square(source),
                        seed * 7919 + 100 + k))
    return root
