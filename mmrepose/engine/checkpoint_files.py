"""Which checkpoint to resume from: the newest one that can be read.

A checkpoint written by torch is a zip archive whose central directory is
at its end, so a file cut short (a copy or a disk that filled up) fails to
open as a zip at once, without reading the tensors. :func:`resume_checkpoint`
takes the checkpoint ``last_checkpoint`` names and, when that one is
unreadable, falls back to the newest readable ``iter_N.pth`` of the work dir
with a warning naming both. Without ``last_checkpoint`` (a job killed after
writing its first checkpoint but before the pointer) it takes the newest
readable ``iter_N.pth``.
"""
from __future__ import annotations

import glob
import os.path as osp
import re
import zipfile

from mmengine.logging import print_log


class CheckpointUnreadableError(RuntimeError):
    """No readable checkpoint to resume from (the message says which
    files were tried)."""


def is_readable_checkpoint(path: str) -> bool:
    """True when ``path`` is a complete zip archive (torch's format)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return bool(archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def _iteration(path: str) -> int:
    match = re.search(r'iter_(\d+)\.pth$', path)
    return int(match.group(1)) if match else -1


def resume_checkpoint(work_dir: str) -> str | None:
    """The checkpoint to resume from in ``work_dir`` (see module doc); None
    when there is none (a fresh start)."""
    pointer = osp.join(work_dir, 'last_checkpoint')
    candidates = sorted(glob.glob(osp.join(work_dir, 'iter_*.pth')),
                        key=_iteration, reverse=True)
    if not osp.isfile(pointer):
        return next((p for p in candidates if is_readable_checkpoint(p)),
                    None)
    with open(pointer) as f:
        named = f.read().strip()
    if is_readable_checkpoint(named):
        return named
    for path in candidates:
        if osp.abspath(path) != osp.abspath(named) and \
                is_readable_checkpoint(path):
            print_log(f'{pointer} names {named}, which is missing or '
                      f'cannot be read; resuming from {path} instead',
                      logger='current', level=30)
            return path
    raise CheckpointUnreadableError(
        f'{pointer} names checkpoint {named!r}, which is missing or cannot '
        f'be read, and no other iter_*.pth in {work_dir} can; pass a '
        'checkpoint to --resume')
