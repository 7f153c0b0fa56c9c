"""The Fréchet distance between two Gaussians fitted to Inception features.

The statistics are pytorch-fid's (``calculate_activation_statistics``: the
mean and ``np.cov(rowvar=False)``) and the distance is

    d^2 = |mu1 - mu2|^2 + Tr(S1) + Tr(S2) - 2 Tr(sqrt(S1 S2))

computed by one of :data:`FRECHET_METHODS`:

- ``'sqrtm'``: ``scipy.linalg.sqrtm`` of ``S_real @ S_generated``, with
  pytorch-fid's fallbacks (``eps = 1e-6`` added to the diagonals when the
  root is not finite; the real part when the imaginary one is negligible),
  as pytorch-fid and every pose-transfer reference (PIDM/GFLA/PCDMs
  ``calculate_frechet_distance``, CFLD ``pose_transfer_test.py`` L171-201)
  compute it. About half a minute on one CPU core for 2048 dimensions, and
  inexact when a set has fewer than 2048 images (its covariance is then
  singular): the presets use it because their numbers are what it gives.
- ``'exact'``: without the 2048x2048 root. With a factor ``F1`` of ``S1``
  (``F1.T @ F1 == S1``), the non-zero eigenvalues of ``S1 S2`` are those of
  the symmetric ``F1 S2 F1.T``; a set of ``n <= 2048`` images has the thin
  factor ``(features - mean) / sqrt(n - 1)``, which makes this cheap and
  exact; two large sets need one ``eigh``. It agrees with ``'sqrtm'`` to
  ~1e-9 relative on full-rank covariances, and differs by ~1e-4 on small
  sets, where it is the correct one.
"""
from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
from scipy import linalg

FRECHET_METHODS = ('sqrtm', 'exact')


class Gaussian(NamedTuple):
    """Mean, covariance and, for a small set, a thin covariance factor."""
    mu: np.ndarray
    cov: np.ndarray
    factor: np.ndarray | None = None


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


def frechet_distance(real: Gaussian, generated: Gaussian,
                     method: str = 'sqrtm') -> float:
    """The Fréchet distance of two Gaussians by ``method`` (module doc);
    ``real`` is the first factor of the product, as in the references."""
    if real.mu.shape != generated.mu.shape:
        raise ValueError(f'feature dimensions differ: {real.mu.shape} vs '
                         f'{generated.mu.shape}')
    diff = real.mu - generated.mu
    if method == 'sqrtm':
        trace_sqrt = _trace_sqrtm(real.cov, generated.cov)
    elif method == 'exact':
        trace_sqrt = _trace_sqrt_exact(real, generated)
    else:
        raise ValueError(f'unknown Fréchet distance method {method!r}; '
                         f'expected one of {FRECHET_METHODS}')
    return float(diff.dot(diff) + np.trace(real.cov) +
                 np.trace(generated.cov) - 2 * trace_sqrt)


def _trace_sqrtm(sigma1: np.ndarray, sigma2: np.ndarray,
                 eps: float = 1e-6) -> float:
    covmean = _sqrtm(sigma1.dot(sigma2))
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = _sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError(f'FID: the matrix square root has an imaginary '
                             f'component of {np.abs(covmean.imag).max():g}')
        covmean = covmean.real
    return float(np.trace(covmean))


def _sqrtm(matrix: np.ndarray) -> np.ndarray:
    # the singular products of small sets warn (module doc)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', linalg.LinAlgWarning)
        return linalg.sqrtm(matrix)


def _trace_sqrt_exact(a: Gaussian, b: Gaussian) -> float:
    if a.factor is None and b.factor is None:
        a = a._replace(factor=_symmetric_sqrt(a.cov))
    elif a.factor is None or (b.factor is not None and
                              len(b.factor) < len(a.factor)):
        a, b = b, a  # factor the side with the thinner factor
    product = a.factor @ b.cov @ a.factor.T
    eigval = np.linalg.eigvalsh((product + product.T) / 2)
    return float(np.sqrt(np.clip(eigval, 0, None)).sum())


def _symmetric_sqrt(cov: np.ndarray) -> np.ndarray:
    eigval, eigvec = np.linalg.eigh(cov)
    return (eigvec * np.sqrt(np.clip(eigval, 0, None))) @ eigvec.T
