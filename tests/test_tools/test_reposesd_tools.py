"""RePoseSD's CPU recipe end to end: tools/misc/make_tiny_sd.py writes the
tiny folder, tools/train.py trains configs/reposesd/synthfashion_tiny.py and
tools/test.py scores pose accuracy."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import cv2
import pytest
from script_loading import load_script

make_tiny_sd = load_script('tools/misc/make_tiny_sd.py')
text_pose_demo = load_script('demo/text_pose_demo.py')
train_tool = load_script('tools/train.py')
test_tool = load_script('tools/test.py')
ROOT = Path(__file__).resolve().parents[2]


def run_main(tool, monkeypatch, *args) -> None:
    monkeypatch.setattr(sys, 'argv', [tool.__file__, *map(str, args)])
    tool.main()


@pytest.mark.slow  # trains and tests through the tools
@pytest.mark.parametrize('config', ['synthfashion_tiny',
                                    'synthfashion_tiny_humansd'])
def test_tiny_reposesd_trains_and_tests(synthfashion_64, tmp_path,
                                        monkeypatch, capsys, config):
    sd = tmp_path / 'tiny_sd'
    run_main(make_tiny_sd, monkeypatch, '--out', sd, '--captions',
             synthfashion_64 / 'captions-train.json', '--pixel',
             '--width', 16, '--text-width', 16)
    assert 'whole words' in capsys.readouterr().out
    assert not (sd / 'vae').exists()
    options = [f'model.sd_folder={sd}', 'train_cfg.max_iters=2',
               'default_hooks.checkpoint.interval=2',
               'model.test_cfg.num_steps=2', 'model.test_cfg.progress=False']
    for split in ('train', 'val', 'test'):
        options += [f'{split}_dataloader.dataset.data_root={synthfashion_64}',
                    f'{split}_dataloader.batch_size=2']
    options.append('test_dataloader.dataset.max_pairs=2')
    cfg = f'configs/reposesd/{config}.py'
    work = tmp_path / 'work'
    run_main(train_tool, monkeypatch, cfg, '--work-dir', work,
             '--cfg-options', *options)
    assert (work / 'iter_2.pth').is_file()
    run_main(test_tool, monkeypatch, cfg, work / 'iter_2.pth', '--work-dir',
             work, '--cfg-options', *options)
    records = list((work / 'generated').glob('metrics_*.json'))
    assert len(records) == 1
    metrics = json.loads(records[0].read_text())['metrics']
    pck = [v for k, v in metrics.items() if k.endswith('pck@0.1')]
    assert len(pck) == 1 and 0 <= pck[0] <= 1
    assert 0 <= metrics['synthfashion/pose_ap'] <= 1
    assert metrics['synthfashion/pce'] >= 0
    assert len(list((work / 'generated').glob('*.png'))) == 2
    if config != 'synthfashion_tiny':
        return
    # the demo on the trained weights: pose | result for two poses
    out = tmp_path / 'demo.png'
    demo = ['a woman in a red top', '--pose',
            ROOT / 'demo/examples/target_pose.json',
            ROOT / 'demo/examples/target_pose_2.json', '--config', cfg,
            '--checkpoint', work / 'iter_2.pth', '--steps', 2, '--out', out,
            '--cfg-options', f'model.sd_folder={sd}']
    text_pose_demo.main([str(a) for a in demo])
    assert '2 result(s) at 64x44' in capsys.readouterr().out
    grid = cv2.imread(str(out))
    assert grid is not None and grid.shape[0] > 2 * 64
    with pytest.raises(SystemExit, match='keypoint JSON not found'):
        text_pose_demo.main([str(a) for a in demo[:2]] + [
            str(tmp_path / 'missing.json')] + [str(a) for a in demo[4:]])
    with pytest.raises(SystemExit, match='tokenizer'):  # no sd_folder
        text_pose_demo.main([str(a) for a in demo[:-2]])
    with pytest.raises(SystemExit, match='not a text-and-pose model'):
        text_pose_demo.main([str(a) for a in demo[:4]] + [
            '--config', 'configs/repose/synthfashion_64_b1.py',
            '--checkpoint', str(ROOT / 'checkpoints/synthfashion_64_b1.pth'),
            '--out', str(out)])


def test_bad_captions_file_is_a_clear_error(tmp_path, monkeypatch):
    bad = tmp_path / 'captions.json'
    bad.write_text('{not json')
    with pytest.raises(SystemExit, match=f'--captions {bad}'):
        run_main(make_tiny_sd, monkeypatch, '--out', tmp_path / 'sd',
                 '--captions', bad)
