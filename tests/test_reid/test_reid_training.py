"""The re-ID strong baseline: its losses, PK batches, network and the
training tool on a tiny Market-1501-layout set."""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
import torch

from mmrepose.reid.losses import batch_hard_triplet_loss
from mmrepose.reid.market_folder import MarketFolder, pk_batches
from mmrepose.reid.reid_net import ReIDNet
from script_loading import load_script


def test_batch_hard_triplet_loss_by_hand():
    # 1-D features: id 0 at 0 and 1, id 1 at 3 and 10; margin 0.3.
    # anchors: 0 -> max(0, 1 - 3 + .3) = 0; 1 -> max(0, 1 - 2 + .3) = 0;
    # 3 -> 7 - 2 + .3 = 5.3; 10 -> max(0, 7 - 9 + .3) = 0
    features = torch.tensor([[0.0], [1.0], [3.0], [10.0]])
    labels = torch.tensor([0, 0, 1, 1])
    loss = batch_hard_triplet_loss(features, labels)
    assert float(loss) == pytest.approx(5.3 / 4)
    with pytest.raises(ValueError, match='PK sampling'):
        batch_hard_triplet_loss(features, torch.tensor([0, 1, 2, 3]))


def test_pk_batches_hold_p_identities_of_k_images():
    labels = np.array([0, 0, 0, 1, 1, 2, 3, 3, 3, 3])
    batches = list(pk_batches(labels, 2, 3, np.random.default_rng(0)))
    assert len(batches) == 2  # 4 identities, 2 a batch
    for batch in batches:
        assert len(batch) == 6
        assert sorted(np.bincount(labels[batch], minlength=4)[
            np.unique(labels[batch])]) == [3, 3]


def test_reid_net_shapes_and_last_stride():
    model = ReIDNet(5, 'resnet18').eval()
    assert model(torch.randn(2, 3, 64, 32)).shape == (2, 512)
    # last stride 1: the final map is 1/16 of the input, not 1/32
    assert model.backbone(torch.randn(1, 3, 64, 32)).shape[-2:] == (4, 2)
    model.train()
    pooled, logits = model(torch.randn(2, 3, 64, 32))
    assert pooled.shape == (2, 512) and logits.shape == (2, 5)
    with pytest.raises(FileNotFoundError, match='put a torchvision'):
        ReIDNet(5, 'resnet18', pretrained='/nowhere/r18.pth')


def _market_set(root, identities, cameras, per_camera, seed):
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    for pid in identities:
        colour = rng.integers(0, 256, 3)
        for cam in cameras:
            for i in range(per_camera):
                image = np.clip(colour + rng.normal(0, 20, (32, 16, 3)), 0,
                                255).astype(np.uint8)
                cv2.imwrite(str(root / f'{pid:04d}_c{cam}s1_{i:06d}_00.jpg'),
                            image)


def test_train_reid_tool_end_to_end(tmp_path, capsys):
    data = tmp_path / 'market'
    _market_set(data / 'bounding_box_train', range(1, 5), (1, 2), 2, 0)
    _market_set(data / 'query', range(5, 8), (1, ), 1, 1)
    _market_set(data / 'bounding_box_test', range(5, 8), (2, ), 2, 1)
    out = tmp_path / 'metrics.json'
    load_script('tools/reid/train_reid.py').main([
        '--data-root', str(data), '--arch', 'resnet18', '--size', '32x16',
        '--epochs', '2', '--p', '2', '--k', '2', '--out', str(out)])
    metrics = json.loads(out.read_text())
    assert metrics['queries'] == 3 and metrics['train_identities'] == 4
    assert 0 <= metrics['mAP'] <= 1 and 0 <= metrics['rank1'] <= 1
    assert len(MarketFolder(str(data / 'query'))) == 3
    with pytest.raises(SystemExit, match='not found'):
        load_script('tools/reid/train_reid.py').main(
            ['--data-root', str(tmp_path / 'nothing'), '--epochs', '1'])
