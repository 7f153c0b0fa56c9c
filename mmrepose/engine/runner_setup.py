"""What ``tools/train.py`` and ``tools/test.py`` share: their common
command-line options, reading the config with the command line's overrides,
and building the runner."""
from __future__ import annotations

import argparse
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from mmrepose.utils.config import read_config
from .distributed import prepare_cpu_distributed


def add_runner_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--cfg-options``, ``--launcher``, ``--check`` and ``--gpus``."""
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. '
                        'train_cfg.max_iters=1000')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm'],
                        help='job launcher (pytorch: under torchrun)')
    parser.add_argument('--check', action='store_true',
                        help='only check that everything the run needs is '
                        'in place (data, weights, devices, work dir), print '
                        'the checklist and exit (non-zero on a problem)')
    parser.add_argument('--gpus', type=int, metavar='N',
                        help='with --check: the number of processes the run '
                        'will start (the dist scripts pass theirs)')


def load_config(path: str, cfg_options: dict | None = None,
                launcher: str = 'none', work_dir: str | None = None) -> Config:
    """Read a config with ``--cfg-options``
    (:func:`~mmrepose.utils.read_config`) and apply ``--launcher`` and
    ``--work-dir`` (default: the config's, else ``work_dirs/CONFIG_NAME``).

    Raises:
        FileNotFoundError: naming the config file, when it does not exist.
    """
    cfg = read_config(path, cfg_options)
    cfg.launcher = launcher
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('work_dirs',
                                osp.splitext(osp.basename(path))[0])
    return cfg


def build_runner(cfg: Config) -> Runner:
    """``cfg.runner_type``'s runner if set, else mmengine's ``Runner``; under
    torchrun on a CPU-only machine the gloo process group is started first
    (see :mod:`mmrepose.engine.distributed`)."""
    if cfg.launcher == 'pytorch':
        prepare_cpu_distributed(cfg)
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)
