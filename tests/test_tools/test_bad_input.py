"""Every bad input a user can give the entry points (demo, tools/test.py,
tools/train.py, tools/evaluate_folder.py) ends the program with one line
naming the file or argument and a non-zero exit, never a traceback. One
row per case; each runs the real entry point in-process."""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from malicious_pickle import EXECUTED, Malicious

from mmrepose.registry import MODELS
from mmrepose.utils import read_config
from script_loading import load_script

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / 'configs/repose/synthfashion_64_b1.py'
EXAMPLES = ROOT / 'demo/examples'
ESTIMATOR = (ROOT / 'checkpoints/pose_estimators/'
             'ae_hrnet_w16_synthfashion_128.pth')

@pytest.fixture(scope='module')
def files(tmp_path_factory) -> dict[str, Path]:
    """The bad (and one good) input files the table refers to by name."""
    tmp = tmp_path_factory.mktemp('bad_input')
    torch.manual_seed(0)
    state = MODELS.build(read_config(CONFIG).model).state_dict()
    paths = {name: tmp / name for name in (
        'model.pth', 'evil.pth', 'truncated.pth', 'nan.json', 'big.json',
        'ten.json', 'outside.json', 'missing.json', 'black.png', 'blocked',
        'empty.jpg', 'taken')}
    torch.save({'state_dict': state}, paths['model.pth'])
    torch.save({'state_dict': state, 'meta': {'x': Malicious()}},
               paths['evil.pth'])
    paths['truncated.pth'].write_bytes(
        paths['model.pth'].read_bytes()[:1000])
    pose = json.loads((EXAMPLES / 'target_pose.json').read_text())
    nan = dict(pose, keypoints=[[float('nan'), 3.0]] + pose['keypoints'][1:])
    paths['nan.json'].write_text(json.dumps(nan))
    paths['big.json'].write_text(json.dumps(dict(pose, image_size='big')))
    paths['ten.json'].write_text(json.dumps(
        dict(pose, keypoints=pose['keypoints'][:10])))
    paths['outside.json'].write_text(json.dumps(
        dict(pose, keypoints=[[5000, 5000]] * 18)))
    paths['missing.json'].write_text(json.dumps(
        dict(pose, keypoints=[[-1, -1]] * 18)))
    (paths['taken'] / 'demo.png').mkdir(parents=True)  # a folder, not a file
    cv2.imwrite(str(paths['black.png']), np.zeros((256, 176, 3), np.uint8))
    paths['blocked'].write_text('a file where a folder should be')
    paths['empty.jpg'].write_bytes(b'')
    return paths


def demo(*args: str) -> list[str]:
    return ['demo/pose_transfer_demo.py', *args, '--config', str(CONFIG),
            '--steps', '1']


SOURCE = str(EXAMPLES / 'source.jpg')
# (id, argv with {file} placeholders, what the one line must say, with the
# same placeholders)
CASES = [
    ('demo: missing image', demo('missing.jpg', '--checkpoint', '{model.pth}'),
     'cannot read image missing.jpg'),
    ('demo: empty image', demo('{empty.jpg}', '--checkpoint', '{model.pth}'),
     'cannot decode image {empty.jpg}: the file is empty'),
    ('demo: missing keypoint JSON',
     demo(SOURCE, 'nope.json', '--checkpoint', '{model.pth}'),
     'keypoint JSON not found: nope.json'),
    ('demo: NaN keypoint', demo(SOURCE, '{nan.json}', '--checkpoint',
                                '{model.pth}'), 'nan.json'),
    ('demo: image_size not two integers',
     demo(SOURCE, '{big.json}', '--checkpoint', '{model.pth}'), 'big.json'),
    ('demo: 10 keypoints as the source pose',
     demo(SOURCE, '--source-pose', '{ten.json}', '--checkpoint',
          '{model.pth}'), 'ten.json'),
    ('demo: every keypoint out of the frame',
     demo(SOURCE, '{outside.json}', '--checkpoint', '{model.pth}'),
     'outside.json'),
    ('demo: black image as a driving photo',
     demo(SOURCE, '{black.png}', '--checkpoint', '{model.pth}'), 'black.png'),
    ('demo: every keypoint missing',
     demo(SOURCE, '{missing.json}', '--checkpoint', '{model.pth}'),
     'missing.json'),
    ('demo: a folder where the grid is to be written',
     demo('--checkpoint', '{model.pth}', '--out-dir', '{taken}'),
     'demo.png'),
    ('demo: output folder under a file',
     demo('--checkpoint', '{model.pth}', '--out-dir', '{blocked}/sub'),
     'cannot write to --out-dir {blocked}/sub'),
    ('demo: truncated checkpoint', demo('--checkpoint', '{truncated.pth}'),
     'cannot read checkpoint {truncated.pth} (truncated'),
    ('demo: malicious checkpoint', demo('--checkpoint', '{evil.pth}'),
     'outside the allow-list'),
    ('demo: pose-estimator weights as the model',
     demo('--checkpoint', str(ESTIMATOR)), 'does not match config'),
    ('test.py: missing checkpoint',
     ['tools/test.py', str(CONFIG), 'nope.pth'], 'nope.pth'),
    ('test.py: pose-estimator weights as the model',
     ['tools/test.py', str(CONFIG), str(ESTIMATOR), '--work-dir', '{work}'],
     'ae_hrnet_w16_synthfashion_128.pth does not match config'),
    ('test.py: truncated checkpoint',
     ['tools/test.py', str(CONFIG), '{truncated.pth}', '--work-dir',
      '{work}'], 'cannot read checkpoint'),
    ('test.py: no data',
     ['tools/test.py', str(CONFIG), '{model.pth}', '--work-dir', '{work}',
      '--cfg-options', 'test_dataloader.dataset.data_root={work}/nowhere'],
     'annotation file not found'),
    ('test.py: malicious checkpoint',
     ['tools/test.py', str(CONFIG), '{evil.pth}', '--work-dir', '{work}'],
     'outside the allow-list'),
    ('train.py: missing config', ['tools/train.py', 'nope.py'],
     'config file not found: nope.py'),
    ('train.py: --resume a missing file',
     ['tools/train.py', str(CONFIG), '--resume', 'nope.pth'],
     'checkpoint file not found: nope.pth'),
    ('train.py: --resume a truncated file',
     ['tools/train.py', str(CONFIG), '--resume', '{truncated.pth}'],
     'cannot read checkpoint'),
    ('train.py: --resume a malicious checkpoint',
     ['tools/train.py', str(CONFIG), '--resume', '{evil.pth}', '--work-dir',
      '{work}', '--cfg-options', 'train_dataloader.num_workers=0',
      'train_dataloader.persistent_workers=False',
      'train_dataloader.dataset.data_root={data}',
      'val_dataloader.dataset.data_root={data}'],
     'outside the allow-list'),
    ('train.py: no data',
     ['tools/train.py', str(CONFIG), '--work-dir', '{work}', '--cfg-options',
      'train_dataloader.dataset.data_root={work}/nowhere'],
     'annotation file not found'),
    ('evaluate_folder.py: missing ground-truth folder',
     ['tools/evaluate_folder.py', '--gt', 'nowhere', '--pred', '{work}',
      '--pairs', 'nope.csv', '--real-set', 'test', '--random-weights',
      '--protocol', 'standard'],
     '--gt folder not found: nowhere'),
]
if not torch.cuda.is_available():
    CASES.append(('demo: --device cuda without a GPU',
                  demo('--checkpoint', '{model.pth}', '--device', 'cuda'),
                  "device 'cuda' asked for, but torch sees no CUDA GPU"))


def run(argv: list[str], monkeypatch, capsys) -> tuple[int, str]:
    """Run one entry point's ``main`` in-process: (exit code, message)."""
    monkeypatch.setattr(sys, 'argv', argv)
    main: Callable[[], None] = load_script(argv[0]).main
    with pytest.raises(SystemExit) as exit_info:
        main()
    code = exit_info.value.code
    if isinstance(code, str):  # sys.exit('error: ...'): nothing but the line
        assert '\n' not in code, code
        return 1, code
    captured = capsys.readouterr()
    return code, (captured.err or captured.out).strip()


@pytest.mark.parametrize('name, argv, message', CASES,
                         ids=[c[0] for c in CASES])
def test_bad_input_is_one_line(name, argv, message, files, synthfashion_64,
                               tmp_path, monkeypatch, capsys):
    names = {'{work}': str(tmp_path / 'work'), '{data}': str(synthfashion_64),
             **{f'{{{key}}}': str(path) for key, path in files.items()}}
    for placeholder, value in names.items():
        argv = [a.replace(placeholder, value) for a in argv]
        message = message.replace(placeholder, value)
    EXECUTED.clear()
    code, text = run(argv, monkeypatch, capsys)
    assert code != 0, name
    lines = text.splitlines()
    assert lines and lines[-1].startswith('error: '), text
    assert message in lines[-1], text
    assert 'Traceback' not in text
    assert EXECUTED == []  # no checkpoint ran code
