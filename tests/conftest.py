"""Shared fixtures: real-format annotation fixtures with generated images."""
from __future__ import annotations

import shutil
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmrepose.utils import register_all_modules

DATA = Path(__file__).parent / 'data'


def pytest_collection_modifyitems(config, items):
    """The `parity` cases (minutes each) run only when asked for by marker
    (`make test-parity`: `-m parity`); otherwise they are skipped, saying
    how to run them."""
    if 'parity' in (config.getoption('markexpr') or ''):
        return
    skip = pytest.mark.skip(reason='reference parity: run make test-parity')
    for item in items:
        if item.get_closest_marker('parity'):
            item.add_marker(skip)


@pytest.fixture(scope='session', autouse=True)
def _registered():
    register_all_modules()


def write_test_image(path: Path, shape=(256, 176)) -> np.ndarray:
    """Write a deterministic textured RGB image (seeded by the file name)."""
    rng = np.random.default_rng(zlib.crc32(path.name.encode()))
    small = rng.integers(0, 256, (8, 6, 3), dtype=np.uint8)
    img = cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_NEAREST)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    return img


def _names_in_csv(path: Path) -> list[str]:
    return [ln.split(':')[0] for ln in path.read_text().splitlines()[1:] if ln]


@pytest.fixture
def patn_root(tmp_path: Path) -> Path:
    """DeepFashion PATN-csv fixture with its images under train/ and test/."""
    root = tmp_path / 'deepfashion'
    shutil.copytree(DATA / 'deepfashion_patn', root)
    for split in ('train', 'test'):
        for name in _names_in_csv(root / f'fasion-resize-annotation-{split}.csv'):
            write_test_image(root / split / name)
    return root


@pytest.fixture
def nted_root(tmp_path: Path) -> Path:
    """DeepFashion NTED-txt fixture with its images under img/."""
    root = tmp_path / 'deepfashion_nted'
    shutil.copytree(DATA / 'deepfashion_nted', root)
    for pose in (root / 'pose').rglob('*.txt'):
        rel = pose.relative_to(root / 'pose').with_suffix('.jpg')
        write_test_image(root / 'img' / rel)
    return root


@pytest.fixture
def market_root(tmp_path: Path) -> Path:
    root = tmp_path / 'market1501'
    shutil.copytree(DATA / 'market1501', root)
    for name in _names_in_csv(root / 'market-annotation-train.csv'):
        write_test_image(root / 'train' / name, shape=(128, 64))
    return root


@pytest.fixture(scope='session')
def synthfashion_64(tmp_path_factory) -> Path:
    """A small SynthFashion set at 64x44 (the CPU config's size)."""
    from mmrepose.datasets.synthesis import generate_synthfashion
    root = tmp_path_factory.mktemp('sf64')
    generate_synthfashion(str(root), size=(64, 44), train_ids=6, test_ids=2,
                          val_ids=1, poses_per_id=4, seed=0, progress=False)
    return root


@pytest.fixture(scope='session')
def tiny_vae_dir(tmp_path_factory) -> Path:
    """A random two-level ``AutoencoderKL`` saved as a local folder."""
    import torch
    from diffusers import AutoencoderKL
    path = tmp_path_factory.mktemp('vae') / 'vae'
    torch.manual_seed(0)
    AutoencoderKL(block_out_channels=(8, 16), norm_num_groups=4,
                  down_block_types=('DownEncoderBlock2D',) * 2,
                  up_block_types=('UpDecoderBlock2D',) * 2,
                  latent_channels=4, sample_size=32).save_pretrained(path)
    return path


def _tiny_sd(tmp_path_factory, pixel: bool) -> Path:
    from mmrepose.datasets.synthesis.captions import COLOUR_NAMES
    from mmrepose.models.stable_diffusion import (caption_words,
                                                  write_tiny_stable_diffusion)
    words = caption_words(['a woman with long hair in a top and trousers, '
                           'seen from the side', *COLOUR_NAMES.values()])
    return Path(write_tiny_stable_diffusion(
        str(tmp_path_factory.mktemp('sd') / 'tiny-sd'), words, pixel=pixel,
        width=16, text_width=16, max_length=24))


@pytest.fixture(scope='session')
def tiny_sd_dir(tmp_path_factory) -> Path:
    """A tiny random Stable Diffusion folder (unet/, vae/, text_encoder/,
    tokenizer/, scheduler/) whose tokenizer knows SynthFashion's words."""
    return _tiny_sd(tmp_path_factory, pixel=False)


@pytest.fixture(scope='session')
def tiny_sd_pixel_dir(tmp_path_factory) -> Path:
    """The same without vae/, its U-Net on 3-channel images."""
    return _tiny_sd(tmp_path_factory, pixel=True)


def save_random_checkpoint(config: str | Path, path: Path,
                           adjust=None) -> Path:
    """The config's model with seed-0 random weights (``adjust(model)`` may
    change them), saved as a checkpoint at ``path``."""
    import torch

    from mmrepose.registry import MODELS
    from mmrepose.utils import read_config
    register_all_modules()
    torch.manual_seed(0)
    model = MODELS.build(read_config(str(config)).model)
    if adjust is not None:
        with torch.no_grad():
            adjust(model)
    torch.save({'state_dict': model.state_dict()}, path)
    return path


@pytest.fixture(scope='module')
def web_server():
    """The web demo's server (embedded model) on a free local port."""
    import threading

    from script_loading import load_script
    web_demo = load_script('demo/web_demo.py')
    server = web_demo.build_server(web_demo.parse_args(['--port', '0']))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
