"""FID: parity with pytorch-fid, the input scalings, the batching rule, the
real-set cache, and offline weights."""
import copy
import os

import cv2
import numpy as np
import pytest
import torch
import torchvision
from pytorch_fid.fid_score import calculate_frechet_distance

from mmrepose.evaluation.functional import (feature_moments,
                                            frechet_distance,
                                            gaussian_from_features,
                                            gaussian_from_moments, kept_count,
                                            listing_order, real_set_moments,
                                            reference_batch_size)
from mmrepose.evaluation.functional.inception import scale_inception_input
from mmrepose.evaluation.metrics import FID, NOT_COMPARABLE

# scipy deprecates the `disp` argument pytorch-fid passes to sqrtm
pytestmark = pytest.mark.filterwarnings('ignore:The `disp` argument')


def features(seed, n=200, dim=64, power=1.0):
    return np.random.default_rng(seed).random((n, dim)) ** power


@pytest.mark.parametrize('method', ['sqrtm', 'exact'])
def test_frechet_distance_equals_pytorch_fid(method):
    a, b = features(0), features(1, n=150, power=1.3)
    expected = calculate_frechet_distance(*feature_moments(a),
                                          *feature_moments(b))
    ours = frechet_distance(gaussian_from_features(a),
                            gaussian_from_features(b), method)
    from_moments = frechet_distance(gaussian_from_moments(*feature_moments(a)),
                                    gaussian_from_moments(*feature_moments(b)),
                                    method)
    assert ours == pytest.approx(expected, rel=1e-9)
    assert from_moments == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize('n,dim,method', [(200, 64, 'sqrtm'),
                                          (12, 2048, 'exact')])
def test_fid_of_identical_sets_is_zero(n, dim, method):
    a = features(2, n=n, dim=dim)
    assert abs(frechet_distance(gaussian_from_features(a),
                                gaussian_from_features(a), method)) < 1e-6
    # against cached moments (a real set's statistics)
    assert abs(frechet_distance(gaussian_from_moments(*feature_moments(a)),
                                gaussian_from_features(a), method)) < 1e-6


def test_reference_batching_rule():
    """Full batches only; a set smaller than a batch lowers the batch to
    its size, and the real set's lowered batch carries over (PIDM
    ``utils/metrics.py`` L170-176)."""
    assert kept_count(150, 64) == 128
    assert kept_count(40, 64) == 40
    assert reference_batch_size(128, 66) == 66
    assert kept_count(68, reference_batch_size(128, 66)) == 66
    assert kept_count(68, reference_batch_size(64, 66)) == 64


def test_listing_order_sorts_by_name_or_keeps_unlisted_last(tmp_path):
    for name in ('b.png', 'a.jpg', 'c.png'):
        (tmp_path / name).write_bytes(b'')
    paths = [str(tmp_path / n) for n in ('c.png', 'a.jpg', 'b.png')]
    order, unlisted = listing_order(paths + [None], 'sorted')
    assert order == [1, 2, 0, 3] and unlisted == 1
    order, unlisted = listing_order(paths, 'pathlib-glob')
    assert order[0] == 1 and unlisted == 0  # the JPEG first


def test_imagenet_std_scaling_is_torchvisions_transform_input():
    """PIDM/GFLA/CFLD/PCDMs scale [0, 1] pixels with torchvision Inception's
    ``transform_input`` (meant for ImageNet-normalised inputs);
    pytorch-fid's scaling is ``2 x - 1``."""
    x = torch.rand(2, 3, 8, 8)
    net = torchvision.models.inception_v3(weights=None, init_weights=False,
                                          aux_logits=False,
                                          transform_input=True)
    torch.testing.assert_close(scale_inception_input(x, 'imagenet-std'),
                               net._transform_input(x), rtol=0, atol=1e-6)
    torch.testing.assert_close(scale_inception_input(x, 'signed'), 2 * x - 1)
    with pytest.raises(ValueError, match='unknown Inception input'):
        scale_inception_input(x, 'unit')


@pytest.fixture(scope='module')
def random_fid():
    return FID(random_weights=True, device='cpu', protocol='standard',
               method='exact')


def test_fid_metric_gathers_features_of_all_ranks(random_fid):
    """compute_metrics sees the features every rank stored (mmengine's
    collect_results concatenates them): one FID over all of them."""
    pred, gt = features(3, n=40, dim=2048), features(4, n=40, dim=2048)
    rank0 = [dict(pred=p, gt=g) for p, g in zip(pred[:20], gt[:20])]
    rank1 = [dict(pred=p, gt=g) for p, g in zip(pred[20:], gt[20:])]
    result = random_fid.compute_metrics(rank0 + rank1)
    expected = frechet_distance(gaussian_from_features(gt),
                                gaussian_from_features(pred), 'exact')
    assert result == {'fid' + NOT_COMPARABLE: pytest.approx(expected)}


def test_drop_rule_keeps_full_batches_in_listing_order(tmp_path):
    """With the drop rule, the generated images kept are the first full
    batches in their folder's listing (here: sorted names)."""
    metric = FID(random_weights=True, device='cpu', protocol='pidm',
                 method='exact', batch_size=4, listing='sorted')
    pred, gt = features(5, n=10, dim=2048), features(6, n=10, dim=2048)
    names = [f'{9 - i}.png' for i in range(10)]  # reversed
    results = [dict(pred=p, gt=g, path=str(tmp_path / n))
               for p, g, n in zip(pred, gt, names)]
    result = metric.compute_metrics(results)
    # real set: the pairs' gt in given order; generated: names 0..7
    expected = frechet_distance(gaussian_from_features(gt[:8]),
                                gaussian_from_features(pred[::-1][:8]),
                                'exact')
    assert result['fid' + NOT_COMPARABLE] == pytest.approx(expected)


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
                 protocol='pidm', method='exact')
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
