"""A shuffling sampler that can start an epoch part-way through.

mmengine's ``DefaultSampler`` yields each epoch's indices from a permutation
seeded by ``seed + epoch``. :class:`ResumableSampler` yields the same
permutation, but after :meth:`skip` its next epoch starts ``n`` indices in,
without loading the skipped samples: the data order of an uninterrupted run,
reached in no time. :class:`~mmrepose.engine.loops.ResumableIterBasedTrainLoop`
uses it to resume. Each index comes as a
:class:`~mmrepose.datasets.seeded_index.SeededIndex` (an ``int``) carrying
the seed of that sample's augmentation, a function of (seed, epoch, index),
so that random flips and crops after a resume are those of the
uninterrupted run, whatever the worker processes drew before.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator

from mmengine.dataset import DefaultSampler

from mmrepose.datasets.seeded_index import SeededIndex, sample_seed
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

    def __iter__(self) -> Iterator[SeededIndex]:
        skip, self._skip = self._skip, 0
        for index in itertools.islice(super().__iter__(), skip, None):
            yield SeededIndex(index, sample_seed(self.seed, self.epoch, index))
