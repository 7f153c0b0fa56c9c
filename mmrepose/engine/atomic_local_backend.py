"""A local file backend whose writes are atomic: crash-safe checkpoints.

mmengine saves a checkpoint by serialising it to bytes and handing them to
the file backend chosen by ``CheckpointHook(backend_args=...)``
(``Runner.save_checkpoint`` -> ``mmengine.runner.save_checkpoint`` ->
``backend.put``). mmengine's ``LocalBackend.put`` opens the final path and
writes into it, so a job killed mid-save leaves a truncated ``iter_N.pth``.

:class:`AtomicLocalBackend` (registered as ``'atomic_local'``) writes the
bytes to a hidden temporary file in the same folder, flushes and fsyncs it,
and only then renames it over the final name with :func:`os.replace`, which
is atomic on POSIX and Windows within one file system. A reader therefore
sees either the previous file or the complete new one, never a part.

The ``last_checkpoint`` pointer is not written through the backend: mmengine's
``CheckpointHook`` writes it with a plain ``open`` *after* ``save_checkpoint``
has returned, so a crash while the checkpoint is written leaves the pointer
naming the previous, complete checkpoint. Select the backend with::

    default_hooks = dict(checkpoint=dict(
        type='CheckpointHook', backend_args=dict(backend='atomic_local')))
"""
from __future__ import annotations

import os
import os.path as osp
import uuid
from pathlib import Path

from mmengine.fileio import LocalBackend, register_backend


def write_atomically(data: bytes, filepath: str | Path) -> None:
    """Write ``data`` to ``filepath`` so that it appears whole or not at all.

    The temporary file lives next to the target (same file system, so the
    rename is atomic); it is removed if writing fails.
    """
    filepath = osp.abspath(filepath)
    folder, name = osp.split(filepath)
    os.makedirs(folder, exist_ok=True)
    tmp_path = osp.join(folder, f'.{name}.{uuid.uuid4().hex[:12]}.tmp')
    try:
        with open(tmp_path, 'xb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_path, filepath)
    except BaseException:
        if osp.exists(tmp_path):
            os.remove(tmp_path)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: str) -> None:
    """Make the rename itself durable (POSIX; a no-op where folders cannot
    be opened, e.g. on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """:class:`mmengine.fileio.LocalBackend` with atomic ``put`` and
    ``put_text`` (see the module docstring)."""

    def put(self, obj: bytes, filepath: str | Path) -> None:
        write_atomically(obj, filepath)

    def put_text(self, obj: str, filepath: str | Path,
                 encoding: str = 'utf-8') -> None:
        write_atomically(obj.encode(encoding), filepath)
