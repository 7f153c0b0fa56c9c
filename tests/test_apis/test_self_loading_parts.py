"""load_weights with keep_missing=SELF_LOADING: a checkpoint trained
without the parts that load their own file (PIF's estimator, the distilled
guidance decoder) loads into a config that has them, and they keep their
built weights; any other missing weight is still an error."""
import pytest
import torch
from torch import nn

from mmrepose.apis import SELF_LOADING, CheckpointMismatchError, load_weights


class Autoencoder(nn.Module):

    def __init__(self, with_guidance_decoder: bool):
        super().__init__()
        self.decoder = nn.Linear(2, 2)
        if with_guidance_decoder:
            self.guidance_decoder = nn.Linear(2, 2)


class Model(nn.Module):

    def __init__(self, guided: bool):
        super().__init__()
        self.unet = nn.Linear(2, 2)
        self.autoencoder = Autoencoder(guided)
        if guided:
            self.pose_interaction_field = nn.Linear(2, 2)


def test_trained_without_guidance_parts_loads(tmp_path):
    trained, path = Model(guided=False), tmp_path / 'b2.pth'
    torch.save({'state_dict': trained.state_dict()}, path)
    guided = Model(guided=True)
    own = guided.autoencoder.guidance_decoder.weight.clone()
    with pytest.raises(CheckpointMismatchError, match='guidance_decoder'):
        load_weights(guided, str(path), 'guided.py',
                     keep_missing=('pose_interaction_field.', ))
    load_weights(guided, str(path), 'guided.py', keep_missing=SELF_LOADING)
    assert torch.equal(guided.unet.weight, trained.unet.weight)
    assert torch.equal(guided.autoencoder.guidance_decoder.weight, own)
    # a trained weight missing is still an error
    torch.save({'state_dict': {k: v for k, v in Model(False).state_dict()
                               .items() if not k.startswith('unet.')}}, path)
    with pytest.raises(CheckpointMismatchError, match='unet'):
        load_weights(guided, str(path), 'guided.py',
                     keep_missing=SELF_LOADING)
