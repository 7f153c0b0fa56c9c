"""LPIPS against the lpips package, and its offline weights handling."""
import lpips
import numpy as np
import pytest
import torch
import torchvision

from mmrepose.evaluation.functional.lpips_net import alexnet_trunk_state_dict
from mmrepose.evaluation.metrics import LPIPS, NOT_COMPARABLE

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


def test_lpips_matches_the_package_with_a_random_trunk():
    batch = samples(np.random.default_rng(0))
    metric = LPIPS(random_backbone=True, device='cpu', protocol='gfla')
    metric.process(None, batch)
    result = metric.compute_metrics(metric.results)
    key = 'lpips' + NOT_COMPARABLE
    assert list(result) == [key]

    torch.manual_seed(0)  # the metric's seed: the same random trunk
    reference = lpips.LPIPS(net='alex', pnet_rand=True, verbose=False)
    with torch.no_grad():
        expected = np.mean([reference(
            s['pred_img'][None].float() / 127.5 - 1,
            s['gt_img'][None].float() / 127.5 - 1).item() for s in batch])
    assert result[key] == pytest.approx(expected, rel=1e-5)


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
