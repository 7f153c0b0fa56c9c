"""Protocol presets, registry lookup and the results JSON."""
import json

import pytest

from mmrepose.evaluation import (PROTOCOLS, default_results_path,
                                 get_protocol, write_results_json)
from mmrepose.evaluation.protocols import preset_value
from mmrepose.registry import METRICS


def test_presets_follow_their_codebases():
    pidm, gfla, cfld, pcdms, standard = (get_protocol(n) for n in (
        'pidm', 'gfla', 'cfld', 'pcdms', 'standard'))
    for p in (pidm, gfla, cfld, pcdms):  # the papers' FID
        assert not p.use_fid_inception and p.inception_input == 'imagenet-std'
        assert p.fid_method == 'sqrtm'
    assert standard.use_fid_inception and standard.inception_input == 'signed'
    assert pidm.drop_last and gfla.drop_last and pcdms.drop_last
    assert not cfld.drop_last and not standard.drop_last
    assert pcdms.fid_batch_size == 128 and pidm.fid_batch_size == 64
    assert [p.ssim_sigma for p in (pidm, gfla, cfld, pcdms, standard)] == \
        [1.2, 1.5, 1.5, 1.2, 1.5]
    assert pidm.ssim_at_stored_size and pcdms.lpips_input == 'unit'
    assert (gfla.pred_resize, cfld.pred_resize, pcdms.real_resize) == \
        (None, 'torch-bicubic-aa-trunc', 'cv2-cubic-float')
    assert pidm.describe().startswith('pidm (PIDM utils/metrics.py')
    with pytest.raises(KeyError, match='pidm, gfla, cfld, pcdms, standard'):
        get_protocol('nted')


def test_unset_metric_options_take_the_preset():
    assert preset_value('pcdms', 'fid_batch_size') == 128
    assert preset_value('pcdms', 'fid_batch_size', 32) == 32
    assert preset_value('synthfashion', 'ssim_sigma') == 1.5  # standard's
    with pytest.raises(KeyError, match='not a preset option'):
        preset_value('pidm', 'batch')
    assert METRICS.build(dict(type='SSIM', protocol='pidm')).sigma == 1.2


def test_preset_metric_configs():
    cfgs = PROTOCOLS['pidm'].metrics(real_set='data/train', masked=True,
                                     device='cpu')
    kinds = sorted((c['type'], c.get('variant', ''), c.get('masked', False))
                   for c in cfgs)
    assert kinds == sorted([
        ('FID', '', False), ('LPIPS', '', False), ('LPIPS', '', True),
        ('PSNR', '', False), ('SSIM', 'ssim', False), ('SSIM', 'ssim', True),
        ('SSIM', 'ssim_256', False), ('SSIM', 'ssim_256', True)])
    fid = next(c for c in cfgs if c['type'] == 'FID')
    assert fid['real_set'] == 'data/train'
    assert all(c['protocol'] == 'pidm' for c in cfgs)
    ssim = METRICS.build(next(c for c in cfgs if c['type'] == 'SSIM' and
                              c['masked'] and c['variant'] == 'ssim_256'))
    assert ssim.name == 'mask_ssim_256_sigma1.2' and ssim.prefix == 'pidm'
    only_fid = PROTOCOLS['cfld'].metrics(which=('fid',), resize='cv2-area')
    assert [c['type'] for c in only_fid] == ['FID']
    assert only_fid[0]['pred_resize'] == only_fid[0]['real_resize'] == \
        'cv2-area'


def test_results_json(tmp_path):
    path = write_results_json(
        default_results_path(str(tmp_path / 'pred'), 'cfld'),
        {'cfld/fid': 7.5, 'cfld/psnr': float('inf')}, 'cfld', (256, 176),
        8570, checkpoint='work_dirs/x/iter_1000.pth', config='cfg.py',
        notes=['generated images of size 256x256 resized'])
    assert path == str(tmp_path / 'pred' / 'metrics_cfld.json')
    record = json.loads(open(path).read())
    assert record['protocol']['name'] == 'cfld'
    assert record['protocol']['drop_last'] is False
    assert record['resolution'] == [256, 176]
    assert record['num_images'] == 8570
    assert record['checkpoint'] == 'work_dirs/x/iter_1000.pth'
    assert record['config'] == 'cfg.py'
    assert record['metrics'] == {'cfld/fid': 7.5, 'cfld/psnr': 'inf'}
