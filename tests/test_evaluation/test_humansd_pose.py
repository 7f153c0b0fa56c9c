"""HumanSD's pose AP / AP(m) / CAP / PCE against hand-computed examples."""
import numpy as np
import pytest
import torch

from mmrepose.evaluation.functional.pose_ap import (COCO17_SIGMAS, pose_ap,
                                                    weighted_cosine_similarity)
from mmrepose.evaluation.metrics import HumanSDPoseMetric
from mmrepose.structures import PoseTransferDataSample


def person(x0=100.0, y0=100.0, size=80.0):
    """A (17, 3) COCO-17 person: joints spread over a size x size box."""
    g = np.random.default_rng(0)
    kps = np.zeros((17, 3))
    kps[:, 0] = x0 + g.uniform(0, size, 17)
    kps[:, 1] = y0 + g.uniform(0, size, 17)
    kps[[0, -1], :2] = [[x0, y0], [x0 + size, y0 + size]]  # box corners
    kps[:, 2] = 2
    return kps


def detection(kps, score=0.9):
    return kps[None].copy(), np.array([score])


def test_exact_detection_scores_one_and_shift_keeps_cap():
    gt = person()
    scores = pose_ap([gt[None]], [detection(gt)])
    assert scores['AP'] == pytest.approx(1.0)
    assert scores['AP(m)'] == pytest.approx(1.0)  # area 80^2 is medium (32^2 .. 96^2)
    assert scores['CAP'] == pytest.approx(1.0)
    assert scores['PCE'] == 0
    # moved far away: no keypoint overlap (AP 0), same shape (CAP 1)
    moved = gt.copy()
    moved[:, :2] += 300
    scores = pose_ap([gt[None]], [detection(moved)])
    assert scores['AP'] == pytest.approx(0.0)
    assert scores['CAP'] == pytest.approx(1.0)


def test_ap_at_a_hand_set_oks():
    """Every joint displaced so that its OKS term is 0.72: OKS = 0.72
    passes the thresholds 0.50 .. 0.70 (5 of 10), AP = 0.5."""
    gt = person()
    area = 80.0 * 80.0
    d = np.sqrt(-np.log(0.72) * 2 * area * (2 * COCO17_SIGMAS)**2)
    det = gt.copy()
    det[:, 0] += d
    scores = pose_ap([gt[None]], [detection(det)])
    assert scores['AP'] == pytest.approx(0.5)


def test_people_count_error():
    a, b = person(), person(x0=300)
    # image 1: two people, one found; image 2: one person, two found
    scores = pose_ap([np.stack([a, b]), a[None]],
                     [detection(a), (np.stack([a, a]), np.array([.9, .8]))])
    assert scores['PCE'] == pytest.approx(1.0)
    none = pose_ap([a[None]], [(np.zeros((0, 17, 3)), np.zeros(0))])
    assert none['AP'] == 0 and none['PCE'] == 1


def test_weighted_cosine_similarity_two_joints_by_hand():
    """Two visible joints: after min-max and L2 normalisation x_gt = y_gt =
    (0, 1); the detection's y is swapped to (1, 0), so the cosine is
    (1 + 0) / 2. HumanSD's code replaces the detection's y by its x: 1."""
    gt = np.full((17, 3), -1.0)
    gt[:, 2] = 0
    gt[5] = [10, 10, 2]
    gt[6] = [20, 30, 2]
    det = gt.copy()
    det[5, 1], det[6, 1] = 30, 10
    assert weighted_cosine_similarity(gt, det) == pytest.approx(0.5)
    assert weighted_cosine_similarity(gt, det, humansd_bugs=True) == \
        pytest.approx(1.0)
    # one visible joint: undefined, scored 0
    gt[6, 2] = 0
    assert weighted_cosine_similarity(gt, det) == 0.0


class SinglePersonEstimator:
    """Returns fixed COCO-17 keypoints and scores for every image."""

    def __init__(self, kps, scores):
        self.kps, self.scores = kps, scores

    def keypoints(self, images, return_scores=False):
        n = images.shape[0]
        return (torch.as_tensor(self.kps).expand(n, 17, 2),
                torch.as_tensor(self.scores).expand(n, 17))


def test_metric_converts_openpose_targets_and_thresholds_detections():
    from mmrepose.structures.keypoint_layout import coco17_to_openpose18
    gt = person(10, 10, 40)
    target = coco17_to_openpose18(gt[:, :2])
    samples = []
    for _ in range(2):
        s = PoseTransferDataSample()
        s.pred_img = torch.zeros(3, 64, 64, dtype=torch.uint8)
        s.target_keypoints = torch.as_tensor(target, dtype=torch.float32)
        samples.append(s)
    metric = HumanSDPoseMetric(SinglePersonEstimator(gt[:, :2],
                                                     np.full(17, 0.5)))
    metric.process({}, samples)
    out = metric.compute_metrics(metric.results)
    assert out['pose_ap'] == pytest.approx(1.0) and out['pce'] == 0
    weak = HumanSDPoseMetric(SinglePersonEstimator(gt[:, :2],
                                                   np.full(17, 0.05)))
    weak.process({}, samples)
    out = weak.compute_metrics(weak.results)
    assert out['pce'] == 1 and out['pose_ap'] == 0
