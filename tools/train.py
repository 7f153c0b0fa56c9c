"""Train a model from a config.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp]
        [--cfg-options k=v ...] [--launcher none|pytorch|slurm]
        [--check [--gpus N]]

``--resume`` without a checkpoint continues from the one
``{work_dir}/last_checkpoint`` names (or, when that file is cut short or
gone, from the newest readable ``iter_N.pth``, with a warning), and starts
afresh when there is none (so a preemptible job can always pass it); ``--amp`` trains with bfloat16
autocast (``AmpOptimWrapper(dtype='bfloat16')``). Multi-GPU:
``tools/dist_train.sh CONFIG GPUS``; Slurm: ``tools/slurm_train.sh``.
``--check`` verifies data, weights, devices and the work dir without
building the model (:mod:`mmrepose.engine.preflight`), as the dist scripts
do before launching workers.
"""
from __future__ import annotations

import argparse
import os.path as osp
import sys

from mmengine.config import Config
from mmengine.device import get_device

from mmrepose.engine import (CheckpointReadError, CheckpointUnreadableError,
                             add_runner_arguments, build_runner,
                             close_distributed, is_readable_checkpoint,
                             load_config, preflight, report_and_exit,
                             resume_checkpoint)
from mmrepose.utils import register_all_modules

#: ``--amp``: which optimizer wrapper becomes which.
AMP_WRAPPERS = {
    'OptimWrapper': 'AmpOptimWrapper',
    'AmpOptimWrapper': 'AmpOptimWrapper',
    'NonFiniteCheckOptimWrapper': 'NonFiniteCheckAmpOptimWrapper',
    'NonFiniteCheckAmpOptimWrapper': 'NonFiniteCheckAmpOptimWrapper',
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a model.')
    parser.add_argument('config', help='train config file')
    parser.add_argument('--work-dir', help='folder of logs and checkpoints '
                        '(default: work_dirs/CONFIG_NAME)')
    parser.add_argument('--resume', nargs='?', const='auto', metavar='CKPT',
                        help='resume from CKPT, or without CKPT from the '
                        "work dir's last_checkpoint")
    parser.add_argument('--amp', action='store_true',
                        help='bfloat16 automatic mixed precision')
    add_runner_arguments(parser)
    return parser.parse_args()


def enable_amp(cfg: Config) -> None:
    """Switch the (single) optimizer wrapper to bfloat16 AMP."""
    wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if wrapper not in AMP_WRAPPERS:
        sys.exit(f'error: --amp cannot convert optim_wrapper type {wrapper!r}'
                 f' (known: {", ".join(AMP_WRAPPERS)})')
    if get_device() == 'cpu':
        sys.exit('error: --amp needs a GPU (mmengine AmpOptimWrapper)')
    cfg.optim_wrapper.type = AMP_WRAPPERS[wrapper]
    cfg.optim_wrapper.dtype = 'bfloat16'


def build_config(args: argparse.Namespace) -> Config:
    cfg = load_config(args)
    if args.amp:
        enable_amp(cfg)
    if args.resume == 'auto':
        try:
            checkpoint = resume_checkpoint(cfg.work_dir)
        except CheckpointUnreadableError as err:
            sys.exit(f'error: {err}')
        if checkpoint is not None:  # else a fresh start, config's load_from
            cfg.resume, cfg.load_from = True, checkpoint
    elif args.resume is not None:
        if not osp.isfile(args.resume):
            sys.exit(f'error: checkpoint file not found: {args.resume}')
        if not is_readable_checkpoint(args.resume):
            sys.exit(f'error: cannot read checkpoint {args.resume} '
                     '(truncated or not a torch checkpoint)')
        cfg.resume, cfg.load_from = True, args.resume
    return cfg


def main() -> None:
    args = parse_args()
    register_all_modules()
    cfg = build_config(args)
    if args.check:
        report_and_exit(preflight(cfg, 'train', gpus=args.gpus),
                        f'preflight of training {args.config}')
    try:
        runner = build_runner(cfg)
        runner.train()
    except FloatingPointError as err:  # NonFiniteCheckOptimWrapper
        runner.logger.error(str(err))
        sys.exit(1)
    except (CheckpointReadError, FileNotFoundError) as err:
        # resume / load_from (engine doc), files the model or the data
        # loaders cannot find
        sys.exit(f'error: {err}')
    close_distributed()


if __name__ == '__main__':
    main()
