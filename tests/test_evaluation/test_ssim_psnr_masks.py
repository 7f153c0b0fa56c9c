"""SSIM (both variants) against scikit-image on float32 unit images (as the
reference scripts call it), PSNR, resizing to the evaluation size, and the
keypoint-mask metrics on a hand-made example."""
import numpy as np
import pytest
import torch
from skimage.metrics import structural_similarity

from mmrepose.evaluation.functional import keypoint_person_mask
from mmrepose.evaluation.metrics import (PSNR, SSIM, ImageTooSmallError,
                                         MaskedL1)


def random_pair(rng, shape=(64, 56)):
    gt = rng.integers(0, 256, (*shape, 3), dtype=np.uint8)
    noise = rng.integers(-40, 41, gt.shape)
    pred = np.clip(gt.astype(int) + noise, 0, 255).astype(np.uint8)
    return gt, pred


def sample(gt, pred, keypoints=None):
    out = dict(gt_img=torch.from_numpy(gt).permute(2, 0, 1),
               pred_img=torch.from_numpy(pred).permute(2, 0, 1))
    if keypoints is not None:
        out['target_keypoints'] = torch.from_numpy(keypoints)
    return out


def unit(img):
    return img.astype(np.float32) / 255.0


def score(metric, samples):
    metric.process(None, samples)
    return metric.compute_metrics(metric.results)


@pytest.mark.parametrize('sigma', [1.2, 1.5])
def test_ssim_256_matches_skimage(sigma):
    rng = np.random.default_rng(0)
    pairs = [random_pair(rng) for _ in range(3)]
    reference = np.mean([structural_similarity(
        unit(gt) * 255.0, unit(pred) * 255.0, gaussian_weights=True,
        sigma=sigma, use_sample_covariance=False, channel_axis=2,
        data_range=(unit(pred) * 255.0).max() - (unit(pred) * 255.0).min())
        for gt, pred in pairs])
    result = score(SSIM(variant='ssim_256', sigma=sigma, protocol='pidm'),
                   [sample(*p) for p in pairs])
    assert result == {f'ssim_256_sigma{sigma:g}': pytest.approx(reference,
                                                                abs=1e-12)}


def test_ssim_win51_matches_skimage():
    rng = np.random.default_rng(1)
    pairs = [random_pair(rng) for _ in range(2)]
    reference = np.mean([structural_similarity(
        unit(gt), unit(pred), win_size=51, data_range=1, channel_axis=2)
        for gt, pred in pairs])
    result = score(SSIM(variant='ssim'), [sample(*p) for p in pairs])
    assert result['ssim_win51'] == pytest.approx(reference, abs=1e-12)


def test_win51_needs_images_of_its_window():
    gt, pred = random_pair(np.random.default_rng(4), shape=(64, 44))
    with pytest.raises(ImageTooSmallError, match='51x51 window'):
        SSIM(variant='ssim').process(None, [sample(gt, pred)])
    assert 0 < score(SSIM(variant='ssim_256'),
                     [sample(gt, pred)])['ssim_256_sigma1.5'] < 1


def test_float_images_are_read_as_minus_one_to_one():
    rng = np.random.default_rng(2)
    gt, pred = random_pair(rng)
    as_float = dict(gt_img=torch.from_numpy(gt).permute(2, 0, 1) / 127.5 - 1,
                    pred_img=torch.from_numpy(pred).permute(2, 0, 1) / 127.5
                    - 1)
    assert score(SSIM(), [as_float]) == score(SSIM(), [sample(gt, pred)])


def test_psnr():
    gt = np.zeros((8, 8, 3), np.uint8)
    pred = np.full_like(gt, 10)  # MSE 100
    result = score(PSNR(), [sample(gt, pred)])
    assert result['psnr'] == pytest.approx(10 * np.log10(255**2 / 100))
    assert score(PSNR(), [sample(gt, gt)])['psnr'] == float('inf')


def single_keypoint(x, y):
    kps = np.full((18, 2), -1.0, np.float32)
    kps[0] = (x, y)
    return kps


def hand_disc_mask(shape, x, y):
    """A radius-4 disc (distance^2 < 16): rows y-3..y+3, columns x-3..x+3
    without the four corners; a 5x5 closing leaves it unchanged (away from
    the border, where the erosion's reflecting edge would keep more)."""
    mask = np.zeros(shape, bool)
    mask[y - 3:y + 4, x - 3:x + 4] = True
    for dy in (-3, 3):
        for dx in (-3, 3):
            mask[y + dy, x + dx] = False
    return mask


def test_person_mask_by_hand():
    kps = single_keypoint(10, 12)
    mask = keypoint_person_mask(kps, (24, 20))
    np.testing.assert_array_equal(mask, hand_disc_mask((24, 20), 10, 12))
    assert mask.sum() == 45
    # a limb (neck -> right shoulder) is a band of half-width 4 around the
    # segment, closed with the discs at both ends
    limb = np.full((18, 2), -1.0)
    limb[1], limb[2] = (6, 10), (20, 10)
    mask = keypoint_person_mask(limb, (24, 28))
    assert mask[10, 6:21].all() and mask[7:14, 13].all()
    assert not mask[:5].any() and not mask[16:].any()
    assert not mask[:, 26:].any()


def test_masked_metrics_by_hand():
    shape = (24, 20)
    kps = single_keypoint(10, 12)
    inside = hand_disc_mask(shape, 10, 12)
    gt = np.zeros((*shape, 3), np.uint8)
    pred = np.full_like(gt, 255)
    pred[inside] = 51  # |51 - 0| / 255 = 0.2 inside, 1.0 outside
    assert score(MaskedL1(), [sample(gt, pred, kps)])['masked_l1'] == \
        pytest.approx(0.2)
    # mask-SSIM is SSIM of both images multiplied by the mask
    rng = np.random.default_rng(3)
    gt, pred = random_pair(rng, shape)
    m = inside[..., None]
    gt_m, pred_m = unit(gt) * m * 255.0, unit(pred) * m * 255.0
    reference = structural_similarity(
        gt_m, pred_m, gaussian_weights=True, sigma=1.5,
        use_sample_covariance=False, channel_axis=2,
        data_range=pred_m.max() - pred_m.min())
    result = score(SSIM(masked=True), [sample(gt, pred, kps)])
    assert result['mask_ssim_256_sigma1.5'] == pytest.approx(reference)


def test_other_sizes_follow_the_preset():
    """gfla scores only images of the ground truth's size, pidm's SSIM the
    images as stored; the others resize the generated image their way."""
    gt = np.zeros((8, 8, 3), np.uint8)
    pred = np.full((8, 6, 3), 200, np.uint8)
    with pytest.raises(ValueError, match='does not resize it'):
        SSIM(protocol='gfla').process(None, [sample(gt, pred)])
    with pytest.raises(ValueError, match='differ in size'):
        SSIM(protocol='pidm').process(None, [sample(gt, pred)])
    with pytest.raises(ValueError, match='differ in size'):
        PSNR(protocol='pidm').process(None, [sample(gt, pred)])
    resized = np.full((8, 8, 3), 200, np.uint8)  # a flat image stays flat
    assert score(PSNR(protocol='standard'), [sample(gt, pred)]) == \
        score(PSNR(), [sample(gt, resized)])


def test_evaluation_size_scales_the_person_mask():
    """At another evaluation size the keypoints are scaled with the image:
    a 2x larger image and keypoints give the 2x mask's L1."""
    kps = single_keypoint(10, 12)
    gt = np.zeros((24, 20, 3), np.uint8)
    pred = np.full_like(gt, 51)
    big = MaskedL1(size=(48, 40), real_resize='cv2-area',
                   pred_resize='cv2-area')
    assert score(big, [sample(gt, pred, kps)])['masked_l1'] == \
        pytest.approx(0.2, abs=1e-6)
