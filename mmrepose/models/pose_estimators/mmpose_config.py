"""Reading an mmpose model config for :class:`.MMPoseEstimator`: mmpose's
registry (or a one-line error saying how to install it), the model dict
and its heatmap codec from any form of config, and the codec's Gaussian
sigma (the target heatmaps' width, in heatmap pixels)."""
from __future__ import annotations

import copy
import os.path as osp
from typing import Any

from mmengine.config import Config

from mmrepose.utils import install_mmcv_ops_placeholders

_INSTALL_HINT = ('install the mmpose stack with `make install` (see '
                 'docs/install.md; requirements/mmpose.txt)')


def import_mmpose() -> tuple[Any, Any]:
    """mmpose's MODELS registry and register_all_modules, or a one-line
    ImportError saying how to install it."""
    install_mmcv_ops_placeholders()
    try:
        from mmpose.registry import MODELS as MMPOSE_MODELS
        from mmpose.utils import register_all_modules
    except ImportError as err:
        raise ImportError(f'MMPoseEstimator needs mmpose 1.3.2, which cannot '
                          f'be imported ({err}); {_INSTALL_HINT}') from None
    return MMPOSE_MODELS, register_all_modules


def read_mmpose_config(config: Any) -> tuple[dict, dict | None]:
    """``(model config, codec or None)`` of a config file, Config, full
    config dict or model dict."""
    if isinstance(config, str):
        if not osp.isfile(config):
            raise FileNotFoundError(
                f'mmpose config not found: {config} (give the path of an '
                'mmpose model config, e.g. configs/pose_estimators/'
                'ae_hrnet_w16_synthfashion_128.py)')
        config = Config.fromfile(config)
    if isinstance(config, Config):
        config = config.to_dict()
    config = copy.deepcopy(dict(config))
    if 'model' in config and 'type' not in config:  # a whole config
        codec = config.get('codec')
        model = dict(config['model'])
    else:
        codec, model = None, config
    if not isinstance(codec, dict):  # absent, or a list of codecs
        codec = (model.get('head') or {}).get('decoder')
    return model, codec if isinstance(codec, dict) else None


def codec_sigma(codec: dict | None) -> float | None:
    """The Gaussian sigma of a heatmap codec, in heatmap pixels, or None
    when the codec does not say."""
    if codec is None:
        return None
    if codec.get('sigma') is not None:
        return float(codec['sigma'])
    if codec.get('heatmap_size') is not None:  # mmpose's AE codec default
        w, h = codec['heatmap_size']
        return (w * h) ** 0.5 / 64
    return None
