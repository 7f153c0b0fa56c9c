"""Counted skips of bad items, for the datasets with ``skip_invalid``: the
reasons are counted in ``skipped``, one warning names them and the first
problem, and an undecodable image met while loading drops its item
(mmengine then fetches another) instead of stopping the run."""
from __future__ import annotations

from collections import Counter
from typing import Any

from mmengine.logging import print_log

from .annotation_formats import AnnotationError
from .seeded_index import seeded_random
from .transforms.loading import ImageLoadError


class CountedSkips:
    """Mixin for an mmengine ``BaseDataset`` with ``skip_invalid``,
    ``test_mode`` and ``split`` attributes; ``item_name`` and
    ``item_names`` name its items in messages."""

    item_name, item_names = 'item', 'items'
    skipped: Counter

    def _warn_skipped(self, first: AnnotationError, num_read: int) -> None:
        counts = ', '.join(f'{n} x {reason}'
                           for reason, n in self.skipped.most_common())
        print_log(f'{type(self).__name__} ({self.split}): skip_invalid=True '
                  f'dropped {counts} (of {num_read} {self.item_names} read); '
                  f'first: {first}', logger='current', level=30)

    def prepare_data(self, idx: int) -> Any:
        """Run the pipeline (with the sample's own random seed when ``idx``
        is a :class:`~mmrepose.datasets.seeded_index.SeededIndex`); with
        ``skip_invalid``, an undecodable image is counted and the sample
        dropped (mmengine then fetches another)."""
        try:
            with seeded_random(getattr(idx, 'seed', None)):
                return super().prepare_data(idx)
        except ImageLoadError as exc:
            if not self.skip_invalid or self.test_mode:
                raise
            self.skipped['unreadable image'] += 1
            print_log(f'{type(self).__name__}: skipped {self.item_name} '
                      f'{idx} ({self.skipped["unreadable image"]} unreadable '
                      f'so far): {exc}', logger='current', level=30)
            return None
