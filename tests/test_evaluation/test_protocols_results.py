"""Protocol presets, registry lookup and the results JSON."""
import json

import pytest

from mmrepose.evaluation import (PROTOCOLS, default_results_path,
                                 get_protocol, write_results_json)
from mmrepose.registry import METRICS


def by_type(cfgs):
    return {(c['type'], c.get('masked', False)): c for c in cfgs}


def test_presets_follow_their_codebases():
    pidm, gfla, cfld = (get_protocol(n) for n in ('pidm', 'gfla', 'cfld'))
    for p in (pidm, gfla, cfld):  # the papers' FID: torchvision Inception
        assert not p.use_fid_inception and p.fid_batch_size == 64
        assert p.ssim_variant == 'ssim_256'
    assert pidm.drop_last_partial_batch and gfla.drop_last_partial_batch
    assert not cfld.drop_last_partial_batch
    assert (pidm.ssim_sigma, gfla.ssim_sigma, cfld.ssim_sigma) == \
        (1.2, 1.5, 1.5)
    assert pidm.describe().startswith('pidm (PIDM utils/metrics.py)')
    with pytest.raises(KeyError, match='pidm, gfla, cfld'):
        get_protocol('nted')


def test_preset_metric_configs():
    cfgs = by_type(PROTOCOLS['pidm'].metrics(real_set='data/train',
                                             masked=True, device='cpu'))
    assert set(cfgs) == {('FID', False), ('SSIM', False), ('LPIPS', False),
                         ('SSIM', True), ('LPIPS', True)}
    fid = cfgs['FID', False]
    assert fid['drop_last_partial_batch'] and fid['real_set'] == 'data/train'
    assert cfgs['SSIM', True]['sigma'] == 1.2
    assert all(c['protocol'] == 'pidm' for c in cfgs.values())
    ssim = METRICS.build(cfgs['SSIM', True])
    assert ssim.name == 'mask_ssim_256_sigma1.2' and ssim.prefix == 'pidm'


def test_results_json(tmp_path):
    path = write_results_json(
        default_results_path(str(tmp_path / 'pred'), 'cfld'),
        {'cfld/fid': 7.5, 'cfld/psnr': float('inf')}, 'cfld', (256, 176),
        8570, checkpoint='work_dirs/x/iter_1000.pth', config='cfg.py',
        notes=['generated images of size 256x256 resized'])
    assert path == str(tmp_path / 'pred' / 'metrics_cfld.json')
    record = json.loads(open(path).read())
    assert record['protocol']['name'] == 'cfld'
    assert record['protocol']['drop_last_partial_batch'] is False
    assert record['resolution'] == [256, 176]
    assert record['num_images'] == 8570
    assert record['checkpoint'] == 'work_dirs/x/iter_1000.pth'
    assert record['config'] == 'cfg.py'
    assert record['metrics'] == {'cfld/fid': 7.5, 'cfld/psnr': 'inf'}
