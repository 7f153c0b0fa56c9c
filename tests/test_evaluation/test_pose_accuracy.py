"""PoseAccuracy with a stub estimator, and the MMPoseEstimator adapter on
the tiny HRNet + associative-embedding model of the mmpose-stack test."""
import numpy as np
import pytest
import torch
from test_utils.test_mmpose_stack import tiny_bottomup_ae_config

from mmrepose.evaluation.metrics import PoseAccuracy
from mmrepose.models.pose_estimators.mmpose_estimator import MMPoseEstimator
from mmrepose.structures import openpose18_to_coco17


class StubEstimator:
    """Returns fixed COCO-17 keypoints for every image."""

    def __init__(self, keypoints):
        self.keypoints_ = torch.as_tensor(keypoints, dtype=torch.float32)
        self.calls = []

    def keypoints(self, images):
        self.calls.append(tuple(images.shape))
        return self.keypoints_.expand(len(images), -1, -1)


def test_pck_and_error_by_hand():
    target = np.full((18, 2), -1.0, np.float32)
    # a 100-pixel-high person: nose (0), neck (1, not in COCO), ankles
    target[0], target[1], target[10], target[13] = (50, 0), (50, 10), \
        (40, 100), (60, 100)
    coco = openpose18_to_coco17(target)
    pred = coco.copy()
    pred[0] += (3, 4)          # 5 px off: within 0.1 x 100
    pred[15] += (0, 20)        # left ankle 20 px off: outside
    pred[16] = (-1, -1)        # right ankle found nowhere near
    estimator = StubEstimator(pred)
    metric = PoseAccuracy(estimator, protocol='pidm')
    image = torch.zeros(3, 120, 80, dtype=torch.uint8)
    metric.process(None, [dict(pred_img=image, head_size=10.0,
                               target_keypoints=torch.from_numpy(target))])
    result = metric.compute_metrics(metric.results)
    far = np.linalg.norm(np.array([-1, -1]) - np.array([40, 100]))
    assert estimator.calls == [(1, 3, 120, 80)]
    assert result['pck@0.1'] == pytest.approx(1 / 3)   # 3 visible COCO kps
    assert result['pckh@0.5'] == pytest.approx(1 / 3)  # 0.5 x 10 = 5 px
    assert result['mean_error_px'] == pytest.approx((5 + 20 + far) / 3)


def test_per_image_values_and_the_real_image_ceiling():
    """per_image gives each image's own fractions; pooled over keypoints
    they give compute_metrics; image_key='gt_img' scores the real image."""
    near = np.zeros((18, 2), np.float32) + np.arange(18)[:, None] * 3
    far = near.copy()
    far[:4] += 40  # nose, neck, right shoulder and elbow far off
    metric = PoseAccuracy(StubEstimator(openpose18_to_coco17(near)),
                          image_key='gt_img')
    samples = [dict(gt_img=torch.zeros(3, 64, 64),
                    target_keypoints=torch.from_numpy(kps))
               for kps in (near, far)]
    metric.process(None, samples)
    per_image = metric.per_image(metric.results)
    assert per_image['pck@0.1'] == [1.0, pytest.approx(14 / 17)]
    assert per_image['mean_error_px'][0] == 0.0
    assert per_image['pckh@0.5'] == [None, None]  # no head size
    pooled = metric.compute_metrics(metric.results)
    assert pooled['pck@0.1'] == pytest.approx(31 / 34)
    with pytest.raises(KeyError, match="no 'pred_img'"):
        PoseAccuracy(StubEstimator(near[:17])).process(None, samples)


def test_pckh_only_with_head_size():
    target = np.zeros((18, 2), np.float32) + np.arange(18)[:, None] * 3
    metric = PoseAccuracy(StubEstimator(openpose18_to_coco17(target)))
    metric.process(None, [dict(pred_img=torch.zeros(3, 64, 64),
                               target_keypoints=torch.from_numpy(target))])
    result = metric.compute_metrics(metric.results)
    assert result == {'pck@0.1': 1.0, 'mean_error_px': 0.0}


@pytest.fixture(scope='module')
def tiny_estimator():
    torch.manual_seed(0)
    return MMPoseEstimator(tiny_bottomup_ae_config(), checkpoint=None)


def test_estimator_heatmaps_and_keypoints(tiny_estimator):
    images = torch.rand(2, 3, 80, 56) * 2 - 1  # not multiples of 32
    images.requires_grad_(True)
    heatmaps = tiny_estimator.heatmaps(images)
    assert heatmaps.shape == (2, 17, 20, 14)   # stride 4, padding cropped
    heatmaps.square().sum().backward()
    assert images.grad is not None and images.grad.abs().sum() > 0
    assert not any(p.requires_grad for p in tiny_estimator.parameters())
    kps = tiny_estimator.keypoints(images.detach())
    assert kps.shape == (2, 17, 2)
    assert (kps[..., 0] < 56).all() and (kps[..., 1] < 80).all()
    # keypoints are the per-channel argmax scaled by the stride
    flat = heatmaps.detach().flatten(2).argmax(-1)
    assert torch.equal(kps[..., 0], (flat % 14).float() * 4)
    tiny_estimator.train()
    assert not tiny_estimator.model.training  # stays frozen in eval mode


def test_estimator_checkpoint_round_trip(tiny_estimator, tmp_path):
    path = tmp_path / 'pose.pth'
    torch.save({'state_dict': tiny_estimator.model.state_dict()}, path)
    torch.manual_seed(1)
    loaded = MMPoseEstimator(tiny_bottomup_ae_config(), str(path))
    for key, value in tiny_estimator.model.state_dict().items():
        assert torch.equal(loaded.model.state_dict()[key], value)
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        MMPoseEstimator(tiny_bottomup_ae_config(), str(tmp_path /
                                                       'missing.pth'))


def test_pose_accuracy_builds_the_estimator_from_a_config():
    metric = PoseAccuracy(dict(type='MMPoseEstimator',
                               config=tiny_bottomup_ae_config(),
                               checkpoint=None))
    target = torch.full((18, 2), 10.0)
    image = torch.zeros(3, 64, 64, dtype=torch.uint8)
    metric.process(None, [dict(pred_img=image, target_keypoints=target)])
    result = metric.compute_metrics(metric.results)
    assert set(result) == {'pck@0.1', 'mean_error_px'}
