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
  set read by the config's own dataset and pipeline);
- :func:`environment`: device, library versions and git commit;
- :func:`ratios`, :func:`format_report`: comparison and the printed table.
"""
from __future__ import annotations

import copy
import os
import platform
import random
import resource
import statistics
import subprocess
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from mmrepose.models.autoencoders.latent_autoencoder_kl import \
    LatentAutoencoderKL

MB = 2**20

#: ``AutoencoderKL`` config of ``stable-diffusion-2-1-base/vae``.
SD21_VAE_CONFIG = dict(
    in_channels=3, out_channels=3, latent_channels=4,
    down_block_types=('DownEncoderBlock2D', ) * 4,
    up_block_types=('UpDecoderBlock2D', ) * 4,
    block_out_channels=(128, 256, 512, 512), layers_per_block=2,
    act_fn='silu', norm_num_groups=32, sample_size=768,
    scaling_factor=0.18215)


class RandomInitAutoencoderKL(LatentAutoencoderKL):
    """:class:`LatentAutoencoderKL` with a randomly initialised SD 2.1 VAE
    (no weights needed). Same cost as the real one; useless for images."""

    def __init__(self, sample_posterior: bool = True, **unused: Any):
        nn.Module.__init__(self)  # skip the parent's loading from a folder
        from diffusers import AutoencoderKL
        self._wrap(AutoencoderKL(**SD21_VAE_CONFIG), sample_posterior)


# -- the input batch ----------------------------------------------------------
#: (H, W) generated when the pipeline has no ``ResizePair``
DEFAULT_SIZE = (256, 176)


def resize_size(pipeline: list | None) -> tuple[int, int] | None:
    """(H, W) of a pipeline's ``ResizePair`` (whose scale is (W, H))."""
    for step in pipeline or []:
        if step.get('type') == 'ResizePair' and step.get('scale'):
            w, h = step['scale']
            return int(h), int(w)
    return None


def load_pipeline_items(dataset_cfg: dict, num: int, data_root: str | None,
                        tmp: str, log: Callable[[str], None] = print
                        ) -> tuple[list, str]:
    """``num`` items (pipeline outputs, cycling) of a training dataset config
    and a description of the data.

    Without ``data_root``, a tiny SynthFashion set (2 identities x 3 poses,
    12 pairs) is generated under ``tmp`` at the pipeline's ``ResizePair``
    size and read as a DeepFashion csv dataset (SynthFashion's layout), so
    DeepFashion and Market-1501 configs read it with their own pipelines.
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
        inner.pop('img_dir', None)
        inner.update(type='DeepFashionPoseDataset', data_root=root,
                     ann_format='patn', split='train', keypoint_frame=None)
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


def count_flops(fn: Callable[[], Any], model: nn.Module) -> dict:
    """FLOPs of ``fn()`` (``total``) and per direct child of ``model``
    (``by_component``, by attribute name; ``other``: outside them).

    Modules are named by their path in ``model``, so that work reached
    without the child's ``forward`` (e.g. ``autoencoder.encode``) is still
    attributed to the child: its outermost modules that ran are summed.
    """
    from torch.utils.flop_counter import FlopCounterMode
    mode = FlopCounterMode(display=False)
    root = type(model).__name__
    try:  # name every module by its path (torch's ModuleTracker internals)
        mode.mod_tracker._get_mod_name(model)
    except AttributeError:
        pass
    with mode:
        fn()
    total = mode.get_total_flops()
    counts = {k: sum(v.values()) for k, v in mode.get_flop_counts().items()}
    parts: dict[str, int] = {}
    for key, flops in counts.items():
        path = key.split('.')
        if path[0] != root or len(path) < 2 or not flops or any(
                '.'.join(path[:i]) in counts for i in range(2, len(path))):
            continue  # not in the model, or inside a counted module
        parts[path[1]] = parts.get(path[1], 0) + flops
    if parts and total > sum(parts.values()):
        parts['other'] = total - sum(parts.values())
    return dict(total=total, by_component=parts)


def num_params(model: nn.Module) -> dict:
    """Parameters in total, trainable, and per direct child."""
    return dict(
        total=sum(p.numel() for p in model.parameters()),
        trainable=sum(p.numel() for p in model.parameters()
                      if p.requires_grad),
        by_component={name: sum(p.numel() for p in child.parameters())
                      for name, child in model.named_children()})


def _cpu_name() -> str:
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git(*args: str) -> str | None:
    root = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    try:
        out = subprocess.run(['git', '-C', root, *args], capture_output=True,
                             text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def environment(device: torch.device) -> dict:
    """Device name, thread count, versions and git commit (None outside a
    git checkout)."""
    import diffusers
    import mmengine

    import mmrepose
    if device.type == 'cuda':
        name = torch.cuda.get_device_name(device)
    else:
        name = f'CPU, {os.cpu_count()} cores, {_cpu_name()}'
    commit = _git('rev-parse', 'HEAD')
    status = _git('status', '--porcelain', '--untracked-files=no') \
        if commit else None
    return dict(device=str(device), device_name=name,
                torch_threads=torch.get_num_threads(),
                torch=torch.__version__, cuda=torch.version.cuda,
                diffusers=diffusers.__version__,
                mmengine=mmengine.__version__,
                mmrepose=mmrepose.__version__,
                python=platform.python_version(), git_commit=commit,
                git_dirty=None if status is None else bool(status))


def ratios(a: dict, b: dict) -> dict:
    """``b / a`` for the comparable numbers of two configs' results."""
    def r(x, y):
        return None if not x or y is None else y / x

    out = dict(params=r(a['params']['total'], b['params']['total']))
    if 'train' in a and 'train' in b:
        ta, tb = a['train'], b['train']
        out['train'] = dict(
            s_per_iter=r(ta['s_per_iter']['median'], tb['s_per_iter']['median']),
            samples_per_s=r(ta['samples_per_s'], tb['samples_per_s']),
            peak_mem_mb=r(ta['s_per_iter']['peak_mem_mb'],
                          tb['s_per_iter']['peak_mem_mb']))
    if 'sample' in a and 'sample' in b:
        out['sample'] = [dict(
            sampler=sa['sampler'], num_steps=sa['num_steps'],
            cfg_scale=sa['cfg_scale'], guidance_scale=sa['guidance_scale'],
            s_per_image=r(sa['s_per_image']['median'],
                          sb['s_per_image']['median']),
            images_per_s=r(sa['images_per_s'], sb['images_per_s']),
            nfe=r(sa['nfe'], sb['nfe']),
            peak_mem_mb=r(sa['s_per_image']['peak_mem_mb'],
                          sb['s_per_image']['peak_mem_mb']))
            for sa, sb in zip(a['sample'], b['sample'])]
    if 'flops' in a and 'flops' in b:
        fa, fb = a['flops'], b['flops']
        out['flops'] = dict(
            per_unet_call=r(fa['per_unet_call'], fb['per_unet_call']),
            per_train_sample=r(fa['per_train_sample'], fb['per_train_sample']),
            per_image=[r(x['total'], y['total'])
                       for x, y in zip(fa['per_image'], fb['per_image'])])
    return out


# -- the table ------------------------------------------------------------
def fmt(v: float | None, unit: str = '') -> str:
    """``1.2e9, 'FLOP'`` -> ``'1.2 GFLOP'``; None -> ``'-'``."""
    if v is None:
        return '-'
    for scale, prefix in ((1e12, 'T'), (1e9, 'G'), (1e6, 'M')):
        if unit and abs(v) >= scale:
            return f'{v / scale:.3g} {prefix}{unit}'
    return f'{v:.4g}{" " + unit if unit else ""}'


def mem(t: dict) -> str:
    """Peak memory, and its rise over the start of the measurement."""
    text = f"{t['peak_mem_mb']:.0f} MB"
    if t['mem_before_mb'] is not None and t['mem_kind'] != 'cpu_ru_maxrss':
        text += f" (+{t['peak_mem_mb'] - t['mem_before_mb']:.0f})"
    return text


def format_report(report: dict) -> str:
    """The human-readable table of a benchmark report."""
    lines = []
    out = lines.append
    env = report['env']
    out('mmrepose benchmark - RANDOM weights (speed does not depend on them)')
    out(f"device: {env['device_name']} ({env['torch_threads']} torch "
          f"threads) | torch {env['torch']} | diffusers {env['diffusers']} | "
          f"mmengine {env['mmengine']} | commit {env['git_commit']}")
    mem_kinds = set()
    for res in report['results']:
        comps = ', '.join(f'{k} {v / 1e6:.3g} M' for k, v in
                          res['params']['by_component'].items() if v)
        out(f"\n{res['config']}  params "
              f"{res['params']['total'] / 1e6:.3g} M "
              f"({comps}); data: {res['data']}")
        if 'train' in res:
            t = res['train']
            s = t['s_per_iter']
            mem_kinds.add(s['mem_kind'])
            out(f"  train  batch {t['batch']}: {s['median']:.4g} s/iter "
                  f"(min {s['min']:.4g}, max {s['max']:.4g}), "
                  f"{t['samples_per_s']:.4g} samples/s, peak mem "
                  f"{mem(s)}  [{t['optim_wrapper']}"
                  f"{', bf16' if t['amp_bf16'] else ''}]")
        if 'sample' in res:
            out(f"  {'sampler':<12}{'steps':>6}{'cfg':>6}{'guid':>6}"
                  f"{'NFE':>7}{'s/image':>10}{'images/s':>10}"
                  f"  peak mem")
            for s in res['sample']:
                mem_kinds.add(s['s_per_image']['mem_kind'])
                out(f"  {s['sampler']:<12}{s['num_steps']:>6}"
                      f"{s['cfg_scale']:>6g}{fmt(s['guidance_scale']):>6}"
                      f"{s['nfe']:>7g}{s['s_per_image']['median']:>10.4g}"
                      f"{s['images_per_s']:>10.4g}  {mem(s['s_per_image'])}")
        if 'flops' in res:
            f = res['flops']
            per_image = ', '.join(fmt(x['total'], 'FLOP')
                                  for x in f['per_image'])
            out(f"  FLOPs: {fmt(f['per_unet_call'], 'FLOP')} per U-Net "
                  f"call, {fmt(f['per_train_sample'], 'FLOP')} per training "
                  f"sample (fwd+bwd), per image: {per_image or '-'}")
    if 'ratios' in report:
        r = report['ratios']
        out(f"\nratios (config2 / config1): params {fmt(r['params'])}")
        if 'train' in r:
            out('  train  ' + ', '.join(f'{k} {fmt(v)}'
                                          for k, v in r['train'].items()))
        for s in r.get('sample', []):
            out(f"  {s['sampler']} {s['num_steps']} cfg {s['cfg_scale']:g}"
                  f" guid {fmt(s['guidance_scale'])}: " + ', '.join(
                      f'{k} {fmt(s[k])}' for k in ('s_per_image',
                                                   'images_per_s', 'nfe',
                                                   'peak_mem_mb')))
        if 'flops' in r:
            f = r['flops']
            out(f"  FLOPs per U-Net call {fmt(f['per_unet_call'])}, per "
                  f"training sample {fmt(f['per_train_sample'])}, per image "
                  f"{', '.join(fmt(v) for v in f['per_image'])}")
    for kind in sorted(mem_kinds):
        out(f'peak mem: {MEM_KINDS[kind]}; (+N): rise over its value at '
              'the start of the measurement')
    return '\n'.join(lines)
