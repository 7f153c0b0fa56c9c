"""Geometric transforms move keypoints with the pixels; pose maps match spec."""
import numpy as np
import pytest
import torch

from mmrepose.datasets.transforms import (GeneratePoseEncoding,
                                          PackPoseTransferInputs,
                                          RandomFlipPair, RandomScaleCropPair,
                                          ResizePair, cfld21, encode_pose,
                                          gfla18, pidm20,
                                          pose_encoding_channels,
                                          skeleton_rgb)
from mmrepose.registry import POSE_ENCODINGS
from mmrepose.structures import OPENPOSE18_LIMBS


def marked_pair(h=64, w=44, seed=0):
    """Images black except for a unique colour at each present keypoint."""
    rng = np.random.default_rng(seed)
    results = {}
    for key in ('source', 'target'):
        kps = np.stack([rng.integers(2, w - 2, 18), rng.integers(2, h - 2, 18)],
                       1).astype(np.float32)
        kps[[3, 14]] = -1
        img = np.zeros((h, w, 3), np.uint8)
        for i, (x, y) in enumerate(kps.astype(int)):
            if x >= 0:
                img[y, x] = (10 * i + 20, 255, 0)
        results[f'{key}_img'], results[f'{key}_keypoints'] = img, kps
    results['img_shape'] = (h, w)
    return results


def assert_marks_follow_keypoints(results):
    for key in ('source', 'target'):
        img, kps = results[f'{key}_img'], results[f'{key}_keypoints']
        for i, (x, y) in enumerate(kps):
            if x == -1:
                continue
            r, c = int(round(y)), int(round(x))
            patch = img[max(r - 1, 0):r + 2, max(c - 1, 0):c + 2, 1]
            assert patch.max() > 40, f'{key} keypoint {i} lost its mark'


def test_flip_swaps_left_right_and_mirrors_x():
    results = marked_pair()
    original = {k: v.copy() for k, v in results.items() if k != 'img_shape'}
    out = RandomFlipPair(prob=1.0)(dict(results))
    assert out['flip'] is True
    src, flipped = original['source_keypoints'], out['source_keypoints']
    # Rsho (2) <-> Lsho (5), Reye (14, missing) <-> Leye (15)
    np.testing.assert_array_equal(flipped[5], [43 - src[2, 0], src[2, 1]])
    np.testing.assert_array_equal(flipped[2], [43 - src[5, 0], src[5, 1]])
    assert (flipped[15] == -1).all() and (flipped[6] == -1).all()  # Relb -> Lelb
    np.testing.assert_array_equal(flipped[0], [43 - src[0, 0], src[0, 1]])
    # exact pixels: the mark of keypoint 2 now sits where keypoint 5 says
    x, y = flipped[5].astype(int)
    assert out['source_img'][y, x, 0] == 10 * 2 + 20
    twice = RandomFlipPair(prob=1.0)(RandomFlipPair(prob=1.0)(marked_pair()))
    np.testing.assert_array_equal(twice['source_keypoints'], src)
    np.testing.assert_array_equal(twice['target_img'], original['target_img'])
    assert RandomFlipPair(prob=0.0)(marked_pair())['flip'] is False


def test_resize_scales_keypoints():
    results = marked_pair()
    kps = results['target_keypoints'].copy()
    out = ResizePair(scale=(88, 128), interpolation='nearest')(results)
    assert out['target_img'].shape == (128, 88, 3)
    assert out['img_shape'] == (128, 88)
    present = kps[:, 0] != -1
    np.testing.assert_allclose(out['target_keypoints'][present],
                               kps[present] * 2)
    assert (out['target_keypoints'][~present] == -1).all()


def test_a_target_given_as_a_pose_only():
    """At inference the target is keypoints in a frame (target_shape), no
    image: resizing scales them, the encoding renders them at the output
    size, and packing leaves gt_img out."""
    results = marked_pair()
    kps = results['target_keypoints'].copy()
    del results['target_img']
    results['target_shape'] = (64, 44)
    out = ResizePair(scale=(88, 128))(results)
    assert out['target_shape'] == (128, 88) and out['img_shape'] == (128, 88)
    present = kps[:, 0] != -1
    np.testing.assert_allclose(out['target_keypoints'][present],
                               kps[present] * 2)
    out = GeneratePoseEncoding('gfla18')(out)
    assert out['target_pose'].shape == (18, 128, 88)
    packed = PackPoseTransferInputs()(out)
    assert 'gt_img' not in packed['data_samples']
    with pytest.raises(KeyError, match='neither target_img nor '
                       'target_shape'):
        ResizePair(scale=(88, 128))({'source_img': out['source_img']})


def test_scale_crop_keeps_marks_under_keypoints():
    np.random.seed(0)
    t = RandomScaleCropPair(scale_param=0.3, interpolation='nearest')
    for seed in range(5):
        results = marked_pair(seed=seed)
        n_before = (results['source_keypoints'][:, 0] != -1).sum()
        out = t(results)
        assert out['source_img'].shape == (64, 44, 3)
        kps = out['source_keypoints']
        present = kps[:, 0] != -1
        assert ((kps[present] >= 0) & (kps[present, :1] <= 43)).all()
        assert present.sum() <= n_before
        assert_marks_follow_keypoints(out)


def test_pose_encodings_channels_and_ranges():
    kps = marked_pair()['target_keypoints']
    expected = {'pidm20': 20, 'gfla18': 18, 'cfld21': 21, 'skeleton_rgb': 3}
    assert {name: pose_encoding_channels(name)
            for name in POSE_ENCODINGS.module_dict} == expected
    for name, channels in expected.items():
        pose = encode_pose(kps, (64, 44), name)
        assert pose.shape == (channels, 64, 44) and pose.dtype == np.float32
        assert pose.min() >= 0 and pose.max() <= 1 and pose.max() > 0
    with pytest.raises(KeyError, match='unknown pose encoding'):
        encode_pose(kps, (64, 44), 'openpose')
    with pytest.raises(ValueError, match=r'\(18, 2\)'):
        gfla18(kps[:17], (64, 44))


def test_gfla_heatmaps_peak_at_keypoints_with_sigma_6():
    kps = np.full((18, 2), -1, np.float32)
    kps[0] = (20, 30)
    maps = gfla18(kps, (64, 44))
    assert np.unravel_index(maps[0].argmax(), maps[0].shape) == (30, 20)
    np.testing.assert_allclose(maps[0, 30, 26], np.exp(-36 / 72), rtol=1e-6)
    assert not maps[1:].any()


def test_pidm_distance_maps():
    kps = np.full((18, 2), -1, np.float32)
    kps[1], kps[2] = (20, 10), (20, 40)  # neck -> right shoulder: limb 0
    maps = pidm20(kps, (64, 44))
    limb = maps[3]
    assert OPENPOSE18_LIMBS[0] == (1, 2)
    assert limb[25, 20] == 0  # on the limb
    # L1 distance 12 px to the right of the ellipse edge (half-width 4) / 3
    assert limb[25, 20 + 4 + 12] == pytest.approx(np.floor(12 / 3) / 255, abs=1.5 / 255)
    assert limb[25, 40] > limb[25, 30] > 0
    assert not maps[4:].any()  # missing limbs are all 0, as in PIDM
    np.testing.assert_array_equal(maps[:3], skeleton_rgb(kps, (64, 44)))
    assert maps[:3, 25, 20].max() > 0 and maps[:3, 60, 5].max() == 0


def test_cfld21_is_skeleton_plus_gfla():
    kps = marked_pair()['target_keypoints']
    pose = cfld21(kps, (64, 44))
    np.testing.assert_array_equal(pose[3:], gfla18(kps, (64, 44)))


def test_generate_and_pack():
    results = marked_pair()
    results.update(pair_name='a_2_b', flip=False)
    results = GeneratePoseEncoding('gfla18', keys=('target',))(results)
    assert 'source_pose' not in results and results['target_pose'].shape[0] == 18
    packed = PackPoseTransferInputs()(results)
    inputs, sample = packed['inputs'], packed['data_samples']
    assert set(inputs) == {'source_img', 'target_pose'}
    assert inputs['source_img'].shape == (3, 64, 44)
    torch.testing.assert_close(sample.gt_img.permute(1, 2, 0),
                               torch.from_numpy(results['target_img']))
    assert sample.pair_name == 'a_2_b' and sample.pose_encoding == 'gfla18'
    with pytest.raises(ValueError, match='keys must be'):
        GeneratePoseEncoding('gfla18', keys=('driving',))
    with pytest.raises(KeyError, match='needs "target_pose"'):
        PackPoseTransferInputs()(marked_pair())
