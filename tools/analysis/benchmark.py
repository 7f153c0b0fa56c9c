"""Speed, memory and FLOPs of a config's model: training and sampling.

    python tools/analysis/benchmark.py CONFIG [--device cpu|cuda]
        [--batch N] [--sample-images N] [--amp bf16]
        [--sampler ddim:100,dpmsolver++:20] [--steps S] [--cfg 1,2]
        [--guidance S[,S...]] [--compare CONFIG2] [--warmup W] [--repeat R]
        [--train-iters N] [--skip-train] [--skip-sample] [--flops]
        [--flops-steps K]
        [--channels-last] [--compile] [--random-vae] [--random-sd]
        [--random-estimator] [--data-root DIR]
        [--threads T] [--json-out FILE] [--cfg-options k=v ...]

Training: ``model.train_step(batch, optim_wrapper)`` (forward, backward,
optimizer step) with the config's ``optim_wrapper``; ``--amp bf16`` uses
``AmpOptimWrapper(dtype='bfloat16')`` on CUDA as ``tools/train.py --amp``
does, and ``torch.autocast('cpu', torch.bfloat16)`` around the step on CPU
(mmengine's AmpOptimWrapper needs a GPU). Sampling: ``model.sample`` for each
sampler x steps x CFG (x PIF guidance) setting; NFE is counted (samples
through ``model.unet`` per image, CFG's doubled batch counting twice).
Each measurement: W warm-up runs, R timed runs, median (min/max in the JSON);
CUDA is synchronised around the timers. Peak memory: CUDA max allocated, or
the process's peak RSS on CPU. ``--flops`` counts FLOPs with
``torch.utils.flop_counter`` (device-independent).

The input batch is real: a tiny SynthFashion set (DeepFashion's layout) is
generated in a temporary folder at the pipeline's ``ResizePair`` size and read
by the config's own training dataset and pipeline (``--data-root`` uses an
existing one). Weights are random (speed does not depend on them);
``--random-vae`` replaces a latent config's SD VAE (not available here) by a
randomly initialised one of the same architecture (its distilled guidance
decoder too, when the config names one); ``--random-sd`` a RePoseSD
config's whole Stable Diffusion folder by one of SD 2.1-base's
architecture.

Prints a table, then ONE JSON line (the last line of stdout) with the
environment, the settings and the results (and config2/config1 ratios with
``--compare``). Method and measured numbers: docs/speed.md.
"""
from __future__ import annotations

import argparse
import contextlib
import copy
import gc
import json
import os.path as osp
import sys
import tempfile

import torch
from mmengine.config import Config, DictAction

#: ``--amp`` on CUDA: which optimizer wrapper becomes which (tools/train.py)
AMP_WRAPPERS = {
    'OptimWrapper': 'AmpOptimWrapper',
    'AmpOptimWrapper': 'AmpOptimWrapper',
    'NonFiniteCheckOptimWrapper': 'NonFiniteCheckAmpOptimWrapper',
    'NonFiniteCheckAmpOptimWrapper': 'NonFiniteCheckAmpOptimWrapper',
}


def log(msg: str) -> None:
    print(f'[benchmark] {msg}', file=sys.stderr, flush=True)


def fail(msg: str) -> None:
    sys.exit(f'error: {msg}')


def parse_samplers(text: str) -> list[tuple[str, int | None]]:
    """``'ddim:100,dpmsolver++:20'`` -> ``[('ddim', 100), ...]``."""
    out = []
    for item in filter(None, (s.strip() for s in text.split(','))):
        name, _, steps = item.partition(':')
        if steps and not steps.isdigit():
            raise argparse.ArgumentTypeError(f'invalid sampler {item!r}: '
                                             'expected NAME or NAME:STEPS')
        out.append((name, int(steps) if steps else None))
    return out


def parse_floats(text: str) -> list[float]:
    try:
        return [float(v) for v in text.split(',') if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f'expected numbers separated by '
                                         f'commas, got {text!r}') from None


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('config')
    p.add_argument('--compare', metavar='CONFIG2',
                   help='also time CONFIG2 with the same settings; ratios '
                   'are CONFIG2 / CONFIG')
    p.add_argument('--device', choices=['cpu', 'cuda'],
                   help='default: cuda when available')
    p.add_argument('--batch', type=int, help='training batch (default: the '
                   "config's train_dataloader.batch_size)")
    p.add_argument('--sample-images', type=int, help='images per sampling '
                   'call (default: --batch)')
    p.add_argument('--amp', choices=['bf16'], help='bfloat16 autocast')
    p.add_argument('--sampler', type=parse_samplers, help='NAME[:STEPS] list,'
                   " e.g. ddim:100,dpmsolver++:20 (default: CONFIG's test_cfg)")
    p.add_argument('--steps', type=int, help='steps of samplers given '
                   'without :STEPS')
    p.add_argument('--cfg', type=parse_floats, help='CFG scale(s), e.g. 1,2')
    p.add_argument('--guidance', type=parse_floats,
                   help='PIF guidance scale(s) (full model only)')
    p.add_argument('--warmup', type=int, default=1)
    p.add_argument('--repeat', type=int, default=3)
    p.add_argument('--train-iters', type=int, default=3,
                   help='optimizer steps per timed training repetition')
    p.add_argument('--skip-train', action='store_true')
    p.add_argument('--skip-sample', action='store_true',
                   help='(both skips with --flops: FLOPs only)')
    p.add_argument('--flops', action='store_true',
                   help='count FLOPs (torch.utils.flop_counter)')
    p.add_argument('--flops-steps', type=int, metavar='K',
                   help='with --flops: count a setting of N > 2K steps at K '
                   'and 2K steps and extrapolate to N (exact when every '
                   'step costs the same; docs/speed.md)')
    p.add_argument('--channels-last', action='store_true')
    p.add_argument('--compile', action='store_true',
                   help='torch.compile the diffusers U-Net')
    p.add_argument('--random-vae', action='store_true', help='randomly '
                   'initialised SD 2.1 VAE (and guidance decoder) in place '
                   'of a latent config\'s')
    p.add_argument('--random-sd', action='store_true', help='a Stable '
                   'Diffusion 2.1-base folder with random weights in place '
                   "of a RePoseSD config's sd_folder (written to a temporary "
                   'folder, ~5 GB)')
    p.add_argument('--random-estimator', action='store_true',
                   help="randomly initialised pose estimator of PIF (or "
                   "of HumanSD's loss), same architecture, when its "
                   'checkpoint is not here')
    p.add_argument('--data-root', help='an existing dataset instead of a '
                   'generated SynthFashion set')
    p.add_argument('--threads', type=int, help='torch.set_num_threads')
    p.add_argument('--peak-tflops', type=float, help="the device's peak "
                   'FLOP/s in TFLOP/s at the measured precision (with '
                   '--flops: model FLOPs utilization, MFU)')
    p.add_argument('--json-out', help='also write the JSON line to this file')
    p.add_argument('--cfg-options', nargs='+', action=DictAction,
                   help='override settings of both configs')
    args = p.parse_args(argv)
    for name in ('batch', 'sample_images', 'steps', 'repeat', 'train_iters',
                 'threads'):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            p.error(f'--{name.replace("_", "-")} must be >= 1')
    if args.warmup < 0:
        p.error('--warmup must be >= 0')
    if args.compile and args.warmup < 1:
        p.error('--compile needs --warmup >= 1 (compilation is not timed)')
    return args


# -- building ---------------------------------------------------------------
def load_cfg(path: str, args: argparse.Namespace, tmp: str) -> Config:
    """The config (main() has checked that it exists) with the command
    line's options and random-weight switches (a random SD folder is
    written under ``tmp`` once)."""
    from mmrepose.utils import read_config
    cfg = read_config(path, args.cfg_options)
    if args.random_sd and 'sd_folder' in cfg.model:
        folder = osp.join(tmp, 'random_sd21_base')
        if not osp.isdir(folder):
            from mmrepose.models.stable_diffusion import \
                write_random_stable_diffusion_21
            log(f'writing a random Stable Diffusion 2.1-base to {folder}')
            write_random_stable_diffusion_21(folder)
        cfg.model.sd_folder = folder
    elif args.random_sd:
        log(f'{path} has no sd_folder: --random-sd ignored')
    ae = cfg.model.get('autoencoder') or {}
    if args.random_vae and ae.get('type') == 'LatentAutoencoderKL':
        from benchmarking import RandomInitAutoencoderKL
        cfg.model.autoencoder = dict(
            type=RandomInitAutoencoderKL,
            sample_posterior=ae.get('sample_posterior', True),
            guidance_decoder=ae.get('guidance_decoder'))
    elif args.random_vae:
        log(f'{path} has no LatentAutoencoderKL: --random-vae ignored')
    # PIF's estimator, or HumanSD's loss's
    users = [cfg.model[key] for key in ('pose_interaction_field',
                                        'loss_weight')
             if 'estimator' in (cfg.model.get(key) or {})]
    for user in users if args.random_estimator else []:
        user['estimator']['checkpoint'] = None
    if args.random_estimator and not users:
        log(f'{path} has no pose estimator: --random-estimator ignored')
    return cfg


def build_model(cfg: Config, device: torch.device) -> torch.nn.Module:
    from mmrepose.registry import MODELS
    torch.manual_seed(0)
    try:
        model = MODELS.build(cfg.model)
    except FileNotFoundError as err:
        switch = '--random-estimator' if 'pose estimator' in str(err) \
            else '--random-sd' if 'sd_folder' in cfg.model else '--random-vae'
        fail(f'{err} (or time it with random weights: {switch})')
    return model.to(device)


def apply_speed_switches(model: torch.nn.Module,
                         args: argparse.Namespace) -> None:
    if args.channels_last:
        model.to(memory_format=torch.channels_last)

        def to_channels_last(module, inputs, output):
            for key, value in output['inputs'].items():
                if value.dim() == 4:
                    output['inputs'][key] = value.contiguous(
                        memory_format=torch.channels_last)
            return output

        model.data_preprocessor.register_forward_hook(to_channels_last)
    if args.compile:
        model.unet.unet.compile()  # in place: hooks on model.unet stay


# -- measuring ----------------------------------------------------------------
def sampling_settings(args: argparse.Namespace, test_cfg: dict) -> list[dict]:
    """Every sampler x CFG x PIF-guidance setting; the guidance scale is
    the one applied (the config's for a full model, None without PIF)."""
    samplers = args.sampler or [(test_cfg['sampler'], None)]
    cfgs = args.cfg or [test_cfg['cfg_scale']]
    guidances = args.guidance or [test_cfg.get('guidance_scale')]
    return [dict(sampler=name,
                 num_steps=steps or args.steps or test_cfg['num_steps'],
                 cfg_scale=cfg, guidance_scale=g)
            for name, steps in samplers for cfg in cfgs for g in guidances]


def summarise(t: dict, per: int) -> dict:
    """Timer results per unit (iteration or image); memory passed on."""
    return dict(median=t['median'] / per, min=t['min'] / per,
                max=t['max'] / per, warmup_s=t['warmup_times'],
                repeat_s=t['times'], peak_mem_mb=t['peak_mem_mb'],
                mem_before_mb=t['mem_before_mb'], mem_kind=t['mem_kind'])


def measure_training(model, cfg: Config, data, args: argparse.Namespace,
                     device: torch.device) -> dict:
    """Seconds per optimizer step (``model.train_step``) and samples/s."""
    from mmengine.optim import build_optim_wrapper

    from benchmarking import time_repeats
    optim_cfg = copy.deepcopy(cfg.optim_wrapper)
    if args.amp == 'bf16' and device.type == 'cuda':
        kind = optim_cfg.get('type', 'OptimWrapper')
        if kind not in AMP_WRAPPERS:
            fail(f'--amp cannot convert optim_wrapper type {kind!r}')
        optim_cfg.update(type=AMP_WRAPPERS[kind], dtype='bfloat16')
    optim_wrapper = build_optim_wrapper(model, optim_cfg)
    cpu_amp = args.amp == 'bf16' and device.type == 'cpu'
    batch = len(data['inputs']['source_img'])
    model.train()

    def one_step():
        with torch.autocast('cpu', dtype=torch.bfloat16) if cpu_amp \
                else contextlib.nullcontext():
            model.train_step(data, optim_wrapper)

    def steps():
        for _ in range(args.train_iters):
            one_step()

    log(f'training: batch {batch}, {args.warmup} warm-up + {args.repeat} x '
        f'{args.train_iters} iterations')
    try:
        t = time_repeats(steps, args.warmup, args.repeat, device,
                         warmup_fn=one_step)
    except FloatingPointError as err:
        fail(f'training diverged: {err}')
    s_iter = summarise(t, args.train_iters)
    model.zero_grad(set_to_none=True)
    return dict(batch=batch, s_per_iter=s_iter,
                samples_per_s=batch / s_iter['median'],
                optim_wrapper=type(optim_wrapper).__name__,
                amp_bf16=args.amp == 'bf16')


def measure_sampling(model, data, settings: list[dict],
                     args: argparse.Namespace, device: torch.device
                     ) -> list[dict]:
    """Seconds per image, images/s and counted NFE of each setting."""
    from benchmarking import (CallCounter, sample_kwargs, sampling_call,
                              time_repeats)
    model.eval()
    batch = model.data_preprocessor(data, False)
    n_img = len(batch['data_samples'])
    sample = sampling_call(model, batch)
    counter = CallCounter(model.unet)
    autocast = (lambda: torch.autocast(device.type, dtype=torch.bfloat16)) \
        if args.amp == 'bf16' else contextlib.nullcontext
    out = []
    for s in settings:
        kw = sample_kwargs(s)
        log(f'sampling: {n_img} images, {s["sampler"]} {s["num_steps"]} '
            f'steps, cfg {s["cfg_scale"]}, guidance {s["guidance_scale"]}, '
            f'{args.warmup} warm-up + {args.repeat} timed')
        counter.reset()

        def run(kw=kw):
            with autocast():
                sample(**kw)

        t = time_repeats(run, args.warmup, args.repeat, device)
        runs = args.warmup + args.repeat
        s_img = summarise(t, n_img)
        out.append(dict(**s, images=n_img,
                        nfe=counter.evaluations / (runs * n_img),
                        unet_calls=counter.calls / runs, s_per_image=s_img,
                        images_per_s=1 / s_img['median']))
    counter.remove()
    return out


def bench_config(path: str, args: argparse.Namespace, device: torch.device,
                 defaults: dict | None, tmp: str) -> tuple[dict, dict]:
    """All measurements of one config; ``defaults`` (batch and sampling
    settings) are resolved from the first config and reused."""
    from mmrepose.models.diffusion import DiffusionSampler
    from benchmarking import build_collate_fn, load_pipeline_items, \
        num_params
    log(f'building {path}')
    cfg = load_cfg(path, args, tmp)
    model = build_model(cfg, device)
    if args.guidance and 'guidance_scale' not in model.test_cfg:
        fail(f'this config has no PIF guidance ({path}: its model\'s test_cfg '
             'has no guidance_scale); drop --guidance')
    defaults = defaults or dict(
        batch=args.batch or cfg.train_dataloader.batch_size,
        sampling=sampling_settings(args, model.test_cfg))
    batch, settings = defaults['batch'], defaults['sampling']
    n_img = args.sample_images or batch
    for s in settings:  # unknown sampler names fail here
        try:
            s['nfe_scheduled'] = DiffusionSampler(
                model.diffusion, s['sampler'], s['num_steps'],
                s['cfg_scale']).nfe
        except (KeyError, ValueError) as err:
            fail(str(err).strip('"'))
    items, source = load_pipeline_items(
        cfg.train_dataloader.dataset, max(batch, n_img), args.data_root, tmp,
        log)
    collate = build_collate_fn(cfg.train_dataloader)
    train_data, sample_data = collate(items[:batch]), collate(items[:n_img])
    res = dict(config=path, params=num_params(model), data=source)
    if args.flops:  # before the speed switches (compile)
        log('counting FLOPs')
        from benchmark_flops import check_extrapolable, measure_flops
        if args.flops_steps:
            try:
                check_extrapolable(model, settings)
            except ValueError as err:
                fail(str(err))
        res['flops'] = measure_flops(model, train_data, sample_data, settings,
                                     args.flops_steps)
    apply_speed_switches(model, args)
    if not args.skip_train:
        res['train'] = measure_training(model, cfg, train_data, args, device)
        gc.collect()  # the optimizer state
    if not args.skip_sample:
        res['sample'] = measure_sampling(model, sample_data, settings, args,
                                         device)
    if args.peak_tflops:
        from benchmarking import model_flops_utilization
        res['mfu'] = model_flops_utilization(res, args.peak_tflops)
    del model
    gc.collect()
    if device.type == 'cuda':
        torch.cuda.empty_cache()
    return res, defaults


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    for path in filter(None, (args.config, args.compare)):
        if not osp.isfile(path):
            fail(f'config file not found: {path}')
    if args.device == 'cuda' and not torch.cuda.is_available():
        fail('--device cuda: CUDA is not available on this machine '
             '(use --device cpu)')
    device = torch.device(args.device or (
        'cuda' if torch.cuda.is_available() else 'cpu'))
    if args.threads:
        torch.set_num_threads(args.threads)
    from mmrepose.utils import register_all_modules
    from benchmark_report import environment, format_report, ratios
    register_all_modules()
    results, defaults = [], None
    with tempfile.TemporaryDirectory(prefix='mmrepose_bench_') as tmp:
        for path in filter(None, (args.config, args.compare)):
            res, defaults = bench_config(path, args, device, defaults, tmp)
            results.append(res)
    settings = {k: v for k, v in vars(args).items() if k != 'cfg_options'}
    settings.update(cfg_options=args.cfg_options and dict(args.cfg_options),
                    batch=defaults['batch'],
                    sample_images=args.sample_images or defaults['batch'],
                    sampling=defaults['sampling'])
    report = dict(tool='tools/analysis/benchmark.py', weights='random',
                  env=environment(device), settings=settings, results=results)
    if len(results) == 2:
        report['ratios'] = ratios(*results)
    print(format_report(report))
    line = json.dumps(report, default=str)
    if args.json_out:
        with open(args.json_out, 'w') as f:
            f.write(line + '\n')
    print(line, flush=True)
    return report


if __name__ == '__main__':
    main()
