"""HumanSD's 4-panel FID: its panels, the byte conversion, and the whole
metric against torchmetrics' FID fed the way HumanSD's scripts feed it."""
import colorsys
import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from PIL import Image

from mmrepose.evaluation.functional.humansd_strip import (
    HUMANSD_LIMBS, caption_panel, humansd_pose_image, humansd_strip,
    strip_fid_input)
from mmrepose.evaluation.functional.random_weights import \
    random_inception_state_dict
from mmrepose.evaluation.metrics import HumanSDStripFID
from mmrepose.evaluation.metrics.humansd_pose import coco17_people
from mmrepose.structures import PoseTransferDataSample


def test_pose_panel_draws_scored_limbs_in_the_hls_palette():
    person = np.full((17, 3), -1.0)
    person[5] = [20, 20, 1.0]  # left shoulder
    person[7] = [20, 44, 1.0]  # left elbow: limb (5, 7)
    person[9] = [44, 44, 0.01]  # left wrist, scored under 0.02
    image = humansd_pose_image(person[None], 64)
    limb = HUMANSD_LIMBS.index((5, 7))
    # seaborn's hls palette: hue i / 16 + 0.01, lightness 0.6, saturation 0.65
    rgb = colorsys.hls_to_rgb(limb / 16 + 0.01, 0.6, 0.65)
    assert image[32, 20].tolist() == [int(255 * c) for c in rgb]
    assert image[44, 32].tolist() == [0, 0, 0]  # elbow-wrist not drawn
    assert image[5, 60].tolist() == [0, 0, 0]


def test_caption_panel_wraps_at_twenty_characters_per_256_pixels():
    def text_rows(prompt):
        panel = caption_panel(prompt, (256, 256))
        assert panel.shape == (256, 256, 3)
        dark = (panel < 128).any(axis=(1, 2))
        assert not dark[:30].any()  # drawn from (30, 30)
        return np.flatnonzero(dark)

    one_line, two_lines = text_rows('a' * 20), text_rows('a' * 21)
    assert two_lines.max() - one_line.max() > 5  # the 21st character wraps
    with pytest.raises(FileNotFoundError, match='DejaVu'):
        caption_panel('a', (64, 64), font='/nonexistent/NoSuchFont.ttf')


def test_strip_swaps_red_and_blue_after_the_first_panel():
    red = np.zeros((32, 32, 3), np.uint8)
    red[..., 0] = 255
    strip = humansd_strip(red, red, red, red)
    assert strip.shape == (32, 128, 3)
    centres = strip[16, 16::32].astype(int)  # JPEG: near, not exact
    assert np.abs(centres[0] - [255, 0, 0]).max() <= 3
    assert np.abs(centres[1:] - [0, 0, 255]).max() <= 3


def test_byte_conversion_truncates_and_wraps():
    """Black after ImageNet normalisation, x 255: R -540.07 -> -540 -> 228,
    G -519.11 -> -519 -> 249, B -460.13 -> -460 -> 52 (mod 256)."""
    black = strip_fid_input(np.zeros((40, 160, 3), np.uint8))
    assert black.shape == (3, 299, 299) and black.dtype == torch.uint8
    assert [int(black[c].unique()) for c in range(3)] == [228, 249, 52]


def _samples(root, scenes, per_scene, size=48):
    g = np.random.default_rng(0)
    samples = []
    for scene in scenes:
        for i in range(per_scene):
            path = osp.join(root, 'HumanArt', 'images', 'real_human', scene,
                            f'{i}.jpg')
            real = g.integers(0, 256, (size + 16 * i, size + 8, 3), np.uint8)
            cv2.imwrite(_mkdir(path), real)
            people = np.full((1, 18, 2), -1.0)
            people[0, [2, 3, 5, 6]] = g.uniform(4, size - 4, (4, 2))
            sample = PoseTransferDataSample(metainfo=dict(
                target_img_path=path, prompt=f'a person in {scene} {i}',
                pair_name=f'{scene}_{i}'))
            sample.pred_img = torch.from_numpy(
                g.integers(0, 256, (3, size, size), np.uint8))
            sample.gt_img = torch.from_numpy(
                g.integers(0, 256, (3, size, size), np.uint8))
            sample.target_keypoints = torch.from_numpy(people).float()
            samples.append(sample)
    return samples


def _mkdir(path):
    os.makedirs(osp.dirname(path), exist_ok=True)
    return path


def test_metric_matches_torchmetrics_fed_as_humansd(tmp_path):
    """Each scene's FID equals torchmetrics' FrechetInceptionDistance
    (feature=64, normalize=True) fed by a transcription of HumanSD's
    scripts: the strip written by cv2.imwrite and read by PIL, both image
    sets ImageNet-normalised (same random TF-FID weights on both sides)."""
    pytest.importorskip('torchmetrics')
    pytest.importorskip('torch_fidelity')
    from torchmetrics.image.fid import FrechetInceptionDistance
    from torchvision import transforms as TF

    weights = str(tmp_path / 'tf_fid_inception.pth')
    torch.save(random_inception_state_dict(True), weights)
    samples = _samples(str(tmp_path), ['cosplay', 'dance'], 4)
    metric = HumanSDStripFID(inception_weights=weights, device='cpu')
    metric.process({}, samples[:5])
    metric.process({}, samples[5:])
    ours = metric.compute_metrics(metric.results)

    normalise = TF.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    real_transform = TF.Compose([TF.Resize(299), TF.CenterCrop(299),
                                 TF.ToTensor(), normalise])
    expected = {}
    for scene in ('cosplay', 'dance'):
        fid = FrechetInceptionDistance(
            feature=64, normalize=True, feature_extractor_weights_path=weights)
        reals, fakes = [], []
        for s in samples:
            if f'/{scene}/' not in s.target_img_path:
                continue
            reals.append(real_transform(
                Image.open(s.target_img_path).convert('RGB')))
            # pose2img_metrics.py: generated panel to BGR, the rest as they
            # are, concatenated and written with cv2.imwrite
            gen = s.pred_img.permute(1, 2, 0).numpy()
            strip = np.concatenate([
                gen[:, :, [2, 1, 0]],
                humansd_pose_image(_coco(s), gen.shape[0]),
                caption_panel(s.prompt, gen.shape[:2]),
                s.gt_img.permute(1, 2, 0).numpy()], 1)
            path = str(tmp_path / 'strips' / f'{s.pair_name}.jpg')
            cv2.imwrite(_mkdir(path), strip)
            # evalute_metrics_of_each_category.py
            img = Image.open(path).convert('RGB').resize((299, 299))
            fakes.append(torch.tensor(np.array(img)).permute(2, 0, 1) / 255)
        fid.update(torch.stack(reals), real=True)
        fid.update(normalise(torch.stack(fakes)), real=False)
        expected[scene] = fid.compute().item()
    for scene, value in expected.items():
        assert ours[f'fid_{scene}'] == pytest.approx(value, rel=1e-4)
    assert ours['fid'] == pytest.approx(np.mean(list(expected.values())),
                                        rel=1e-4)


def _coco(sample):
    return coco17_people(sample.target_keypoints.numpy())


def test_metric_errors_name_the_sample(tmp_path):
    samples = _samples(str(tmp_path), ['dance'], 1)
    metric = HumanSDStripFID(random_weights=True, device='cpu')
    wide = samples[0].clone()
    wide.pred_img = torch.zeros(3, 48, 64, dtype=torch.uint8)
    with pytest.raises(ValueError, match='dance_0.*square'):
        metric.process({}, [wide])
    metric.process({}, samples)
    with pytest.raises(ValueError, match='no scene has two images'):
        metric.compute_metrics(metric.results)
