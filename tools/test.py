"""Test a checkpoint: generate every test pair, save the images, evaluate.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out-dir DIR]
        [--cfg-options k=v ...] [--launcher none|pytorch|slurm]
        [--check [--gpus N]]

Runs the config's test loop with the checkpoint's weights (the EMA weights
when it was trained with ``EMAHook``), read with ``weights_only=True`` and
loaded strictly: a checkpoint of another model, or one that cannot be read,
is a one-line error naming both files. ``GeneratedImageSaverHook`` writes each
generated image to ``{out-dir}/{pair_name}.png`` (default
``{work_dir}/generated``), then the config's ``test_evaluator`` scores them
and the results JSON (``mmrepose.evaluation.write_results_json``) is written
to ``{out-dir}/metrics_{protocol}.json``, the protocol being the metric keys'
prefix (``pidm/fid`` -> ``pidm``). Multi-GPU:
``tools/dist_test.sh CONFIG CHECKPOINT GPUS``. ``--check`` verifies data,
weights, checkpoint, devices and output folders without building the model.
"""
from __future__ import annotations

import argparse
import os.path as osp
import sys

from mmengine.config import Config
from mmengine.dist import is_main_process
from mmengine.model import is_model_wrapper

from mmrepose.apis import CheckpointMismatchError, load_weights
from mmrepose.engine import (GeneratedImageSaverHook, add_runner_arguments,
                             build_runner, close_distributed, load_config,
                             preflight, report_and_exit)
from mmrepose.evaluation import default_results_path, write_results_json
from mmrepose.utils import register_all_modules


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a checkpoint.')
    parser.add_argument('config', help='test config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='folder of the logs '
                        '(default: work_dirs/CONFIG_NAME)')
    parser.add_argument('--out-dir', help='folder of the generated images '
                        'and the results JSON (default: WORK_DIR/generated)')
    add_runner_arguments(parser)
    return parser.parse_args()


def build_config(args: argparse.Namespace) -> Config:
    if not osp.isfile(args.checkpoint):
        sys.exit(f'error: checkpoint file not found: {args.checkpoint}')
    cfg = load_config(args)
    cfg.load_from = None  # loaded strictly by main()
    cfg.resume = False
    out_dir = args.out_dir or osp.join(cfg.work_dir, 'generated')
    cfg.custom_hooks = [*cfg.get('custom_hooks', []),
                        dict(type='GeneratedImageSaverHook', out_dir=out_dir)]
    return cfg


def metrics_protocol(metrics: dict) -> str:
    """The protocol the metric keys name (``pidm/fid`` -> ``pidm``); several
    are joined with ``+``."""
    return '+'.join(sorted({key.split('/')[0] for key in metrics}))


def main() -> None:
    args = parse_args()
    register_all_modules()
    cfg = build_config(args)
    if args.check:
        saver = cfg.custom_hooks[-1]
        report_and_exit(preflight(cfg, 'test', args.checkpoint, args.gpus,
                                  saver['out_dir']),
                        f'preflight of testing {args.checkpoint} with '
                        f'{args.config}')
    try:  # files the model or the data loader cannot find: one line
        runner = build_runner(cfg)
        model = runner.model.module if is_model_wrapper(runner.model) \
            else runner.model
        load_weights(model, args.checkpoint, args.config)
        metrics = runner.test()
    except (CheckpointMismatchError, FileNotFoundError) as err:
        sys.exit(f'error: {err}')
    saver = next(hook for hook in runner.hooks
                 if isinstance(hook, GeneratedImageSaverHook))
    if is_main_process():  # the results JSON, as tools/evaluate_folder.py
        protocol = metrics_protocol(metrics)
        path = write_results_json(
            default_results_path(saver.out_dir, protocol), metrics, protocol,
            saver.image_size, saver.num_saved, args.checkpoint, args.config)
        runner.logger.info(f'results written to {path}')
    close_distributed()


if __name__ == '__main__':
    main()
