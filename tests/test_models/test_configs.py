"""Every model config under configs/repose builds."""
import glob
from pathlib import Path

import pytest

from mmrepose.registry import MODELS
from mmrepose.utils import read_config

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted(glob.glob(str(ROOT / 'configs/repose/*.py')))


def test_configs_found():
    names = {Path(c).name for c in CONFIGS}
    for variant in ('', '_b1', '_b2'):
        assert {f'deepfashion_256{variant}.py', f'deepfashion_512{variant}.py',
                f'market1501_128{variant}.py', f'synthfashion_64{variant}.py',
                f'synthfashion_128{variant}.py'} <= names


#: config name suffix -> (appearance encoder, RPA, PIF); no suffix: full
PARTS = {'b1_pif': (True, False, True), 'b2_encoder': (True, True, False),
         'full_encoder': (True, True, True), 'b1': (True, False, False),
         'b2': (False, True, False), '': (False, True, True)}


def _parts(path: str) -> tuple[bool, bool, bool]:
    stem = Path(path).stem
    return next(parts for suffix, parts in PARTS.items()
                if not suffix or stem.endswith(f'_{suffix}'))


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: Path(p).name)
def test_model_config_builds(path):
    cfg = read_config(path)
    model_cfg = cfg.model
    if model_cfg.autoencoder.type == 'LatentAutoencoderKL':
        # neither the SD VAE nor the small SynthFashion autoencoder is on
        # test machines: same channels, no weights
        assert model_cfg.autoencoder.path.startswith(
            ('pretrained/', 'work_dirs/small_vae'))
        model_cfg.autoencoder = dict(type='IdentityAutoencoder', channels=4)
        model_cfg.pose_encoding = None  # no VAE to encode the RGB skeleton
    pif = model_cfg.get('pose_interaction_field')
    if pif and not Path(pif.estimator.checkpoint).is_file():
        # the COCO estimator's weights are not on test machines either
        assert pif.estimator.checkpoint.startswith('pretrained/')
        pif.estimator.checkpoint = None
    model = MODELS.build(model_cfg)
    assert (model.appearance_encoder is not None,
            model.pose_alignment is not None,
            model.pose_interaction_field is not None) == _parts(path)
    assert model.unet.pose_channels == model_cfg.unet.pose_channels
    encoding = cfg.train_dataloader.dataset.pipeline[-2].encoding
    assert encoding == ('skeleton_rgb' if model_cfg.unet.pose_channels == 4
                        else 'pidm20')
    assert cfg.default_scope == 'mmrepose'
