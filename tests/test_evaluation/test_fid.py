"""FID: parity with pytorch-fid, the real-set cache, and offline weights."""
import copy
import os

import cv2
import numpy as np
import pytest
import torch
import torchvision
from pytorch_fid.fid_score import calculate_frechet_distance

from mmrepose.evaluation.functional import (drop_last_partial_batch,
                                            feature_moments, frechet_distance,
                                            gaussian_from_features,
                                            gaussian_from_moments,
                                            real_set_moments)
from mmrepose.evaluation.metrics import FID, NOT_COMPARABLE

# scipy deprecates the `disp` argument pytorch-fid passes to sqrtm
pytestmark = pytest.mark.filterwarnings('ignore:The `disp` argument')


def features(seed, n=200, dim=64, power=1.0):
    return np.random.default_rng(seed).random((n, dim)) ** power


def test_frechet_distance_equals_pytorch_fid():
    a, b = features(0), features(1, n=150, power=1.3)
    expected = calculate_frechet_distance(*feature_moments(a),
                                          *feature_moments(b))
    ours = frechet_distance(gaussian_from_features(a),
                            gaussian_from_features(b))
    from_moments = frechet_distance(gaussian_from_moments(*feature_moments(a)),
                                    gaussian_from_moments(*feature_moments(b)))
    assert ours == pytest.approx(expected, rel=1e-9)
    assert from_moments == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize('n,dim', [(200, 64), (12, 2048)])
def test_fid_of_identical_sets_is_zero(n, dim):
    a = features(2, n=n, dim=dim)
    assert abs(frechet_distance(gaussian_from_features(a),
                                gaussian_from_features(a))) < 1e-6
    # against cached moments (a real set's statistics)
    assert abs(frechet_distance(gaussian_from_features(a),
                                gaussian_from_moments(*feature_moments(a)))
               ) < 1e-6


def test_drop_last_partial_batch():
    x = np.arange(150)[:, None]
    assert len(drop_last_partial_batch(x, 64)) == 128
    assert len(drop_last_partial_batch(x[:40], 64)) == 40  # under one batch


@pytest.fixture(scope='module')
def random_fid():
    return FID(random_weights=True, device='cpu', protocol='cfld')


def test_fid_metric_gathers_features_of_all_ranks(random_fid):
    """compute_metrics sees the features every rank stored (mmengine's
    collect_results concatenates them): one FID over all of them."""
    pred, gt = features(3, n=40, dim=2048), features(4, n=40, dim=2048)
    rank0 = [dict(pred=p, gt=g) for p, g in zip(pred[:20], gt[:20])]
    rank1 = [dict(pred=p, gt=g) for p, g in zip(pred[20:], gt[20:])]
    result = random_fid.compute_metrics(rank0 + rank1)
    expected = frechet_distance(gaussian_from_features(pred),
                                gaussian_from_features(gt))
    assert result == {'fid' + NOT_COMPARABLE: pytest.approx(expected)}


def write_images(folder, names, seed):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for name in names:
        cv2.imwrite(str(folder / name),
                    rng.integers(0, 256, (32, 24, 3), dtype=np.uint8))


def test_real_set_cache_is_invalidated_when_the_file_list_changes(tmp_path):
    real = tmp_path / 'real'
    write_images(real, ['a.png', 'b.png', 'c.png'], 0)
    calls = []

    def compute(files):
        calls.append(len(files))
        return np.zeros(4), np.eye(4) * len(files)

    key = dict(protocol='pidm', resolution='native', weights='torchvision')
    files = sorted(str(p) for p in real.iterdir())
    _, sigma, path, hit = real_set_moments(files, key, tmp_path / 'c',
                                           compute)
    assert not hit and calls == [3] and os.path.isfile(path)
    _, sigma2, path2, hit = real_set_moments(files, key, tmp_path / 'c',
                                             compute)
    assert hit and path2 == path and calls == [3]
    np.testing.assert_array_equal(sigma, sigma2)
    write_images(real, ['d.png'], 1)
    files = sorted(str(p) for p in real.iterdir())
    _, sigma3, path3, hit = real_set_moments(files, key, tmp_path / 'c',
                                             compute)
    assert not hit and path3 != path and calls == [3, 4]
    # another protocol or weights is another cache entry
    other = real_set_moments(files, dict(key, weights='tf-fid'),
                             tmp_path / 'c', compute)
    assert other[2] != path3 and calls == [3, 4, 4]


def test_fid_metric_real_set_folder_uses_the_cache(random_fid, tmp_path):
    real = tmp_path / 'real'
    write_images(real, ['a.png', 'b.png', 'c.png'], 5)
    metric = copy.copy(random_fid)  # shares the random network
    metric.real_set, metric.cache_dir = str(real), str(tmp_path / 'cache')
    preds = features(6, n=5, dim=2048)
    results = [dict(pred=p, gt=None) for p in preds]
    first = metric.compute_metrics(results)
    assert len(list((tmp_path / 'cache').iterdir())) == 1
    assert metric.compute_metrics(results) == first


def save_random_inception(torch_home, use_fid_inception):
    """A random state dict in the key layout pytorch-fid's loader expects,
    under the standard file name in $TORCH_HOME/hub/checkpoints."""
    if use_fid_inception:  # 1008 classes, no auxiliary classifier
        net = torchvision.models.inception_v3(
            weights=None, aux_logits=False, num_classes=1008,
            init_weights=False)
        name = 'pt_inception-2015-12-05-6726825d.pth'
    else:  # torchvision's full model
        net = torchvision.models.inception_v3(weights=None, aux_logits=True,
                                              init_weights=False)
        name = 'inception_v3_google-0cc3c7bd.pth'
    folder = torch_home / 'hub' / 'checkpoints'
    folder.mkdir(parents=True, exist_ok=True)
    torch.save(net.state_dict(), folder / name)
    return net.state_dict()


@pytest.mark.parametrize('use_fid_inception', [False, True])
def test_fid_through_pytorch_fid_loading(tmp_path, monkeypatch,
                                         use_fid_inception):
    monkeypatch.setenv('TORCH_HOME', str(tmp_path))

    def no_download(*args, **kwargs):
        raise AssertionError('a download was attempted')

    monkeypatch.setattr(torch.hub, 'download_url_to_file', no_download)
    state = save_random_inception(tmp_path, use_fid_inception)
    metric = FID(use_fid_inception=use_fid_inception, device='cpu',
                 protocol='pidm')
    conv = metric.inception.blocks[0][0].conv.weight
    assert torch.equal(conv, state['Conv2d_1a_3x3.conv.weight'])
    assert metric.name == 'fid'
    assert torch.hub.get_dir() == str(tmp_path / 'hub')  # restored
    rng = np.random.default_rng(7)
    images = [torch.from_numpy(rng.integers(0, 256, (3, 40, 32),
                                            dtype=np.uint8)) for _ in range(2)]
    metric.process(None, [dict(gt_img=i, pred_img=i) for i in images])
    assert abs(metric.compute_metrics(metric.results)['fid']) < 1e-6


@pytest.mark.parametrize('use_fid_inception,name', [
    (False, 'inception_v3_google-0cc3c7bd.pth'),
    (True, 'pt_inception-2015-12-05-6726825d.pth')])
def test_missing_inception_weights_name_the_file(tmp_path, monkeypatch,
                                                 use_fid_inception, name):
    monkeypatch.setenv('TORCH_HOME', str(tmp_path))
    with pytest.raises(FileNotFoundError, match=name) as info:
        FID(use_fid_inception=use_fid_inception, device='cpu')
    assert str(tmp_path / 'hub' / 'checkpoints') in str(info.value)
