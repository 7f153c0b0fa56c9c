"""A shuffling sampler that can start an epoch part-way through.

mmengine's ``DefaultSampler`` yields each epoch's indices from a permutation
seeded by ``seed + epoch``. :class:`ResumableSampler` yields the same
permutation, but after :meth:`skip` its next epoch starts ``n`` indices in,
without loading the skipped samples: the data order of an uninterrupted run,
reached in no time. :class:`~mmrepose.engine.loops.ResumableIterBasedTrainLoop`
uses it to resume.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator

from mmengine.dataset import DefaultSampler

from mmrepose.registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class ResumableSampler(DefaultSampler):
    """``DefaultSampler`` (same arguments) whose next epoch can skip its
    first indices (:meth:`skip`)."""

    _skip = 0

    def skip(self, num_indices: int) -> None:
        """Leave out the first ``num_indices`` indices (of this rank) of the
        next epoch only."""
        if num_indices < 0:
            raise ValueError(f'cannot skip {num_indices} indices')
        self._skip = int(num_indices)

    def __iter__(self) -> Iterator[int]:
        skip, self._skip = self._skip, 0
        return itertools.islice(super().__iter__(), skip, None)
