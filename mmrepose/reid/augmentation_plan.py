"""Which images to generate for a re-ID training set (RePoseDM Fig. 8).

The paper augments Market-1501's training set with generated people: each
generated image renders a real training image's person (its identity label
kept) in the pose of another training image, both drawn at random from the
same split. :func:`real_subset` keeps a fraction of the real images (the
paper's 20/40/60/80 %), and :func:`plan_generation` draws the (source,
pose) pairs from that subset with a seed, so that a set can be rebuilt
exactly.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .market_names import MarketName, generated_name, parse_market_name


@dataclass(frozen=True)
class PlannedImage:
    """One image to generate: ``source``'s person in ``pose_of``'s pose,
    written as ``name``."""
    name: str
    source: str
    pose_of: str


def real_subset(names: list[str], fraction: float, seed: int) -> list[str]:
    """A ``fraction`` of the images (at least one), chosen with ``seed``,
    in their original order."""
    if not 0 < fraction <= 1:
        raise ValueError(f'the real fraction must be in (0, 1], got '
                         f'{fraction}')
    keep = max(1, round(len(names) * fraction))
    chosen = np.random.default_rng(seed).choice(len(names), keep,
                                                replace=False)
    return [names[i] for i in sorted(chosen)]


def plan_generation(names: list[str], count: int,
                    seed: int) -> list[PlannedImage]:
    """``count`` images: a random source and a random other image's pose
    each (names of Market-1501's pattern)."""
    if len(names) < 2:
        raise ValueError('generating needs at least two real images (a '
                         'source and another pose)')
    parsed: list[MarketName] = [parse_market_name(n) for n in names]
    rng = np.random.default_rng(seed)
    plan = []
    for index in range(count):
        source = int(rng.integers(len(names)))
        pose_of = int(rng.integers(len(names) - 1))
        pose_of += pose_of >= source  # another image
        name = generated_name(parsed[source], parsed[pose_of], index)
        plan.append(PlannedImage(str(name), names[source], names[pose_of]))
    return plan
