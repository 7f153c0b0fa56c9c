"""Run a reference codebase's metric code, unedited, on the parity fixture.

Not a test: the tool that produced ``reference_parity.json``, kept so that
every number there can be produced again. It runs one reference per call,
with seeded random weights (:func:`write_random_hub`) in a temporary
``TORCH_HOME``, where torchvision, pytorch-fid and lpips load them from::

    python tests/test_evaluation/reference_runner.py REFERENCE \\
        --checkout DIR --fixture DIR --work DIR --out FILE.json

``REFERENCE`` is ``pidm``, ``pidm_256`` (PIDM's own 256x256 setting),
``gfla``, ``cfld``, ``pcdms`` or ``pytorch_fid``; ``--checkout`` a folder
holding the reference's files at the commit of ``reference_parity.json``
(``git archive COMMIT FILES | tar -x -C DIR``; nothing of it is copied into
this repository); ``--fixture`` the folder of ``parity_fixture.py``;
``--work`` a scratch folder where the reference's hard-coded relative paths
are laid out as links to the fixture. The reference code is executed as its
own ``__main__`` (``runpy``), except CFLD, whose ``eval()`` of
``pose_transfer_test.py`` is called with a stand-in generator that returns
the fixture's generated images (its sampling needs trained networks).

Only these offline shims are installed: ``.cuda()``, moves to a GPU and
``torch.load`` of GPU tensors keep tensors and modules on the CPU;
scikit-image's removed ``compare_ssim``, ``compare_psnr``
(``skimage.measure``) and ``circle`` (``skimage.draw``) are provided by
their successors with the old argument names. The folder
listings the scripts make are recorded (their order decides which images
the last partial batch drops) and written with the metrics.
"""
from __future__ import annotations

import argparse
import glob
import importlib.util
import io
import json
import os
import os.path as osp
import pathlib
import runpy
import shutil
import subprocess
import sys
import tempfile
import types
from contextlib import redirect_stdout

import numpy as np
import torch

WRITE_WEIGHTS = ('import sys; from mmrepose.evaluation.functional.'
                 'random_weights import write_random_hub; '
                 'write_random_hub(sys.argv[1], seed=0)')
FIXTURE_CACHES = ('statistics.npz', '176_256_statistics.npz', 'metrics.npz',
                  '176_256_metrics.npz')


def install_offline_shims() -> None:
    """The shims of the module doc, nothing else."""
    import skimage.draw
    import skimage.measure
    from skimage.metrics import (peak_signal_noise_ratio,
                                 structural_similarity)

    def on_cpu(device):
        return 'cpu' if isinstance(device, int) or str(device).startswith(
            'cuda') else device

    def moved_to_cpu(to, self, *args, **kwargs):
        if args and not isinstance(args[0], torch.dtype):
            args = (on_cpu(args[0]), *args[1:])
        if 'device' in kwargs:
            kwargs['device'] = on_cpu(kwargs['device'])
        return to(self, *args, **kwargs)

    def tensor_to(self, *args, **kwargs):
        return moved_to_cpu(original_tensor_to, self, *args, **kwargs)

    def module_to(self, *args, **kwargs):
        return moved_to_cpu(original_module_to, self, *args, **kwargs)

    def load_on_cpu(*args, **kwargs):
        kwargs.setdefault('map_location', 'cpu')
        return original_load(*args, **kwargs)

    original_tensor_to, original_module_to = torch.Tensor.to, \
        torch.nn.Module.to
    original_load = torch.load
    torch.load = load_on_cpu
    torch.Tensor.cuda = lambda self, *a, **k: self
    torch.nn.Module.cuda = lambda self, *a, **k: self
    torch.Tensor.to = tensor_to
    torch.nn.Module.to = module_to

    def compare_ssim(im1, im2, multichannel=False, **kwargs):
        return structural_similarity(
            im1, im2, channel_axis=-1 if multichannel else None, **kwargs)

    def compare_psnr(im_true, im_test, data_range=None):
        return peak_signal_noise_ratio(im_true, im_test,
                                       data_range=data_range)

    def circle(r, c, radius, shape=None):
        return skimage.draw.disk((r, c), radius, shape=shape)

    skimage.measure.compare_ssim = compare_ssim
    skimage.measure.compare_psnr = compare_psnr
    skimage.draw.circle = circle


class ListingRecorder:
    """Records ``Path.glob`` and ``glob.glob`` results as fixture paths."""

    def __init__(self, fixture: str):
        self.fixture = osp.realpath(fixture)
        self.calls: list[dict] = []

    def as_fixture_path(self, path: str) -> str:
        return osp.relpath(osp.realpath(path), self.fixture)

    def install(self) -> None:
        recorder = self
        path_glob, glob_glob = pathlib.Path.glob, glob.glob

        def patched_path_glob(self, pattern, *args, **kwargs):
            found = list(path_glob(self, pattern, *args, **kwargs))
            recorder.calls.append(dict(
                call=f'Path({str(self)!r}).glob({pattern!r})',
                folder=osp.realpath(str(self)),
                files=[recorder.as_fixture_path(str(p)) for p in found]))
            return iter(found)

        def patched_glob(pathname, *args, **kwargs):
            found = glob_glob(pathname, *args, **kwargs)
            recorder.calls.append(dict(
                call=f'glob.glob({pathname!r})',
                folder=osp.realpath(osp.dirname(pathname)),
                files=[recorder.as_fixture_path(p) for p in found]))
            return found

        pathlib.Path.glob = patched_path_glob
        glob.glob = patched_glob

    def listing(self, folder: str, calls: int = 2) -> list[str]:
        """The files of the first ``calls`` listings of ``folder`` (the
        ``*.jpg`` and ``*.png`` globs of one FID statistics pass)."""
        folder = osp.realpath(folder)
        found = [c for c in self.calls if c['folder'] == folder][:calls]
        return [f for c in found for f in c['files']]


def link(target: str, name: str) -> None:
    os.makedirs(osp.dirname(name), exist_ok=True)
    if osp.lexists(name):
        os.remove(name)
    os.symlink(osp.realpath(target), name)


def clean_caches(fixture: str) -> None:
    """The reference scripts cache statistics in the folders they score."""
    for folder in os.listdir(fixture):
        for name in FIXTURE_CACHES:
            path = osp.join(fixture, folder, name)
            if osp.isfile(path):
                os.remove(path)


def read_pairs(fixture: str) -> list[tuple[str, str]]:
    lines = open(osp.join(fixture, 'fasion-resize-pairs-test.csv')).read()
    return [tuple(line.split(',')) for line in lines.split()[1:]]


def stem(name: str) -> str:
    return osp.splitext(name)[0]


def generated_name(fixture: str, folder: str, src: str, tgt: str) -> str:
    base = f'{stem(src)}_2_{stem(tgt)}_vis'
    for ext in ('.png', '.jpg'):
        if osp.isfile(osp.join(fixture, folder, base + ext)):
            return base + ext
    raise FileNotFoundError(f'{folder}/{base}.*')


def per_image_means(npz_path: str) -> dict[str, float]:
    with np.load(npz_path) as saved:
        return {key: float(np.mean(saved[key], dtype=np.float64))
                for key in ('ssim', 'ssim_256', 'psnr')}


def run_pidm(args: argparse.Namespace, recorder: ListingRecorder,
             squared: bool) -> dict:
    """PIDM ``utils/metrics.py`` ``__main__`` (paths relative to its cwd)."""
    fx, work = args.fixture, args.work
    gen, gt, real = (('generated_256', 'test_256', 'train_256') if squared
                     else ('generated', 'test', 'train'))
    link(osp.join(fx, real), osp.join(work, 'deepfashion',
                                      'train_256x256_pngs'))
    link(osp.join(fx, gen), osp.join(work, 'output_images_pngs'))
    gt_view = osp.join(work, 'deepfashion', 'test_256x256_pngs')
    for _, tgt in read_pairs(fx):  # its gt naming: 'deep' + target + .png
        target = [n for n in os.listdir(osp.join(fx, gt))
                  if stem(n) == stem(tgt)][0]
        link(osp.join(fx, gt, target),
             osp.join(gt_view, f'deep{stem(tgt)}.png'))
    os.chdir(work)
    sys.path.insert(0, osp.join(args.checkout, 'utils'))
    scope = runpy.run_path(osp.join(args.checkout, 'utils', 'metrics.py'),
                           run_name='__main__')
    rec = per_image_means(osp.join(fx, gen, 'metrics.npz'))
    return dict(metrics=dict(fid=float(scope['FID']),
                             lpips=float(scope['LPIPS']), **rec),
                reported=dict(fid=float(scope['FID']),
                              lpips=float(scope['LPIPS']), rec=scope['REC']),
                listings=dict(real=recorder.listing(osp.join(fx, real)),
                              generated=recorder.listing(osp.join(fx, gen))))


def run_gfla(args: argparse.Namespace, recorder: ListingRecorder) -> dict:
    """GFLA ``python -m script.metrics`` as its README runs it; LPIPS from
    the PerceptualSimilarity checkout in ``script/PerceptualSimilarity``
    (on ``sys.path``, as its absolute imports need)."""
    fx, work = args.fixture, args.work
    link(osp.join(args.checkout, 'script'), osp.join(work, 'script'))
    os.makedirs(osp.join(work, 'eval_results'), exist_ok=True)
    os.chdir(work)
    sys.path[:0] = [work, osp.join(work, 'script', 'PerceptualSimilarity')]
    sys.argv = ['metrics.py', f'--gt_path={fx}/test',
                f'--distorated_path={fx}/generated',
                f'--fid_real_path={fx}/train', '--name=./fixture']
    scope = runpy.run_module('script.metrics', run_name='__main__',
                             alter_sys=True)
    rec = per_image_means(osp.join(fx, 'generated', 'metrics.npz'))
    return dict(metrics=dict(fid=float(scope['fid_score']),
                             lpips=float(scope['lpips_score']), **rec),
                reported=dict(fid=float(scope['fid_score']),
                              lpips=float(scope['lpips_score']),
                              rec=scope['rec_dic']),
                listings=dict(real=recorder.listing(osp.join(fx, 'train')),
                              generated=recorder.listing(
                                  osp.join(fx, 'generated'))))


def run_pcdms(args: argparse.Namespace, recorder: ListingRecorder) -> dict:
    """PCDMs ``caculate_metrics_256.py``; its gt path is absolute
    (``/datasets/deepfashing/test_lst_256_png``) and is made a link for
    the run, then removed."""
    fx, work = args.fixture, args.work
    link(osp.join(fx, 'train'), osp.join(work, 'datasets', 'deepfashing',
                                         'train_lst_256_png'))
    gen_view = osp.join(work, 'PCDMs_Results', 'stage3_256_results')
    gt_view = '/datasets/deepfashing/test_lst_256_png'
    if osp.exists('/datasets'):
        raise FileExistsError('/datasets exists: not touching it')
    try:
        for src, tgt in read_pairs(fx):  # its naming: *_to_{target}.png
            link(osp.join(fx, 'generated_256',
                          generated_name(fx, 'generated_256', src, tgt)),
                 osp.join(gen_view, f'{stem(src)}_to_{stem(tgt)}.png'))
            link(osp.join(fx, 'test', tgt),
                 osp.join(gt_view, stem(tgt) + '.png'))
        os.chdir(work)
        sys.path.insert(0, args.checkout)
        scope = runpy.run_path(osp.join(args.checkout,
                                        'caculate_metrics_256.py'),
                               run_name='__main__')
    finally:
        shutil.rmtree('/datasets', ignore_errors=True)
    rec = per_image_means(osp.join(gen_view, '176_256_metrics.npz'))
    return dict(metrics=dict(fid=float(scope['FID']),
                             lpips=float(scope['LPIPS']), **rec),
                reported=dict(fid=float(scope['FID']),
                              lpips=float(scope['LPIPS']), rec=scope['REC']),
                listings=dict(real=recorder.listing(osp.join(fx, 'train')),
                              generated=recorder.listing(gen_view)))


def run_cfld(args: argparse.Namespace, recorder: ListingRecorder) -> dict:
    """CFLD ``eval()`` of ``pose_transfer_test.py`` with its test and
    FID-real datasets and ``build_metric``; the generator is replaced by
    the fixture's 256x256 generated images (module doc). Its ``models``
    package is reduced to ``models/metrics.py`` (the others import the
    generation networks)."""
    fx, work = args.fixture, args.work
    link(osp.join(fx, 'test_highres'), osp.join(work, 'fashion',
                                                'test_highres'))
    link(osp.join(fx, 'train_highres'), osp.join(work, 'fashion',
                                                 'train_highres'))
    for name in ('fasion-resize-pairs-test.csv',
                 'fasion-resize-annotation-test.csv'):
        link(osp.join(fx, name), osp.join(work, 'fashion', name))
    sys.path.insert(0, args.checkout)
    models = types.ModuleType('models')
    spec = importlib.util.spec_from_file_location(
        'models.metrics', osp.join(args.checkout, 'models', 'metrics.py'))
    metrics = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(metrics)
    models.build_metric = metrics.build_metric
    models.UNet = models.VariationalAutoencoder = None
    sys.modules['models'], sys.modules['models.metrics'] = models, metrics
    import pose_transfer_test as cfld
    from accelerate import Accelerator
    from accelerate.tracking import GeneralTracker

    cfg = cfld.cfg.clone()
    cfg.merge_from_list(['INPUT.ROOT_DIR', osp.join(work, 'fashion'),
                         'INPUT.GT.IMG_SIZE', [256, 256],
                         'TEST.NUM_WORKERS', 0])
    cfg.freeze()
    test_loader, fid_loader, test_data, fid_data = \
        cfld.build_test_loader(cfg)
    images = [torch.from_numpy(np.asarray(_read_rgb(osp.join(
        fx, 'generated_256', generated_name(fx, 'generated_256', s, t)))))
        .permute(2, 0, 1).float() / 255.0 for s, t in read_pairs(fx)]

    def sample(*unused, **kwargs):  # the generator's stand-in
        bsz = unused[6].shape[0]
        return torch.stack([images.pop(0) for _ in range(bsz)])

    class Recorder(GeneralTracker):
        name, requires_logging_directory = 'record', False
        values: dict = {}

        def __init__(self):
            super().__init__()

        @property
        def tracker(self):
            return self

        def store_init_configuration(self, values):
            pass

        def log(self, values, step=None, **kwargs):
            self.values.update(values)

    accelerator = Accelerator(cpu=True)
    accelerator.trackers = [Recorder()]
    cfld.sample = sample
    save_dir = osp.join(work, 'log_images')
    os.makedirs(save_dir, exist_ok=True)
    class StandIn(torch.nn.Module):  # the conditioning networks' stand-in
        def forward(self, batch):
            return torch.zeros(1), [], {}

    cfld.eval(cfg=cfg, model=StandIn(), test_loader=test_loader,
              fid_real_loader=fid_loader, weight_dtype=torch.float32,
              save_dir=save_dir, test_data=test_data, fid_real_data=fid_data,
              global_step=None, accelerator=accelerator,
              metric=metrics.build_metric(), noise_scheduler=None,
              inverse_noise_scheduler=None, vae=None, unet=StandIn())
    values = accelerator.trackers[0].values
    return dict(metrics=dict(fid=float(values['score_fid']),
                             lpips=float(values['score_lpips']),
                             ssim=float(values['score_ssim']),
                             ssim_256=float(values['score_ssim_256']),
                             psnr=float(values['score_psnr'])),
                listings=dict(real=recorder.listing(
                    osp.join(fx, 'train_highres'), calls=1)))


def _read_rgb(path: str) -> np.ndarray:
    from PIL import Image
    return np.asarray(Image.open(path).convert('RGB'))


def run_pytorch_fid(args: argparse.Namespace,
                    recorder: ListingRecorder) -> dict:
    """``python -m pytorch_fid REAL GENERATED`` (the installed 0.3.0)."""
    fx = args.fixture
    sys.argv = ['pytorch_fid', osp.join(fx, 'train'),
                osp.join(fx, 'generated'), '--device', 'cpu',
                '--num-workers', '0']
    out = io.StringIO()
    with redirect_stdout(out):
        runpy.run_module('pytorch_fid', run_name='__main__', alter_sys=True)
    fid = float(out.getvalue().split('FID:')[-1].split()[0])
    return dict(metrics=dict(fid=fid), reported=out.getvalue().strip())


RUNNERS = dict(pidm=lambda a, r: run_pidm(a, r, squared=False),
               pidm_256=lambda a, r: run_pidm(a, r, squared=True),
               gfla=run_gfla, cfld=run_cfld, pcdms=run_pcdms,
               pytorch_fid=run_pytorch_fid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('reference', choices=list(RUNNERS))
    parser.add_argument('--checkout', default='',
                        help="folder of the reference's files")
    parser.add_argument('--fixture', required=True)
    parser.add_argument('--work', required=True, help='scratch folder')
    parser.add_argument('--out', required=True, help='result JSON')
    args = parser.parse_args()
    args.fixture, args.work = osp.abspath(args.fixture), osp.abspath(args.work)
    args.checkout = osp.abspath(args.checkout) if args.checkout else ''
    out = osp.abspath(args.out)
    torch_home = tempfile.mkdtemp(prefix='parity_torch_home_')
    os.environ['TORCH_HOME'] = torch_home
    # the weights, written by mmrepose in another process: the reference's
    # process imports nothing of mmrepose
    subprocess.run([sys.executable, '-c', WRITE_WEIGHTS,
                    osp.join(torch_home, 'hub')], check=True,
                   cwd=osp.dirname(osp.dirname(osp.dirname(
                       osp.abspath(__file__)))))
    os.makedirs(args.work, exist_ok=True)
    clean_caches(args.fixture)
    install_offline_shims()
    recorder = ListingRecorder(args.fixture)
    recorder.install()
    try:
        result = RUNNERS[args.reference](args, recorder)
    finally:
        clean_caches(args.fixture)
        shutil.rmtree(torch_home, ignore_errors=True)
    result['argv'] = sys.argv
    with open(out, 'w') as f:
        json.dump(result, f, indent=1, default=str)
    print(json.dumps(result['metrics'], indent=1))


if __name__ == '__main__':
    main()
