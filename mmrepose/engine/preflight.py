"""``tools/train.py CONFIG --check`` / ``tools/test.py CONFIG CKPT --check``:
verify everything a run needs before it starts, without building the model.

A queued 8-GPU job should not die on a missing file an hour in, once per
rank. :func:`preflight` checks, for the stage asked for:

- **data**: each dataloader the run uses builds its dataset: annotation and
  pair files are read and validated, and every image the pairs name is
  looked for, by the dataset itself (its own errors);
- **files the config names**: every local path under the model, the
  evaluators and ``load_from`` (VAE folder, pose-estimator config and
  weights, Inception/AlexNet weights, FID real set), by the key that holds
  it (:data:`PATH_KEYS`);
- **the checkpoint** to test or resume from can be read;
- **devices**: ``--gpus N`` processes against the CUDA devices torch sees
  and the distributed backend;
- **the work dir** (and the test output folder) can be written.

It returns the checklist: each item is ``(ok, line)``. ``tools/dist_train.sh``
and ``dist_test.sh`` run it once before launching workers.
"""
from __future__ import annotations

import os
import os.path as osp
import tempfile
from collections.abc import Iterator
from typing import Any

import torch
from mmengine.config import Config

from .checkpoint_files import is_readable_checkpoint

#: Config keys whose string values are local paths that must exist.
PATH_KEYS = ('path', 'checkpoint', 'config', 'real_set', 'inception_weights',
             'alexnet_weights', 'pretrained', 'data_root')

#: Values of those keys that are options, not paths.
NOT_PATHS = ('test',)  # FID ``real_set='test'``: the ground-truth images

Check = tuple[bool, str]


def _named_paths(node: Any, where: str) -> Iterator[tuple[str, str]]:
    """``(config key, path)`` for every :data:`PATH_KEYS` string under
    ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            name = f'{where}.{key}' if where else str(key)
            if key in PATH_KEYS and isinstance(value, str) and \
                    value not in NOT_PATHS:
                yield name, value
            else:
                yield from _named_paths(value, name)
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            yield from _named_paths(value, f'{where}[{i}]')


def check_files(cfg: Config, sections: list[str]) -> list[Check]:
    checks = []
    for section in sections:
        for key, path in _named_paths(cfg.get(section), section):
            if osp.exists(path):
                checks.append((True, f'{key}: {path}'))
            else:
                checks.append((False, f'{key}: {path} not found (put it there'
                               ' or change the config; nothing is '
                               'downloaded)'))
    return checks


def check_data(cfg: Config, loader_key: str) -> Check:
    """Build the dataset of ``cfg[loader_key]`` (which checks its files)."""
    from mmrepose.registry import DATASETS
    dataset_cfg = cfg[loader_key].dataset
    try:
        dataset = DATASETS.build(dataset_cfg)
        if hasattr(dataset, 'full_init'):  # mmengine's lazy BaseDataset
            dataset.full_init()
    except Exception as err:  # noqa: BLE001  reported, one line
        first = str(err).strip().splitlines()[0] if str(err).strip() \
            else type(err).__name__
        return False, f'{loader_key}: {first}'
    if not hasattr(dataset, 'get_data_info'):
        return True, f'{loader_key}: {len(dataset)} samples'
    images = {info[key] for info in map(dataset.get_data_info,
                                        range(len(dataset)))
              for key in ('source_img_path', 'target_img_path') if key in info}
    return True, (f'{loader_key}: {len(dataset)} pairs, {len(images)} '
                  f'images under {dataset_cfg.get("data_root", "")}')


def check_devices(cfg: Config, gpus: int | None) -> Check:
    available = torch.cuda.device_count()
    if gpus is None:
        return True, f'devices: {available} CUDA GPU(s) visible'
    backend = cfg.get('env_cfg', {}).get('dist_cfg', {}).get('backend',
                                                             'nccl')
    if available == 0 and backend != 'gloo':
        return False, (f"devices: {gpus} processes asked for, no CUDA GPU "
                       f"visible, and the '{backend}' backend needs one per "
                       "process (on CPU: --cfg-options "
                       "env_cfg.dist_cfg.backend=gloo)")
    if 0 < available < gpus:
        return False, (f'devices: {gpus} processes asked for, torch sees '
                       f'{available} CUDA GPU(s)')
    return True, (f'devices: {gpus} processes, {available} CUDA GPU(s), '
                  f'{backend} backend')


def check_writable(folder: str, what: str) -> Check:
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as err:
        return False, f'{what}: cannot write to {folder} ({err.strerror})'
    return True, f'{what}: {folder} is writable'


def preflight(cfg: Config, stage: str, checkpoint: str | None = None,
              gpus: int | None = None,
              out_dir: str | None = None) -> list[Check]:
    """The checklist of a ``'train'`` or ``'test'`` run (module doc)."""
    if stage == 'train':
        loaders = ['train_dataloader']
        sections = ['model']
        if cfg.get('val_cfg') and cfg.get('val_dataloader'):
            loaders.append('val_dataloader')
            sections.append('val_evaluator')
    else:
        loaders, sections = ['test_dataloader'], ['model', 'test_evaluator']
    checks = [check_data(cfg, key) for key in loaders]
    checks += check_files(cfg, sections)
    if checkpoint is None and cfg.get('load_from'):
        checkpoint = cfg.load_from
    if checkpoint is not None:
        checks.append((True, f'checkpoint: {checkpoint}')
                      if is_readable_checkpoint(checkpoint) else
                      (False, f'checkpoint: cannot read {checkpoint} '
                       '(missing, truncated, or not a torch checkpoint)'))
    checks.append(check_devices(cfg, gpus))
    checks.append(check_writable(cfg.work_dir, 'work dir'))
    if out_dir is not None:
        checks.append(check_writable(out_dir, 'output folder'))
    return checks


def report_and_exit(checks: list[Check], title: str) -> None:
    """Print the checklist and exit: 0 when every item passed, else 1."""
    print(title)
    for ok, line in checks:
        print(f'  {"ok  " if ok else "FAIL"}  {line}')
    failed = sum(not ok for ok, _ in checks)
    print(f'{len(checks) - failed} of {len(checks)} checks passed' +
          (f'; {failed} failed' if failed else ''))
    raise SystemExit(1 if failed else 0)
