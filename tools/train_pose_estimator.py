"""Train an mmpose pose estimator and write its release checkpoint.

    python tools/train_pose_estimator.py CONFIG [--work-dir DIR] [--out PTH]
        [--resume [CKPT]] [--cfg-options k=v ...] [--launcher none|pytorch]

CONFIG is an mmpose 1.x config (``default_scope = 'mmpose'``), e.g.
``configs/pose_estimators/ae_hrnet_w16_synthfashion_128.py`` (bottom-up)
or ``simplebaseline_res18_synthfashion_128.py`` (top-down, the person box
being the whole image). Training is mmpose's own: its dataset
(``CocoDataset`` on SynthFashion's COCO keypoint json, in the config's
``data_mode``), its transforms and codec, its model's
``loss()``, run by mmengine's ``Runner`` (training checkpoints in the work
dir, written atomically; ``--resume`` continues from
``{work_dir}/last_checkpoint``). mmrepose adds what mmpose 1.3.2 lacks to
train on this stack: the ``mmcv.ops`` placeholders (mmcv-lite) and a few
transforms
(:mod:`mmrepose.models.pose_estimators.transforms`).

When training ends, the final weights are written atomically to ``--out``
(default ``checkpoints/pose_estimators/CONFIG_NAME.pth``) with a small
``meta`` (config name, iteration, image size, versions): the file
:class:`mmrepose.models.pose_estimators.MMPoseEstimator` loads. Evaluate it
with ``tools/analysis/eval_pose_estimator.py``. See docs/pose_estimator.md.
"""
from __future__ import annotations

import argparse
import io
import os
import os.path as osp
import sys
import time

import torch
from mmengine.config import Config
from mmengine.dist import is_main_process
from mmengine.model import is_model_wrapper
from mmengine.registry import DefaultScope


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    from mmrepose.engine import add_runner_arguments
    parser = argparse.ArgumentParser(
        description='Train an mmpose pose estimator.')
    parser.add_argument('config', help='mmpose training config')
    parser.add_argument('--work-dir', help='logs and training checkpoints '
                        '(default: work_dirs/CONFIG_NAME)')
    parser.add_argument('--out', help='release checkpoint to write (default: '
                        'checkpoints/pose_estimators/CONFIG_NAME.pth)')
    parser.add_argument('--resume', nargs='?', const='auto', metavar='CKPT',
                        help='resume from CKPT, or without CKPT from the '
                        "work dir's last_checkpoint")
    add_runner_arguments(parser)
    return parser.parse_args(argv)


def setup_mmpose() -> None:
    """Register mmrepose's engine parts and transforms and mmpose's modules
    (without changing the default scope); exits if mmpose is missing."""
    import mmrepose.models.pose_estimators  # noqa: F401  its transforms
    from mmrepose.engine import route_mmengine_loads  # + atomic_local
    from mmrepose.utils import install_mmcv_ops_placeholders
    install_mmcv_ops_placeholders()
    try:
        from mmpose.utils import register_all_modules
    except ImportError as err:
        sys.exit(f'error: mmpose cannot be imported ({err}); install the '
                 'mmpose stack with `make install`')
    register_all_modules(init_default_scope=False)
    route_mmengine_loads()  # resume: weights_only, allow-listed


def build_config(args: argparse.Namespace) -> Config:
    from mmrepose.engine import load_config
    cfg = load_config(args)
    if cfg.get('default_scope') != 'mmpose':
        sys.exit(f"error: {args.config} is not an mmpose config "
                 "(default_scope = 'mmpose')")
    root = cfg.train_dataloader.dataset.get('data_root', '')
    ann = osp.join(root, cfg.train_dataloader.dataset.ann_file)
    if not osp.isfile(ann):
        sys.exit(f'error: training annotations not found: {ann} (generate '
                 'SynthFashion with tools/dataset_converters/'
                 'make_synthfashion.py, or set train_dataloader.dataset.'
                 'data_root)')
    if args.resume == 'auto':
        pointer = osp.join(cfg.work_dir, 'last_checkpoint')
        if osp.isfile(pointer):
            with open(pointer) as f:
                cfg.resume, cfg.load_from = True, f.read().strip()
    elif args.resume is not None:
        if not osp.isfile(args.resume):
            sys.exit(f'error: checkpoint file not found: {args.resume}')
        cfg.resume, cfg.load_from = True, args.resume
    return cfg


def release_checkpoint(model: torch.nn.Module, cfg: Config, config_path: str,
                       iteration: int, seconds: float) -> dict:
    """Weights plus plain-typed meta (loads with ``weights_only=True``
    without any allow-list)."""
    import mmpose
    if is_model_wrapper(model):
        model = model.module
    state = {k: v.detach().cpu().clone() for k, v in
             model.state_dict().items()}
    head = cfg.model.head
    # AE heads name the keypoint count num_keypoints, HeatmapHead out_channels
    num_keypoints = head.get('num_keypoints', head.get('out_channels'))
    meta = dict(config=osp.basename(config_path), iter=int(iteration),
                image_size=list(cfg.get('image_size') or []),
                train_seconds=round(float(seconds), 1),
                mmpose=mmpose.__version__, torch=str(torch.__version__),
                keypoint_layout='coco17' if num_keypoints == 17 else None)
    return {'state_dict': state, 'meta': meta}


def main(argv: list[str] | None = None) -> str | None:
    args = parse_args(argv)
    setup_mmpose()
    from mmrepose.engine import build_runner, close_distributed
    from mmrepose.engine.atomic_local_backend import write_atomically
    cfg = build_config(args)
    out = args.out or osp.join('checkpoints', 'pose_estimators',
                               osp.splitext(osp.basename(args.config))[0]
                               + '.pth')
    start = time.perf_counter()
    with DefaultScope.overwrite_default_scope('mmpose'):
        runner = build_runner(cfg)
        model = runner.train()
        seconds = time.perf_counter() - start
        iteration = runner.iter
    if is_main_process():
        buffer = io.BytesIO()
        torch.save(release_checkpoint(model, cfg, args.config, iteration,
                                      seconds), buffer)
        write_atomically(buffer.getvalue(), out)
        size = os.path.getsize(out) / 2**20
        print(f'wrote {out} ({size:.2f} MiB, iteration {iteration}, '
              f'{seconds / 60:.1f} min)', flush=True)
    close_distributed()
    return out


if __name__ == '__main__':
    main()
