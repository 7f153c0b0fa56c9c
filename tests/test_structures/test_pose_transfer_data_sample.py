import pytest
import torch

from mmrepose.structures import PoseTransferDataSample


def test_fields_and_metainfo():
    sample = PoseTransferDataSample(metainfo=dict(pair_name='a_2_b'))
    sample.gt_img = torch.zeros(3, 8, 6, dtype=torch.uint8)
    sample.target_keypoints = torch.zeros(18, 2)
    assert 'gt_img' in sample and sample.gt_img.shape == (3, 8, 6)
    assert sample.pair_name == 'a_2_b'
    assert 'pred_img' not in sample
    del sample.gt_img
    assert 'gt_img' not in sample
    with pytest.raises(TypeError, match='gt_img must be a torch.Tensor'):
        sample.gt_img = [1, 2]
