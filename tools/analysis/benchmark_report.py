"""The benchmark's report (``tools/analysis/benchmark.py``).

- :func:`environment`: device, library versions and git commit;
- :func:`ratios`: one config's numbers over another's;
- :func:`format_report`: the printed table.
"""
from __future__ import annotations

import os
import platform
import subprocess

import torch

from benchmarking import MEM_KINDS


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
            per_image = ', '.join(
                fmt(x['total'], 'FLOP') + ('' if len(x['counted_steps']) == 1
                                           else ' (from {}+{} steps)'.format(
                                               *x['counted_steps']))
                for x in f['per_image'])
            expected = '' if 'train_pif_fraction' not in f else \
                f", expected with PIF on {f['train_pif_fraction']:.0%}"
            out(f"  FLOPs: {fmt(f['per_unet_call'], 'FLOP')} per U-Net "
                  f"call, {fmt(f['per_train_sample'], 'FLOP')} per training "
                  f"sample (fwd+bwd{expected}), per image: "
                  f"{per_image or '-'}")
        if res.get('mfu'):
            m = res['mfu']
            parts = ([f"train {m['train']:.1%}"] if 'train' in m else []) + \
                [f"{s['sampler']}-{s['num_steps']} {v:.1%}"
                 for s, v in zip(res.get('sample', []), m.get('sample', []))]
            out(f"  MFU (peak {report['settings']['peak_tflops']:g} "
                f"TFLOP/s): " + ', '.join(parts))
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
