"""Garment-editing ground truth from the SynthFashion generator: A in A's
pose and scene wearing B's top, bottom or both."""
from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from mmrepose.datasets.synthesis import render_edit, sample_identity, wearing
from mmrepose.datasets.synthesis.garment_swap import REGION_PARTS, region_mask

GARMENTS = {'upper': ('upper', ), 'lower': ('lower', ),
            'full': ('upper', 'lower')}


def _no_dress(seed: int):
    rng = np.random.default_rng(seed)
    while (ident := sample_identity(rng)).dress:
        pass
    return ident


def test_wearing_swaps_only_the_region_and_refuses_half_a_dress():
    a, b = _no_dress(0), _no_dress(1)
    top = wearing(a, b, 'upper')
    assert top.top == b.top and top.bottom == a.bottom
    assert (top.body, top.skin, top.hair, top.shoes) == \
        (a.body, a.skin, a.hair, a.shoes)
    bottom = wearing(a, b, 'lower')
    assert bottom.top == a.top and bottom.bottom == b.bottom
    full = wearing(a, b, 'full')
    assert (full.top, full.bottom, full.body) == (b.top, b.bottom, a.body)
    dress = dataclasses.replace(b, dress=True)
    with pytest.raises(ValueError, match="swap it as region 'full'"):
        wearing(a, dress, 'upper')
    assert wearing(a, dress, 'full').dress
    with pytest.raises(ValueError, match="unknown region 'hat'"):
        wearing(a, b, 'hat')


@pytest.mark.parametrize('region', list(REGION_PARTS))
def test_edit_changes_the_garment_and_nothing_else(region):
    for seed in range(3):
        e = render_edit(seed, region, size=(128, 88))
        assert e.reference.shape == e.ground_truth.shape == (128, 88, 3)
        # outside the region (2 px margin: edges are antialiased) the
        # reference and the truth are one scene; measured at 256x176 over
        # 30 edits: at most 0.1 % of those pixels differ by more than 8
        # (a top's hem moves where the bottom's pattern starts)
        outside = ~cv2.dilate(e.region_mask.astype(np.uint8),
                              np.ones((5, 5), np.uint8)).astype(bool)
        diff = np.abs(e.reference.astype(int) - e.ground_truth).max(2)
        assert (diff[outside] > 8).mean() < 0.005, (seed, region)
        assert e.region_mask.any() and diff[e.region_mask].mean() > 5
        # the truth's garment is the source's: its mean colour is nearer the
        # garment source's than the reference's wherever those differ
        for garment in GARMENTS[region]:
            def mean(image, parts):
                return image[region_mask(parts, garment)].mean(0)
            truth = mean(e.ground_truth, e.ground_truth_parts)
            source = mean(e.garment_source, e.garment_source_parts)
            reference = mean(e.reference, e.reference_parts)
            if np.abs(source - reference).max() > 40:
                assert np.abs(truth - source).sum() < \
                    np.abs(truth - reference).sum(), (seed, region, garment)
    again = render_edit(2, region, size=(128, 88))
    assert np.array_equal(again.ground_truth, e.ground_truth)
