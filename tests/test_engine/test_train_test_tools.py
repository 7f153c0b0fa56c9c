"""tools/train.py and tools/test.py, run in-process on the toy config."""
from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import pytest
import torch
from engine_toy import HERE, toy_config
from mmengine.config import Config
from script_loading import load_script

ROOT = HERE.parents[1]


train_tool = load_script('tools/train.py')
test_tool = load_script('tools/test.py')


def write_config(tmp_path: Path, **updates) -> Path:
    cfg = toy_config(tmp_path / 'unused', max_iters=4)
    cfg.update(experiment_name=f'toy_{uuid.uuid4().hex}', **updates)
    path = tmp_path / f'toy_{uuid.uuid4().hex[:6]}.py'
    Config(cfg).dump(path)
    return path


def run_main(tool, monkeypatch, *args) -> None:
    monkeypatch.setattr(sys, 'argv', [tool.__file__, *map(str, args)])
    tool.main()


def exit_message(tool, monkeypatch, *args, whole: bool = False) -> str:
    """The message the tool exits with: from its config building, or with
    ``whole`` from its whole ``main``."""
    monkeypatch.setattr(sys, 'argv', [tool.__file__, *map(str, args)])
    with pytest.raises(SystemExit) as exc:
        if whole:
            tool.main()
        else:
            tool.build_config(tool.parse_args())
    return str(exc.value)


def test_train_resume_and_test(tmp_path, monkeypatch):
    config, work = write_config(tmp_path), tmp_path / 'work'
    run_main(train_tool, monkeypatch, config, '--work-dir', work)
    assert (work / 'last_checkpoint').read_text().endswith('iter_4.pth')

    config = write_config(tmp_path)  # a new logger name for the new run
    run_main(train_tool, monkeypatch, config, '--work-dir', work, '--resume',
             '--cfg-options', 'train_cfg.max_iters=6')
    resumed = torch.load(work / 'iter_6.pth', weights_only=True)
    assert resumed['meta']['iter'] == 6
    assert len(resumed['message_hub']['log_scalars']['train/loss']
               .data[0]) == 6  # 4 before the restart, 2 after

    config = write_config(tmp_path)
    run_main(test_tool, monkeypatch, config, work / 'iter_6.pth',
             '--work-dir', work)
    out_dir = work / 'generated'
    assert len(list(out_dir.glob('src*_2_tgt*.png'))) == 4
    record = json.loads((out_dir / 'metrics_toy.json').read_text())
    assert record['num_images'] == 4 and record['config'] == str(config)
    assert record['protocol'] == dict(name='toy')
    assert record['resolution'] == [16, 12]
    assert isinstance(record['metrics']['toy/l1'], float)


def test_train_stops_on_nonfinite_loss(tmp_path, monkeypatch, capsys):
    config = write_config(tmp_path)
    with pytest.raises(SystemExit) as exc:
        run_main(train_tool, monkeypatch, config, '--work-dir',
                 tmp_path / 'work', '--cfg-options',
                 'model.nan_loss_iters=[1]')
    assert exc.value.code == 1
    assert 'non-finite loss at iteration 2 (loss nan): training stopped' \
        in capsys.readouterr().out


def test_bad_arguments_get_one_line_errors(tmp_path, monkeypatch):
    config, work = write_config(tmp_path), tmp_path / 'work'
    assert exit_message(train_tool, monkeypatch, tmp_path / 'no.py') == \
        f'error: config file not found: {tmp_path / "no.py"}'
    assert exit_message(train_tool, monkeypatch, config, '--resume',
                        'gone.pth') == 'error: checkpoint file not found: '\
        'gone.pth'
    assert exit_message(test_tool, monkeypatch, config, 'gone.pth') == \
        'error: checkpoint file not found: gone.pth'
    assert exit_message(train_tool, monkeypatch, config, '--amp') == \
        'error: --amp needs a GPU (mmengine AmpOptimWrapper)'
    work.mkdir()
    (work / 'last_checkpoint').write_text(str(work / 'iter_8.pth'))
    message = exit_message(train_tool, monkeypatch, config, '--resume',
                           '--work-dir', work)
    assert message.startswith(f'error: {work / "last_checkpoint"} names '
                              f"checkpoint '{work / 'iter_8.pth'}'")
    # weights of another model, and a truncated file: one line, exit 1
    other = tmp_path / 'other.pth'
    torch.save({'state_dict': {'not.a.toy.weight': torch.zeros(1)}}, other)
    message = exit_message(test_tool, monkeypatch, write_config(tmp_path),
                           other, whole=True)
    assert message.startswith(f'error: checkpoint {other} does not match '
                              'config ') and '\n' not in message
    truncated = tmp_path / 'truncated.pth'
    truncated.write_bytes(other.read_bytes()[:100])
    assert exit_message(test_tool, monkeypatch, write_config(tmp_path),
                        truncated, whole=True).startswith(
        f'error: cannot read checkpoint {truncated} (truncated')


def test_config_handling(tmp_path, monkeypatch):
    config, work = write_config(tmp_path), tmp_path / 'work'

    def build(tool, *args):
        monkeypatch.setattr(sys, 'argv', [tool.__file__, *map(str, args)])
        return tool.build_config(tool.parse_args())

    cfg = build(train_tool, config, '--resume', '--work-dir', work)
    assert not cfg.get('resume')  # nothing to resume yet: a fresh start
    monkeypatch.setattr(train_tool, 'get_device', lambda: 'cuda')
    cfg = build(train_tool, config, '--amp')
    assert cfg.optim_wrapper.type == 'NonFiniteCheckAmpOptimWrapper'
    assert cfg.optim_wrapper.dtype == 'bfloat16'
    assert cfg.work_dir == str(tmp_path / 'unused')  # the config's own

    cfg = build(test_tool, config, config, '--work-dir', work)
    # the weights are loaded strictly by main(), not by mmengine's load_from
    assert cfg.load_from is None and cfg.custom_hooks[-1] == dict(
        type='GeneratedImageSaverHook', out_dir=str(work / 'generated'))


def test_resume_falls_back_from_a_truncated_checkpoint(tmp_path, monkeypatch):
    config, work = write_config(tmp_path), tmp_path / 'work'
    work.mkdir()
    for it in (2, 4, 6):
        torch.save({'meta': {'iter': it}}, work / f'iter_{it}.pth')
    (work / 'iter_6.pth').write_bytes((work / 'iter_6.pth').read_bytes()[:50])
    (work / 'last_checkpoint').write_text(str(work / 'iter_6.pth'))
    monkeypatch.setattr(sys, 'argv', [train_tool.__file__, str(config),
                                      '--resume', '--work-dir', str(work)])
    cfg = train_tool.build_config(train_tool.parse_args())
    assert cfg.resume and cfg.load_from == str(work / 'iter_4.pth')
    # a truncated file given by name is an error, not a traceback
    assert exit_message(train_tool, monkeypatch, config, '--resume',
                        str(work / 'iter_6.pth')) == \
        f"error: cannot read checkpoint {work / 'iter_6.pth'} (truncated " \
        'or not a torch checkpoint)'
    # killed before the pointer was written: the newest readable file
    (work / 'last_checkpoint').unlink()
    monkeypatch.setattr(sys, 'argv', [train_tool.__file__, str(config),
                                      '--resume', '--work-dir', str(work)])
    cfg = train_tool.build_config(train_tool.parse_args())
    assert cfg.resume and cfg.load_from == str(work / 'iter_4.pth')
    (work / 'last_checkpoint').write_text(str(work / 'iter_6.pth'))
    for it in (2, 4):
        (work / f'iter_{it}.pth').write_bytes(b'')
    assert 'and no other iter_*.pth' in exit_message(
        train_tool, monkeypatch, config, '--resume', '--work-dir', work)
