"""Choose each variant's sampling settings on val, then score test
(the rule is in :mod:`mmrepose.ablation.evaluation`).

The choice is written to ``{scores_root}/selection.json``: per variant the
chosen ``cfg_scale`` and ``guidance_scale`` (None without PIF), the val
sweep it was made from, so the report can show it, and the sampler and
grids it was made with (a spec that changes them is chosen for again).
Several processes may select different variants at once: each choice is
merged into the file under a lock and written atomically.
"""
from __future__ import annotations

import fcntl
import json
import os
import os.path as osp
from collections.abc import Callable
from typing import Any

from mmrepose.engine.atomic_local_backend import write_atomically
from .evaluation import (JUDGE_PCK_KEY, REFERENCES, SSIM_KEY, Evaluator,
                         cached_scores, scores_path)
from .spec import AblationSpec, Run
from .training import is_trained


def selection_path(spec: AblationSpec) -> str:
    return osp.join(spec.scores_root, 'selection.json')


def load_selection(spec: AblationSpec) -> dict[str, Any]:
    path = selection_path(spec)
    if not osp.isfile(path):
        return {}
    with open(path) as f:
        return json.load(f)


def _record(spec: AblationSpec, name: str, chosen: dict[str, Any]) -> None:
    """Merge one variant's choice into ``selection.json`` (locked, atomic)."""
    os.makedirs(spec.scores_root, exist_ok=True)
    path = selection_path(spec)
    with open(path + '.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        selection = load_selection(spec)
        selection[name] = chosen
        write_atomically(json.dumps(selection, indent=1).encode(), path)


def selection_grid(spec: AblationSpec) -> dict[str, Any]:
    """What a choice depends on besides the checkpoint: the spec's sampler,
    scale grids and SSIM tolerance (as JSON stores them)."""
    keys = ('sampler', 'cfg_scales', 'guidance_scales', 'ssim_tolerance')
    return json.loads(json.dumps({k: spec.evaluation.get(k) for k in keys}))


def _tag(settings: dict[str, Any]) -> str:
    tag = f"val_cfg{settings['cfg_scale']:g}"
    if 'guidance_scale' in settings:
        tag += f"_s{settings['guidance_scale']:g}"
    return tag


def select_variant(evaluator: Evaluator, run: Run) -> dict[str, Any]:
    """The val sweep of one run and the settings it chooses."""
    cfg, model = evaluator.load(run)
    grid = evaluator.cfg
    has_pif = model.pose_interaction_field is not None
    sweep = []

    def val(cfg_scale: float, guidance: float) -> dict[str, float]:
        settings = evaluator.settings(cfg_scale,
                                      guidance if has_pif else None)
        means = evaluator.score_run(run, model, cfg, 'val', settings,
                                    _tag(settings)).means
        sweep.append(dict(cfg_scale=cfg_scale, guidance_scale=guidance,
                          means=means))
        return means

    by_cfg = {c: val(c, 0.0)[SSIM_KEY] for c in grid['cfg_scales']}
    cfg_scale = max(by_cfg, key=by_cfg.get)  # first of equals
    guidance = None
    if has_pif:
        base = by_cfg[cfg_scale]
        candidates = {0.0: next(s['means'] for s in sweep
                                if s['cfg_scale'] == cfg_scale)}
        for scale in grid['guidance_scales']:
            candidates[scale] = val(cfg_scale, scale)
        allowed = {s: m[JUDGE_PCK_KEY] for s, m in candidates.items()
                   if m[SSIM_KEY] >= base - grid['ssim_tolerance']}
        guidance = max(allowed, key=allowed.get)
    return dict(run=run.name, checkpoint=run.checkpoint_id, cfg_scale=cfg_scale,
                guidance_scale=guidance, sweep=sweep)


def select_settings(spec: AblationSpec, evaluator: Evaluator,
                    variants: list[str] | None = None,
                    log: Callable[[str], None] = print) -> dict[str, Any]:
    """Choose the settings of every variant whose ``select_seed`` run is
    trained, reusing a choice made with the same checkpoint and the same
    :func:`selection_grid` (a raised budget makes a new final checkpoint,
    a changed sampler or grid a new choice); returns the whole
    selection."""
    selection = load_selection(spec)
    seed = spec.evaluation['select_seed']
    grid = selection_grid(spec)
    for run in spec.runs([seed], variants):
        name = run.variant.name
        made = selection.get(name, {})
        if made.get('checkpoint') == run.checkpoint_id and \
                made.get('grid') == grid:
            continue
        if not is_trained(run):
            log(f'[select] {name}: waits for {run.checkpoint}')
            continue
        chosen = selection[name] = {**select_variant(evaluator, run),
                                    'grid': grid}
        log(f"[select] {name}: cfg_scale {chosen['cfg_scale']}, "
            f"guidance_scale {chosen['guidance_scale']} (val, {run.name})")
        _record(spec, name, chosen)
    return load_selection(spec)


def test_runs(runs: list[Run], spec: AblationSpec, evaluator: Evaluator,
              log: Callable[[str], None] = print) -> None:
    """Score every trained run whose variant has settings on the test
    split (images kept for the report's grid), and the reference rows."""
    for name in REFERENCES:
        evaluator.score_reference(name, 'test')
    selection = load_selection(spec)
    for run in runs:
        chosen = selection.get(run.variant.name)
        if chosen is None:
            log(f'[test] {run.name}: waits for its settings')
            continue
        settings = evaluator.settings(chosen['cfg_scale'],
                                      chosen['guidance_scale'])
        # scored already: no checkpoint needed (scores kept apart)
        scores = cached_scores(scores_path(run, 'test'), settings,
                               run.checkpoint_id)
        if scores is None:
            if not is_trained(run):
                log(f'[test] {run.name}: waits for training')
                continue
            cfg, model = evaluator.load(run)
            scores = evaluator.score_run(run, model, cfg, 'test', settings,
                                         'test', save_images=True)
        log(f'[test] {run.name}: ' + ', '.join(
            f'{k}={v:.4f}' for k, v in scores.means.items()
            if '/' not in k.split('/', 1)[1]))
