"""mAP and Rank-k by the Market-1501 protocol, against hand-computed
values."""
from __future__ import annotations

import numpy as np
import pytest

from mmrepose.reid import distance_matrix, reid_scores


def test_hand_computed_example():
    # gallery:        g0   g1   g2   g3   g4
    gallery_ids = [1, 2, 1, 3, 1]
    gallery_cams = [2, 1, 1, 2, 3]
    # query 0: identity 1, camera 1 -> g2 (id 1, cam 1) is left out;
    # ranked by distance: g1 (x), g2 (left out), g0 (match), g3 (x), g4
    # (match) -> matches at ranks 2 and 4 of the remaining four:
    # AP = (1/2 + 2/4) / 2 = 0.5, first match at rank 2
    # query 1: identity 2, camera 2 -> g1 at rank 1: AP 1
    # query 2: identity 9 -> no match, left out
    distances = np.array([[0.3, 0.1, 0.2, 0.4, 0.5],
                          [0.9, 0.1, 0.5, 0.2, 0.3],
                          [0.1, 0.2, 0.3, 0.4, 0.5]])
    scores = reid_scores(distances, [1, 2, 9], gallery_ids, [1, 2, 1],
                         gallery_cams, ranks=(1, 2))
    assert scores['queries'] == 2
    assert scores['mAP'] == pytest.approx((0.5 + 1.0) / 2)
    assert scores['rank1'] == pytest.approx(0.5)
    assert scores['rank2'] == pytest.approx(1.0)


def test_distances_and_errors():
    q = np.array([[0.0, 0.0], [3.0, 4.0]])
    g = np.array([[3.0, 4.0], [0.0, 1.0]])
    np.testing.assert_allclose(distance_matrix(q, g), [[5, 1], [0, np.sqrt(18)]])
    np.testing.assert_allclose(distance_matrix(q[1:], g, 'cosine'),
                               [[0, 1 - 0.8]])
    with pytest.raises(ValueError, match="'euclidean' or 'cosine'"):
        distance_matrix(q, g, 'manhattan')
    with pytest.raises(ValueError, match='do not match'):
        reid_scores(np.zeros((2, 3)), [1, 2], [1, 2], [1, 1], [2, 2])
    with pytest.raises(ValueError, match='no query has a match'):
        reid_scores(np.zeros((1, 1)), [1], [1], [1], [1])
