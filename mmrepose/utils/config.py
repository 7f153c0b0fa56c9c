"""Reading a config: mmengine's file with the two settings a dataset base
leaves to the config that uses it.

A dataset base (``configs/_base_/datasets/``) writes its pipelines once, for
every image size and model family: ``ResizePair`` without ``scale`` and
``GeneratePoseEncoding`` without ``encoding``. :func:`fill_pipeline_settings`
sets them from the config's ``image_size`` (H, W) and the model family's
``pose_encoding`` (``configs/_base_/models/``, where the U-Net's
``pose_channels`` are sized for it), so that a leaf config says its size in
one line and the pose encoding is declared in one place. Every entry point
(training, testing, the inferencer, the ablation, the tools) reads configs
through :func:`read_config`.
"""
from __future__ import annotations

import os
import os.path as osp
from typing import Any

from mmengine.config import Config


class ConfigSettingError(ValueError):
    """A pipeline step needs a setting the config does not give."""


def _fill(node: Any, image_size: Any, pose_encoding: Any, name: str) -> None:
    if isinstance(node, dict):
        kind = node.get('type')
        if kind == 'ResizePair' and node.get('scale') is None:
            if image_size is None:
                raise ConfigSettingError(
                    f'{name}: ResizePair has no scale and the config sets no '
                    'image_size = (H, W)')
            height, width = image_size
            node['scale'] = (width, height)
        elif kind == 'GeneratePoseEncoding' and node.get('encoding') is None:
            if pose_encoding is None:
                raise ConfigSettingError(
                    f'{name}: GeneratePoseEncoding has no encoding and the '
                    'config sets no pose_encoding (its model base does)')
            node['encoding'] = pose_encoding
        children = node.values()
    elif isinstance(node, (list, tuple)):
        children = node
    else:
        return
    for child in children:
        _fill(child, image_size, pose_encoding, name)


def fill_pipeline_settings(cfg: Config) -> Config:
    """Set every ``ResizePair.scale`` and ``GeneratePoseEncoding.encoding``
    the config leaves unset (see module doc), in place; returns ``cfg``.

    Raises:
        ConfigSettingError: a step needs ``image_size`` or
            ``pose_encoding`` and the config has none.
    """
    _fill(cfg._cfg_dict, cfg.get('image_size'), cfg.get('pose_encoding'),
          cfg.filename or '<config>')
    return cfg


def read_config(path: str | os.PathLike,
                cfg_options: dict | None = None) -> Config:
    """The config file with ``cfg_options`` (``--cfg-options``) merged and
    its pipeline settings filled.

    Raises:
        FileNotFoundError: naming the file, when it does not exist.
    """
    path = str(path)
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path}')
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return fill_pipeline_settings(cfg)
