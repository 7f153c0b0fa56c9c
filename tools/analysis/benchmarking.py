"""Measuring helpers of ``tools/analysis/benchmark.py``.

- :func:`time_repeats`: warm-up calls, then timed repetitions (CUDA
  synchronised) with the peak memory of the timed part;
- :class:`PeakMemory`: ``torch.cuda.max_memory_allocated`` on CUDA, the
  process's peak resident set size on CPU (reset per measurement through
  ``/proc/self/clear_refs`` where Linux allows it, else ``ru_maxrss``, a
  process-lifetime maximum);
- :class:`CallCounter`: network evaluations of a module (a forward pre-hook;
  a call on a batch of B samples counts B evaluations, so CFG's doubled batch
  counts twice);
- :func:`count_flops`: ``torch.utils.flop_counter.FlopCounterMode`` totals,
  per top-level component of a model;
- :class:`RandomInitAutoencoderKL`: Stable Diffusion 2.1's VAE architecture,
  randomly initialised, for timing latent configs without the weights;
- :func:`load_pipeline_items`: a real input batch (a generated SynthFashion
  set read by the config's own dataset and pipeline).

The report (environment, ratios, the printed table) is in
benchmark_report.py.
"""
from __future__ import annotations

import copy
import os
import random
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from mmrepose.models.autoencoders.latent_autoencoder_kl import \
    LatentAutoencoderKL
from mmrepose.models.stable_diffusion import SD21_VAE_CONFIG

MB = 2**20


class RandomInitAutoencoderKL(LatentAutoencoderKL):
    """:class:`LatentAutoencoderKL` with a randomly initialised SD 2.1 VAE
    (no weights needed). Same cost as the real one; useless for images."""

    def __init__(self, sample_posterior: bool = True,
                 guidance_decoder: dict | None = None, **unused: Any):
        nn.Module.__init__(self)  # skip the parent's loading from a folder
        from diffusers import AutoencoderKL
        if guidance_decoder is not None:  # its architecture, random weights
            guidance_decoder = {**guidance_decoder, 'checkpoint': None}
        self._wrap(AutoencoderKL(**SD21_VAE_CONFIG), sample_posterior,
                   guidance_decoder)


# -- the input batch ----------------------------------------------------------
#: (H, W) generated when the pipeline has no ``ResizePair``
DEFAULT_SIZE = (256, 176)


#: text + pose datasets in their own formats (RePoseSD): the generated set
#: is read as captioned pairs, without the steps that read pose files
TEXT_POSE_DATASETS = ('LaionHumanDataset', 'HumanArtDataset')
POSE_FILE_STEPS = ('LoadPeoplePose', )


def resize_size(pipeline: list | None) -> tuple[int, int] | None:
    """(H, W) of a pipeline's ``ResizePair`` (whose scale is (W, H)) or
    ``ResizeShortSideCrop`` (a square)."""
    for step in pipeline or []:
        if step.get('type') == 'ResizePair' and step.get('scale'):
            w, h = step['scale']
            return int(h), int(w)
        if step.get('type') == 'ResizeShortSideCrop':
            return int(step['size']), int(step['size'])
    return None


def load_pipeline_items(dataset_cfg: dict, num: int, data_root: str | None,
                        tmp: str, log: Callable[[str], None] = print
                        ) -> tuple[list, str]:
    """``num`` items (pipeline outputs, cycling) of a training dataset config
    and a description of the data.

    Without ``data_root``, a tiny SynthFashion set (2 identities x 3 poses,
    12 pairs, with captions) is generated under ``tmp`` at the pipeline's
    ``ResizePair`` (or ``ResizeShortSideCrop``) size and read as a
    DeepFashion csv dataset (SynthFashion's layout), so DeepFashion and
    Market-1501 configs read it with their own pipelines; text + pose
    configs (Human-Art, LAION-Human) read it as a
    ``CaptionedPoseDataset``, their pipeline less its pose-file loader.
    """
    from mmrepose.datasets.synthesis import generate_synthfashion
    from mmrepose.registry import DATASETS
    ds_cfg = copy.deepcopy(dataset_cfg)
    inner = ds_cfg
    while 'dataset' in inner:  # dataset wrappers
        inner = inner['dataset']
    if data_root:
        inner['data_root'], source = data_root, data_root
    else:
        h, w = resize_size(inner.get('pipeline')) or DEFAULT_SIZE
        root = os.path.join(tmp, f'synthfashion_{h}x{w}')
        if not os.path.isdir(root):
            start = time.perf_counter()
            generate_synthfashion(root, size=(h, w), train_ids=2, test_ids=0,
                                  poses_per_id=3, seed=0, progress=False)
            log(f'generated SynthFashion {h}x{w} (2 identities) in '
                f'{time.perf_counter() - start:.1f} s')
        if inner.get('type') in TEXT_POSE_DATASETS:  # their own options
            pipeline = [step for step in inner.get('pipeline', [])
                        if step.get('type') not in POSE_FILE_STEPS]
            inner.clear()
            inner.update(type='CaptionedPoseDataset', pipeline=pipeline)
        elif inner.get('type') != 'CaptionedPoseDataset':
            inner['type'] = 'DeepFashionPoseDataset'
        inner.pop('img_dir', None)
        inner.update(data_root=root, ann_format='patn', split='train',
                     keypoint_frame=None)
        source = f'generated SynthFashion {h}x{w}'
    random.seed(0)  # the pipelines' random augmentations
    np.random.seed(0)
    torch.manual_seed(0)
    dataset = DATASETS.build(ds_cfg)
    return [dataset[i % len(dataset)] for i in range(num)], source


def build_collate_fn(dataloader_cfg: dict) -> Callable[[list], Any]:
    """The dataloader config's ``collate_fn`` (default ``pseudo_collate``)."""
    from mmengine.registry import FUNCTIONS
    spec = dict(dataloader_cfg.get('collate_fn') or dict(
        type='pseudo_collate'))
    fn = spec.pop('type')
    fn = FUNCTIONS.get(fn) if isinstance(fn, str) else fn
    return lambda items: fn(items, **spec)


def synchronize(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def _rss_kb(field: str) -> int | None:
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak RSS (VmHWM) to the current RSS (Linux >= 4.0)."""
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
        return _rss_kb('VmHWM') is not None
    except OSError:
        return False


#: what ``peak_mem_mb`` means, by ``mem_kind``
MEM_KINDS = {
    'cuda_max_allocated': 'torch.cuda.max_memory_allocated, reset per '
                          'measurement',
    'cpu_peak_rss': 'peak resident set size of the whole process (VmHWM), '
                    'reset per measurement',
    'cpu_ru_maxrss': 'peak resident set size of the whole process over its '
                     'lifetime (ru_maxrss; cannot be reset here): an upper '
                     'bound for the later measurements',
}


class PeakMemory:
    """Context manager: ``result()`` gives ``peak_mem_mb``, ``mem_before_mb``
    (at entry) and ``mem_kind`` (a key of :data:`MEM_KINDS`)."""

    def __init__(self, device: torch.device):
        self.device = device

    def __enter__(self) -> 'PeakMemory':
        if self.device.type == 'cuda':
            torch.cuda.reset_peak_memory_stats(self.device)
            self.kind = 'cuda_max_allocated'
            self.before = torch.cuda.memory_allocated(self.device) / MB
        else:
            self.kind = 'cpu_peak_rss' if _reset_peak_rss() \
                else 'cpu_ru_maxrss'
            rss = _rss_kb('VmRSS')
            self.before = None if rss is None else rss / 1024
        return self

    def __exit__(self, *exc) -> None:
        if self.kind == 'cuda_max_allocated':
            self.peak = torch.cuda.max_memory_allocated(self.device) / MB
        elif self.kind == 'cpu_peak_rss':
            self.peak = _rss_kb('VmHWM') / 1024
        else:  # kilobytes on Linux
            self.peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def result(self) -> dict:
        return dict(peak_mem_mb=round(self.peak, 1),
                    mem_before_mb=None if self.before is None
                    else round(self.before, 1), mem_kind=self.kind)


def time_repeats(fn: Callable[[], Any], warmup: int, repeat: int,
                 device: torch.device,
                 warmup_fn: Callable[[], Any] | None = None) -> dict:
    """Run ``warmup_fn`` (default ``fn``) ``warmup`` times, then time
    ``repeat`` calls of ``fn``.

    Returns the timed seconds (``times``, ``median``, ``min``, ``max``), the
    warm-up seconds and the peak memory of the timed calls."""
    warm = []
    for _ in range(warmup):
        synchronize(device)
        start = time.perf_counter()
        (warmup_fn or fn)()
        synchronize(device)
        warm.append(time.perf_counter() - start)
    times = []
    with PeakMemory(device) as mem:
        for _ in range(repeat):
            synchronize(device)
            start = time.perf_counter()
            fn()
            synchronize(device)
            times.append(time.perf_counter() - start)
    return dict(median=statistics.median(times), min=min(times),
                max=max(times), times=times, warmup_times=warm,
                **mem.result())


class CallCounter:
    """Count calls of ``module`` and the samples they evaluate (the batch
    size of the first positional argument, or of ``sample_kwarg``)."""

    def __init__(self, module: nn.Module, sample_kwarg: str = 'x_t'):
        self.sample_kwarg = sample_kwarg
        self.calls = self.evaluations = 0
        self.handle = module.register_forward_pre_hook(self._hook,
                                                       with_kwargs=True)

    def _hook(self, module: nn.Module, args: tuple, kwargs: dict) -> None:
        x = args[0] if args else kwargs[self.sample_kwarg]
        self.calls += 1
        self.evaluations += int(x.shape[0])

    def reset(self) -> None:
        self.calls = self.evaluations = 0

    def remove(self) -> None:
        self.handle.remove()


def _component_counter(root: str):
    """A ``FlopCounterMode`` that also gives each op's FLOPs to exactly one
    direct child of the model (``by_component``): the child of the innermost
    running module (the deepest of the module tracker's parents), so that
    work one component runs inside another (RPA's VAE encodes) counts once,
    under the module that does it, and the components sum to the total."""
    from torch.utils.flop_counter import FlopCounterMode

    class ComponentFlopCounter(FlopCounterMode):

        def __init__(self):
            super().__init__(display=False)
            self.by_component: dict[str, int] = {}

        def _count_flops(self, func_packet, out, args, kwargs):
            if func_packet in self.flop_registry:
                flops = self.flop_registry[func_packet](*args, **kwargs,
                                                        out_val=out)
                inside = [p for p in self.mod_tracker.parents
                          if p.startswith(root + '.')]
                name = max(inside, key=lambda p: p.count('.')).split('.')[1] \
                    if inside else 'other'
                self.by_component[name] = \
                    self.by_component.get(name, 0) + flops
            return super()._count_flops(func_packet, out, args, kwargs)

    return ComponentFlopCounter()


def count_flops(fn: Callable[[], Any], model: nn.Module) -> dict:
    """FLOPs of ``fn()`` (``total``) and per direct child of ``model``
    (``by_component``, by attribute name, summing to ``total``; ``other``:
    outside them).

    Attention runs on PyTorch's math backend while counting: its matrix
    products are counted on every device (the CPU kernel of
    ``scaled_dot_product_attention`` is not in ``FlopCounterMode``'s table,
    so it would count 0), with the same count the flash kernels' formula
    gives. Modules are named by their path in ``model``, so work reached
    without the child's ``forward`` (``autoencoder.encode``) is still the
    child's.
    """
    from torch.nn.attention import SDPBackend, sdpa_kernel
    root = type(model).__name__
    mode = _component_counter(root)
    try:  # name every module by its path (torch's ModuleTracker internals)
        mode.mod_tracker._get_mod_name(model)
    except AttributeError:
        pass
    with sdpa_kernel(SDPBackend.MATH), mode:
        fn()
    parts = {k: v for k, v in mode.by_component.items() if v}
    return dict(total=mode.get_total_flops(), by_component=parts)


def num_params(model: nn.Module) -> dict:
    """Parameters in total, trainable, and per direct child."""
    return dict(
        total=sum(p.numel() for p in model.parameters()),
        trainable=sum(p.numel() for p in model.parameters()
                      if p.requires_grad),
        by_component={name: sum(p.numel() for p in child.parameters())
                      for name, child in model.named_children()})


def model_flops_utilization(result: dict, peak_tflops: float) -> dict:
    """MFU of a config's measurements: achieved FLOP/s (the counted FLOPs
    per training sample / per image times samples/s / images/s) over the
    device's peak ``peak_tflops`` x 1e12; ``train`` and ``sample`` (one per
    sampling row), where both the speed and the FLOPs were measured."""
    flops, peak = result.get('flops'), peak_tflops * 1e12
    if not flops:
        return {}
    mfu: dict[str, Any] = {}
    if 'train' in result:
        mfu['train'] = result['train']['samples_per_s'] * \
            flops['per_train_sample'] / peak
    if 'sample' in result:
        mfu['sample'] = [row['images_per_s'] * per_image['total'] / peak
                         for row, per_image in zip(result['sample'],
                                                   flops['per_image'])]
    return mfu


def sampling_call(model, batch: dict, num: int | None = None
                  ) -> Callable[..., torch.Tensor]:
    """``fn(**overrides)``: ``model.sample`` on the first ``num`` items of
    a preprocessed batch (all by default), guided towards their target
    keypoints where the model has PIF. RePoseDM samples from the inputs,
    RePoseSD from the pose image and the prompts."""
    inputs, samples = batch['inputs'], batch['data_samples']
    num = num or len(samples)
    keypoints = model.pif_targets(samples[:num],
                                  next(iter(inputs.values())).device)
    inputs = {k: v[:num] for k, v in inputs.items()}
    if hasattr(model, 'prompts'):  # text + pose
        prompts = model.prompts(samples[:num])
        return lambda **kw: model.sample(inputs['target_pose'], prompts,
                                         target_keypoints=keypoints, **kw)
    return lambda **kw: model.sample(inputs, target_keypoints=keypoints,
                                     **kw)


def sample_kwargs(s: dict) -> dict:
    """``model.sample`` overrides of a sampling setting."""
    kw = dict(sampler=s['sampler'], num_steps=s['num_steps'],
              cfg_scale=s['cfg_scale'], seed=0, progress=False)
    if s['guidance_scale'] is not None:
        kw['guidance_scale'] = s['guidance_scale']
    return kw
