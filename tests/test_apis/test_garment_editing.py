"""Garment editing: RePaint-style masked sampling keeps the reference
outside the region, the garment source's garment inside it."""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
import torch

from mmrepose.apis import PoseTransferInferencer
from mmrepose.apis.garment_editing import edit_mask
from mmrepose.datasets.synthesis import render_edit
from mmrepose.models.diffusion import KnownRegion
from script_loading import load_script


@pytest.fixture(scope='module')
def inferencer():
    return PoseTransferInferencer()


def rgb(bgr):
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def test_known_region_pastes_the_known_content_at_each_noise_level():
    x0 = torch.ones(1, 3, 4, 4)
    mask = torch.zeros(1, 1, 4, 4)
    mask[..., :2, :] = 1
    known = KnownRegion(x0, mask, torch.Generator().manual_seed(0))
    x = torch.full((1, 3, 4, 4), 5.0)
    final = known(x, 1.0)
    assert (final[..., :2, :] == 1).all() and (final[..., 2:, :] == 5).all()
    noisy = known(x, 0.25)  # sqrt(0.25) x0 + sqrt(0.75) z
    assert not torch.equal(noisy[..., :2, :], final[..., :2, :])
    assert (noisy[..., 2:, :] == 5).all()
    with pytest.raises(ValueError, match='mask must be'):
        KnownRegion(x0, torch.ones(1, 3, 4, 4))


def test_edit_keeps_the_reference_outside_the_region(inferencer):
    example = render_edit(0, 'upper')
    out = inferencer.edit_garment(
        rgb(example.reference), rgb(example.garment_source),
        parts=example.reference_parts, region='upper',
        reference_pose=example.reference_keypoints.tolist(),
        frame=(256, 176), num_steps=3, progress=False)
    result, reference, mask = out['result'], out['reference'], out['mask']
    assert result.shape == reference.shape == (64, 44, 3)
    assert mask.any() and not mask.all()
    # pixel space: outside the region the reference itself, exactly
    assert np.array_equal(result[~mask], reference[~mask])
    assert np.abs(result[mask].astype(int) - reference[mask]).mean() > 5
    with pytest.raises(ValueError, match='ddim or ddpm'):
        inferencer.edit_garment(
            rgb(example.reference), rgb(example.garment_source),
            parts=example.reference_parts, region='upper',
            reference_pose=example.reference_keypoints.tolist(),
            frame=(256, 176), sampler='dpmsolver++', num_steps=2)


def test_edit_mask_errors(tmp_path):
    parts = np.zeros((8, 6), np.uint8)
    with pytest.raises(ValueError, match='a mask, or a part map'):
        edit_mask(None, parts, None)
    with pytest.raises(ValueError, match="unknown region 'hat'"):
        edit_mask(None, parts, 'hat')
    with pytest.raises(ValueError, match='no upper garment'):
        edit_mask(None, parts, 'upper')
    with pytest.raises(ValueError, match='cannot read the mask'):
        edit_mask(str(tmp_path / 'missing.png'), None, None)
    mask = np.zeros((8, 6), np.uint8)
    mask[2:4] = 255
    assert edit_mask(mask, None, None).sum() == 12


def test_benchmark_tool_reports_every_method(tmp_path, capsys):
    tool = load_script('tools/analysis/garment_editing_benchmark.py')
    tool.main(['--per-region', '1', '--regions', 'upper', 'lower',
               '--steps', '2', '--out', str(tmp_path)])
    rows = json.loads((tmp_path / 'scores.json').read_text())['rows']
    assert [r['region'] for r in rows] == ['upper', 'lower']
    for row in rows:
        assert set(row) >= {'edit', 'transfer', 'paste'}
        assert row['edit']['l1_outside'] < row['transfer']['l1_outside']
    report = (tmp_path / 'report.md').read_text()
    assert '| all | paste |' in report and '## Paired' in report
    assert cv2.imread(str(tmp_path / 'grid.png')) is not None


def test_demo_writes_the_edit_and_says_what_is_missing(tmp_path):
    example = render_edit(1, 'lower')
    paths = {}
    for name, image in (('reference.png', example.reference),
                        ('garment.png', example.garment_source),
                        ('parts.png', example.reference_parts)):
        paths[name] = tmp_path / name
        cv2.imwrite(str(paths[name]), image)
    pose = tmp_path / 'pose.json'
    pose.write_text(json.dumps(dict(
        keypoints=example.reference_keypoints.tolist(),
        image_size=[256, 176])))
    demo = load_script('demo/garment_editing_demo.py')
    demo.main([str(paths['reference.png']), str(paths['garment.png']),
               '--parts', str(paths['parts.png']), '--region', 'lower',
               '--reference-pose', str(pose), '--steps', '2',
               '--out-dir', str(tmp_path / 'out')])
    grid = cv2.imread(str(tmp_path / 'out/garment_edit.png'))
    result = cv2.imread(str(tmp_path / 'out/garment_edit_result.png'))
    assert result.shape == (64, 44, 3) and grid.shape[1] > 4 * 44
    with pytest.raises(SystemExit):  # argparse: no region given
        demo.parse_args([str(paths['reference.png']), 'g.png'])
    with pytest.raises(SystemExit, match='no upper garment'):
        blank = tmp_path / 'blank.png'
        cv2.imwrite(str(blank), np.zeros((256, 176), np.uint8))
        demo.main([str(paths['reference.png']), str(paths['garment.png']),
                   '--parts', str(blank), '--region', 'upper',
                   '--reference-pose', str(pose), '--out-dir',
                   str(tmp_path / 'out')])
