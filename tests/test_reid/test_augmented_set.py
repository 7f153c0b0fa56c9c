"""The augmented re-ID training set: Market-1501 names, the generation
plan, and the tool that writes it."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import cv2
import pytest

from conftest import save_random_checkpoint
from mmrepose.reid import (MarketName, generated_name, parse_market_name,
                           plan_generation, real_subset)
from script_loading import load_script

ROOT = Path(__file__).resolve().parents[2]
# the Market-1501 B1 with the U-Net of the 64x44 SynthFashion model: small
TINY_MARKET = """
_base_ = ['{root}/configs/repose/market1501_128_b1.py']
model = dict(
    unet=dict(context_dim=64, unet_cfg=dict(
        block_out_channels=(32, 64, 64), layers_per_block=1,
        down_block_types=('DownBlock2D', 'DownBlock2D',
                          'CrossAttnDownBlock2D'),
        up_block_types=('CrossAttnUpBlock2D', 'UpBlock2D', 'UpBlock2D'),
        attention_head_dim=4, norm_num_groups=16)),
    appearance_encoder=dict(channels=(32, 64, 64), token_stages=(1, 2),
                            context_dim=64),
    test_cfg=dict(num_steps=2))
"""


def test_market_names_round_trip_and_errors():
    name = parse_market_name('0002_c1s1_000451_03.jpg')
    assert name == MarketName(2, 1, 1, 451, 3) and not name.generated
    assert str(name) == '0002_c1s1_000451_03.jpg'
    assert parse_market_name('-1_c3s2_000100_00.jpg').identity == -1
    made = generated_name(name, parse_market_name('0007_c5s3_000012_01.jpg'),
                          42)
    assert str(made) == '0002_c5s9_000042_00.jpg' and made.generated
    with pytest.raises(ValueError, match="'img.jpg' is not a Market-1501"):
        parse_market_name('img.jpg')
    with pytest.raises(ValueError, match='6-digit frame'):
        generated_name(name, name, 10**6)


def test_plan_keeps_identities_and_is_seeded():
    names = ['0002_c1s1_000451_03.jpg', '0002_c2s1_000301_01.jpg',
             '0007_c5s3_000012_01.jpg', '0011_c6s1_000100_00.jpg']
    plan = plan_generation(names, 20, seed=3)
    assert plan == plan_generation(names, 20, seed=3)
    assert plan != plan_generation(names, 20, seed=4)
    assert len({p.name for p in plan}) == 20
    for item in plan:
        assert item.source != item.pose_of
        made, source = parse_market_name(item.name), \
            parse_market_name(item.source)
        assert made.identity == source.identity and made.generated
        assert made.camera == parse_market_name(item.pose_of).camera
    half = real_subset(names, 0.5, seed=0)
    assert len(half) == 2 and set(half) <= set(names)
    with pytest.raises(ValueError, match=r'in \(0, 1\]'):
        real_subset(names, 0.0, seed=0)
    with pytest.raises(ValueError, match='at least two'):
        plan_generation(names[:1], 3, seed=0)


def test_tool_writes_market_layout(market_root, tmp_path):
    config = tmp_path / 'tiny_market.py'
    config.write_text(TINY_MARKET.format(root=ROOT))
    checkpoint = save_random_checkpoint(config, tmp_path / 'tiny.pth')
    out = tmp_path / 'augmented'
    load_script('tools/reid/make_augmented_set.py').main([
        '--data-root', str(market_root), '--out', str(out),
        '--config', str(config), '--checkpoint', str(checkpoint),
        '--num', '3', '--real-fraction', '0.75'])
    files = sorted(p.name for p in (out / 'bounding_box_train').iterdir())
    with open(out / 'generated.csv') as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3
    generated = [n for n in files if parse_market_name(n).generated]
    assert sorted(r['name'] for r in rows) == generated
    real = [n for n in files if not parse_market_name(n).generated]
    assert len(real) >= 1 and all((market_root / 'train' / n).is_file()
                                  for n in real)
    for row in rows:
        assert row['source'] in real and row['pose_of'] in real
        assert parse_market_name(row['name']).identity == \
            parse_market_name(row['source']).identity
        image = cv2.imread(str(out / 'bounding_box_train' / row['name']))
        assert image.shape == (128, 64, 3)


def test_augmentation_study_end_to_end(tmp_path, capsys):
    from mmrepose.datasets.synthesis.reid_writer import \
        generate_synthfashion_reid
    data = tmp_path / 'reid'
    generate_synthfashion_reid(str(data), (64, 44), train_ids=3, test_ids=2,
                               images_per_camera=2, progress=False)
    study = load_script('tools/reid/run_augmentation_study.py')
    args = ['--data-root', str(data), '--fractions', '0.5', '--seeds', '0',
            '--size', '32x24', '--epochs', '1', '--p', '2', '--k', '2',
            '--work-dir', str(tmp_path / 'work'), '--out',
            str(tmp_path / 'out')]
    study.main(args)
    results = json.loads((tmp_path / 'out/results.json').read_text())
    runs = results['0.5']
    assert set(runs) == {'real', 'copy', 'generated'}
    real, copy, generated = (runs[c][0] for c in ('real', 'copy',
                                                  'generated'))
    # half of the 24 training images, then as many again
    assert real['train_images'] == 12
    assert copy['train_images'] == generated['train_images'] == 24
    assert 0 <= generated['mAP'] <= 1
    made = sorted((tmp_path / 'work/real0.5/seed0/generated/'
                   'bounding_box_train').glob('*_c?s9_*'))
    assert len(made) == 12 and cv2.imread(str(made[0])).shape[:2] == (64, 44)
    assert '| 50% | generated |' in (tmp_path / 'out/report.md').read_text()
    # a second call reuses every run's metrics
    study.main(args)
    assert json.loads((tmp_path / 'out/results.json').read_text()) == results
