"""Every model config under configs/repose builds."""
import glob
from pathlib import Path

import pytest
from mmengine.config import Config

from mmrepose.registry import MODELS

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted(glob.glob(str(ROOT / 'configs/repose/*.py')))


def test_configs_found():
    names = {Path(c).name for c in CONFIGS}
    assert {'deepfashion_256.py', 'deepfashion_512.py', 'market1501_128.py',
            'synthfashion_64_b1.py', 'synthfashion_128_b1.py'} <= names


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: Path(p).name)
def test_model_config_builds(path):
    cfg = Config.fromfile(path)
    model_cfg = cfg.model
    if model_cfg.autoencoder.type == 'LatentAutoencoderKL':
        # the SD VAE is not on test machines: same channels, no weights
        assert model_cfg.autoencoder.path.startswith('pretrained/')
        model_cfg.autoencoder = dict(type='IdentityAutoencoder', channels=4)
    model = MODELS.build(model_cfg)
    assert model.unet.pose_channels == model_cfg.unet.pose_channels
    encoding = cfg.train_dataloader.dataset.pipeline[-2].encoding
    assert encoding == ('skeleton_rgb' if model_cfg.unet.pose_channels == 4
                        else 'pidm20')
    assert cfg.default_scope == 'mmrepose'
