"""Every RePoseSD config builds: its model (from a tiny SD folder in place
of SD 2.1, random estimator weights where they live under pretrained/) and
its pipelines."""
import glob
from pathlib import Path

import pytest
from mmengine.dataset import Compose

from mmrepose.registry import MODELS
from mmrepose.utils import read_config

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted(glob.glob(str(ROOT / 'configs/reposesd/*.py')))


def _no_pretrained_weights(estimator):
    if not Path(estimator.checkpoint).is_file():
        assert estimator.checkpoint.startswith('pretrained/')
        estimator.checkpoint = None


def test_configs_found():
    assert {Path(c).name for c in CONFIGS} >= {
        'synthfashion_tiny.py', 'synthfashion_tiny_humansd.py',
        'humansd_laion_human_512.py', 'reposesd_laion_human_512.py'}


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: Path(p).name)
def test_reposesd_config_builds(path, tiny_sd_dir, tiny_sd_pixel_dir):
    cfg = read_config(path)
    model_cfg = cfg.model
    pixel = model_cfg.get('autoencoder', {}).get('type') == \
        'IdentityAutoencoder'
    assert model_cfg.sd_folder.startswith(('pretrained/', 'work_dirs/'))
    model_cfg.sd_folder = str(tiny_sd_pixel_dir if pixel else tiny_sd_dir)
    for part in ('pose_interaction_field', 'loss_weight'):
        if model_cfg.get(part):
            _no_pretrained_weights(model_cfg[part].estimator)
    model = MODELS.build(model_cfg)
    humansd = 'humansd' in Path(path).stem
    # the baseline has HumanSD's loss, RePoseSD has PIF: one switch
    assert (model.loss_weight is not None) == humansd
    assert (model.pose_interaction_field is not None) == (not humansd)
    for loader in ('train_dataloader', 'test_dataloader'):
        pipeline = cfg[loader].dataset.pipeline
        Compose(pipeline)
        encode = [s for s in pipeline if s.type == 'GeneratePoseEncoding']
        assert encode[0].encoding == 'skeleton_rgb'
