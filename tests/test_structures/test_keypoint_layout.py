import numpy as np
import pytest

from mmrepose.structures import (COCO17_FLIP_PAIRS, COCO17_NAMES,
                                 OPENPOSE18_FLIP_PAIRS, OPENPOSE18_NAMES,
                                 coco17_to_openpose18, flip_permutation,
                                 openpose18_to_coco17)


def random_keypoints(n, rng, missing=()):
    kps = rng.uniform(0, 100, (n, 2)).astype(np.float32)
    kps[list(missing)] = -1
    return kps


def test_flip_pairs_swap_left_and_right_names():
    for names, pairs in ((OPENPOSE18_NAMES, OPENPOSE18_FLIP_PAIRS),
                         (COCO17_NAMES, COCO17_FLIP_PAIRS)):
        for a, b in pairs:
            swapped = names[a].replace('right', 'L').replace('left', 'right')
            assert swapped.replace('L', 'left') == names[b]
        perm = flip_permutation(pairs, len(names))
        assert sorted(perm) == list(range(len(names)))
        np.testing.assert_array_equal(perm[perm], np.arange(len(names)))
        unpaired = {i for i in range(len(names))} - {i for p in pairs for i in p}
        assert all('left' not in names[i] and 'right' not in names[i]
                   for i in unpaired)


def test_openpose_to_coco_maps_names():
    rng = np.random.default_rng(0)
    kps = random_keypoints(18, rng)
    coco = openpose18_to_coco17(kps)
    for i, name in enumerate(COCO17_NAMES):
        np.testing.assert_array_equal(coco[i], kps[OPENPOSE18_NAMES.index(name)])


def test_coco_roundtrip_and_neck():
    rng = np.random.default_rng(1)
    kps = random_keypoints(18, rng, missing=[14])
    back = coco17_to_openpose18(openpose18_to_coco17(kps))
    keep = [i for i in range(18) if i != 1]
    np.testing.assert_array_equal(back[keep], kps[keep])
    np.testing.assert_allclose(back[1], (kps[2] + kps[5]) / 2)
    kps[5] = -1  # a missing shoulder leaves the neck missing
    assert (coco17_to_openpose18(openpose18_to_coco17(kps))[1] == -1).all()


def test_conversion_batched_and_shape_errors():
    rng = np.random.default_rng(2)
    batch = np.stack([random_keypoints(18, rng) for _ in range(3)])
    assert openpose18_to_coco17(batch).shape == (3, 17, 2)
    with pytest.raises(ValueError, match=r'OpenPose-18.*\(17, 2\)'):
        openpose18_to_coco17(np.zeros((17, 2)))
    with pytest.raises(ValueError, match='COCO-17'):
        coco17_to_openpose18(np.zeros((18, 2)))
