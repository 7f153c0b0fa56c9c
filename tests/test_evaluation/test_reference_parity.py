"""Each preset equals its reference code, number for number.

``reference_parity.json`` holds what the reference codebases' own metric
code gave on the fixture of ``parity_fixture.py`` with the seeded random
weights of ``write_random_hub`` (the reference commit, the files run, the
command, and the environment are recorded with each case; the commands are
``reference_runner.py``'s). Here ``tools/evaluate_folder.py`` scores the
same fixture, regenerated, with the same weights file, and must give those
numbers: FID to 1e-4, the other metrics to 1e-6.

The reference scripts list folders in directory order (not sorted), and
which images their last partial batch drops depends on it. That order is a
property of the file system, so the order the reference saw is recorded
with each case and given to mmrepose's listing here;
``test_listing_follows_the_directory`` checks that the listing itself is
the references' (JPEG files first, then PNG, in directory order).
"""
from __future__ import annotations

import json
import os.path as osp
from pathlib import Path

import pytest

from mmrepose.evaluation.functional import listing as listing_module
from mmrepose.evaluation.functional.random_weights import write_random_hub
from mmrepose.evaluation.metrics.lpips import UNIT_INPUT_LABEL
from mmrepose.evaluation.protocols import get_protocol
from parity_fixture import make_parity_fixture
from script_loading import load_script

HERE = Path(__file__).resolve().parent
EXPECTED = json.loads((HERE / 'reference_parity.json').read_text())
CASES = EXPECTED['cases']
TOLERANCE = dict(fid=1e-4, lpips=1e-6, ssim=1e-6, ssim_256=1e-6, psnr=1e-6)

# each case is about a minute of one free core (Inception on 134 images and
# scipy's sqrtm of a 2048x2048 matrix, as the references compute FID), too
# long for `make test`: the cases carry the `parity` marker and run with
# `make test-parity` (CI runs both); on a loaded machine a case can take far
# longer than pytest.ini's 600 s
pytestmark = [pytest.mark.filterwarnings('ignore::DeprecationWarning'),
              pytest.mark.timeout(3600)]


@pytest.fixture(scope='module')
def fixture_root(tmp_path_factory) -> Path:
    return make_parity_fixture(tmp_path_factory.mktemp('parity'),
                               seed=EXPECTED['fixture']['seed'])


@pytest.fixture(scope='module')
def torch_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp('torch_home')
    write_random_hub(str(home / 'hub'), seed=EXPECTED['weights']['seed'])
    return home


def our_key(protocol: str, metric: str) -> str:
    preset = get_protocol(protocol)
    return {
        'fid': 'fid',
        'lpips': 'lpips' + (UNIT_INPUT_LABEL
                            if preset.lpips_input == 'unit' else ''),
        'ssim': 'ssim_win51',
        'ssim_256': f'ssim_256_sigma{preset.ssim_sigma:g}',
        'psnr': 'psnr',
    }[metric] if metric else ''


def recorded_listings(root: Path, case: dict) -> dict[str, list[str]]:
    """``{folder: names}`` in the order the reference listed them."""
    folders: dict[str, list[str]] = {}
    for files in case.get('listings', {}).values():
        for path in files:
            folder, name = osp.split(path)
            folders.setdefault(osp.realpath(root / folder), []).append(name)
    return folders


@pytest.mark.parity
@pytest.mark.parametrize('name', list(CASES))
def test_preset_equals_reference(name, fixture_root, torch_home, tmp_path,
                                 monkeypatch):
    case = CASES[name]
    monkeypatch.setenv('TORCH_HOME', str(torch_home))
    recorded = recorded_listings(fixture_root, case)
    real_listing = listing_module.list_folder

    def as_the_reference_listed(folder, listing):
        names = real_listing(folder, listing)
        order = recorded.get(osp.realpath(folder))
        if order is None or listing == 'sorted':
            return names
        assert sorted(order) == sorted(names), 'fixture differs'
        return order

    monkeypatch.setattr(listing_module, 'list_folder',
                        as_the_reference_listed)
    args = [a.format(fixture=fixture_root) for a in case['evaluate_folder']]
    out = tmp_path / 'result.json'
    load_script('tools/evaluate_folder.py').main([*args, '--cache-dir', str(tmp_path / 'cache'),
                      '--device', 'cpu', '--out', str(out)])
    ours = json.loads(out.read_text())['metrics']
    protocol = case['protocol']
    for metric, expected in case['reference']['metrics'].items():
        key = f'{protocol}/{our_key(protocol, metric)}'
        print(f'parity {name} {metric}: mmrepose {ours[key]!r} reference '
              f'{expected!r}')
        assert ours[key] == pytest.approx(expected, abs=TOLERANCE[metric]), \
            f'{name} {metric}: ours {ours[key]!r}, reference {expected!r}'


def test_listing_follows_the_directory(tmp_path):
    """``pathlib-glob`` is the references' listing: every JPEG before every
    PNG, each in directory order (``os.scandir``); ``glob-jpg`` only the
    JPEG files; ``sorted`` every image by name."""
    import os
    for i, ext in enumerate(['png', 'jpg', 'png', 'jpeg', 'jpg', 'txt']):
        (tmp_path / f'{9 - i}.{ext}').write_bytes(b'')
    scandir = [e.name for e in os.scandir(tmp_path)]
    jpg = [n for n in scandir if n.endswith('.jpg')]
    png = [n for n in scandir if n.endswith('.png')]
    assert listing_module.list_folder(str(tmp_path), 'pathlib-glob') == \
        jpg + png
    assert listing_module.list_folder(str(tmp_path), 'glob-jpg') == jpg
    assert listing_module.list_folder(str(tmp_path), 'sorted') == \
        ['5.jpg', '6.jpeg', '7.png', '8.jpg', '9.png']
