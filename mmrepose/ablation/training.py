"""Train the runs of an ablation with ``tools/train.py``, resumably.

Each run is ``tools/train.py CONFIG --work-dir RUN_DIR --resume
--cfg-options <spec train_options> <variant options> randomness.seed=SEED``
in a subprocess whose output goes to ``RUN_DIR/train.log``. ``--resume``
continues from the run's ``last_checkpoint`` (exactly, without replaying
data: :class:`~mmrepose.engine.loops.ResumableIterBasedTrainLoop`), so a run
killed at any moment loses at most the iterations since its last checkpoint.
A run is done when its final checkpoint ``iter_{max_iters}.pth`` exists,
or when its test split is scored with that checkpoint (its scores may be
kept apart from the work root: :mod:`mmrepose.ablation.spec`).
``jobs`` runs train at once (one GPU can hold every run of the ablation).
"""
from __future__ import annotations

import os
import os.path as osp
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from mmrepose.engine.checkpoint_files import resume_checkpoint
from .evaluation import is_scored
from .spec import AblationSpec, Run

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


class TrainingFailed(RuntimeError):
    """A training subprocess exited with an error."""


def format_option(key: str, value: Any) -> str:
    """``key=value`` as mmengine's ``--cfg-options`` parses it back."""
    if value is None:
        return f'{key}=None'
    if isinstance(value, (list, tuple)):
        return f'{key}=[{",".join(str(v) for v in value)}]'
    return f'{key}={value}'


def train_command(run: Run, spec: AblationSpec) -> list[str]:
    options = {**spec.train_options, **run.variant.options,
               'randomness.seed': run.seed}
    return [sys.executable, osp.join(REPO, 'tools', 'train.py'),
            run.variant.config, '--work-dir', run.work_dir, '--resume',
            '--cfg-options',
            *(format_option(k, v) for k, v in options.items())]


def is_trained(run: Run) -> bool:
    return osp.isfile(run.checkpoint)


def _log_tail(path: str, lines: int = 15) -> str:
    with open(path, errors='replace') as f:
        return ''.join(f.readlines()[-lines:])


def _start(run: Run, spec: AblationSpec, log: Callable[[str], None]
           ) -> tuple[Run, subprocess.Popen, float, Any]:
    os.makedirs(run.work_dir, exist_ok=True)
    log_path = osp.join(run.work_dir, 'train.log')
    log_file = open(log_path, 'a')
    resumed = resume_checkpoint(run.work_dir) is not None
    log(f'[train] {run.name}: {"resuming" if resumed else "starting"}'
        f' (log {log_path})')
    proc = subprocess.Popen(train_command(run, spec), cwd=REPO,
                            stdout=log_file, stderr=subprocess.STDOUT)
    return run, proc, time.time(), log_file


def train_runs(runs: list[Run], spec: AblationSpec, jobs: int = 1,
               log: Callable[[str], None] = print) -> None:
    """Train every run that is not done, ``jobs`` at a time; raises
    :class:`TrainingFailed` naming the run and its log's last lines. When
    this function is left early (a failed run, an interrupt, or SIGTERM
    turned into ``SystemExit`` by the tool), the other training processes
    are stopped: their last checkpoints resume them."""
    pending = [r for r in runs
               if r.trained_here and not (is_trained(r) or is_scored(r))]
    for run in runs:
        if run.trained_here and run not in pending:
            log(f'[train] {run.name}: done ({run.checkpoint_id})')
    running: list[tuple[Run, subprocess.Popen, float, Any]] = []
    try:
        while pending or running:
            while pending and len(running) < jobs:
                running.append(_start(pending.pop(0), spec, log))
            time.sleep(1)
            for entry in list(running):
                run, proc, start, log_file = entry
                if proc.poll() is None:
                    continue
                running.remove(entry)
                log_file.close()
                log_path = osp.join(run.work_dir, 'train.log')
                if proc.returncode != 0 or not is_trained(run):
                    raise TrainingFailed(
                        f'training {run.name} failed (exit '
                        f'{proc.returncode}); last lines of {log_path}:\n'
                        f'{_log_tail(log_path)}')
                log(f'[train] {run.name}: done in '
                    f'{time.time() - start:.0f} s')
    finally:
        for _, proc, _, log_file in running:
            proc.terminate()
            proc.wait()
            log_file.close()
