"""Statistics of the ablation report: spread over seeds and paired
comparisons over test pairs.

A paired comparison of variants A and B on one metric first averages each
pair's value over the seeds both variants have (the same pairs are sampled
with the same noise in every run), then takes the per-pair differences
``A - B`` and reports their mean, a percentile bootstrap 95 % confidence
interval of that mean (``num_bootstrap`` resamples of the pairs, fixed
seed), the number of pairs where A is better / worse / equal (by the
metric's direction), and the two-sided exact sign-test p-value (ties
dropped).
"""
from __future__ import annotations

import math

import numpy as np
from scipy.stats import binomtest

#: Metric keys (after the prefix) for which lower is better (``l1_`` and
#: ``garment_colour_error``: the garment-editing benchmark's).
LOWER_IS_BETTER = ('masked_l1', 'part_colour_error', 'mean_error_px', 'l1_',
                   'garment_colour_error')


def lower_is_better(key: str) -> bool:
    name = key.split('/', 1)[-1]
    return name.startswith(LOWER_IS_BETTER)


def mean_std(values: list[float]) -> tuple[float, float | None]:
    """Mean and sample standard deviation (None for one value: one seed
    says nothing of the spread)."""
    arr = np.asarray(values, np.float64)
    return float(arr.mean()), float(arr.std(ddof=1)) if len(arr) > 1 \
        else None


def pair_means(per_seed: list[list[float | None]]) -> np.ndarray:
    """Per-pair mean over seeds of per-pair values; NaN where a pair has
    no value in some seed."""
    arr = np.array([[np.nan if v is None else v for v in vals]
                    for vals in per_seed], np.float64)
    return arr.mean(0)


def paired_comparison(a: np.ndarray, b: np.ndarray, key: str,
                      num_bootstrap: int = 10000,
                      seed: int = 0) -> dict[str, float]:
    """Compare per-pair values ``a`` and ``b`` of metric ``key`` (see
    module doc); pairs with a NaN (or inf) in either are left out."""
    keep = np.isfinite(a) & np.isfinite(b)
    diff = a[keep] - b[keep]
    if not len(diff):
        return dict(pairs=0)
    rng = np.random.default_rng(seed)
    boots = diff[rng.integers(0, len(diff), (num_bootstrap, len(diff)))]
    low, high = np.percentile(boots.mean(1), [2.5, 97.5])
    sign = -1.0 if lower_is_better(key) else 1.0
    better = int((sign * diff > 0).sum())
    worse = int((sign * diff < 0).sum())
    p = binomtest(better, better + worse).pvalue if better + worse else \
        math.nan
    return dict(pairs=int(len(diff)), mean_diff=float(diff.mean()),
                ci_low=float(low), ci_high=float(high), better=better,
                worse=worse, ties=int(len(diff) - better - worse),
                sign_p=float(p))
