"""CLIP score against CLIPModel's own forward pass, on a tiny random CLIP
folder."""
import numpy as np
import pytest
import torch

from mmrepose.evaluation.metrics import CLIPScore
from mmrepose.models.stable_diffusion import write_tiny_clip
from mmrepose.structures import PoseTransferDataSample


@pytest.fixture(scope='module')
def clip_dir(tmp_path_factory):
    return write_tiny_clip(str(tmp_path_factory.mktemp('clip')),
                           ['a', 'woman', 'in', 'red', 'blue', 'top'])


def test_clip_score_equals_the_models_own_cosine(clip_dir):
    metric = CLIPScore(clip_dir)
    g = np.random.default_rng(0)
    images = [g.integers(0, 256, (64, 44, 3), dtype=np.uint8)
              for _ in range(3)]
    prompts = ['a woman in red', 'a blue top', 'a woman']
    samples = []
    for img, prompt in zip(images, prompts):
        s = PoseTransferDataSample(metainfo=dict(prompt=prompt))
        s.pred_img = torch.from_numpy(img).permute(2, 0, 1)
        samples.append(s)
    metric.process({}, samples)
    # reference: CLIPModel.forward's logits are exp(logit_scale) x cosine
    with torch.no_grad():
        out = metric.model(**metric.tokenizer(prompts, padding=True,
                                              return_tensors='pt'),
                           **metric.processor(images=images,
                                              return_tensors='pt'))
    cosine = (out.logits_per_image.diagonal()
              / metric.model.logit_scale.exp()).detach()
    expected = 100 * cosine.clamp(min=0)
    np.testing.assert_allclose(metric.results, expected.numpy(), rtol=1e-4,
                               atol=1e-4)
    result = metric.compute_metrics(metric.results)
    assert result['clip_score'] == pytest.approx(float(expected.mean()),
                                                 rel=1e-4, abs=1e-4)


def test_clip_score_errors(clip_dir, tmp_path):
    with pytest.raises(FileNotFoundError, match='has no config.json'):
        CLIPScore(str(tmp_path))
    metric = CLIPScore(clip_dir)
    sample = PoseTransferDataSample()
    sample.pred_img = torch.zeros(3, 8, 8, dtype=torch.uint8)
    with pytest.raises(KeyError, match='prompt'):
        metric.process({}, [sample])
