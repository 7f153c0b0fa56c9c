"""Per-sample augmentation randomness that survives a resume.

With worker processes, a random transform draws from its worker's numpy
generator, whose state depends on how many samples that worker has already
prepared. A resumed run starts fresh workers, so after a resume the flips
and crops differ from the uninterrupted run's. Instead, the sampler
(:class:`~mmrepose.engine.samplers.ResumableSampler`) yields each index as a
:class:`SeededIndex` that carries a seed derived from (sampler seed, epoch,
index), and :func:`seeded_random` runs the pipeline of that sample with
numpy's and Python's generators seeded by it (and restored afterwards): the
augmentation of a sample depends on nothing but its epoch and index.
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np


class SeededIndex(int):
    """A dataset index (an ``int`` to any dataset) with the seed of its
    sample's augmentation."""

    seed: int

    def __new__(cls, index: int, seed: int) -> SeededIndex:
        obj = super().__new__(cls, index)
        obj.seed = seed
        return obj

    def __reduce__(self):  # to worker processes, seed included
        return SeededIndex, (int(self), self.seed)


def sample_seed(seed: int, epoch: int, index: int) -> int:
    """A 32-bit seed that depends on all three numbers."""
    state = np.random.SeedSequence([seed, epoch, index]).generate_state(1)
    return int(state[0])


@contextmanager
def seeded_random(seed: int | None) -> Iterator[None]:
    """numpy's and Python's global generators seeded with ``seed`` inside,
    restored outside; nothing when ``seed`` is None."""
    if seed is None:
        yield
        return
    np_state, py_state = np.random.get_state(), random.getstate()
    np.random.seed(seed)
    random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)
