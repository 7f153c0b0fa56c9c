"""The full RePoseDM: B2 + PIF gradient guidance in the editor (Eqs. 15-16).

With PIF training off and guidance scale 0 it must reproduce B2 exactly;
with PIF on, training uses eps_tilde and sampling adds the guidance term.
"""
import pytest
import torch

from mmrepose.registry import MODELS
from mmrepose.structures import PoseTransferDataSample

from tiny_models import (random_batch, tiny_b1_cfg, tiny_b2_cfg,
                         tiny_full_cfg)

SIZE = (32, 24)


def _batch() -> dict:
    return random_batch(size=SIZE, target_keypoints=True)


def _pair(enabled: bool = False):
    """A B2 model and a full model holding the same weights."""
    torch.manual_seed(0)
    b2 = MODELS.build(tiny_b2_cfg())
    full = MODELS.build(tiny_full_cfg(enabled))
    missing, unexpected = full.load_state_dict(b2.state_dict(), strict=False)
    assert not unexpected
    assert all(k.startswith('pose_interaction_field.') for k in missing)
    return b2, full


def test_without_pif_training_and_guidance_it_is_b2_exactly():
    b2, full = _pair(enabled=False)
    data = b2.data_preprocessor(_batch(), True)
    losses = []
    for model in (b2, full):
        torch.manual_seed(1)
        losses.append(model(**data, mode='loss'))
    for key in ('loss_mse', 'loss_vlb', 'loss_rpa'):
        assert torch.equal(losses[0][key], losses[1][key]), key
    b2.eval(), full.eval()
    data = b2.data_preprocessor(_batch(), False)
    assert torch.equal(
        b2.sample(data['inputs'], num_steps=3),
        full.sample(data['inputs'], num_steps=3, guidance_scale=0))


def test_pif_training_replaces_eps_and_logs_the_energy():
    b2, full = _pair(enabled=True)
    data = b2.data_preprocessor(_batch(), True)
    torch.manual_seed(1)
    ref = b2(**data, mode='loss')
    torch.manual_seed(1)
    out = full(**data, mode='loss')
    assert 'pif_energy' in out and float(out['pif_fraction']) > 0
    assert not torch.equal(out['loss_mse'], ref['loss_mse'])
    sum(v for k, v in out.items() if 'loss' in k).backward()
    assert not any(p.grad is not None
                   for p in full.pose_interaction_field.parameters())
    without_keypoints = b2.data_preprocessor(random_batch(size=SIZE), True)
    with pytest.raises(KeyError, match='target keypoints'):
        full(**without_keypoints, mode='loss')


def test_guided_sampling_uses_the_target_keypoints():
    _, full = _pair()
    full.eval()
    batch = _batch()
    data = full.data_preprocessor(batch, False)
    assert full.test_cfg['guidance_scale'] == 1.0
    guided = full.predict(data['inputs'], data['data_samples'], num_steps=3,
                          progress=False)
    plain = full.predict(data['inputs'], [PoseTransferDataSample()
                                          for _ in range(2)],
                         num_steps=3, guidance_scale=0)
    assert not torch.equal(guided[0].pred_img, plain[0].pred_img)
    with pytest.raises(ValueError, match='target_keypoints'):
        full.sample(data['inputs'], num_steps=2)
    b2 = MODELS.build(tiny_b2_cfg())
    with pytest.raises(TypeError, match='guidance_scale'):
        b2.sample(data['inputs'], num_steps=2, guidance_scale=1.0)


def test_b2_with_the_b1_encoder_attends_to_both_token_sets():
    """appearance_encoder and pose_alignment together: B1's tokens, then
    RPA's, one sequence; the loss reaches both."""
    cfg = tiny_b2_cfg()
    cfg['appearance_encoder'] = tiny_b1_cfg()['appearance_encoder']
    torch.manual_seed(0)
    both = MODELS.build(cfg)
    data = both.data_preprocessor(_batch(), True)
    _, tokens, alignment = both.condition(data['inputs'])
    encoder_tokens = both.appearance_encoder(data['inputs']['source_img'])
    assert tokens.shape[1] == encoder_tokens.shape[1] + \
        alignment.tokens.shape[1]
    assert torch.equal(tokens[:, :encoder_tokens.shape[1]], encoder_tokens)
    losses = both(**data, mode='loss')
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    for part in (both.appearance_encoder, both.pose_alignment):
        assert any(p.grad is not None and p.grad.abs().sum() > 0
                   for p in part.parameters())
    with pytest.raises(ValueError, match='appearance_encoder .* or both'):
        MODELS.build({**cfg, 'appearance_encoder': None,
                      'pose_alignment': None})
