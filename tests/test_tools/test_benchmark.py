"""tools/analysis/benchmark.py: a CPU smoke run on the tiny B1 config (with
--compare), the counted NFE, and its clear errors. No timing assertions."""
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from script_loading import load_script

pytestmark = pytest.mark.slow  # runs the benchmark tool in subprocesses

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / 'tools/analysis/benchmark.py'
TINY = 'configs/repose/synthfashion_64_b1.py'
STEPS = 2


def run_tool(*args: str, timeout: int = 240) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_NUM_THREADS='1')
    return subprocess.run([sys.executable, str(TOOL), *args],
                          capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=timeout)


@pytest.fixture(scope='module')
def compare_run(tmp_path_factory):
    json_out = tmp_path_factory.mktemp('bench') / 'bench.json'
    proc = run_tool(TINY, '--compare', TINY, '--device', 'cpu', '--threads',
                    '1', '--batch', '2', '--warmup', '1', '--repeat', '2',
                    '--train-iters', '2', '--sampler', f'ddim:{STEPS}',
                    '--cfg', '1,2', '--flops', '--peak-tflops', '100',
                    '--json-out', str(json_out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc, json_out


def test_smoke_compare_json(compare_run):
    proc, json_out = compare_run
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert json.loads(json_out.read_text()) == report
    assert {'env', 'settings', 'results', 'ratios'} <= set(report)
    for key in ('device_name', 'torch', 'diffusers', 'mmengine', 'git_commit'):
        assert key in report['env']
    assert report['settings']['batch'] == 2
    assert len(report['results']) == 2
    for res in report['results']:
        assert res['data'] == 'generated SynthFashion 64x44'
        train = res['train']
        assert train['batch'] == 2 and train['samples_per_s'] > 0
        assert len(train['s_per_iter']['repeat_s']) == 2
        assert train['s_per_iter']['min'] <= train['s_per_iter']['median'] \
            <= train['s_per_iter']['max']
        assert train['s_per_iter']['peak_mem_mb'] > 0
        by_cfg = {s['cfg_scale']: s for s in res['sample']}
        assert set(by_cfg) == {1.0, 2.0}
        # counted U-Net evaluations per image: CFG doubles them
        assert by_cfg[1.0]['nfe'] == STEPS == by_cfg[1.0]['nfe_scheduled']
        assert by_cfg[2.0]['nfe'] == 2 * STEPS == by_cfg[2.0]['nfe_scheduled']
        assert by_cfg[2.0]['unet_calls'] == STEPS  # one batched call per step
        for s in res['sample']:
            assert s['s_per_image']['median'] > 0 and s['images_per_s'] > 0
        flops = res['flops']
        per_image = [f['total'] for f in flops['per_image']]
        assert 0 < flops['per_unet_call'] < flops['per_train_sample']
        # cfg 2 runs twice the U-Net evaluations of cfg 1, same encoder
        assert per_image[1] > per_image[0] > STEPS * flops['per_unet_call']
        unet = [f['by_component']['unet'] for f in flops['per_image']]
        # CFG 2 doubles the batch of every call; the tokens' keys and
        # values are projected once per run, not at every step
        assert unet[1] == 2 * unet[0]
        assert (STEPS - 1) * flops['per_unet_call'] < unet[0] \
            < STEPS * flops['per_unet_call']
    ratios = report['ratios']
    assert ratios['params'] == 1.0
    assert ratios['train']['s_per_iter'] > 0
    assert [r['nfe'] for r in ratios['sample']] == [1.0, 1.0]
    assert all(r['s_per_image'] > 0 for r in ratios['sample'])
    assert ratios['flops']['per_unet_call'] == 1.0
    # the readable table comes before the JSON line
    assert 'RANDOM weights' in proc.stdout
    assert 'ratios (config2 / config1)' in proc.stdout


FULL_COUNTED = ('configs/repose/synthfashion_64.py', '--device', 'cpu',
                '--threads', '1', '--batch', '1', '--skip-train',
                '--sampler', 'ddim:3,dpmsolver++:3', '--cfg', '2',
                '--guidance', '0,1', '--flops')


@pytest.fixture(scope='module')
def full_run():
    """The full model (RPA + PIF) timed once and counted directly at 3
    steps, DDIM and DPM-Solver++, guidance off and on."""
    proc = run_tool(*FULL_COUNTED, '--warmup', '0', '--repeat', '1')
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])['results'][0]


def test_full_model_guidance_settings(full_run):
    """The full model samples towards the batch's keypoints; guidance keeps
    the NFE and adds the estimator's forward and backward."""
    off, on = full_run['sample'][:2]  # DDIM-3, s = 0 and 1
    assert (off['guidance_scale'], on['guidance_scale']) == (0.0, 1.0)
    assert off['nfe'] == on['nfe'] == 2 * 3
    off_f, on_f = full_run['flops']['per_image'][:2]
    assert on_f['by_component'].get('pose_interaction_field', 0) > 0
    assert on_f['total'] > off_f['total']
    for f in full_run['flops']['per_image']:
        assert sum(f['by_component'].values()) == pytest.approx(f['total'])
    # Eq. 15 in training: the expectation over t < 400 of 1000, 10 % drops
    assert full_run['flops']['train_pif_fraction'] == pytest.approx(
        0.4 * 0.9)


def tool_error(*args: str) -> str:
    """The one-line error the tool exits with, run in this process (the
    model is built as in a run; only the interpreter's start is saved)."""
    with pytest.raises(SystemExit) as exc:
        load_script('tools/analysis/benchmark.py').main(list(args))
    return str(exc.value)


def test_missing_config_and_vae():
    assert 'config file not found: configs/repose/no_such_config.py' in \
        tool_error('configs/repose/no_such_config.py')
    # latent config without its SD VAE folder: the model's own error
    err = tool_error(str(ROOT / 'configs/repose/deepfashion_256_b1.py'),
                     '--device', 'cpu', '--cfg-options',
                     'model.autoencoder.path=/no/such/vae')
    assert 'AutoencoderKL folder not found: /no/such/vae' in err
    assert '--random-vae' in err
    # a full config without its estimator's weights: the switch that helps
    err = tool_error(str(ROOT / 'configs/repose/synthfashion_64.py'),
                     '--device', 'cpu', '--cfg-options',
                     'model.pose_interaction_field.estimator.'
                     'checkpoint=/no/such/estimator.pth')
    assert 'pose estimator checkpoint not found' in err
    assert '--random-estimator' in err


def test_guidance_needs_pif():
    assert 'this config has no PIF guidance' in tool_error(
        str(ROOT / TINY), '--device', 'cpu', '--guidance', '1')


@pytest.mark.skipif(torch.cuda.is_available(), reason='CUDA is available')
def test_cuda_unavailable():
    assert 'CUDA is not available' in tool_error(TINY, '--device', 'cuda')


def test_parse_samplers():
    tool = load_script('tools/analysis/benchmark.py')
    assert tool.parse_samplers('ddim:100,dpmsolver++:20,unipc') == [
        ('ddim', 100), ('dpmsolver++', 20), ('unipc', None)]
    args = tool.parse_args([TINY, '--sampler', 'ddim:100,dpmsolver++',
                            '--steps', '20', '--cfg', '1,2'])
    settings = tool.sampling_settings(
        args, dict(sampler='ddim', num_steps=50, cfg_scale=2.0))
    assert [(s['sampler'], s['num_steps'], s['cfg_scale']) for s in settings
            ] == [('ddim', 100, 1.0), ('ddim', 100, 2.0),
                  ('dpmsolver++', 20, 1.0), ('dpmsolver++', 20, 2.0)]
    with pytest.raises(SystemExit):
        tool.parse_args([TINY, '--sampler', 'ddim:many'])
    # without --guidance a full model's rows show the scale it samples with
    settings = tool.sampling_settings(tool.parse_args([TINY]), dict(
        sampler='ddim', num_steps=50, cfg_scale=2.0, guidance_scale=1.0))
    assert [s['guidance_scale'] for s in settings] == [1.0]


def test_mfu_is_achieved_over_peak_flops(compare_run):
    helpers = load_script('tools/analysis/benchmarking.py')
    result = dict(train=dict(samples_per_s=10.0),
                  sample=[dict(images_per_s=2.0), dict(images_per_s=4.0)],
                  flops=dict(per_train_sample=1e12,
                             per_image=[dict(total=5e12), dict(total=1e12)]))
    # 10 samples/s x 1 TFLOP = 10 TFLOP/s of 100; 2 x 5 = 10; 4 x 1 = 4
    assert helpers.model_flops_utilization(result, 100) == dict(
        train=0.1, sample=[0.1, 0.04])
    assert helpers.model_flops_utilization({}, 100) == {}
    proc, json_out = compare_run
    report = json.loads(json_out.read_text())
    first = report['results'][0]
    assert first['mfu']['train'] == pytest.approx(
        first['train']['samples_per_s'] *
        first['flops']['per_train_sample'] / 1e14)
    assert len(first['mfu']['sample']) == len(first['sample'])
    assert 'MFU (peak 100 TFLOP/s): train' in proc.stdout


def test_random_init_vae():
    helpers = load_script('tools/analysis/benchmarking.py')
    vae = helpers.RandomInitAutoencoderKL(sample_posterior=False)
    assert vae.is_latent and vae.latent_channels == 4
    assert vae.downsample_factor == 8 and vae.scaling_factor == 0.18215
    assert vae.vae.config.block_out_channels == (128, 256, 512, 512)
    assert not any(p.requires_grad for p in vae.parameters())
    z = vae.encode(torch.zeros(1, 3, 16, 16))
    assert z.shape == (1, 4, 2, 2)


def test_text_pose_config_on_generated_captions(tiny_sd_dir):
    """A LAION-Human config reads the generated set as captioned pairs
    (its pose-file loader dropped) and samples from prompts; HumanSD-style
    and RePoseSD rows count the text encoder and PIF. The tiny SD folder
    and a 64 px crop keep it small."""
    proc = run_tool('configs/reposesd/reposesd_laion_human_512.py',
                    '--random-estimator', '--device', 'cpu', '--threads',
                    '1', '--batch', '2', '--skip-train', '--warmup', '0',
                    '--repeat', '1', '--sampler', f'ddim:{STEPS}', '--cfg',
                    '2', '--flops', '--cfg-options',
                    f'model.sd_folder={tiny_sd_dir}',
                    'train_dataloader.dataset.pipeline.2.size=64')
    assert proc.returncode == 0, proc.stderr[-3000:]
    res = json.loads(proc.stdout.strip().splitlines()[-1])['results'][0]
    assert res['data'] == 'generated SynthFashion 64x64'
    sample, = res['sample']
    assert sample['nfe'] == 2 * STEPS and sample['guidance_scale'] == 1.0
    per_image, = res['flops']['per_image']
    for part in ('text_encoder', 'unet', 'pose_interaction_field',
                 'autoencoder'):
        assert per_image['by_component'][part] > 0, part
    assert sum(per_image['by_component'].values()) == pytest.approx(
        per_image['total'])


def test_random_sd_folder_is_written_once(tmp_path, monkeypatch):
    import mmrepose.models.stable_diffusion as sd
    tool = load_script('tools/analysis/benchmark.py')
    written = []
    monkeypatch.setattr(sd, 'write_random_stable_diffusion_21',
                        lambda out: written.append(out) or
                        os.makedirs(out))
    args = tool.parse_args(['configs/reposesd/synthfashion_tiny.py',
                            '--random-sd'])
    for _ in range(2):  # --compare builds a second config
        cfg = tool.load_cfg(args.config, args, str(tmp_path))
        assert cfg.model.sd_folder == str(tmp_path / 'random_sd21_base')
    assert written == [str(tmp_path / 'random_sd21_base')]
    # a config without a Stable Diffusion folder is left as it is
    cfg = tool.load_cfg(TINY, tool.parse_args([TINY, '--random-sd']),
                        str(tmp_path))
    assert 'sd_folder' not in cfg.model


def test_flops_extrapolated_from_fewer_steps_match_a_direct_count(full_run,
                                                                 tmp_path):
    """--flops-steps K counts K and 2K steps and extrapolates: for guidance
    off and on every step, DDIM and DPM-Solver++ (multistep), the line
    through 1 and 2 steps gives 3 steps' count; a window is refused."""
    proc = run_tool(*FULL_COUNTED, '--skip-sample', '--flops-steps', '1')
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = json.loads(proc.stdout.strip().splitlines()[-1])['results'][0][
        'flops']['per_image']
    direct = full_run['flops']['per_image']
    assert len(direct) == len(line) == 4
    for d, e in zip(direct, line):
        assert (d['counted_steps'], e['counted_steps']) == ([3], [1, 2])
        assert e['total'] == pytest.approx(d['total'], rel=1e-9)
        assert e['by_component'] == pytest.approx(d['by_component'])
    assert direct[1]['total'] > direct[0]['total']  # guidance counted
    check = load_script('tools/analysis/benchmark_flops.py').check_extrapolable
    guided = [dict(guidance_scale=0.0), dict(guidance_scale=1.0)]
    model = SimpleNamespace(pose_interaction_field=SimpleNamespace(
        sample_cfg=dict(steps=dict(start=0.5, end=1.0))))
    check(model, guided[:1])  # a window guides nothing at s = 0
    with pytest.raises(ValueError, match='window of steps'):
        check(model, guided)
    model.pose_interaction_field.sample_cfg['steps'] = 'all'
    check(model, guided)
    # and the tool stops on a config that guides a window (in this
    # process: no --threads, which would stay set for the other tests)
    windowed = tmp_path / 'windowed.py'
    windowed.write_text(
        f"_base_ = ['{ROOT / FULL_COUNTED[0]}']\nmodel = dict(pose_interaction_"
        "field=dict(sample_cfg=dict(steps=dict(_delete_=True, start=0.5))))")
    assert 'window of steps' in tool_error(
        str(windowed), '--device', 'cpu', '--batch', '1', '--skip-train',
        '--skip-sample', '--sampler', 'ddim:3', '--guidance', '1', '--flops',
        '--flops-steps', '1')
