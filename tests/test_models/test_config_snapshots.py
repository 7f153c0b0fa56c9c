"""Restructuring the configs must not shift what any of them says: each
config's merged dict equals its snapshot in
``tests/data/config_snapshots.json`` (taken before the restructuring),
except for the keys in :data:`REMOVED`, :data:`ADDED` and :data:`CHANGED`,
each a deliberate change with its reason. A new config is added to the
snapshot with ``python tests/test_models/test_config_snapshots.py
--write``."""
from __future__ import annotations

import glob
import json
import sys
from pathlib import Path

import pytest

from mmrepose.utils import read_config

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / 'tests/data/config_snapshots.json'
PATTERNS = ('configs/repose/*.py', 'configs/pose_estimators/*.py')

ONE_KNOB = 'the guidance scale is the model\'s test_cfg.guidance_scale only'
PIF_DEFAULTS = ('one PIF block (_base_/guidance/pif.py) states the class '
                'defaults every full config used')
ESTIMATOR = ('the estimator that reads poses from photos and guides PIF is '
             'one top-level `pose_estimator` (was `inference_pose_estimator` '
             'on SynthFashion, absent elsewhere)')
READER = ('photos are read by the SynthFashion SimpleBaseline, `pose_reader`: '
          'the AE-HRNet-W16 PIF guides with misread two of the three bundled '
          'example photos by a quarter of their width')
STALE = 'the top-level variable now says what the pipelines use'
CODEC = ('the model checks the pose encoding its pipelines render against '
         'its pose channels')
ETA_SIGN = ('Eq. 15 trains with eta = -1, the sign the SynthFashion ablation '
            'chose (docs/ablation.md)')
BACKBONE = ('the HRNet-W16 backbone is one variable (_base_/hrnet_w16.py) '
            'that the bottom-up and the top-down estimators share')
SAMPLER = ('the default sampler is DDIM-20, chosen on SynthFashion\'s val '
           'split, where DDIM-100 did worse (docs/speed.md)')
WARP = ('RPA warps the source\'s encoding: no worse on SynthFashion, a third '
        'of the training FLOPs (docs/speed.md)')
HRNET_W16_KEYS = ['type', 'in_channels'] + [
    f'extra.stage{i}.{k}' for i in range(1, 5) for k in (
        'num_modules', 'num_branches', 'block', 'num_blocks', 'num_channels')]
REPOSE = 'configs/repose/'
FULL = [REPOSE + n for n in ('deepfashion_256.py', 'deepfashion_512.py',
                             'market1501_128.py', 'synthfashion_64.py',
                             'synthfashion_128.py')]
ALL = [REPOSE + n for n in (
    'deepfashion_256_b1.py', 'deepfashion_256_b2.py', 'deepfashion_512_b1.py',
    'deepfashion_512_b2.py', 'market1501_128_b1.py', 'market1501_128_b2.py',
    'synthfashion_64_b1.py', 'synthfashion_64_b2.py',
    'synthfashion_64_b2_encoder.py', 'synthfashion_128_b1.py',
    'synthfashion_128_b2.py')] + FULL
SYNTHFASHION = [n for n in ALL if 'synthfashion' in n]
#: every SynthFashion model config, those snapshotted later included
SYNTHFASHION_ALL = sorted(str(p.relative_to(ROOT)) for p in
                          ROOT.glob(REPOSE + 'synthfashion_*.py'))
DEEPFASHION = [n for n in ALL if 'deepfashion' in n]
ESTIMATOR_KEYS = ('type', 'config', 'checkpoint', 'scale')
PIF_KEYS = ('type', 'estimator.type', 'estimator.config',
            'estimator.checkpoint', 'estimator.scale', 'mode',
            'mask_threshold', 'train_cfg.enabled', 'train_cfg.max_timestep',
            'train_cfg.batch_fraction', 'train_cfg.eta', 'sample_cfg.steps',
            'sample_cfg.self_recurrence')
PIF_ADDED = ('mode', 'mask_threshold', 'train_cfg.enabled',
             'train_cfg.batch_fraction', 'sample_cfg.steps',
             'sample_cfg.self_recurrence')


def _keys(prefix: str, keys, reason: str) -> dict[str, str]:
    return {f'{prefix}.{k}': reason for k in keys}


#: ``{config name: {dotted key: reason}}``: keys the snapshot has and the
#: config no longer has, on purpose.
REMOVED: dict[str, dict[str, str]] = {name: {} for name in ALL}
#: ``{config name: {dotted key: reason}}``: keys added on purpose.
ADDED: dict[str, dict[str, str]] = {name: {} for name in ALL}
#: ``{config name: {dotted key: reason}}``: values changed on purpose.
CHANGED: dict[str, dict[str, str]] = {name: {} for name in ALL}
for name in FULL:
    REMOVED[name]['model.pose_interaction_field.sample_cfg.scale'] = ONE_KNOB
    ADDED[name]['model.test_cfg.guidance_scale'] = ONE_KNOB
    ADDED[name].update(_keys('pose_interaction_field', PIF_KEYS[:1] +
                             PIF_KEYS[5:], PIF_DEFAULTS))
    if name != REPOSE + 'deepfashion_256.py':  # it spelled them out
        ADDED[name].update(_keys('model.pose_interaction_field', PIF_ADDED,
                                 PIF_DEFAULTS))
for name in ALL:
    ADDED[name]['model.pose_encoding'] = CODEC
    if name != REPOSE + 'deepfashion_256.py':  # it had one
        ADDED[name].update(_keys('pose_estimator', ESTIMATOR_KEYS,
                                 ESTIMATOR))
for name in SYNTHFASHION_ALL:
    ADDED.setdefault(name, {}).update(_keys('pose_reader', ESTIMATOR_KEYS,
                                            READER))
for name in SYNTHFASHION:
    REMOVED[name].update(_keys('inference_pose_estimator', ESTIMATOR_KEYS,
                               ESTIMATOR))
    CHANGED[name]['keypoint_frame'] = STALE
for name in DEEPFASHION:
    CHANGED[name]['pose_encoding'] = STALE
for name in ('ae_hrnet_w16_synthfashion_128.py',
             'ae_hrnet_w16_synthfashion_256.py',
             'topdown_hrnet_w16_synthfashion_128.py',
             'topdown_hrnet_w16_synthfashion_128_blurnoise.py'):
    ADDED.setdefault('configs/pose_estimators/' + name, {}).update(
        _keys('hrnet_w16', HRNET_W16_KEYS, BACKBONE))
for name in DEEPFASHION + [n for n in ALL if 'market1501' in n]:
    CHANGED[name]['model.test_cfg.num_steps'] = SAMPLER
for name in ('deepfashion_256_b2.py', 'deepfashion_256.py'):
    CHANGED[REPOSE + name]['model.pose_alignment.warp_space'] = WARP
for name in ('deepfashion_512_b2.py', 'deepfashion_512.py'):
    ADDED[REPOSE + name]['model.pose_alignment.warp_space'] = WARP
for name in FULL + [REPOSE + 'synthfashion_64_full_encoder.py',
                    REPOSE + 'synthfashion_64_b1_pif.py']:
    CHANGED.setdefault(name, {}).update(
        {'model.pose_interaction_field.train_cfg.eta': ETA_SIGN,
         'pose_interaction_field.train_cfg.eta': ETA_SIGN})


def config_names() -> list[str]:
    return sorted(str(Path(p).relative_to(ROOT)) for pattern in PATTERNS
                  for p in glob.glob(str(ROOT / pattern)))


def merged(name: str) -> dict:
    """The config as read (pipeline settings filled), as plain JSON values
    (tuples become lists)."""
    return json.loads(json.dumps(read_config(ROOT / name).to_dict(),
                                 default=str))


def flatten(node, prefix: str = '') -> dict[str, object]:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            out.update(flatten(value, f'{prefix}.{key}' if prefix else key))
        return out
    return {prefix: node}


def write() -> list[str]:
    """Add the configs missing from the snapshot; the entries already there
    stay as they are (they are the "before" the test compares with)."""
    snapshot = json.loads(SNAPSHOT.read_text())
    new = [name for name in config_names() if name not in snapshot]
    snapshot.update({name: merged(name) for name in new})
    SNAPSHOT.write_text(json.dumps(snapshot, indent=1, sort_keys=True) + '\n')
    return new


@pytest.mark.parametrize('name', config_names())
def test_config_equals_its_snapshot(name):
    snapshot = json.loads(SNAPSHOT.read_text())
    assert name in snapshot, f'{name} is new: regenerate the snapshot'
    before, now = flatten(snapshot[name]), flatten(merged(name))
    removed = set(REMOVED.get(name, {}))
    changed = set(CHANGED.get(name, {}))
    lost = {k for k in before if k not in now} - removed
    added = {k for k in now if k not in before} - set(ADDED.get(name, {}))
    shifted = {k for k in before if k in now and before[k] != now[k]} - \
        changed
    assert not lost, f'{name}: keys gone: {sorted(lost)[:5]}'
    assert not added, f'{name}: keys added: {sorted(added)[:5]}'
    assert not shifted, f'{name}: values changed: ' + ', '.join(
        f'{k}: {before[k]!r} -> {now[k]!r}' for k in sorted(shifted)[:5])


if __name__ == '__main__':
    if sys.argv[1:] != ['--write']:
        sys.exit(f'usage: python {sys.argv[0]} --write')
    print(f'added {write() or "no new config"} to {SNAPSHOT}')
