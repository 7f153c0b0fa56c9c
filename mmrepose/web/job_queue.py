"""The web demo's generation queue: one sampling run at a time.

A model samples in one worker thread (the model is not shared between
threads, and on a CPU two runs at once are no faster than one after the
other); requests wait in order. Each job reports its progress as the
sampler's steps done, so the page can show a progress bar, and ends
``done`` with its result or ``error`` with a one-line message.
"""
from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mmrepose.models.diffusion.diffusion_sampler import ProgressFn

logger = logging.getLogger(__name__)

#: run(request, progress) -> result; a ``ValueError`` is the user's mistake
#: and its message is shown as it is
RunFn = Callable[[Any, ProgressFn], dict]


@dataclass
class Job:
    """One generation: ``state`` is queued, running, done or error."""
    id: str
    request: Any = field(repr=False)
    state: str = 'queued'
    step: int = 0
    total: int = 0
    result: dict | None = None
    error: str | None = None

    def as_dict(self) -> dict:
        """What the page polls: state, progress, result or error."""
        return dict(id=self.id, state=self.state, step=self.step,
                    total=self.total, result=self.result, error=self.error)


def one_line(error: BaseException) -> str:
    """An exception as a single line (its first line, type for unexpected
    ones)."""
    text = str(error).strip().splitlines()
    message = text[0] if text else ''
    if isinstance(error, ValueError):
        return message or type(error).__name__
    return f'{type(error).__name__}: {message}' if message else \
        type(error).__name__


class JobQueue:
    """Runs ``run`` on submitted requests, in order, in a worker thread.

    Args:
        run: ``run(request, progress) -> result``.
        keep: Finished jobs kept for polling; older ones are forgotten.
    """

    def __init__(self, run: RunFn, keep: int = 32):
        self._run = run
        self._keep = keep
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: queue.Queue[Job | None] = queue.Queue()
        self._ids = itertools.count(1)
        self._worker = threading.Thread(target=self._work, daemon=True,
                                        name='mmrepose-web-worker')
        self._worker.start()

    def submit(self, request: Any) -> Job:
        """Queue a request; returns its job at once."""
        with self._lock:
            job = Job(id=str(next(self._ids)), request=request)
            self._jobs[job.id] = job
            finished = [k for k, j in self._jobs.items()
                        if j.state in ('done', 'error')]
            for key in finished[:max(0, len(finished) - self._keep)]:
                del self._jobs[key]
        self._pending.put(job)
        return job

    def get(self, job_id: str) -> Job:
        """The job of that id (``KeyError`` when unknown or forgotten)."""
        with self._lock:
            return self._jobs[job_id]

    def close(self) -> None:
        """Let the worker finish the running job and stop."""
        self._pending.put(None)
        self._worker.join()

    def _work(self) -> None:
        while (job := self._pending.get()) is not None:
            job.state = 'running'

            def progress(done: int, total: int, job: Job = job) -> None:
                job.step, job.total = done, total

            try:
                job.result = self._run(job.request, progress)
                job.state = 'done'
            except Exception as error:  # the page shows it; serving goes on
                if not isinstance(error, ValueError):
                    logger.exception('generation %s failed', job.id)
                job.error = one_line(error)
                job.state = 'error'
