"""Training and testing machinery around mmengine's Runner.

- ``hooks/``: sample grids during validation/testing, saving generated
  images, checkpointing the global random generators;
- ``loops/`` and ``samplers/``: a training loop and sampler that resume at
  any iteration without replaying the data loader;
- ``optim_wrappers/``: optimizer wrappers that stop or skip on a non-finite
  loss;
- ``atomic_local_backend``: the ``'atomic_local'`` file backend, crash-safe
  checkpoint writes;
- ``checkpoint_files``: which checkpoint to resume from (the newest
  readable one);
- ``checkpoint_loading``: every checkpoint read (mmengine's resume and
  ``load_from`` included) with ``torch.load(weights_only=True)`` and a
  narrow allow-list;
- ``distributed``: torchrun on CPU-only machines, clean shutdown;
- ``preflight``: the ``--check`` of the tools, everything a run needs;
- ``runner_setup``: config loading and runner building for the tools.
"""
from .atomic_local_backend import AtomicLocalBackend, write_atomically
from .checkpoint_files import (CheckpointUnreadableError,
                               is_readable_checkpoint, resume_checkpoint)
from .checkpoint_loading import (CheckpointReadError, allow_checkpoint_globals,
                                 checkpoint_state_dict, read_checkpoint,
                                 route_mmengine_loads)
from .distributed import close_distributed, prepare_cpu_distributed
from .hooks import (GeneratedImageSaverHook, PoseTransferVisualizationHook,
                    RandomStateHook)
from .loops import ResumableIterBasedTrainLoop
from .optim_wrappers import (NonFiniteCheckAmpOptimWrapper,
                             NonFiniteCheckOptimWrapper)
from .preflight import preflight, report_and_exit
from .runner_setup import add_runner_arguments, build_runner, load_config
from .samplers import ResumableSampler

__all__ = [
    'AtomicLocalBackend', 'write_atomically',
    'CheckpointReadError', 'allow_checkpoint_globals', 'read_checkpoint',
    'checkpoint_state_dict', 'route_mmengine_loads',
    'CheckpointUnreadableError',
    'is_readable_checkpoint', 'resume_checkpoint', 'prepare_cpu_distributed',
    'close_distributed', 'add_runner_arguments', 'build_runner',
    'load_config', 'preflight', 'report_and_exit',
    'GeneratedImageSaverHook', 'PoseTransferVisualizationHook',
    'RandomStateHook', 'ResumableIterBasedTrainLoop', 'ResumableSampler',
    'NonFiniteCheckOptimWrapper', 'NonFiniteCheckAmpOptimWrapper'
]
