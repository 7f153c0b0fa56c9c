"""Person re-identification scores: mAP and CMC (Rank-k) by the Market-1501
protocol.

For each query, the gallery is ranked by the feature distance (Euclidean
by default). Gallery images of the query's own identity *and* camera are
left out (the same person seen by the same camera is not a
re-identification); a query with no remaining image of its identity is
left out of the means. With ``matches`` the 0/1 relevance of the remaining
ranked gallery:

- CMC: ``rank-k`` = 1 when a match is among the first ``k``, averaged over
  queries;
- AP = (1 / #matches) * sum over the matches at ranks r (1-based) of
  precision@r = (matches up to r) / r; mAP is its mean over queries.

This is the protocol of the Market-1501 benchmark's evaluation as the re-ID
libraries implement it (torchreid's ``eval_market1501``), written here.
Images of identity -1 (Market's junk) should be dropped before.
"""
from __future__ import annotations

import numpy as np


def distance_matrix(query: np.ndarray, gallery: np.ndarray,
                    metric: str = 'euclidean') -> np.ndarray:
    """``(Q, G)`` distances of ``(Q, D)`` and ``(G, D)`` features."""
    query = np.asarray(query, np.float64)
    gallery = np.asarray(gallery, np.float64)
    if metric == 'cosine':
        q = query / np.linalg.norm(query, axis=1, keepdims=True).clip(1e-12)
        g = gallery / np.linalg.norm(gallery, axis=1,
                                     keepdims=True).clip(1e-12)
        return 1 - q @ g.T
    if metric != 'euclidean':
        raise ValueError(f"metric must be 'euclidean' or 'cosine', got "
                         f'{metric!r}')
    squared = (query**2).sum(1)[:, None] + (gallery**2).sum(1)[None] - \
        2 * query @ gallery.T
    return np.sqrt(squared.clip(min=0))


def reid_scores(distances: np.ndarray, query_ids: np.ndarray,
                gallery_ids: np.ndarray, query_cams: np.ndarray,
                gallery_cams: np.ndarray,
                ranks: tuple[int, ...] = (1, 5, 10)) -> dict[str, float]:
    """``{'mAP', 'rank1', 'rank5', 'rank10', 'queries'}`` of a ``(Q, G)``
    distance matrix (see the module doc); ``queries`` is how many queries
    had a match and were scored."""
    distances = np.asarray(distances)
    q_ids, g_ids = np.asarray(query_ids), np.asarray(gallery_ids)
    q_cams, g_cams = np.asarray(query_cams), np.asarray(gallery_cams)
    if distances.shape != (len(q_ids), len(g_ids)) or \
            len(q_cams) != len(q_ids) or len(g_cams) != len(g_ids):
        raise ValueError(f'distances {distances.shape} do not match '
                         f'{len(q_ids)} queries and {len(g_ids)} gallery '
                         'images (ids and cameras)')
    aps, hits = [], []
    for i in range(len(q_ids)):
        order = np.argsort(distances[i], kind='stable')
        valid = ~((g_ids[order] == q_ids[i]) & (g_cams[order] == q_cams[i]))
        matches = (g_ids[order] == q_ids[i])[valid]
        if not matches.any():
            continue
        first = int(np.argmax(matches))  # 0-based rank of the first match
        hits.append([first < k for k in ranks])
        at = np.flatnonzero(matches)
        aps.append(float(np.mean(np.arange(1, len(at) + 1) / (at + 1))))
    if not aps:
        raise ValueError('no query has a match in the gallery (other than '
                         'from its own camera)')
    rank = np.mean(hits, axis=0)
    return dict(mAP=float(np.mean(aps)),
                **{f'rank{k}': float(r) for k, r in zip(ranks, rank)},
                queries=len(aps))
