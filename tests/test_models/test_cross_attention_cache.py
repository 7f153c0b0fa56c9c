"""Sampling projects the appearance tokens to cross-attention keys and
values once per run instead of at every step, with the same images."""
from __future__ import annotations

import contextlib

import pytest
import torch
from tiny_models import random_batch, tiny_b1_cfg, tiny_b2_cfg

from mmrepose.models.editors import repose_dm
from mmrepose.registry import MODELS

STEPS = 4


def key_projections(model) -> list[torch.nn.Module]:
    from diffusers.models.attention_processor import Attention
    return [m.to_k for m in model.unet.modules()
            if isinstance(m, Attention) and m.is_cross_attention]


@pytest.mark.parametrize('make_cfg', [tiny_b1_cfg, tiny_b2_cfg])
@pytest.mark.parametrize('cfg_scale', [1.0, 2.0])
def test_same_images_one_projection_per_run(make_cfg, cfg_scale,
                                            monkeypatch):
    torch.manual_seed(0)
    model = MODELS.build(make_cfg()).eval()
    data = model.data_preprocessor(random_batch(), False)
    projections = key_projections(model)
    assert projections
    calls = []
    for p in projections:
        p.register_forward_hook(lambda *_: calls.append(1))

    def sample():
        calls.clear()
        images = model.sample(data['inputs'], sampler='ddim',
                              num_steps=STEPS, cfg_scale=cfg_scale, seed=1)
        return images, len(calls)

    cached, cached_calls = sample()
    monkeypatch.setattr(repose_dm, 'cache_cross_attention',
                        lambda unet: contextlib.nullcontext())
    plain, plain_calls = sample()
    assert torch.equal(cached, plain)
    assert cached_calls == len(projections)
    assert plain_calls == STEPS * len(projections)
    # the model is as it was: its own projections, its state dict keys
    assert key_projections(model) == projections
    assert not any('projection' in k for k in model.state_dict())


def test_a_changed_input_is_projected_again():
    from mmrepose.models.unets import CachedProjection
    cached = CachedProjection(torch.nn.Linear(4, 3))
    x = torch.randn(2, 4)
    first = cached(x)
    assert cached(x) is first
    x.mul_(2)  # in place: a new version
    torch.testing.assert_close(cached(x), cached.projection(x))
    assert cached(torch.randn(2, 4)) is not first
