"""Tests of the SynthFashion generator (mmrepose.datasets.synthesis)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from mmrepose.datasets.synthesis import (PART_LABELS, generate_synthfashion,
                                         render_person, render_sample,
                                         sample_identity)
from mmrepose.datasets.synthesis.appearance import ARMS, HANDS, TOP
from mmrepose.datasets.synthesis.skeleton import Camera, sample_pose
from mmrepose.structures.keypoint_layout import COCO17_FROM_OPENPOSE18
from script_loading import load_script

SIZE = (128, 88)
ROW = re.compile(r'^([^:]+):(\[[-0-9, ]*\]):(\[[-0-9, ]*\])$')
ID = re.compile(r'id(\d{8})\d{2}_\d(front|side|back)\.jpg$')
TOOL = (Path(__file__).parents[2] / 'tools' / 'dataset_converters' /
        'make_synthfashion.py')


@pytest.fixture(scope='module')
def dataset(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp('synthfashion')
    counts = generate_synthfashion(str(out), size=SIZE, train_ids=2,
                                   test_ids=1, val_ids=1, poses_per_id=3,
                                   seed=3,
                                   max_pairs_per_id=4, progress=False)
    return out, counts


def read_csv(path: Path) -> dict[str, np.ndarray]:
    """Parse an annotation csv strictly: ``{name: (18, 2) (x, y)}``."""
    lines = path.read_text().splitlines()
    assert lines[0] == 'name:keypoints_y:keypoints_x'
    out = {}
    for line in lines[1:]:
        m = ROW.match(line)
        assert m, line
        ys, xs = json.loads(m.group(2)), json.loads(m.group(3))
        assert len(ys) == len(xs) == 18
        assert all(isinstance(v, int) for v in ys + xs)
        out[m.group(1)] = np.stack([xs, ys], 1)
    return out


def read_pairs(path: Path) -> list[tuple[str, str]]:
    lines = path.read_text().splitlines()
    assert lines[0] == 'from,to'
    return [tuple(line.split(',')) for line in lines[1:]]


def test_render_sample_is_deterministic():
    a = render_sample(7, SIZE)
    b = render_sample(np.random.default_rng(7), SIZE)
    c = render_sample(8, SIZE)
    for x, y in zip(a, b):
        assert x.tobytes() == y.tobytes()
    assert a[0].shape == (*SIZE, 3) and a[0].dtype == np.uint8
    assert a[1].shape == (18, 2) and a[2].shape == SIZE
    assert a[0].tobytes() != c[0].tobytes()
    assert a[1].tobytes() != c[1].tobytes()


def test_generation_is_deterministic(tmp_path):
    kwargs = dict(size=(64, 44), train_ids=1, test_ids=1, poses_per_id=2,
                  seed=5, progress=False)
    generate_synthfashion(str(tmp_path / 'a'), **kwargs)
    generate_synthfashion(str(tmp_path / 'b'), **kwargs)
    files = sorted(p.relative_to(tmp_path / 'a')
                   for p in (tmp_path / 'a').rglob('*') if p.is_file())
    assert len(files) > 10
    for rel in files:
        assert (tmp_path / 'a' / rel).read_bytes() == \
            (tmp_path / 'b' / rel).read_bytes(), rel
    generate_synthfashion(str(tmp_path / 'c'), **{**kwargs, 'seed': 6})
    assert (tmp_path / 'a/fasion-resize-annotation-train.csv').read_text() != \
        (tmp_path / 'c/fasion-resize-annotation-train.csv').read_text()
    # a val split is added without changing train or test
    generate_synthfashion(str(tmp_path / 'd'), **{**kwargs, 'val_ids': 1})
    assert not (tmp_path / 'a/val').exists()
    with_val = sorted(p.relative_to(tmp_path / 'd')
                      for p in (tmp_path / 'd').rglob('*') if p.is_file())
    assert sum('val' in str(rel) for rel in with_val) >= 2 * 2 + 4
    for rel in files:
        if rel.name != 'meta.json':
            assert (tmp_path / 'a' / rel).read_bytes() == \
                (tmp_path / 'd' / rel).read_bytes(), rel


def test_writes_every_file(dataset):
    out, counts = dataset
    assert counts == dict(train_ids=2, train_images=6, train_pairs=8,
                          test_ids=1, test_images=3, test_pairs=4,
                          val_ids=1, val_images=3, val_pairs=4)
    for name in ('fasion-resize-annotation-train.csv',
                 'fasion-resize-annotation-test.csv',
                 'fasion-resize-pairs-train.csv',
                 'fasion-resize-pairs-test.csv', 'train.lst', 'test.lst',
                 'fasion-resize-annotation-val.csv',
                 'fasion-resize-pairs-val.csv', 'val.lst',
                 'annotations/synthfashion_keypoints_train.json',
                 'annotations/synthfashion_keypoints_test.json',
                 'annotations/synthfashion_keypoints_val.json',
                 'parts/labels.json', 'meta.json'):
        assert (out / name).is_file(), name
    labels = json.loads((out / 'parts/labels.json').read_text())
    assert labels == {str(i): n for i, n in enumerate(PART_LABELS)}
    assert labels['0'] == 'background'
    meta = json.loads((out / 'meta.json').read_text())
    assert meta['settings']['seed'] == 3 and meta['counts'] == counts
    for split in ('train', 'test', 'val'):
        names = (out / f'{split}.lst').read_text().split()
        assert len(names) == counts[f'{split}_images']
        assert set(names) == set(read_csv(
            out / f'fasion-resize-annotation-{split}.csv'))
        for name in names:
            assert ID.search(name) and name.startswith('fashion'), name
            img = cv2.imread(str(out / split / name))
            assert img.shape == (*SIZE, 3)
            parts = cv2.imread(str(out / 'parts' / split /
                                   (name[:-4] + '.png')), cv2.IMREAD_UNCHANGED)
            assert parts.shape == SIZE and parts.dtype == np.uint8
            assert parts.max() < len(PART_LABELS)


def test_pairs_and_identities(dataset):
    out, _ = dataset
    ids = {}
    for split in ('train', 'test', 'val'):
        names = set(read_csv(out / f'fasion-resize-annotation-{split}.csv'))
        ids[split] = {ID.search(n).group(1) for n in names}
        pairs = read_pairs(out / f'fasion-resize-pairs-{split}.csv')
        assert len(set(pairs)) == len(pairs)
        per_id: dict = {}
        for a, b in pairs:
            assert a != b and a in names and b in names
            assert ID.search(a).group(1) == ID.search(b).group(1)
            per_id[ID.search(a).group(1)] = per_id.get(
                ID.search(a).group(1), 0) + 1
        assert per_id and max(per_id.values()) <= 4
    assert len(ids['train']) == 2 and len(ids['test']) == len(ids['val']) == 1
    assert not ids['train'] & ids['test']
    assert not ids['val'] & (ids['train'] | ids['test'])


def test_coco_matches_csv(dataset):
    out, _ = dataset
    for split in ('train', 'test', 'val'):
        kps = read_csv(out / f'fasion-resize-annotation-{split}.csv')
        coco = json.loads((out / 'annotations' /
                           f'synthfashion_keypoints_{split}.json').read_text())
        assert coco['categories'][0]['name'] == 'person'
        assert len(coco['categories'][0]['keypoints']) == 17
        images = {im['id']: im for im in coco['images']}
        assert len(images) == len(kps) == len(coco['annotations'])
        for ann in coco['annotations']:
            im = images[ann['image_id']]
            assert (im['height'], im['width']) == SIZE
            k18 = kps[im['file_name']]
            k17 = np.array(ann['keypoints']).reshape(17, 3)
            for (x, y, v), src in zip(k17, COCO17_FROM_OPENPOSE18):
                if k18[src, 0] < 0:
                    assert (x, y, v) == (0, 0, 0)
                else:
                    assert (x, y, v) == (k18[src, 0], k18[src, 1], 2)
            assert ann['num_keypoints'] == int((k17[:, 2] == 2).sum())
            assert ann['category_id'] == 1 and ann['iscrowd'] == 0
            x, y, w, h = ann['bbox']
            assert w > 0 and h > 0 and x + w <= SIZE[1] and y + h <= SIZE[0]
            assert 0 < ann['area'] <= w * h


def test_keypoints_in_frame_and_on_the_body(dataset):
    out, _ = dataset
    for split in ('train', 'test'):
        for name, k in read_csv(
                out / f'fasion-resize-annotation-{split}.csv').items():
            vis = k[:, 0] >= 0
            assert np.all(k[~vis] == -1)
            assert np.all((k[vis] >= 0) & (k[vis] < (SIZE[1], SIZE[0])))
            assert vis.sum() >= 3, name
            parts = cv2.imread(str(out / 'parts' / split /
                                   (name[:-4] + '.png')), cv2.IMREAD_UNCHANGED)
            pad = np.pad(parts, 1)
            for x, y in k[1:14][vis[1:14]]:   # neck, arms, legs
                assert pad[y:y + 3, x:x + 3].any(), (name, x, y)


def test_views_hide_keypoints_like_openpose():
    for seed in range(6):
        k = render_sample(seed, SIZE, view='back')[1]
        assert np.all(k[[0, 14, 15]] == -1)             # no nose, no eyes
        for view, far in (('left', (14, 16)), ('right', (15, 17))):
            k = render_sample(seed, SIZE, view=view, crop_prob=0.0)[1]
            assert np.all(k[list(far)] == -1)           # far eye and ear
        k = render_sample(seed, SIZE, view='front', crop_prob=0.0)[1]
        assert np.all(k[[0, 1, 14, 15]] >= 0)
    # Side views hide far-side joints behind the body somewhere.
    hidden = [(render_sample(s, SIZE, view='left', crop_prob=0.0)[1][2:14]
               == -1).any() for s in range(6)]
    assert any(hidden)


def test_textures_follow_the_body():
    """A solid top keeps its colour across views and poses (its texture is
    carried by the parts), and sleeves/hands stay on the wrists."""
    seed = next(s for s in range(500)
                if (lambda t: t.design == 'solid' and t.back == t.front)(
                    sample_identity(np.random.default_rng(s)).top))
    ident = sample_identity(np.random.default_rng(seed))
    colour = np.array(ident.top.front.c1)
    for i, view in enumerate(('front', 'left', 'back', 'right', 'front')):
        img, k, parts = render_sample(100 + i, (256, 176), view=view,
                                      ident=ident, crop_prob=0.0,
                                      shading=False)
        top = parts == TOP
        assert top.sum() > 300
        eroded = cv2.erode(top.astype(np.uint8), np.ones((3, 3))) > 0
        assert np.abs(img[eroded].mean(0) - colour).max() < 6, view
        frac = (parts > 0).mean()
        assert 0.08 < frac < 0.6, frac
        for w in (4, 7):
            if k[w, 0] >= 0:
                x, y = k[w].astype(int)
                near = parts[max(y - 2, 0):y + 3, max(x - 2, 0):x + 3]
                assert np.isin(near, (TOP, ARMS, HANDS)).any(), view


def test_prints_are_carried_by_the_body():
    """Rolling the camera rotates a striped/checked top with the body: the
    rolled render matches the upright one warped by the same rotation."""
    seed = next(s for s in range(500) if sample_identity(
        np.random.default_rng(s)).top.design in ('hstripes', 'checks'))
    ident = sample_identity(np.random.default_rng(seed))
    pose = sample_pose(np.random.default_rng(0), ident.body, 'standing')
    renders = []
    for roll in (0.0, 25.0):
        cam = Camera(yaw=15.0, roll=roll, scale=1.1, tx=88.0, ty=70.0)
        img, _, parts = render_person(ident, pose, cam, (256, 176),
                                      np.random.default_rng(0),
                                      shading=False)
        renders.append((img.astype(np.float32), parts))
    (img_a, parts_a), (img_b, parts_b) = renders
    rot = cv2.getRotationMatrix2D((88.0, 70.0), -25.0, 1.0)
    warped = cv2.warpAffine(img_a, rot, (176, 256))
    top_a = cv2.warpAffine((parts_a == TOP).astype(np.uint8), rot, (176, 256),
                           flags=cv2.INTER_NEAREST)
    mask = cv2.erode(((parts_b == TOP) & (top_a > 0)).astype(np.uint8),
                     np.ones((5, 5))) > 0
    assert mask.sum() > 500
    moved = np.abs(warped[mask] - img_b[mask]).mean()
    fixed = np.abs(img_a[mask] - img_b[mask]).mean()
    assert moved < 12 and fixed > 2 * moved, (moved, fixed)


def test_backgrounds_and_bad_arguments(tmp_path):
    img, _, parts = render_sample(3, SIZE, background='cluttered')
    studio = render_sample(3, SIZE)[0]
    bg = parts == 0
    assert img[bg].std() > studio[bg].std()
    assert studio[bg].mean() > 200
    with pytest.raises(ValueError):
        render_sample(3, SIZE, background='beach')
    with pytest.raises(ValueError):
        render_sample(3, SIZE, view='top')
    with pytest.raises(ValueError):
        render_sample(3, SIZE, pose_name='cartwheel')
    with pytest.raises(ValueError):
        generate_synthfashion(str(tmp_path), size=SIZE, background='beach')


def test_cli(tmp_path, capsys):
    tool = load_script('tools/dataset_converters/make_synthfashion.py')
    with pytest.raises(SystemExit) as exc:
        tool.parse_args(['--out', str(tmp_path), '--size', '256by176'])
    assert exc.value.code == 2
    assert 'HEIGHTxWIDTH' in capsys.readouterr().err
    counts = tool.main(['--out', str(tmp_path / 'sf'), '--size', '64x44',
                        '--train-ids', '1', '--test-ids', '1',
                        '--val-ids', '1', '--poses-per-id', '2', '--seed',
                        '1', '--background', 'cluttered', '--no-progress'])
    assert counts['train_images'] == counts['test_images'] == \
        counts['val_images'] == 2
    out = capsys.readouterr().out
    assert str(tmp_path / 'sf') in out and 'train / test / val' in out
    img = cv2.imread(str(next((tmp_path / 'sf/train').glob('*.jpg'))))
    assert img.shape == (64, 44, 3)


def test_only_splits_writes_them_as_the_whole_set_has_them(tmp_path):
    kwargs = dict(size=(64, 44), train_ids=2, test_ids=1, val_ids=1,
                  poses_per_id=2, seed=3, progress=False)
    generate_synthfashion(str(tmp_path / 'all'), **kwargs)
    counts = generate_synthfashion(str(tmp_path / 'test'), **kwargs,
                                   only_splits=('test',))
    assert set(counts) == {'test_ids', 'test_images', 'test_pairs'}
    written = sorted(p.relative_to(tmp_path / 'test')
                     for p in (tmp_path / 'test').rglob('*') if p.is_file())
    assert not any('train' in str(rel) or 'val' in str(rel)
                   for rel in written)
    assert sum(rel.parent.name == 'test' for rel in written) == 2 * 2
    for rel in written:
        if rel.name != 'meta.json':
            assert (tmp_path / 'test' / rel).read_bytes() == \
                (tmp_path / 'all' / rel).read_bytes(), rel
    with pytest.raises(ValueError, match="only_splits must name some of"):
        generate_synthfashion(str(tmp_path / 'bad'), **kwargs,
                              only_splits=('tset',))
