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
from mmengine.config import Config

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / 'tests/data/config_snapshots.json'
PATTERNS = ('configs/repose/*.py', 'configs/pose_estimators/*.py')

ONE_KNOB = 'the guidance scale is the model\'s test_cfg.guidance_scale only'
FULL = ('configs/repose/deepfashion_256.py', 'configs/repose/deepfashion_512.py',
        'configs/repose/market1501_128.py', 'configs/repose/synthfashion_64.py',
        'configs/repose/synthfashion_128.py')
#: ``{config name: {dotted key: reason}}``: keys the snapshot has and the
#: config no longer has, on purpose.
REMOVED: dict[str, dict[str, str]] = {
    name: {'model.pose_interaction_field.sample_cfg.scale': ONE_KNOB}
    for name in FULL}
#: ``{config name: {dotted key: reason}}``: keys added on purpose.
ADDED: dict[str, dict[str, str]] = {
    name: {'model.test_cfg.guidance_scale': ONE_KNOB} for name in FULL}
#: ``{config name: {dotted key: reason}}``: values changed on purpose.
CHANGED: dict[str, dict[str, str]] = {}


def config_names() -> list[str]:
    return sorted(str(Path(p).relative_to(ROOT)) for pattern in PATTERNS
                  for p in glob.glob(str(ROOT / pattern)))


def merged(name: str) -> dict:
    """The merged config as plain JSON values (tuples become lists)."""
    return json.loads(json.dumps(Config.fromfile(str(ROOT / name)).to_dict(),
                                 default=str))


def flatten(node, prefix: str = '') -> dict[str, object]:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            out.update(flatten(value, f'{prefix}.{key}' if prefix else key))
        return out
    return {prefix: node}


def write() -> None:
    SNAPSHOT.write_text(json.dumps({name: merged(name)
                                    for name in config_names()},
                                   indent=1, sort_keys=True) + '\n')


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
    write()
    print(f'wrote {SNAPSHOT}')
