"""What ``tools/train.py``, ``tools/test.py`` and
``tools/train_pose_estimator.py`` share: their common command-line options,
reading the config with the command line's overrides, and building the
runner."""
from __future__ import annotations

import argparse
import os.path as osp
import sys

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


def load_config(args: argparse.Namespace) -> Config:
    """The command line's config (``args.config``) read with
    ``--cfg-options`` (:func:`~mmrepose.utils.read_config`), with
    ``--launcher`` and ``--work-dir`` applied (default work dir: the
    config's, else ``work_dirs/CONFIG_NAME``); a missing config file exits
    with one line naming it."""
    try:
        cfg = read_config(args.config, args.cfg_options)
    except FileNotFoundError as err:
        sys.exit(f'error: {err}')
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
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
