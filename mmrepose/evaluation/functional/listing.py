"""How the codebases list image folders, and which images their batching
keeps.

The order of a listing matters where the last partial batch is dropped:
it decides which images are left out. :data:`LISTINGS`:

- ``'pathlib-glob'``: ``list(p.glob('*.jpg')) + list(p.glob('*.png'))``, in
  the directory's own order (not sorted; it depends on the file system):
  PIDM ``utils/metrics.py`` L109, GFLA ``script/metrics.py`` L102, PCDMs
  ``metrics.py`` L109 (FID's real and generated folders);
- ``'glob-jpg'``: ``glob.glob('*.jpg')``, directory order, JPEG files only:
  CFLD ``datasets/deepfashion.py`` L246 (FID's real set);
- ``'sorted'``: every image file (:data:`IMAGE_EXTENSIONS`), sorted by name:
  the order of the LPIPS/SSIM pair lists of PIDM, GFLA and PCDMs
  (``preprocess_path_for_deform_task`` sorts the generated images), and the
  ``standard`` preset's.

:func:`kept_count` is their batching rule: batches of ``batch_size``, the
last partial batch dropped; a set smaller than one batch makes the batch
size its size, and for FID that smaller size carries over from the real
set (computed first) to the generated set, because the reference scripts
overwrite ``self.batch_size`` (PIDM L170-173).
"""
from __future__ import annotations

import glob
import os
import os.path as osp
from collections.abc import Sequence
from pathlib import Path

LISTINGS = ('pathlib-glob', 'glob-jpg', 'sorted')
IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp')


def list_folder(folder: str, listing: str) -> list[str]:
    """The image file names of ``folder`` in the order of ``listing``."""
    if not osp.isdir(folder):
        raise FileNotFoundError(f'image folder not found: {folder}')
    if listing == 'pathlib-glob':
        path = Path(folder)
        return [p.name for pattern in ('*.jpg', '*.png')
                for p in path.glob(pattern)]
    if listing == 'glob-jpg':
        return [osp.basename(p) for p in glob.glob(osp.join(folder, '*.jpg'))]
    if listing == 'sorted':
        return sorted(name for name in os.listdir(folder)
                      if name.lower().endswith(IMAGE_EXTENSIONS))
    raise ValueError(f'unknown listing {listing!r}; expected one of '
                     f'{LISTINGS}')


def listing_order(paths: Sequence[str | None], listing: str
                  ) -> tuple[list[int], int]:
    """A permutation putting ``paths`` in the order ``listing`` lists their
    folders, and how many of them the listing does not list (kept last, in
    their given order, like paths that are None: images without a file).

    ``'sorted'`` sorts by file name.
    """
    index = list(range(len(paths)))
    if listing == 'sorted':
        named = [i for i in index if paths[i] is not None]
        named.sort(key=lambda i: osp.basename(paths[i]))
        rest = [i for i in index if paths[i] is None]
        return named + rest, len(rest)
    rank: dict[str, int] = {}
    for folder in dict.fromkeys(osp.dirname(p) for p in paths if p):
        for pos, name in enumerate(list_folder(folder or '.', listing)):
            rank[osp.join(folder, name)] = pos
    listed = [i for i in index if paths[i] in rank]
    listed.sort(key=lambda i: (osp.dirname(paths[i]), rank[paths[i]]))
    rest = [i for i in index if paths[i] not in rank]
    return listed + rest, len(rest)


def reference_batch_size(batch_size: int, *set_sizes: int) -> int:
    """The batch size the reference scripts end with after scoring sets of
    ``set_sizes`` in turn (each smaller set lowers it to its size)."""
    for size in set_sizes:
        batch_size = min(batch_size, max(size, 1))
    return batch_size


def kept_count(num: int, batch_size: int) -> int:
    """How many of ``num`` images full batches of ``batch_size`` hold (the
    batch size first lowered to ``num`` if larger)."""
    batch_size = reference_batch_size(batch_size, num)
    return num // batch_size * batch_size
