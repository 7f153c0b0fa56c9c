"""Every checkpoint read goes through mmrepose's allow-listed reader, with an
explicit ``weights_only=True``: mmengine's own loads (resume, ``load_from``)
included, and whatever ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` says."""
from __future__ import annotations

import pytest
import torch
from malicious_pickle import EXECUTED, Malicious
from mmengine.runner.checkpoint import CheckpointLoader, load_checkpoint

from mmrepose.engine import CheckpointReadError, read_checkpoint


@pytest.fixture
def malicious(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {'w': torch.zeros(2)}, 'x': Malicious()}, path)
    return str(path)


@pytest.mark.parametrize('entry', ['read_checkpoint', 'mmengine'])
def test_malicious_pickle_is_refused_even_when_torch_is_told_otherwise(
        entry, malicious, monkeypatch):
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    EXECUTED.clear()
    with pytest.raises(CheckpointReadError) as err:
        if entry == 'mmengine':  # resume and load_from end here
            CheckpointLoader.load_checkpoint(malicious, map_location='cpu')
        else:
            read_checkpoint(malicious)
    message = str(err.value)
    assert '\n' not in message and 'evil.pth' in message
    assert 'malicious_pickle.payload' in message
    assert EXECUTED == []


def test_mmengine_reads_weights_and_names_bad_files(tmp_path):
    model = torch.nn.Linear(2, 3)
    good = tmp_path / 'good.pth'
    torch.save({'state_dict': model.state_dict()}, good)
    other = torch.nn.Linear(2, 3)
    load_checkpoint(other, str(good), map_location='cpu')
    assert torch.equal(other.weight, model.weight)
    truncated = tmp_path / 'cut.pth'
    truncated.write_bytes(good.read_bytes()[:100])
    with pytest.raises(CheckpointReadError, match=r'cannot read checkpoint '
                       r'.*cut.pth \(truncated or corrupt\?\)'):
        load_checkpoint(other, str(truncated), map_location='cpu')
    with pytest.raises(FileNotFoundError, match='checkpoint not found'):
        load_checkpoint(other, str(tmp_path / 'nope.pth'))
