"""PoseTransferInferencer: every pose-input form and every bad-input case."""
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from mmrepose.apis import (CheckpointMismatchError, PoseInputError,
                           PoseTransferInferencer, load_target_pose)
from mmrepose.datasets.transforms import ImageLoadError
from mmrepose.structures import openpose18_to_coco17
from mmrepose.utils import read_config

from conftest import save_random_checkpoint

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/repose/synthfashion_64_b1.py'
EXAMPLES = ROOT / 'demo/examples'
SAMPLING = dict(num_steps=2, progress=False)


@pytest.fixture(scope='module')
def random_weights(tmp_path_factory):
    return save_random_checkpoint(
        CONFIG, tmp_path_factory.mktemp('ckpt') / 'random.pth')


@pytest.fixture(scope='module')
def inferencer(random_weights):
    return PoseTransferInferencer(CONFIG, random_weights)


def example_keypoints():
    data = json.loads((EXAMPLES / 'target_pose.json').read_text())
    return np.array(data['keypoints'], np.float32), tuple(data['image_size'])


def test_pose_forms_agree():
    kps, frame = example_keypoints()
    from_json, frame_json = load_target_pose(str(EXAMPLES / 'target_pose.json'))
    np.testing.assert_array_equal(from_json, kps)
    assert frame_json == frame == (256, 176)
    row = 'x.jpg: ' + json.dumps(kps[:, 1].astype(int).tolist()) + ': ' + \
        json.dumps(kps[:, 0].astype(int).tolist())
    np.testing.assert_array_equal(load_target_pose(row)[0], kps)
    np.testing.assert_array_equal(load_target_pose(kps.tolist())[0], kps)
    coco = load_target_pose(openpose18_to_coco17(kps))[0]
    keep = [i for i in range(18) if i != 1]  # the neck is re-derived
    np.testing.assert_array_equal(coco[keep], kps[keep])


def test_each_form_generates_at_model_size(inferencer, tmp_path):
    kps, _ = example_keypoints()
    row = 'x.jpg: ' + json.dumps(kps[:, 1].astype(int).tolist()) + ': ' + \
        json.dumps(kps[:, 0].astype(int).tolist())
    result = inferencer(str(EXAMPLES / 'source.jpg'),
                        [str(EXAMPLES / 'target_pose.json'), row, kps.tolist()],
                        out_dir=str(tmp_path), **SAMPLING)
    preds = result['predictions']
    assert len(preds) == 3 and preds[0].shape == (64, 44, 3)
    assert preds[0].dtype == np.uint8
    # the same pose in three forms renders the same pose input
    poses = result['pose_images']
    np.testing.assert_array_equal(poses[0], poses[1])
    np.testing.assert_array_equal(poses[0], poses[2])
    again = inferencer(str(EXAMPLES / 'source.jpg'),
                       [str(EXAMPLES / 'target_pose.json'), row, kps.tolist()],
                       **SAMPLING)
    np.testing.assert_array_equal(again['predictions'][2], preds[2])  # seeded
    assert (tmp_path / 'result_2.png').is_file() and (tmp_path / 'grid.png').is_file()
    src = np.zeros((100, 80, 3), np.uint8)  # an array source works too
    assert inferencer(src, str(EXAMPLES / 'target_pose.json'),
                      **SAMPLING)['predictions'][0].shape == (64, 44, 3)


@pytest.mark.parametrize('pose, message', [
    ([[1, 2]] * 16, r'expected 18 \(OpenPose\) or 17 \(COCO\)'),
    ([[10, 10]] * 17 + [[500, 20]], r'keypoint 17 \(left_ear\) at \(500, 20\) '
     r'lies outside the 256x176 frame'),
    ([[-1, -1]] * 18, 'has no keypoints'),
    ('x.jpg: [1, 2]: [3, 4]', 'wrong number of keypoints'),
    ('pose.txt', 'cannot read a pose'),
    ('missing.json', 'keypoint JSON not found: missing.json'),
])
def test_bad_poses(inferencer, pose, message):
    with pytest.raises(PoseInputError, match=message):
        inferencer(str(EXAMPLES / 'source.jpg'), [pose], **SAMPLING)


def test_bad_json_and_images(inferencer, tmp_path):
    bad = tmp_path / 'pose.json'
    bad.write_text('{"keypoints": [[1, 2]]}')
    with pytest.raises(PoseInputError, match='image_size'):
        inferencer(str(EXAMPLES / 'source.jpg'), str(bad), **SAMPLING)
    good = json.loads((EXAMPLES / 'target_pose.json').read_text())
    for field, value, message in [
            ('image_size', 'big', r'image_size must be \[H, W\], two '
             "positive integers, got 'big'"),
            ('image_size', [256, 0], 'image_size must be'),
            ('keypoints', [[float('nan'), 1]] + good['keypoints'][1:],
             'keypoint 0 is not a finite number pair'),
            ('keypoints', [[-1, -1]] * 18, 'pose.json: the pose has no '
             'keypoints'),
            ('keypoints', [[900, 5]] + good['keypoints'][1:],
             r'pose.json: keypoint 0 \(nose\) at \(900, 5\) lies outside')]:
        bad.write_text(json.dumps({**good, field: value}))
        with pytest.raises(PoseInputError, match=message):
            inferencer(str(EXAMPLES / 'source.jpg'), str(bad), **SAMPLING)
    broken = tmp_path / 'broken.jpg'
    broken.write_bytes(b'not an image')
    with pytest.raises(ImageLoadError, match='cannot decode image .*broken.jpg'):
        inferencer(str(broken), str(EXAMPLES / 'target_pose.json'))
    with pytest.raises(ValueError, match='uint8 RGB array'):
        inferencer(np.zeros((10, 10)), str(EXAMPLES / 'target_pose.json'))
    black = tmp_path / 'black.png'
    cv2.imwrite(str(black), np.zeros((256, 176, 3), np.uint8))
    with pytest.raises(PoseInputError, match='black.png: a mostly black '
                       'image without the joints'):
        inferencer(str(EXAMPLES / 'source.jpg'), str(black), **SAMPLING)
    # a malformed source pose is an error even for a model without RPA
    with pytest.raises(PoseInputError, match=r'expected 18 \(OpenPose\)'):
        inferencer(str(EXAMPLES / 'source.jpg'),
                   str(EXAMPLES / 'target_pose.json'),
                   source_pose=[[5, 5]] * 10, **SAMPLING)
    with pytest.warns(UserWarning, match='source_pose is not used'):
        inferencer(str(EXAMPLES / 'source.jpg'),
                   str(EXAMPLES / 'target_pose.json'),
                   source_pose=str(EXAMPLES / 'source_pose.json'), **SAMPLING)


def test_config_checkpoint_mismatch_and_missing_files(tmp_path, random_weights):
    other = tmp_path / 'other.pth'
    state = torch.load(random_weights, weights_only=True)['state_dict']
    state.pop('null_token')
    torch.save({'state_dict': state}, other)
    with pytest.raises(CheckpointMismatchError,
                       match=r'other.pth does not match config .*'
                       r'synthfashion_64_b1.py: .*null_token'):
        PoseTransferInferencer(CONFIG, other)
    with pytest.raises(FileNotFoundError, match='checkpoint not found: .*nope'):
        PoseTransferInferencer(CONFIG, tmp_path / 'nope.pth')
    with pytest.raises(FileNotFoundError, match='config file not found: .*nope.py'):
        PoseTransferInferencer(tmp_path / 'nope.py', random_weights)
    # a loaded Config is used as it is, edits included; a mismatch names it
    cfg = read_config(CONFIG)
    cfg.model.test_cfg.num_steps = 3
    inferencer = PoseTransferInferencer(cfg, random_weights)
    assert inferencer.cfg is cfg and inferencer.model.test_cfg['num_steps'] == 3
    cfg.model.unet.unet_cfg.layers_per_block = 2
    with pytest.raises(CheckpointMismatchError,
                       match=r'random.pth does not match config .*'
                       r'synthfashion_64_b1.py: '):
        PoseTransferInferencer(cfg, random_weights)
    # same tensors, other parameterization: an eps-trained model under the
    # config's v-prediction would sample noise
    state['null_token'] = torch.zeros(1, 1, 64)
    state['diffusion.prediction_type_id'] = torch.tensor(0, dtype=torch.uint8)
    torch.save({'state_dict': state}, other)
    with pytest.raises(CheckpointMismatchError,
                       match="other.pth does not match config .*: the "
                       "checkpoint predicts 'epsilon' but the config sets "
                       "diffusion.prediction_type='v_prediction'"):
        PoseTransferInferencer(CONFIG, other)


@pytest.fixture(scope='module')
def rpa_inferencer(tmp_path_factory):
    """A random B2 (SynthFashion 64) model: it needs the source's pose."""
    config = ROOT / 'configs/repose/synthfashion_64_b2.py'
    path = save_random_checkpoint(config,
                                  tmp_path_factory.mktemp('b2') / 'b2.pth')
    return PoseTransferInferencer(config, path)


def test_source_pose_given_or_estimated_and_driving_photo(rpa_inferencer):
    source = str(EXAMPLES / 'source.jpg')
    target = str(EXAMPLES / 'target_pose.json')
    given = rpa_inferencer(source, target,
                           source_pose=str(EXAMPLES / 'source_pose.json'),
                           **SAMPLING)
    estimated = rpa_inferencer(source, target, **SAMPLING)
    assert given['predictions'][0].shape == (64, 44, 3)
    assert estimated['predictions'][0].shape == (64, 44, 3)
    # the SynthFashion estimator reads the example source close to its
    # annotation (64x44 frame: a few pixels)
    truth = rpa_inferencer.keypoints(str(EXAMPLES / 'source_pose.json'),
                                     (256, 176))
    found = rpa_inferencer.estimate_keypoints(
        rpa_inferencer._source(source))
    both = (truth[:, 0] >= 0) & (found[:, 0] >= 0)
    assert both.sum() >= 12
    assert np.median(np.abs(found[both] - truth[both])) < 3
    # a driving photo: the ground-truth target image gives its own pose
    driven = rpa_inferencer(source, [str(EXAMPLES / 'target_gt.jpg')],
                            source_pose=str(EXAMPLES / 'source_pose.json'),
                            **SAMPLING)
    target_truth = rpa_inferencer.keypoints(target, (256, 176))
    kps = driven['target_keypoints'][0]
    both = (target_truth[:, 0] >= 0) & (kps[:, 0] >= 0)
    assert np.median(np.abs(kps[both] - target_truth[both])) < 3


def test_photo_without_an_estimator_is_a_clear_error(random_weights):
    inferencer = PoseTransferInferencer(CONFIG, random_weights)
    inferencer._estimator_cfg = None   # as for a config without one
    with pytest.raises(PoseInputError, match='needs a pose estimator'):
        inferencer(str(EXAMPLES / 'source.jpg'),
                   [str(EXAMPLES / 'target_gt.jpg')], **SAMPLING)


def _openpose_style_image(kps: np.ndarray, frame) -> np.ndarray:
    """An OpenPose/ControlNet-style rendering: 60% limbs, then joints."""
    import cv2
    from mmrepose.structures.keypoint_layout import (OPENPOSE18_COLORS,
                                                     OPENPOSE18_LIMBS)
    canvas = np.zeros((*frame, 3), np.uint8)
    for i, (a, b) in enumerate(OPENPOSE18_LIMBS):
        if (kps[[a, b]] >= 0).all():
            limb = canvas.copy()
            cv2.line(limb, tuple(map(int, kps[a])), tuple(map(int, kps[b])),
                     OPENPOSE18_COLORS[i], 6)
            canvas = cv2.addWeighted(canvas, 0.4, limb, 0.6, 0)
    for k, colour in enumerate(OPENPOSE18_COLORS):
        if (kps[k] >= 0).all():
            cv2.circle(canvas, tuple(map(int, kps[k])), 4, colour, -1)
    return canvas


def test_pose_image_is_read_back(inferencer, tmp_path):
    import cv2
    from mmrepose.apis.pose_image import (keypoints_from_pose_image,
                                          looks_like_pose_image)
    kps, frame = example_keypoints()
    kps[16] = -1                       # a missing joint stays missing
    image = _openpose_style_image(kps, frame)
    found = keypoints_from_pose_image(image)
    assert (found[16] == -1).all()
    keep = [k for k in range(18) if k != 16]
    # the face's circles overlap (the eyes cover part of the nose): the
    # nose's centroid moves 1.3 px; the other joints are within 0.5 px
    np.testing.assert_allclose(found[keep], kps[keep], atol=1.5)
    assert np.median(np.abs(found[keep] - kps[keep])) < 0.5
    assert looks_like_pose_image(image)
    photo = cv2.cvtColor(cv2.imread(str(EXAMPLES / 'target_gt.jpg')),
                         cv2.COLOR_BGR2RGB)
    assert not looks_like_pose_image(photo)
    path = tmp_path / 'pose.png'
    cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    result = inferencer(str(EXAMPLES / 'source.jpg'), [str(path)], **SAMPLING)
    scaled = result['target_keypoints'][0]
    expected = inferencer.keypoints(kps.tolist(), frame)
    np.testing.assert_allclose(scaled[keep], expected[keep], atol=0.5)  # x1/4


def test_inference_input_equals_the_test_pipelines(inferencer, tmp_path):
    """A test pair through the dataset (the config's test pipeline, from
    files at twice the model's size) and through the inferencer (source
    image and the target's keypoints) gives the model the same input."""
    from mmrepose.datasets.synthesis import generate_synthfashion
    from mmrepose.registry import DATASETS
    generate_synthfashion(str(tmp_path), size=(128, 88), train_ids=1,
                          test_ids=1, val_ids=0, poses_per_id=2, seed=0,
                          progress=False)
    cfg = read_config(CONFIG)
    dataset_cfg = cfg.test_dataloader.dataset
    dataset_cfg.data_root = str(tmp_path)
    dataset = DATASETS.build(dataset_cfg)
    info, item = dataset.get_data_info(0), dataset[0]
    source = inferencer._source(info['source_img_path'])
    packed = inferencer.model_input(
        source, item['data_samples'].source_keypoints.numpy(),
        item['data_samples'].target_keypoints.numpy())
    for key in ('source_img', 'source_pose', 'target_pose'):
        torch.testing.assert_close(packed['inputs'][key],
                                   item['inputs'][key], rtol=0, atol=0)
    assert 'gt_img' not in packed['data_samples']


def test_pipeline_without_resize_or_encoding_is_refused():
    from mmrepose.apis.pose_transfer_inferencer import build_test_pipeline
    cfg = read_config(CONFIG)
    cfg.test_dataloader.dataset.pipeline = [
        step for step in cfg.test_dataloader.dataset.pipeline
        if step['type'] != 'ResizePair']
    with pytest.raises(ValueError, match='needs ResizePair and '
                       'GeneratePoseEncoding'):
        build_test_pipeline(cfg)
