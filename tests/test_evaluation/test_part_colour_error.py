"""PartColourError by hand, and on a real SynthFashion image and part map."""
import cv2
import numpy as np
import pytest
import torch

from mmrepose.datasets.synthesis.appearance import BOTTOM, HAIR, TOP
from mmrepose.evaluation.metrics import PartColourError
from mmrepose.evaluation.metrics.part_colour_error import (part_colour_errors,
                                                           part_map_path)


def test_errors_by_hand():
    parts = np.zeros((8, 6), np.uint8)
    parts[:4] = TOP
    parts[4:] = BOTTOM
    parts[0, 0] = HAIR  # one pixel: below min_pixels
    gt = np.zeros((8, 6, 3), np.uint8)
    gt[:4] = (255, 0, 0)
    pred = gt.copy()
    pred[:4] = (0, 0, 255)
    errors = part_colour_errors(pred, gt, parts, min_pixels=2)
    assert errors == {'top': pytest.approx(np.sqrt(2)),
                      'bottom': 0.0}
    # a part's own pixels only: the hair pixel is not part of the top
    assert part_colour_errors(gt, gt, parts, min_pixels=1)['hair'] == 0.0


def test_metric_on_synthfashion(synthfashion_64):
    test_dir = synthfashion_64 / 'test'
    name = sorted(test_dir.iterdir())[0]
    gt = cv2.cvtColor(cv2.imread(str(name)), cv2.COLOR_BGR2RGB)
    parts = cv2.imread(part_map_path(str(name)), cv2.IMREAD_UNCHANGED)
    assert parts.shape == gt.shape[:2] and parts.max() > 0
    pred = gt.copy()
    pred[parts == TOP] = 0  # a black top
    metric = PartColourError(protocol='synthfashion')
    metric.process(None, [dict(
        pred_img=torch.from_numpy(pred).permute(2, 0, 1),
        gt_img=torch.from_numpy(gt).permute(2, 0, 1),
        target_img_path=str(name))])
    result = metric.compute_metrics(metric.results)
    top = gt[parts == TOP].astype(float).mean(0) / 255
    assert result['part_colour_error/top'] == pytest.approx(
        np.linalg.norm(top))
    assert result['part_colour_error/face'] == 0.0
    present = [k for k in result if k.count('/') == 1]
    assert result['part_colour_error'] == pytest.approx(
        np.linalg.norm(top) / len(present))


def test_missing_part_map_names_the_file(tmp_path):
    metric = PartColourError()
    image = torch.zeros(3, 8, 6, dtype=torch.uint8)
    path = tmp_path / 'test' / 'x.jpg'
    with pytest.raises(FileNotFoundError, match=r'parts/test/x.png'):
        metric.process(None, [dict(pred_img=image, gt_img=image,
                                   target_img_path=str(path))])
