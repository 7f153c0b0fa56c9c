"""SynthFashion as a re-ID set in Market-1501's layout."""
from __future__ import annotations

import numpy as np
import pytest

from mmrepose.datasets.annotation_formats import read_patn_annotations
from mmrepose.datasets.synthesis.reid_writer import \
    generate_synthfashion_reid
from mmrepose.reid import parse_market_name
from mmrepose.reid.market_folder import MarketFolder


def test_layout_names_and_protocol(tmp_path):
    counts = generate_synthfashion_reid(str(tmp_path), (48, 32), train_ids=2,
                                        test_ids=2, images_per_camera=2,
                                        progress=False)
    # 4 cameras (views) x 2 images an identity
    assert counts == dict(bounding_box_train=16, query=8,
                          bounding_box_test=8)
    train = MarketFolder(str(tmp_path / 'bounding_box_train'), (48, 32))
    query = MarketFolder(str(tmp_path / 'query'), (48, 32))
    gallery = MarketFolder(str(tmp_path / 'bounding_box_test'), (48, 32))
    assert set(train.identities) == {1, 2}
    assert set(query.identities) == set(gallery.identities) == {3, 4}
    assert sorted(set(query.cameras)) == [1, 2, 3, 4]
    # every training image's keypoints are in the csv the augmentation
    # tool reads, in the image's frame
    keypoints = read_patn_annotations(
        str(tmp_path / 'market-annotation-bounding_box_train.csv'))
    assert set(keypoints) == {p.split('/')[-1] for p, _ in train.items}
    present = np.concatenate(list(keypoints.values()))
    present = present[present[:, 0] >= 0]
    assert (present[:, 0] < 32).all() and (present[:, 1] < 48).all()
    names = [parse_market_name(p.split('/')[-1]) for p, _ in gallery.items]
    assert all(not n.generated for n in names)
    with pytest.raises(ValueError, match='images_per_camera >= 2'):
        generate_synthfashion_reid(str(tmp_path / 'x'), images_per_camera=1)
