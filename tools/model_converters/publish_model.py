"""Make a release checkpoint: model weights only (EMA when trained with it).

    python tools/model_converters/publish_model.py IN.pth OUT.pth [--fp16]

A training checkpoint holds the optimizer, schedulers, message hub and both
weight sets (mmengine's EMAHook keeps the EMA weights under ``state_dict``
and the raw ones under ``ema_state_dict``). The release keeps
``state_dict`` and a small ``meta`` (source iteration, torch version), and
writes it atomically. ``--fp16`` halves the size (weights are cast back to
float32 when loaded).
"""
from __future__ import annotations

import argparse
import os
import sys

import torch

from mmrepose.engine.checkpoint_loading import (CheckpointReadError,
                                                checkpoint_state_dict,
                                                read_checkpoint)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('src', help='training checkpoint')
    p.add_argument('dst', help='release checkpoint to write')
    p.add_argument('--fp16', action='store_true', help='store float16')
    args = p.parse_args()
    try:
        ckpt = read_checkpoint(args.src)
        state = checkpoint_state_dict(ckpt, args.src)
    except (FileNotFoundError, CheckpointReadError) as err:
        sys.exit(f'error: {err}')
    if args.fp16:
        state = {k: v.half() if v.is_floating_point() else v
                 for k, v in state.items()}
    meta = {'iter': ckpt.get('meta', {}).get('iter'),
            'ema': 'ema_state_dict' in ckpt, 'torch': str(torch.__version__)}
    tmp = args.dst + '.tmp'
    torch.save({'state_dict': state, 'meta': meta}, tmp)
    os.replace(tmp, args.dst)
    size = os.path.getsize(args.dst) / 2**20
    print(f'wrote {args.dst} ({size:.1f} MiB, iteration {meta["iter"]}, '
          f'EMA weights: {meta["ema"]})')


if __name__ == '__main__':
    main()
