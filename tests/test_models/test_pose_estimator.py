"""MMPoseEstimator (the mmpose adapter), its safe checkpoint loading, and
the pose-estimator training and evaluation tools end to end."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from malicious_pickle import EXECUTED, Malicious
from mmengine.logging import MessageHub
from mmengine.runner.checkpoint import save_checkpoint
from test_utils.test_mmpose_stack import tiny_bottomup_ae_config

from mmrepose.datasets.synthesis import generate_synthfashion
from mmrepose.models.pose_estimators import (MMPoseEstimator,
                                             PoseEstimatorCheckpointError,
                                             ResizeImageAndKeypoints)
from mmrepose.structures import coco17_to_openpose18, openpose18_to_coco17
from script_loading import load_script

ROOT = Path(__file__).resolve().parents[2]
CONFIG_128 = ROOT / 'configs/pose_estimators/ae_hrnet_w16_synthfashion_128.py'
CONFIG_256 = ROOT / 'configs/pose_estimators/ae_hrnet_w16_synthfashion_256.py'


@pytest.fixture(scope='module')
def estimator():
    torch.manual_seed(0)
    return MMPoseEstimator(tiny_bottomup_ae_config(), checkpoint=None)


def one_line(excinfo) -> str:
    message = str(excinfo.value)
    assert '\n' not in message, message
    return message


# ---------------------------------------------------------------- forward
def test_heatmaps_and_features_are_differentiable_wrt_the_image(estimator):
    images = (torch.rand(2, 3, 80, 56) * 2 - 1).requires_grad_(True)
    heatmaps = estimator.heatmaps(images)
    heatmaps.square().sum().backward()
    assert images.grad is not None and images.grad.abs().sum() > 0
    assert all(p.grad is None and not p.requires_grad
               for p in estimator.parameters())
    images.grad = None
    estimator.features(images).square().sum().backward()
    assert images.grad.abs().sum() > 0
    assert all(p.grad is None for p in estimator.parameters())
    estimator.train()
    assert not estimator.model.training  # frozen in eval mode


def test_resolutions_are_as_documented(estimator):
    # tiny HRNet: the head reads the stride-4 branch of 8 channels
    assert estimator.heatmap_stride == 4 and estimator.feature_stride == 4
    assert estimator.feature_channels == 8 and estimator.num_keypoints == 17
    images = torch.rand(2, 3, 80, 56) * 2 - 1  # not multiples of 32
    heatmaps, feats = estimator.heatmaps_and_features(images)
    assert heatmaps.shape == (2, 17, 20, 14)  # ceil(H / 4), padding cropped
    assert feats.shape == (2, 8, 20, 14)
    assert torch.allclose(heatmaps, estimator.heatmaps(images))
    assert torch.allclose(feats, estimator.features(images))
    # scale=2 (64x44 images on a model for 128x88): strides in image pixels
    up = MMPoseEstimator(tiny_bottomup_ae_config(), None, scale=2)
    assert up.heatmap_stride == 2 and up.feature_stride == 2
    assert up.heatmaps(images[:, :, :40, :28]).shape == (2, 17, 20, 14)
    assert up.features(images[:, :, :33, :22]).shape == (2, 8, 17, 11)


def test_the_synthfashion_configs_build_with_the_documented_shapes():
    small = MMPoseEstimator(str(CONFIG_128), None)
    assert small.keypoint_layout == 'coco17' and small.heatmap_sigma == 2.0
    assert small.heatmap_stride == 4 and small.feature_channels == 16
    images = torch.zeros(1, 3, 128, 88)
    assert small.heatmaps(images).shape == (1, 17, 32, 22)
    assert small.features(images).shape == (1, 16, 32, 22)
    half = MMPoseEstimator(str(CONFIG_128), None, scale=0.5)  # 256x176
    assert half.heatmap_stride == 8
    assert half.heatmaps(torch.zeros(1, 3, 256, 176)).shape == (1, 17, 32, 22)


def _fake_head(estimator, monkeypatch, heatmaps_for):
    """Make the network's heatmaps ``heatmaps_for(h, w)`` (net resolution)."""
    head = estimator.model.head

    def forward(feats):
        h, w = feats[-1].shape[-2:]
        hm = heatmaps_for(h, w).to(feats[-1])[None].expand(
            feats[-1].shape[0], -1, -1, -1)
        return hm, torch.zeros_like(hm)

    monkeypatch.setattr(head, 'forward', forward)


def test_keypoints_of_known_peaks_map_to_image_pixels(estimator, monkeypatch):
    cells = [(i % 20, (3 * i) % 14) for i in range(17)]  # (row, col)

    def peaks(h, w):
        hm = torch.zeros(17, h, w)
        for k, (r, c) in enumerate(cells):
            hm[k, r, c] = 1.0 + k
        return hm

    _fake_head(estimator, monkeypatch, peaks)
    kps, scores = estimator.keypoints(torch.zeros(1, 3, 80, 56),
                                      return_scores=True)
    expected = torch.tensor([[c * 4.0, r * 4.0] for r, c in cells])
    assert torch.equal(kps[0], expected)  # heatmap pixel (r, c) -> (4c, 4r)
    assert torch.equal(scores[0], torch.arange(17) + 1.0)


@pytest.mark.parametrize('scale', [1.0, 0.5])
def test_codec_encoded_keypoints_are_recovered(monkeypatch, scale):
    """Heatmaps drawn by mmpose's AE codec for known image keypoints decode
    to those keypoints (within half a heatmap pixel), also with scale."""
    from mmpose.codecs import AssociativeEmbedding
    est = MMPoseEstimator(tiny_bottomup_ae_config(), None, scale=scale)
    H, W = int(128 / scale), int(88 / scale)  # images; net input 128x96
    rng = np.random.default_rng(0)
    # not within half a heatmap cell of the right/bottom border, whose
    # nearest cell is past the image and cropped (see the module doc)
    margin = 2 / scale + 1
    image_kps = rng.uniform([2, 2], [W - margin, H - margin], (17, 2))
    net_kps = (image_kps + 0.5) * scale - 0.5  # into the network's input
    codec = AssociativeEmbedding(input_size=(96, 128), heatmap_size=(24, 32),
                                 sigma=2)
    target = torch.from_numpy(codec.encode(net_kps[None])['heatmaps'])
    _fake_head(est, monkeypatch, lambda h, w: target[:, :h, :w])
    kps = est.keypoints(torch.zeros(1, 3, H, W))[0].numpy()
    assert np.abs(kps - image_kps).max() <= 2 / scale + 1e-4


def test_layout_conversion(estimator):
    assert estimator.keypoint_layout == 'coco17'
    coco = np.arange(34, dtype=np.float32).reshape(17, 2) + 1
    op = estimator.to_openpose18(coco)
    assert op.shape == (18, 2)
    np.testing.assert_allclose(op, coco17_to_openpose18(coco))
    np.testing.assert_allclose(op[1], (coco[5] + coco[6]) / 2)  # neck
    np.testing.assert_allclose(op[2], coco[6])  # right shoulder
    np.testing.assert_allclose(estimator.from_openpose18(op), coco)
    batch = torch.from_numpy(np.stack([coco, coco]))
    op_t = estimator.to_openpose18(batch)
    assert isinstance(op_t, torch.Tensor) and op_t.shape == (2, 18, 2)
    assert torch.equal(estimator.from_openpose18(op_t), batch)
    target = np.full((18, 2), 5.0, np.float32)
    target[1] = -1  # the neck has no COCO counterpart
    np.testing.assert_allclose(estimator.from_openpose18(target),
                               openpose18_to_coco17(target))
    kps = estimator.keypoints_openpose18(torch.zeros(2, 3, 64, 64))
    assert kps.shape == (2, 18, 2)
    # layouts: inferred from the count, checked when given
    with pytest.raises(ValueError, match='does not fit'):
        MMPoseEstimator(tiny_bottomup_ae_config(), None,
                        keypoint_layout='openpose18')
    with pytest.raises(ValueError, match='cannot infer'):
        MMPoseEstimator(tiny_bottomup_ae_config(5), None)
    five = MMPoseEstimator(tiny_bottomup_ae_config(5), None,
                           keypoint_layout='hands5')
    with pytest.raises(ValueError, match='hands5'):
        five.to_openpose18(np.zeros((5, 2)))


def test_heatmap_sigma_comes_from_the_codec(tmp_path):
    model = tiny_bottomup_ae_config()
    assert MMPoseEstimator(model, None).heatmap_sigma == 2.0  # head.decoder
    path = tmp_path / 'cfg.py'
    path.write_text(f'codec = dict(type="AssociativeEmbedding", '
                    f'input_size=(64, 64), heatmap_size=(16, 16), sigma=3)\n'
                    f'model = {model!r}\n')
    assert MMPoseEstimator(str(path), None).heatmap_sigma == 3.0
    assert MMPoseEstimator(str(path), None,
                           heatmap_sigma=1.5).heatmap_sigma == 1.5
    model['head']['decoder'].pop('sigma')  # mmpose's default formula
    assert MMPoseEstimator(model, None).heatmap_sigma == pytest.approx(0.25)
    model['head'].pop('decoder')
    assert MMPoseEstimator(model, None).heatmap_sigma == 2.0


def test_resize_transform_maps_keypoints():
    img = np.zeros((256, 176, 3), np.uint8)
    results = dict(img=img, img_shape=(256, 176),
                   keypoints=np.array([[[10.0, 20.0], [175.5, 255.5]]]),
                   bbox=np.array([[0.0, 0.0, 176.0, 256.0]]), area=[100.0])
    out = ResizeImageAndKeypoints(size=(88, 128))(results)
    assert out['img'].shape == (128, 88, 3) and out['img_shape'] == (128, 88)
    np.testing.assert_allclose(out['keypoints'][0],
                               [[4.75, 9.75], [87.5, 127.5]])
    np.testing.assert_allclose(out['bbox'], [[0, 0, 88, 128]])
    np.testing.assert_allclose(out['area'], [25.0])


# ------------------------------------------------------------- checkpoints
def _mmengine_checkpoint(model) -> dict:
    """What mmengine's runner saves for an mmpose model (runner.py
    save_checkpoint): meta with the dataset's metainfo (numpy uint8 colours,
    float32 sigmas), message hub with HistoryBuffers, optimizer state."""
    hub = MessageHub('test_pose_estimator')  # not made the current hub
    hub.update_scalar('train/loss', np.float64(0.5))
    hub.update_info('eta', np.float64(12.0))
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    return dict(
        meta=dict(epoch=0, iter=10, seed=0, experiment_name='x',
                  cfg='model = dict()', mmengine_version='0.10.7',
                  dataset_meta=dict(
                      dataset_name='coco', num_keypoints=17,
                      flip_indices=list(range(17)),
                      keypoint_colors=np.zeros((17, 3), np.uint8),
                      sigmas=np.ones(17, np.float32),
                      dataset_keypoint_weights=np.ones(17, np.float32))),
        state_dict={k: v.clone() for k, v in model.state_dict().items()},
        message_hub=hub.state_dict(), optimizer=optim.state_dict(),
        param_schedulers=[dict(last_epoch=10, base_lrs=[1e-3])])


def test_mmengine_checkpoint_loads_through_the_allow_list(estimator,
                                                          tmp_path,
                                                          monkeypatch):
    path = tmp_path / 'iter_10.pth'
    save_checkpoint(_mmengine_checkpoint(estimator.model), str(path))
    # without an allow-list torch refuses the file (numpy, HistoryBuffer)
    saved = torch.serialization.get_safe_globals()
    torch.serialization.clear_safe_globals()
    try:
        with pytest.raises(Exception, match='Weights only load failed'):
            torch.load(path, weights_only=True)
        calls = []
        real_load = torch.load

        def spy(*args, **kwargs):
            calls.append(kwargs.get('weights_only'))
            return real_load(*args, **kwargs)

        monkeypatch.setattr(torch, 'load', spy)
        torch.manual_seed(1)
        loaded = MMPoseEstimator(tiny_bottomup_ae_config(), str(path))
    finally:
        torch.serialization.clear_safe_globals()
        torch.serialization.add_safe_globals(saved)
    assert calls and all(c is True for c in calls)  # never weights_only=False
    for key, value in estimator.model.state_dict().items():
        assert torch.equal(loaded.model.state_dict()[key], value)


def test_checkpoint_outside_the_allow_list_is_refused(estimator, tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': estimator.model.state_dict(),
                'meta': {'x': Malicious()}}, path)
    with pytest.raises(PoseEstimatorCheckpointError) as err:
        MMPoseEstimator(tiny_bottomup_ae_config(), str(path))
    assert 'malicious_pickle.payload' in one_line(err) and 'not loaded' in str(err.value)
    assert EXECUTED == []  # nothing from the file ran
    broken = tmp_path / 'broken.pth'
    broken.write_bytes(b'not a checkpoint')
    with pytest.raises(PoseEstimatorCheckpointError) as err:
        MMPoseEstimator(tiny_bottomup_ae_config(), str(broken))
    assert 'cannot read checkpoint' in one_line(err)


def test_checkpoint_not_matching_the_config(estimator, tmp_path):
    state = estimator.model.state_dict()
    path = tmp_path / 'ckpt.pth'
    torch.save({'state_dict': {k: v for k, v in state.items()
                               if not k.startswith('head.')}}, path)
    with pytest.raises(PoseEstimatorCheckpointError) as err:
        MMPoseEstimator(tiny_bottomup_ae_config(), str(path))
    assert 'does not match' in one_line(err) and 'missing keys' in str(
        err.value)
    torch.save({**state, 'extra.weight': torch.zeros(1)}, path)
    with pytest.raises(PoseEstimatorCheckpointError) as err:
        MMPoseEstimator(tiny_bottomup_ae_config(), str(path))
    assert '1 unexpected keys (e.g. extra.weight)' in one_line(err)
    wrapped = _save(state, tmp_path / 'wrapped.pth')
    MMPoseEstimator(tiny_bottomup_ae_config(), wrapped)  # module. prefix
    with pytest.raises(PoseEstimatorCheckpointError) as err:  # 5 keypoints
        MMPoseEstimator(tiny_bottomup_ae_config(5), wrapped)
    assert 'shape mismatches' in one_line(err)
    torch.save([1, 2], path)
    with pytest.raises(PoseEstimatorCheckpointError) as err:
        MMPoseEstimator(tiny_bottomup_ae_config(), str(path))
    assert 'not a model checkpoint' in one_line(err)


def _save(state, path) -> str:
    torch.save({'state_dict': {f'module.{k}': v for k, v in state.items()}},
               path)
    return str(path)


def test_missing_files_and_mmpose_give_clear_errors(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError) as err:
        MMPoseEstimator(str(tmp_path / 'none.py'), None)
    assert 'mmpose config not found' in one_line(err)
    with pytest.raises(FileNotFoundError) as err:
        MMPoseEstimator(tiny_bottomup_ae_config(), str(tmp_path / 'w.pth'))
    assert 'w.pth' in one_line(err) and 'Put the' in str(err.value)
    monkeypatch.setitem(sys.modules, 'mmpose.registry', None)
    with pytest.raises(ImportError) as err:
        MMPoseEstimator(tiny_bottomup_ae_config(), None)
    assert 'make install' in one_line(err)


# ------------------------------------------------------------ tools, e2e
@pytest.mark.slow  # subprocess training
def test_train_and_evaluate_tools_end_to_end(tmp_path):
    data = tmp_path / 'synthfashion'
    generate_synthfashion(str(data), size=(64, 44), train_ids=2, test_ids=1,
                          poses_per_id=3, seed=1, progress=False)
    work, out = tmp_path / 'work', tmp_path / 'pose.pth'
    opts = {'train_dataloader.dataset.data_root': data,
            'train_dataloader.batch_size': 2, 'train_cfg.max_iters': 2,
            'default_hooks.checkpoint.interval': 2,
            'default_hooks.logger.interval': 1}
    proc = subprocess.run(
        [sys.executable, str(ROOT / 'tools/train_pose_estimator.py'),
         str(CONFIG_128), '--work-dir', str(work), '--out', str(out),
         '--cfg-options', *[f'{k}={v}' for k, v in opts.items()]],
        capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert f'wrote {out}' in proc.stdout
    release = torch.load(out, weights_only=True)  # plain types only
    assert release['meta']['iter'] == 2
    assert release['meta']['keypoint_layout'] == 'coco17'
    # the release and the runner's own training checkpoint both load
    est = MMPoseEstimator(str(CONFIG_128), str(out), scale=2)
    runner_ckpt = MMPoseEstimator(str(CONFIG_128), str(work / 'iter_2.pth'))
    for key, value in est.model.state_dict().items():
        assert torch.equal(runner_ckpt.model.state_dict()[key], value)
    assert est.keypoints(torch.zeros(1, 3, 64, 44)).shape == (1, 17, 2)

    tool = load_script('tools/analysis/eval_pose_estimator.py')
    result = tool.main([str(CONFIG_128), str(out), '--data-root', str(data),
                        '--out', str(tmp_path / 'metrics.json')])
    assert result['images'] == 3 and result['scale'] == 2.0
    assert 0 <= result['pck@0.1'] <= 1 and result['mean_error_px'] >= 0
    assert (tmp_path / 'metrics.json').is_file()
