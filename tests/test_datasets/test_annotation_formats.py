import numpy as np
import pytest

from mmrepose.datasets import (AnnotationError, deepfashion_flat_name,
                               read_nted_pairs, read_nted_pose,
                               read_patn_annotations, read_patn_pairs)

from conftest import DATA

FRONT = 'fashionWOMENBlouses_Shirtsid0000000102_1front.jpg'
SIDE = 'fashionWOMENBlouses_Shirtsid0000000102_2side.jpg'


def test_patn_annotation_parses_y_x_lists_into_xy():
    anns = read_patn_annotations(
        str(DATA / 'deepfashion_patn/fasion-resize-annotation-train.csv'))
    assert len(anns) == 4
    front = anns[FRONT]
    assert front.shape == (18, 2) and front.dtype == np.float32
    # row: y list [34, 62, ...], x list [88, 88, ...]
    np.testing.assert_array_equal(front[0], [88, 34])
    np.testing.assert_array_equal(front[17], [101, 33])
    side = anns[SIDE]
    assert (side[4] == -1).all() and (side[15] == -1).all()
    assert (side[2] == [80, 64]).all()


def test_patn_pairs_and_index_column(tmp_path):
    pairs = read_patn_pairs(
        str(DATA / 'deepfashion_patn/fasion-resize-pairs-train.csv'))
    assert pairs[0] == (2, FRONT, SIDE) and len(pairs) == 3
    indexed = tmp_path / 'pairs.csv'
    indexed.write_text(',from,to\n0,a.jpg,b.jpg\n1,b.jpg,a.jpg\n')
    assert read_patn_pairs(str(indexed)) == [(2, 'a.jpg', 'b.jpg'),
                                             (3, 'b.jpg', 'a.jpg')]


def test_nted_pairs_expand_sources_and_pose_offset(tmp_path):
    pairs = read_nted_pairs(str(DATA / 'deepfashion_nted/train_pairs.txt'))
    assert pairs[0] == (1, 'img/WOMEN/Blouses_Shirts/id_00000001/02_1_front.jpg',
                        'img/WOMEN/Blouses_Shirts/id_00000001/02_2_side.jpg')
    multi = tmp_path / 'p.txt'
    multi.write_text('t.jpg,s1.jpg,s2.jpg\n')
    assert read_nted_pairs(str(multi)) == [(1, 's1.jpg', 't.jpg'),
                                           (1, 's2.jpg', 't.jpg')]
    pose = read_nted_pose(str(DATA / 'deepfashion_nted/pose/WOMEN/Blouses_Shirts/'
                              'id_00000001/02_2_side.txt'), x_offset=40)
    np.testing.assert_array_equal(pose[0], [90, 36])
    assert (pose[4] == -1).all()


def test_flat_name_matches_deepfashion_convention():
    assert deepfashion_flat_name('img/MEN/Denim/id_00000080/01_1_front.jpg') \
        == 'fashionMENDenimid0000008001_1front.jpg'
    assert deepfashion_flat_name(
        'WOMEN/Blouses_Shirts/id_00000001/02_2_side.png') == \
        'fashionWOMENBlouses_Shirtsid0000000102_2side.png'
    with pytest.raises(ValueError, match='not a DeepFashion image path'):
        deepfashion_flat_name('a.jpg')


@pytest.mark.parametrize('row, reason', [
    ('x.jpg: [1, 2, 3]', 'malformed row'),
    ('x.jpg: [1, 2]: [3, 4]', 'wrong number of keypoints'),
    ('x.jpg: [1, 2, "a"]: [3, 4, 5]', 'malformed row'),
    ('x.jpg: not json: [1]', 'malformed row'),
])
def test_bad_annotation_rows_name_file_and_line(tmp_path, row, reason):
    path = tmp_path / 'ann.csv'
    good = 'ok.jpg: ' + str([1] * 18) + ': ' + str([2] * 18)
    path.write_text(f'name:keypoints_y:keypoints_x\n{good}\n{row}\n')
    with pytest.raises(AnnotationError, match=f'ann.csv, line 3: {reason}'):
        read_patn_annotations(str(path))
    errors = []
    anns = read_patn_annotations(str(path), errors)
    assert list(anns) == ['ok.jpg'] and len(errors) == 1
    assert errors[0].line == 3 and errors[0].reason == reason


def test_bad_headers_and_missing_files(tmp_path):
    path = tmp_path / 'ann.csv'
    path.write_text('name,keypoints\n')
    with pytest.raises(AnnotationError, match='line 1: expected the header'):
        read_patn_annotations(str(path))
    pairs = tmp_path / 'pairs.csv'
    pairs.write_text('source,target\na,b\n')
    with pytest.raises(AnnotationError, match='"from" and "to"'):
        read_patn_pairs(str(pairs))
    pairs.write_text('from,to\na.jpg\n')
    with pytest.raises(AnnotationError, match='pairs.csv, line 2: malformed'):
        read_patn_pairs(str(pairs))
    with pytest.raises(FileNotFoundError, match='nope.csv'):
        read_patn_annotations(str(tmp_path / 'nope.csv'))
    pose = tmp_path / 'p.txt'
    pose.write_text('1 2\n' * 17)
    with pytest.raises(AnnotationError, match='p.txt: wrong number of keypoints'):
        read_nted_pose(str(pose))
    pose.write_text('1 2\n' * 5 + '1 x\n' + '1 2\n' * 12)
    with pytest.raises(AnnotationError, match='p.txt, line 6: malformed row'):
        read_nted_pose(str(pose))
