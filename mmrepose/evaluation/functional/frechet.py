"""The Fréchet distance between two Gaussians fitted to Inception features.

The statistics are pytorch-fid's (``calculate_activation_statistics``: the
mean and ``np.cov(rowvar=False)``) and the distance is the one of its
``calculate_frechet_distance``::

    d^2 = |mu1 - mu2|^2 + Tr(S1) + Tr(S2) - 2 Tr(sqrt(S1 S2))

``Tr(sqrt(S1 S2))`` is computed without ``scipy.linalg.sqrtm`` of the
2048x2048 non-symmetric product (a minute on a CPU, and inexact when fewer
than 2048 images make it singular): with a factor ``F1`` of ``S1``
(``F1.T @ F1 == S1``), the non-zero eigenvalues of ``S1 S2`` are those of
the symmetric ``F1 S2 F1.T``. A set of ``n <= 2048`` images has the thin
factor ``(features - mean) / sqrt(n - 1)`` (``n x 2048``), which makes this
cheap; only two large sets need a symmetric square root (one ``eigh``). The
tests check equality with pytorch-fid.

GFLA/PIDM/PCDMs score in batches of 64 and drop the last partial batch;
:func:`drop_last_partial_batch` reproduces that.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Gaussian(NamedTuple):
    """Mean, covariance and, for a small set, a thin covariance factor."""
    mu: np.ndarray
    cov: np.ndarray
    factor: np.ndarray | None = None


def drop_last_partial_batch(features: np.ndarray, batch_size: int
                            ) -> np.ndarray:
    """Keep the first ``len // batch_size * batch_size`` rows.

    As in the pytorch-fid version GFLA/PIDM copied, a set smaller than one
    batch is scored whole (the batch size becomes the set size).
    """
    batch_size = max(1, min(batch_size, len(features)))
    return features[:len(features) // batch_size * batch_size]


def feature_moments(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """pytorch-fid's statistics: mean and sample covariance (float64)."""
    features = np.asarray(features, np.float64)
    if features.ndim != 2 or len(features) < 2:
        raise ValueError(f'FID needs at least 2 feature vectors, got an '
                         f'array of shape {features.shape}')
    return features.mean(axis=0), np.cov(features, rowvar=False)


def gaussian_from_features(features: np.ndarray) -> Gaussian:
    mu, cov = feature_moments(features)
    n, dim = np.shape(features)
    factor = (np.asarray(features, np.float64) - mu) / np.sqrt(n - 1) \
        if n <= dim else None
    return Gaussian(mu, cov, factor)


def gaussian_from_moments(mu: np.ndarray, sigma: np.ndarray) -> Gaussian:
    return Gaussian(np.asarray(mu, np.float64), np.asarray(sigma, np.float64))


def frechet_distance(a: Gaussian, b: Gaussian) -> float:
    if a.mu.shape != b.mu.shape:
        raise ValueError(f'feature dimensions differ: {a.mu.shape} vs '
                         f'{b.mu.shape}')
    if a.factor is None and b.factor is None:
        a = a._replace(factor=_symmetric_sqrt(a.cov))
    elif a.factor is None or (b.factor is not None and
                              len(b.factor) < len(a.factor)):
        a, b = b, a  # factor the side with the thinner factor
    product = a.factor @ b.cov @ a.factor.T
    eigval = np.linalg.eigvalsh((product + product.T) / 2)
    diff = a.mu - b.mu
    distance = diff @ diff + np.trace(a.cov) + np.trace(b.cov) - \
        2 * np.sqrt(np.clip(eigval, 0, None)).sum()
    return max(float(distance), 0.0)  # a square: negatives are rounding


def _symmetric_sqrt(cov: np.ndarray) -> np.ndarray:
    eigval, eigvec = np.linalg.eigh(cov)
    return (eigvec * np.sqrt(np.clip(eigval, 0, None))) @ eigvec.T
