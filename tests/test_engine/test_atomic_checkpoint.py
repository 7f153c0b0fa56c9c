"""A crash while a checkpoint is written leaves the previous one usable."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import torch
from engine_toy import SimulatedCrash, toy_config
from mmengine.config import Config
from mmengine.fileio import get_file_backend
from mmengine.runner import Runner

from mmrepose.engine import AtomicLocalBackend, atomic_local_backend


class HalfWrite:
    """A file opened for writing that writes half of what it is given and
    then calls ``die`` — a process killed in the middle of a save."""

    def __init__(self, path: str, mode: str, die):
        self.file = open(path, mode)
        self.die = die

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()

    def write(self, data: bytes) -> None:
        self.file.write(data[:len(data) // 2])
        self.file.flush()
        self.die()


def crash_when_writing(monkeypatch, name: str, die) -> None:
    """Make the atomic backend's write of checkpoint ``name`` die."""
    def patched_open(path, mode='r'):
        if Path(path).name.startswith(f'.{name}.'):
            return HalfWrite(path, mode, die)
        return open(path, mode)
    monkeypatch.setattr(atomic_local_backend, 'open', patched_open,
                        raising=False)


def raise_crash() -> None:
    raise SimulatedCrash('killed mid-save')


@pytest.mark.slow  # subprocess
def test_crash_while_saving_keeps_previous_checkpoint(tmp_path, monkeypatch):
    cfg = toy_config(tmp_path, max_iters=6)
    cfg['experiment_name'] = f'toy_{uuid.uuid4().hex}'
    crash_when_writing(monkeypatch, 'iter_6.pth', raise_crash)
    with pytest.raises(SimulatedCrash):
        Runner.from_cfg(Config(cfg)).train()

    pointer = (tmp_path / 'last_checkpoint').read_text()
    assert Path(pointer) == tmp_path / 'iter_4.pth'
    assert torch.load(pointer, weights_only=True)['meta']['iter'] == 4
    assert not (tmp_path / 'iter_6.pth').exists()
    assert not list(tmp_path.glob('.*.tmp'))  # the half file was removed

    monkeypatch.undo()  # the machine is back: resume and finish
    cfg = toy_config(tmp_path, max_iters=6)
    cfg.update(resume=True, experiment_name=f'toy_{uuid.uuid4().hex}')
    runner = Runner.from_cfg(Config(cfg))
    runner.train()
    assert runner.iter == 6
    assert torch.load(tmp_path / 'iter_6.pth')['meta']['iter'] == 6


@pytest.mark.slow  # subprocess
def test_killed_process_leaves_previous_file(tmp_path, monkeypatch):
    target = tmp_path / 'iter_2.pth'
    atomic_local_backend.write_atomically(b'complete' * 100, target)
    pid = os.fork()
    if pid == 0:  # child: die half-way through overwriting the file
        crash_when_writing(monkeypatch, 'iter_2.pth', lambda: os._exit(3))
        atomic_local_backend.write_atomically(b'new' * 1000, target)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3
    assert target.read_bytes() == b'complete' * 100
    partial, = tmp_path.glob('.iter_2.pth.*.tmp')  # what the crash left
    assert partial.stat().st_size == 1500


def test_backend_is_selected_by_backend_args(tmp_path):
    backend = get_file_backend(str(tmp_path),
                               backend_args=dict(backend='atomic_local'))
    assert isinstance(backend, AtomicLocalBackend)
    backend.put_text('iter_4.pth', tmp_path / 'sub' / 'pointer')
    backend.put(b'\x00\x01', tmp_path / 'blob')
    assert (tmp_path / 'sub' / 'pointer').read_text() == 'iter_4.pth'
    assert (tmp_path / 'blob').read_bytes() == b'\x00\x01'
    assert sorted(p.name for p in tmp_path.rglob('*')) == [
        'blob', 'pointer', 'sub']
