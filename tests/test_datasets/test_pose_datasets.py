"""DeepFashion (both formats) and Market-1501 datasets, and bad input."""
import logging

import numpy as np
import pytest
import torch
from mmengine.logging import MMLogger

from mmrepose.datasets import (AnnotationError, DeepFashionPoseDataset,
                               Market1501PoseDataset)
from mmrepose.datasets.transforms import ImageLoadError
from mmrepose.structures import PoseTransferDataSample

PIPELINE = [
    dict(type='LoadPairFromFile'),
    dict(type='ResizePair', scale=(176, 256)),
    dict(type='GeneratePoseEncoding', encoding='pidm20'),
    dict(type='PackPoseTransferInputs'),
]


def test_patn_and_nted_formats_give_the_same_pairs(patn_root, nted_root):
    patn = DeepFashionPoseDataset(str(patn_root), split='train')
    nted = DeepFashionPoseDataset(str(nted_root), split='train',
                                  ann_format='nted')
    assert len(patn) == len(nted) == 3
    for i in range(3):
        a, b = patn.get_data_info(i), nted.get_data_info(i)
        assert a['pair_name'] == b['pair_name']
        np.testing.assert_array_equal(a['source_keypoints'],
                                      b['source_keypoints'])
        np.testing.assert_array_equal(a['target_keypoints'],
                                      b['target_keypoints'])
    assert patn.get_data_info(0)['pair_name'] == \
        'fashionWOMENBlouses_Shirtsid0000000102_1front_2_' \
        'fashionWOMENBlouses_Shirtsid0000000102_2side'


def test_pipeline_output(patn_root):
    ds = DeepFashionPoseDataset(str(patn_root), split='test',
                                pipeline=PIPELINE, test_mode=True)
    item = ds[0]
    inputs, sample = item['inputs'], item['data_samples']
    assert isinstance(sample, PoseTransferDataSample)
    assert inputs['source_img'].shape == (3, 256, 176)
    assert inputs['source_img'].dtype == torch.uint8
    assert inputs['target_pose'].shape == (20, 256, 176)
    assert inputs['source_pose'].shape == (20, 256, 176)
    assert sample.gt_img.shape == (3, 256, 176)
    assert sample.target_keypoints.shape == (18, 2)
    assert sample.pair_name.startswith('fashionMENDenimid0000008001_1front_2_')
    assert sample.img_shape == (256, 176) and sample.pose_encoding == 'pidm20'


def test_keypoint_frame_rescales_to_image_size(patn_root):
    import cv2
    name = 'fashionMENDenimid0000008001_1front.jpg'
    big = cv2.resize(cv2.imread(str(patn_root / 'test' / name)), (352, 512))
    cv2.imwrite(str(patn_root / 'test' / name), big)
    ds = DeepFashionPoseDataset(str(patn_root), split='test',
                                keypoint_frame=(256, 176), test_mode=True,
                                pipeline=[dict(type='LoadPairFromFile')])
    item = ds[0]
    raw = ds.get_data_info(0)['source_keypoints']
    np.testing.assert_allclose(item['source_keypoints'], raw * 2)
    np.testing.assert_allclose(item['target_keypoints'],
                               ds.get_data_info(0)['target_keypoints'])


def test_market1501(market_root):
    ds = Market1501PoseDataset(str(market_root), split='train',
                               pipeline=PIPELINE[:1] + PIPELINE[2:])
    assert len(ds) == 2
    item = ds[0]
    assert item['inputs']['source_img'].shape == (3, 128, 64)
    assert item['data_samples'].source_keypoints[0].tolist() == [32, 14]


# -- bad input ------------------------------------------------------------
def _append(path, text):
    with open(path, 'a') as f:
        f.write(text)


def _skip_log(caplog_records):
    return [r.getMessage() for r in caplog_records if 'skip_invalid' in
            r.getMessage()]


@pytest.fixture
def warnings_log():
    """Collect mmengine warnings (MMLogger does not propagate to caplog)."""
    records = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record)

    logger = MMLogger.get_current_instance()
    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def test_missing_image_file(patn_root, warnings_log):
    (patn_root / 'train' / 'fashionWOMENBlouses_Shirtsid0000000102_3back.jpg'
     ).unlink()
    with pytest.raises(AnnotationError,
                       match=r'pairs-train.csv, line 4: image file not found'
                       r'.*3back.jpg'):
        DeepFashionPoseDataset(str(patn_root), split='train')
    ds = DeepFashionPoseDataset(str(patn_root), split='train',
                                skip_invalid=True)
    assert len(ds) == 2 and ds.skipped == {'image file not found': 1}
    [msg] = _skip_log(warnings_log)
    assert '1 x image file not found' in msg and 'line 4' in msg


def test_pair_naming_unknown_image(patn_root):
    _append(patn_root / 'fasion-resize-pairs-train.csv', 'ghost.jpg,'
            'fashionWOMENBlouses_Shirtsid0000000102_1front.jpg\n')
    with pytest.raises(AnnotationError, match=r'line 5: pair names an image '
                       r'without a valid annotation \(ghost.jpg\)'):
        DeepFashionPoseDataset(str(patn_root), split='train')
    ds = DeepFashionPoseDataset(str(patn_root), split='train',
                                skip_invalid=True)
    assert len(ds) == 3
    assert ds.skipped['pair names an image without a valid annotation'] == 1


def test_malformed_rows_and_wrong_keypoint_count(patn_root, warnings_log):
    ann = patn_root / 'fasion-resize-annotation-train.csv'
    lines = ann.read_text().splitlines()
    # line 3 (side view): 17 x values; and a malformed pairs row
    name, ys, xs = lines[2].split(':')
    lines[2] = f'{name}:{ys}: {str(list(range(17)))}'
    ann.write_text('\n'.join(lines) + '\n')
    with pytest.raises(AnnotationError, match=r'annotation-train.csv, line 3: '
                       r'wrong number of keypoints'):
        DeepFashionPoseDataset(str(patn_root), split='train')
    _append(patn_root / 'fasion-resize-pairs-train.csv', 'only_one_field\n')
    ds = DeepFashionPoseDataset(str(patn_root), split='train',
                                skip_invalid=True)
    # both pairs using the side view and the malformed row are dropped
    assert len(ds) == 1
    assert ds.skipped == {'wrong number of keypoints': 1, 'malformed row': 1,
                          'pair names an image without a valid annotation': 2}
    [msg] = _skip_log(warnings_log)
    assert '2 x pair names an image' in msg


def test_unreadable_image(patn_root, warnings_log):
    bad = patn_root / 'train' / 'fashionWOMENBlouses_Shirtsid0000000102_2side.jpg'
    bad.write_bytes(b'this is not a jpeg')
    ds = DeepFashionPoseDataset(str(patn_root), split='train',
                                pipeline=PIPELINE)
    with pytest.raises(ImageLoadError, match='cannot decode image .*2side.jpg'):
        ds[0]
    ds = DeepFashionPoseDataset(str(patn_root), split='train',
                                pipeline=PIPELINE, skip_invalid=True)
    assert ds.prepare_data(0) is None
    assert ds.skipped['unreadable image'] == 1
    # mmengine then serves another pair in its place: pairs 0 and 1 both use
    # the broken image, so it must be pair 2
    item = ds[1]
    assert item['data_samples'].pair_name.endswith('_3back')
    assert any('2side.jpg' in r.getMessage() for r in warnings_log)


def test_no_valid_pairs_and_bad_arguments(patn_root):
    (patn_root / 'fasion-resize-pairs-test.csv').write_text('from,to\n')
    with pytest.raises(ValueError, match='no valid pairs'):
        DeepFashionPoseDataset(str(patn_root), split='test')
    with pytest.raises(ValueError, match="split must be 'train', 'test' or 'val'"):
        DeepFashionPoseDataset(str(patn_root), split='validation')
    with pytest.raises(FileNotFoundError,
                       match='fasion-resize-pairs-val.csv; .* --val-ids'):
        DeepFashionPoseDataset(str(patn_root), split='val')
    with pytest.raises(ValueError, match="ann_format must be"):
        DeepFashionPoseDataset(str(patn_root), ann_format='lmdb')
    with pytest.raises(FileNotFoundError, match='market-pairs-train.csv'):
        Market1501PoseDataset(str(patn_root))
