"""Distributed set-up the tools need beyond mmengine's: CPU-only machines.

mmengine's ``init_dist('pytorch')`` calls ``torch.cuda.set_device`` before
``init_process_group``, and its default DDP wrapper passes
``device_ids=[LOCAL_RANK]``; both fail without a GPU. On a machine without
CUDA, :func:`prepare_cpu_distributed` starts the process group itself (the
runner then skips ``init_dist``) and builds DDP with ``device_ids=None``. With
a GPU it does nothing and mmengine's own path runs unchanged.
:func:`close_distributed` ends a run cleanly, whoever started the group.
"""
from __future__ import annotations

import logging
import os
import sys

import torch
import torch.distributed as torch_dist
from mmengine.config import Config


def prepare_cpu_distributed(cfg: Config) -> None:
    """Start the torchrun process group on a CPU-only machine.

    Call with ``cfg.launcher == 'pytorch'`` before building the runner. The
    backend is ``cfg.env_cfg.dist_cfg.backend``; it must be ``'gloo'``
    without a GPU.
    """
    if torch.cuda.is_available() or torch_dist.is_initialized():
        return
    dist_cfg = dict(cfg.get('env_cfg', {}).get('dist_cfg', {}))
    backend = dist_cfg.pop('backend', 'nccl')
    if backend != 'gloo':
        raise RuntimeError(
            f"no GPU, so the '{backend}' backend cannot run; set "
            "env_cfg.dist_cfg.backend='gloo'")
    torch_dist.init_process_group(backend=backend, **dist_cfg)
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel')
    cfg.model_wrapper_cfg = dict(wrapper, device_ids=None)


def close_distributed() -> None:
    """End a successful distributed run: wait for every rank, shut the
    process group down, flush logs, and leave the process at once.

    Left to interpreter teardown, gloo's threads abort a process that has
    finished its work often enough to matter ("terminate called without an
    active exception", SIGABRT), even after ``destroy_process_group``, and
    torchrun then reports the whole run as failed. So a worker exits with
    ``os._exit(0)`` once its logs are flushed. Outside a distributed run this
    does nothing.
    """
    if not torch_dist.is_initialized():
        return
    torch_dist.barrier()
    torch_dist.destroy_process_group()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
