"""Several people per image from a bottom-up estimator (HumanSD's pose AP
scores images of several people): the SynthFashion AE-HRNet-W16 finds the
person of a SynthFashion test image where its keypoints are."""
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from mmrepose.models.pose_estimators import MMPoseEstimator
from mmrepose.structures.keypoint_layout import (keypoint_visible,
                                                 openpose18_to_coco17)

ROOT = Path(__file__).resolve().parents[2]


def estimator(name, scale=2.0):
    return MMPoseEstimator(
        str(ROOT / f'configs/pose_estimators/{name}_synthfashion_128.py'),
        str(ROOT / f'checkpoints/pose_estimators/{name}_synthfashion_128.pth'),
        scale=scale)


def test_detect_finds_the_person_where_the_annotation_is(synthfashion_64):
    from mmrepose.datasets.annotation_formats import read_patn_annotations
    kps = read_patn_annotations(
        str(synthfashion_64 / 'fasion-resize-annotation-test.csv'))
    names = sorted(kps)[:4]
    images = np.stack([cv2.imread(str(synthfashion_64 / 'test' / n))[..., ::-1]
                       for n in names])
    batch = torch.from_numpy(images.copy()).permute(0, 3, 1, 2).float()
    found = estimator('ae_hrnet_w16').detect(batch / 127.5 - 1)
    assert len(found) == 4
    errors = []
    for name, (people, scores) in zip(names, found):
        assert people.ndim == 3 and people.shape[1:] == (17, 3)
        assert len(people) == len(scores) >= 1
        best = people[np.argmax(scores)]
        target = openpose18_to_coco17(np.asarray(kps[name], np.float64))
        visible = keypoint_visible(target)
        errors.append(np.linalg.norm(best[visible, :2] - target[visible],
                                     axis=-1).mean())
    # 64x44 images, heatmap stride 2 image pixels: within a few pixels
    assert np.mean(errors) < 4.0, errors


def test_detect_needs_a_bottom_up_model():
    with pytest.raises(TypeError, match='bottom-up'):
        estimator('simplebaseline_res18').detect(torch.zeros(1, 3, 64, 44))


def test_humansd_metric_on_real_images_uses_the_bottom_up_detections(
        synthfashion_64):
    """The estimator's own ceiling: real SynthFashion images scored against
    their annotations find every person (PCE 0) at a high AP."""
    from mmrepose.datasets.annotation_formats import read_patn_annotations
    from mmrepose.evaluation.metrics import HumanSDPoseMetric
    from mmrepose.structures import PoseTransferDataSample
    kps = read_patn_annotations(
        str(synthfashion_64 / 'fasion-resize-annotation-test.csv'))
    samples = []
    for name in sorted(kps):
        sample = PoseTransferDataSample()
        img = cv2.imread(str(synthfashion_64 / 'test' / name))[..., ::-1]
        sample.gt_img = torch.from_numpy(img.copy()).permute(2, 0, 1)
        sample.target_keypoints = torch.as_tensor(kps[name])
        samples.append(sample)
    metric = HumanSDPoseMetric(estimator('ae_hrnet_w16'), image_key='gt_img')
    assert metric.estimator.bottom_up
    assert not estimator('simplebaseline_res18').bottom_up
    metric.process({}, samples)
    scores = metric.compute_metrics(metric.results)
    assert scores['pce'] == 0
    assert scores['pose_ap'] > 0.5 and scores['cap'] > 0.5, scores
