"""The pose encoding is declared once (the model family's
``pose_encoding``): reading a config fills the pipelines' encoding and size
from it, and a model whose U-Net does not fit the encoding fails at build
with one line."""
from __future__ import annotations

from pathlib import Path

import pytest

from mmrepose.registry import MODELS
from mmrepose.utils import ConfigSettingError, read_config, \
    register_all_modules

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/repose/synthfashion_64_b1.py'


def steps(pipeline: list[dict]) -> dict[str, dict]:
    return {step['type']: step for step in pipeline}


def test_reading_fills_size_and_encoding():
    cfg = read_config(CONFIG, {'image_size': (32, 22)})
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        pipeline = steps(cfg[loader].dataset.pipeline)
        assert pipeline['ResizePair']['scale'] == (22, 32)
        assert pipeline['ResizePair']['interpolation'] == 'area'
        assert pipeline['GeneratePoseEncoding']['encoding'] == 'pidm20'
    assert cfg.model.pose_encoding == 'pidm20'


def test_a_pipeline_without_its_setting_names_the_file(tmp_path):
    config = tmp_path / 'no_size.py'
    config.write_text(
        "train_dataloader = dict(dataset=dict(pipeline=[\n"
        "    dict(type='ResizePair')]))\n")
    with pytest.raises(ConfigSettingError, match='no_size.py.*image_size'):
        read_config(config)
    config.write_text(
        "image_size = (8, 8)\n"
        "train_dataloader = dict(dataset=dict(pipeline=[\n"
        "    dict(type='GeneratePoseEncoding')]))\n")
    with pytest.raises(ConfigSettingError, match='pose_encoding'):
        read_config(config)


def test_model_refuses_an_encoding_its_unet_does_not_take():
    register_all_modules()
    cfg = read_config(CONFIG)
    MODELS.build(cfg.model)  # pidm20: 20 channels, as the U-Net
    cfg.model.pose_encoding = 'gfla18'
    with pytest.raises(ValueError, match="'gfla18' renders 18 channels; "
                       'this model takes 20'):
        MODELS.build(cfg.model)
