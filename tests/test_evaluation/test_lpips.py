"""LPIPS against the lpips package (both input ranges, the drop rule), and
its offline weights handling."""
import warnings

import lpips
import numpy as np
import pytest
import torch
import torchvision

from mmrepose.evaluation.functional.lpips_net import alexnet_trunk_state_dict
from mmrepose.evaluation.functional.random_weights import write_random_hub
from mmrepose.evaluation.metrics import LPIPS, NOT_COMPARABLE
from mmrepose.evaluation.metrics.lpips import UNIT_INPUT_LABEL

# torchvision deprecation warnings from the reference lpips.LPIPS calls
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:torchvision")


def samples(rng, n=3, shape=(64, 48)):
    out = []
    for _ in range(n):
        gt = rng.integers(0, 256, (*shape, 3), dtype=np.uint8)
        pred = np.clip(gt + rng.integers(-60, 61, gt.shape), 0, 255)
        out.append(dict(gt_img=torch.from_numpy(gt).permute(2, 0, 1),
                        pred_img=torch.from_numpy(pred.astype(np.uint8))
                        .permute(2, 0, 1)))
    return out


@pytest.fixture
def random_hub(tmp_path, monkeypatch):
    """The seeded random weights where ``lpips`` itself loads AlexNet from
    (as the reference scripts do)."""
    monkeypatch.setenv('TORCH_HOME', str(tmp_path))
    write_random_hub(str(tmp_path / 'hub'))


def package_lpips(batch, unit_inputs=False):
    """``lpips.LPIPS(net='alex')`` loading its trunk through torchvision."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', UserWarning)
        reference = lpips.LPIPS(net='alex', verbose=False)
    scale = (lambda t: t.float() / 255) if unit_inputs else \
        (lambda t: t.float() / 127.5 - 1)
    with torch.no_grad():
        return [reference(scale(s['pred_img'])[None],
                          scale(s['gt_img'])[None]).item() for s in batch]


def test_lpips_matches_the_package_with_random_weights(random_hub):
    batch = samples(np.random.default_rng(0))
    metric = LPIPS(random_backbone=True, device='cpu', protocol='gfla')
    metric.process(None, batch)
    result = metric.compute_metrics(metric.results)
    key = 'lpips' + NOT_COMPARABLE
    assert list(result) == [key]
    assert result[key] == pytest.approx(np.mean(package_lpips(batch)),
                                        rel=1e-5)
    # the same random weights, read from the hub file like real ones
    from_file = LPIPS(device='cpu', protocol='gfla')
    from_file.process(None, batch)
    assert from_file.compute_metrics(from_file.results)['lpips'] == \
        pytest.approx(result[key], rel=1e-6)


def test_pcdms_unit_inputs_are_reproduced_and_named(random_hub):
    batch = samples(np.random.default_rng(1))
    metric = LPIPS(device='cpu', protocol='pcdms')
    metric.process(None, batch)
    result = metric.compute_metrics(metric.results)
    assert list(result) == ['lpips' + UNIT_INPUT_LABEL]
    assert result['lpips' + UNIT_INPUT_LABEL] == pytest.approx(
        np.mean(package_lpips(batch, unit_inputs=True)), rel=1e-5)


def test_drop_rule_scores_full_batches_in_file_name_order(random_hub):
    batch = samples(np.random.default_rng(2), n=5)
    names = ['e.png', 'a.png', 'd.png', 'b.png', 'c.png']
    for sample, name in zip(batch, names):
        sample['pred_path'] = f'/pred/{name}'
    metric = LPIPS(device='cpu', protocol='pidm', batch_size=2)
    metric.process(None, batch)
    values = package_lpips(batch)
    kept = [values[names.index(n)] for n in ('a.png', 'b.png', 'c.png',
                                             'd.png')]
    assert metric.compute_metrics(metric.results)['lpips'] == \
        pytest.approx(np.mean(kept), rel=1e-5)
    assert metric.per_image(metric.results)['lpips'] == \
        pytest.approx(values, rel=1e-5)


def test_lpips_loads_the_alexnet_file_from_the_hub_cache(tmp_path,
                                                         monkeypatch):
    monkeypatch.setenv('TORCH_HOME', str(tmp_path))
    checkpoints = tmp_path / 'hub' / 'checkpoints'
    checkpoints.mkdir(parents=True)
    torch.manual_seed(1)
    trunk = {k: v for k, v in torchvision.models.alexnet().state_dict()
             .items() if k.startswith('features.')}  # classifier unused
    torch.save(trunk, checkpoints / 'alexnet-owt-7be5be79.pth')
    metric = LPIPS(device='cpu')
    assert metric.name == 'lpips'
    loaded = metric.net.net.state_dict()
    for key, value in alexnet_trunk_state_dict(trunk).items():
        assert torch.equal(loaded[key], value)
    # the linear layers are the package's shipped ones
    shipped = lpips.LPIPS(net='alex', pnet_rand=True, verbose=False)
    assert torch.equal(metric.net.lin0.model[1].weight,
                       shipped.lin0.model[1].weight)


def test_missing_alexnet_weights_name_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv('TORCH_HOME', str(tmp_path))
    with pytest.raises(FileNotFoundError,
                       match='alexnet-owt-7be5be79.pth') as info:
        LPIPS(device='cpu')
    assert str(tmp_path / 'hub' / 'checkpoints') in str(info.value)
    with pytest.raises(FileNotFoundError, match='elsewhere.pth'):
        LPIPS(alexnet_weights=str(tmp_path / 'elsewhere.pth'))
