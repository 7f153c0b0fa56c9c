"""The judge pose estimator (top-down SimpleBaseline, whole-image box):
its config through MMPoseEstimator, the SetFullImageBBox transform, and
that its training pipeline shows the network what the adapter feeds it."""
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmrepose.models.pose_estimators import MMPoseEstimator, SetFullImageBBox
from script_loading import load_script

ROOT = Path(__file__).resolve().parents[2]
CONFIG = (ROOT / 'configs/pose_estimators/'
          'simplebaseline_res18_synthfashion_128.py')


@pytest.fixture(scope='module')
def judge():
    """The config's model with random weights, for 64x44 images."""
    torch.manual_seed(0)
    return MMPoseEstimator(str(CONFIG), None, scale=2.0)


def _pipeline(*, flip: bool):
    """The config's training pipeline without LoadImage, the random box
    transform and the packing (RandomFlip always or never flips)."""
    from mmcv.transforms import Compose
    from mmpose.utils import register_all_modules
    register_all_modules(init_default_scope=False)
    steps = []
    for step in Config.fromfile(str(CONFIG)).train_pipeline:
        step = dict(step)
        if step['type'] in ('LoadImage', 'RandomBBoxTransform',
                            'PackPoseInputs'):
            continue
        if step['type'] == 'RandomFlip':
            if not flip:
                continue
            step['prob'] = 1.0
        steps.append(step)
    with DefaultScope.overwrite_default_scope('mmpose'):
        return Compose(steps)


def _sample(h=256, w=176, seed=0):
    rng = np.random.default_rng(seed)
    img = rng.integers(1, 256, (h, w, 3), dtype=np.uint8)
    kps = rng.uniform([10, 10], [w - 10, h - 10], (1, 17, 2)).astype(
        np.float32)
    return dict(img=img, img_shape=(h, w), ori_shape=(h, w),
                keypoints=kps, keypoints_visible=np.ones((1, 17), np.float32),
                bbox=np.array([[30, 20, 120, 240]], np.float32),
                bbox_score=np.ones(1, np.float32),
                flip_indices=[0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14,
                              13, 16, 15])


def test_set_full_image_bbox():
    results = dict(img=np.zeros((128, 88, 3), np.uint8),
                   bbox=np.array([[5, 6, 40, 100]], np.float32),
                   bbox_center=np.array([[22.5, 53]], np.float32),
                   bbox_scale=np.array([[35, 94]], np.float32))
    out = SetFullImageBBox(size_divisor=32)(dict(results))
    np.testing.assert_array_equal(out['bbox'], [[0, 0, 96, 128]])
    assert 'bbox_center' not in out and 'bbox_scale' not in out
    np.testing.assert_array_equal(SetFullImageBBox()(dict(results))['bbox'],
                                  [[0, 0, 88, 128]])
    with pytest.raises(ValueError):
        SetFullImageBBox(size_divisor=0)


def test_judge_shapes_strides_and_keypoints_in_the_image(judge):
    assert judge.model.__class__.__name__ == 'TopdownPoseEstimator'
    assert judge.keypoint_layout == 'coco17' and judge.num_keypoints == 17
    assert judge.heatmap_sigma == 1.5  # the MSRA codec's
    # network: heatmaps at stride 4, ResNet features at stride 32;
    # scale 2 halves both in image pixels
    assert judge.heatmap_stride == 2 and judge.feature_stride == 16
    assert judge.feature_channels == 256
    images = torch.rand(3, 3, 64, 44) * 2 - 1
    heatmaps, feats = judge.heatmaps_and_features(images)
    assert heatmaps.shape == (3, 17, 32, 22)  # 128x88 / 4, padding cropped
    assert feats.shape == (3, 256, 4, 3)
    kps, scores = judge.keypoints(images, return_scores=True)
    assert kps.shape == (3, 17, 2) and scores.shape == (3, 17)
    assert (kps >= -0.5).all()
    assert (kps[..., 0] < 44).all() and (kps[..., 1] < 64).all()


def test_training_input_is_what_the_adapter_feeds(judge):
    """A 256x176 sample through the training pipeline (no random box) gives
    the network the image at 128x88 at the top-left of a black 128x96
    input, keypoints unmoved by the affine, for flipped samples too: what
    MMPoseEstimator builds from the same 128x88 image at scale 1."""
    import cv2
    for flip in (False, True):
        sample = _sample()
        out = _pipeline(flip=flip)(dict(sample, img=sample['img'].copy()))
        net = out['img'].astype(int)  # BGR, as mmpose loads it
        small = cv2.resize(sample['img'], (88, 128),
                           interpolation=cv2.INTER_AREA)
        if flip:
            small = small[:, ::-1]
        assert net.shape == (128, 96, 3)
        assert np.abs(net[:, :88] - small).max() == 0
        assert net[:, 88:].max() == 0  # black padding on the right
        # the adapter's input for the same image (RGB in [-1, 1]), before
        # normalisation, is the same array
        rgb = torch.from_numpy(small[..., ::-1].copy()).permute(2, 0, 1)
        judge.scale = 1.0
        try:
            x, h_in, w_in = judge._prepare(rgb[None].float() / 127.5 - 1)
        finally:
            judge.scale = 2.0
        x = x * judge.std + judge.mean  # undo the preprocessor's norm
        assert (h_in, w_in) == (128, 88) and x.shape[-2:] == (128, 96)
        adapter = x[0].permute(1, 2, 0).numpy()[..., ::-1]  # RGB -> BGR
        np.testing.assert_allclose(adapter, net, atol=1e-3)
        # keypoints: the affine is the identity on the 128x88 frame
        kps = (sample['keypoints'] + 0.5) * 0.5 - 0.5
        if flip:
            kps = kps[:, [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14,
                          13, 16, 15]]
            kps[..., 0] = 88 - 1 - kps[..., 0]
        np.testing.assert_allclose(out['transformed_keypoints'], kps,
                                   atol=1e-3)
        assert out['heatmaps'].shape == (17, 32, 24)


def test_codec_targets_decode_to_the_64x44_keypoints(judge, monkeypatch):
    """Heatmaps the config's codec draws for keypoints of a 64x44 image
    (seen at 128x88 by the network) come back, through the adapter's argmax
    at scale 2, within one network stride / 2 in 64x44 pixels."""
    from mmpose.codecs import MSRAHeatmap
    codec = dict(Config.fromfile(str(CONFIG)).codec)
    codec.pop('type')
    codec = MSRAHeatmap(**codec)
    rng = np.random.default_rng(1)
    image_kps = rng.uniform([1, 1], [44 - 2, 64 - 2], (17, 2))
    net_kps = (image_kps + 0.5) * 2 - 0.5
    target = torch.from_numpy(codec.encode(net_kps[None])['heatmaps'])
    assert target.shape == (17, 32, 24)
    monkeypatch.setattr(judge.model.head, 'forward',
                        lambda feats: target[None].expand(
                            feats[-1].shape[0], -1, -1, -1).clone())
    kps = judge.keypoints(torch.zeros(2, 3, 64, 44))
    assert np.abs(kps.numpy() - image_kps).max() <= 1 + 1e-4


def test_release_checkpoint_loads(judge, tmp_path):
    path = tmp_path / 'judge.pth'
    torch.save({'state_dict': {k: v.clone() for k, v in
                               judge.model.state_dict().items()},
                'meta': dict(iter=1, keypoint_layout='coco17')}, path)
    loaded = MMPoseEstimator(str(CONFIG), str(path), scale=2.0)
    for key, value in judge.model.state_dict().items():
        assert torch.equal(loaded.model.state_dict()[key], value)
    images = torch.rand(1, 3, 64, 44) * 2 - 1
    assert torch.equal(loaded.keypoints(images), judge.keypoints(images))


def test_eval_tool_val_split_and_resize(judge, tmp_path, monkeypatch):
    """eval_pose_estimator.py --split val --resize HxW: the images are
    downscaled, fed at the config's scale (128 / 64 = 2) and the keypoints
    scored in the split's own pixels (a prediction equal to the ground
    truth in the downscaled frame scores PCK 1, error 0)."""
    from mmrepose.datasets.synthesis import generate_synthfashion
    data = tmp_path / 'synthfashion'
    generate_synthfashion(str(data), size=(128, 88), train_ids=1, test_ids=1,
                          val_ids=1, poses_per_id=3, seed=3, progress=False)
    ckpt = tmp_path / 'judge.pth'
    torch.save({'state_dict': judge.model.state_dict()}, ckpt)
    tool = load_script('tools/analysis/eval_pose_estimator.py')
    args = [str(CONFIG), str(ckpt), '--data-root', str(data), '--split',
            'val', '--resize', '64x44']
    result = tool.main(args)
    assert result['images'] == 3 and result['scale'] == 2.0
    assert result['input_size'] == [64, 44]
    assert 0 <= result['pck@0.1'] <= 1

    _, targets, size = tool.load_split(str(data), 'val')
    assert size == (128, 88)
    order = iter(range(len(targets)))

    def perfect(self, images, return_scores=False):
        assert images.shape[-2:] == (64, 44)
        idx = [next(order) for _ in range(len(images))]
        return torch.from_numpy((targets[idx] + 0.5) * 0.5 - 0.5).float()

    monkeypatch.setattr(MMPoseEstimator, 'keypoints', perfect)
    result = tool.main(args)
    assert result['pck@0.1'] == 1.0 and result['mean_error_px'] < 1e-4
