"""The FID real set: its image files and cached Inception statistics.

The pose-transfer protocol's real set is the **whole training set**
(DeepFashion: 48,674 images; GFLA README, PIDM ``utils/metrics.py``, CFLD
``FidRealDeepFashion``), given as a folder of images (listed, not
recursively, the way the preset's reference lists it:
:mod:`.listing`) or as a dataset config, whose pairs' source and target
images are used (sorted).

Its statistics are computed once and cached in an ``.npz`` (pytorch-fid's
keys ``mu`` and ``sigma``, plus ``key``) whose name holds the settings that
change them (weights, input scaling, resolution and resize method) and a
hash of those and of the names of the images used: adding, removing or
renaming an image, or a listing that drops other images, gives another
cache file.
"""
from __future__ import annotations

import hashlib
import json
import os
import os.path as osp
from collections.abc import Callable

import numpy as np

from mmrepose.registry import DATASETS
from . import listing as folder_listing

DEFAULT_CACHE_DIR = osp.join('~', '.cache', 'mmrepose', 'fid_stats')


def real_set_files(real_set: str | dict, listing: str = 'sorted'
                   ) -> list[str]:
    """Image paths of a folder in ``listing`` order, or the sorted images
    of a dataset config's pairs."""
    if isinstance(real_set, dict):
        dataset = DATASETS.build(real_set)
        paths = {info[key] for info in dataset.data_list
                 for key in ('source_img_path', 'target_img_path')}
        return sorted(paths)
    if not osp.isdir(real_set):
        raise FileNotFoundError(f'FID real-set folder not found: {real_set}')
    files = folder_listing.list_folder(real_set, listing)
    if not files:
        raise FileNotFoundError(f'no images (listing {listing}) in the FID '
                                f'real-set folder {real_set}')
    return [osp.join(real_set, name) for name in files]


def cache_path(cache_dir: str, key_fields: dict, files: list[str]) -> str:
    """The cache file of a real set: readable key fields, then a hash of
    them and of the sorted names of the images used (relative to their
    common folder, so moving the whole set keeps the cache)."""
    root = osp.commonpath(files) if len(files) > 1 else osp.dirname(files[0])
    names = sorted(osp.relpath(f, root) for f in files)
    digest = hashlib.sha1(json.dumps([key_fields, names],
                                     sort_keys=True).encode()).hexdigest()
    readable = '_'.join(str(v) for v in key_fields.values())
    return osp.join(osp.expanduser(cache_dir),
                    f'fid_{readable}_{len(files)}img_{digest[:16]}.npz')


def real_set_moments(files: list[str], key_fields: dict, cache_dir: str,
                     compute: Callable[[list[str]], tuple[np.ndarray,
                                                          np.ndarray]]
                     ) -> tuple[np.ndarray, np.ndarray, str, bool]:
    """``(mu, sigma, cache file, cache hit)``; ``compute(files)`` gives the
    moments on a miss, which are then written to the cache."""
    path = cache_path(cache_dir, key_fields, files)
    if osp.isfile(path):
        with np.load(path) as cached:
            return cached['mu'], cached['sigma'], path, True
    mu, sigma = compute(files)
    os.makedirs(osp.dirname(path), exist_ok=True)
    tmp = path + '.tmp.npz'
    np.savez(tmp, mu=mu, sigma=sigma, key=json.dumps(key_fields))
    os.replace(tmp, path)
    return mu, sigma, path, False
