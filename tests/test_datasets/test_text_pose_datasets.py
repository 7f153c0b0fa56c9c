"""Human-Art and LAION-Human readers (RePoseSD's data), their multi-person
pipeline, and the safe reading of HumanSD's pose files."""
import json
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmrepose.datasets import (AnnotationError, HumanArtDataset,
                               LaionHumanDataset)
from mmrepose.datasets.people_npz import PoseFileError, load_people_npz
from mmrepose.datasets.transforms import ImageLoadError
from mmrepose.structures.keypoint_layout import MISSING

PIPELINE = [
    dict(type='LoadPairFromFile'),
    dict(type='ResizeShortSideCrop', size=64),
    dict(type='GeneratePoseEncoding', encoding='skeleton_rgb',
         keys=('target',)),
    dict(type='PackPoseTransferInputs'),
]


def coco_person(x0, y0):
    """(17, 3) COCO-17 person standing at (x0, y0) in a 120 x 160 image,
    left ear not annotated."""
    kps = np.zeros((17, 3), np.float32)
    kps[:, 0] = x0 + np.linspace(0, 30, 17)
    kps[:, 1] = y0 + np.linspace(0, 90, 17)
    kps[:, 2] = 2
    kps[3] = 0
    return kps


def write_image(path: Path, h=120, w=160):
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.full((h, w, 3), 128, np.uint8))


@pytest.fixture
def human_art(tmp_path):
    root = tmp_path / 'data'
    images, annotations = [], []
    for i, scene in enumerate(['dance', 'cosplay', 'dance'], start=1):
        name = f'HumanArt/images/real_human/{scene}/{i:012d}.jpg'
        write_image(root / name)
        images.append(dict(id=i, file_name=name, category=scene,
                           description=f'people {scene} on a stage'))
    # image 1: two people; 2: one; 3: only a crowd annotation
    for image_id, x0 in ((1, 10), (1, 90), (2, 40)):
        annotations.append(dict(id=len(annotations) + 1, image_id=image_id,
                                keypoints=coco_person(x0, 10).reshape(-1)
                                .tolist(), iscrowd=0))
    annotations.append(dict(id=9, image_id=3, iscrowd=1,
                            keypoints=coco_person(0, 0).reshape(-1).tolist()))
    ann = root / 'HumanArt/annotations/validation_humanart.json'
    ann.parent.mkdir(parents=True)
    ann.write_text(json.dumps(dict(images=images, annotations=annotations)))
    return root


def test_human_art_items_and_the_multi_person_pipeline(human_art):
    ds = HumanArtDataset(str(human_art), pipeline=PIPELINE)
    assert len(ds) == 2 and ds.skipped['no annotated person'] == 1
    info = ds.get_data_info(0)
    assert info['prompt'] == 'people dance on a stage'
    assert info['target_keypoints'].shape == (2, 18, 2)
    # COCO's left ear (v = 0) is missing; the neck is the shoulders' middle
    assert (info['target_keypoints'][:, 17] == MISSING).all()
    np.testing.assert_allclose(
        info['target_keypoints'][0, 1],
        coco_person(10, 10)[5:7, :2].mean(0))
    out = ds[0]
    assert out['inputs']['target_pose'].shape == (3, 64, 64)
    assert 'source_img' not in out['inputs']
    sample = out['data_samples']
    assert sample.gt_img.shape == (3, 64, 64)
    assert sample.metainfo['prompt'] == 'people dance on a stage'
    assert sample.target_keypoints.shape == (2, 18, 2)
    # both people are drawn: skeleton pixels left and right of the middle
    drawn = out['inputs']['target_pose'].sum(0) > 0
    assert drawn[:, :32].any() and drawn[:, 32:].any()
    assert len(HumanArtDataset(str(human_art), scenes=['cosplay'])) == 1


def test_human_art_bad_entries(human_art):
    ann = human_art / 'HumanArt/annotations/validation_humanart.json'
    coco = json.loads(ann.read_text())
    coco['images'][1]['description'] = ' '
    coco['annotations'][0]['keypoints'] = [1, 2, 3]
    ann.write_text(json.dumps(coco))
    with pytest.raises(AnnotationError, match='annotation 1'):
        HumanArtDataset(str(human_art))
    ds = HumanArtDataset(str(human_art), skip_invalid=True)
    assert ds.skipped['image without a caption'] == 1
    assert ds.skipped['keypoints are not 17 (x, y, v) triples'] == 1
    coco['annotations'][0]['keypoints'] = coco['annotations'][1]['keypoints']
    ann.write_text(json.dumps(coco))
    os.remove(human_art / coco['images'][0]['file_name'])
    with pytest.raises(AnnotationError, match='image file not found'):
        HumanArtDataset(str(human_art))
    ann.write_text('{"images": [')
    with pytest.raises(AnnotationError, match='not a COCO keypoint json'):
        HumanArtDataset(str(human_art))
    with pytest.raises(FileNotFoundError, match='annotation file not found'):
        HumanArtDataset(str(human_art), ann_file='missing.json')


def save_people(path: Path, people):
    arr = np.empty(len(people), dtype=object)
    for i, kps in enumerate(people):
        arr[i] = {'keypoints': kps, 'score': np.float32(0.9), 'area': 100.0}
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, arr)


@pytest.fixture
def laion_human(tmp_path):
    root = tmp_path / 'laion'
    mapping = {}
    for i in range(3):
        write_image(root / f'images/00000/{i:09d}.jpg')
        people = [coco_person(20 + 60 * p, 10) for p in range(i + 1)]
        for kps in people:
            kps[:, 2] = 0.9
            kps[0, 2] = 0.01  # under HumanSD's 0.02: dropped
        save_people(root / f'pose/00000/{i:09d}.npz', people)
        mapping[str(i)] = dict(img_path=f'images/00000/{i:09d}.jpg',
                               pose_path=f'pose/00000/{i:09d}.npz',
                               prompt=f'{i + 1} people outdoors')
    (root / 'mapping_file_training.json').write_text(json.dumps(mapping))
    return root


def test_laion_human_reads_poses_when_loaded(laion_human):
    ds = LaionHumanDataset(str(laion_human),
                           pipeline=[dict(type='LoadPeoplePose')] + PIPELINE)
    assert len(ds) == 3 and 'target_keypoints' not in ds.get_data_info(0)
    out = ds[2]
    kps = out['data_samples'].target_keypoints
    assert kps.shape == (3, 18, 2)
    assert (kps[:, 0] == MISSING).all()  # the nose, scored 0.01
    assert out['data_samples'].metainfo['prompt'] == '3 people outdoors'


def test_laion_human_bad_files(laion_human):
    mapping = json.loads((laion_human / 'mapping_file_training.json')
                         .read_text())
    mapping['1'] = dict(img_path='images/00000/000000001.jpg')
    (laion_human / 'mapping_file_training.json').write_text(
        json.dumps(mapping))
    with pytest.raises(AnnotationError, match='entry 1'):
        LaionHumanDataset(str(laion_human))
    ds = LaionHumanDataset(str(laion_human), skip_invalid=True,
                           pipeline=[dict(type='LoadPeoplePose')] + PIPELINE)
    assert len(ds) == 2
    (laion_human / 'pose/00000/000000002.npz').write_bytes(b'not a zip')
    assert ds[1] is not None  # another item, the bad one counted
    assert ds.skipped['unreadable image'] >= 1
    ds.skip_invalid = False
    with pytest.raises(ImageLoadError, match='000000002.npz'):
        ds[1]


class Evil:
    def __reduce__(self):
        return (os.system, ('echo pwned > /dev/null',))


def test_pose_file_with_other_objects_is_refused(tmp_path):
    arr = np.empty(1, dtype=object)
    arr[0] = Evil()
    np.savez(tmp_path / 'evil.npz', arr)
    with pytest.raises(PoseFileError, match='not allowed in a pose file'):
        load_people_npz(str(tmp_path / 'evil.npz'))
    np.savez(tmp_path / 'plain.npz', np.zeros((2, 17, 3)))
    with pytest.raises(PoseFileError, match='object array'):
        load_people_npz(str(tmp_path / 'plain.npz'))
    save_people(tmp_path / 'none.npz', [])
    assert load_people_npz(str(tmp_path / 'none.npz')).shape == (0, 17, 3)


def test_resize_short_side_crop_moves_keypoints():
    from mmrepose.datasets.transforms import ResizeShortSideCrop
    img = np.zeros((100, 200, 3), np.uint8)
    kps = np.array([[[150.0, 50.0]] + [[MISSING, MISSING]] * 17,
                    [[10.0, 10.0]] + [[MISSING, MISSING]] * 17], np.float32)
    out = ResizeShortSideCrop(50)(dict(target_img=img, target_keypoints=kps))
    assert out['target_img'].shape == (50, 50, 3)
    # x 150 -> 75 - 25 (centre crop offset) = 50 > 49: cropped away
    assert (out['target_keypoints'][0, 0] == MISSING).all()
    # (10, 10) -> (5, 5) - (25, 0): outside too
    assert (out['target_keypoints'][1, 0] == MISSING).all()
    kps[0, 0] = [100.0, 50.0]
    out = ResizeShortSideCrop(50)(dict(target_img=img, target_keypoints=kps))
    np.testing.assert_allclose(out['target_keypoints'][0, 0], [25.0, 25.0])
