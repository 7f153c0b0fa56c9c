"""The ablation report: ``{scores_root}/report.md`` and ``report.json``.

Tables: test means ± std over seeds for every variant (and the reference
rows), per-part colour errors, pose accuracy and colour error by the target's
view (front, side, back: where a model fails differs by view), the paired
comparisons named in the spec's ``comparisons``
(:mod:`mmrepose.ablation.statistics`), the val sweeps
the sampling settings were chosen from, and the image grid
(:mod:`mmrepose.ablation.grid`).
"""
from __future__ import annotations

import json
import math
import os
import os.path as osp
from typing import Any

from .evaluation import REFERENCES, PairScores, cached_scores, scores_path
from .grid import views, write_grid
from .selection import load_selection
from .spec import AblationSpec
from .statistics import (lower_is_better, mean_std, paired_comparison,
                         pair_means)

#: (column title, metric key) of the main table.
COLUMNS = (
    ('SSIM', 'synthfashion/ssim_256_sigma1.5'),
    ('PSNR', 'synthfashion/psnr'),
    ('masked L1', 'synthfashion/masked_l1'),
    ('part colour err.', 'synthfashion/part_colour_error'),
    ('judge PCK@0.1', 'judge/pck@0.1'),
    ('judge err. (px)', 'judge/mean_error_px'),
    ('guide PCK@0.1', 'guide/pck@0.1'),
    ('guide err. (px)', 'guide/mean_error_px'),
)
#: Columns shown when some variant was scored with them (HumanSD's
#: set-level pose scores of the RePoseSD proof: no per-pair values).
OPTIONAL_COLUMNS = (
    ('pose AP', 'humansd/pose_ap'),
    ('CAP', 'humansd/cap'),
    ('PCE', 'humansd/pce'),
)
PARTS = ('hair', 'face', 'top', 'arms', 'hands', 'bottom', 'legs', 'shoes')
#: Target views of SynthFashion pairs, and the metrics reported by view.
VIEWS = ('front', 'side', 'back')
VIEW_METRICS = ('judge/pck@0.1', 'synthfashion/part_colour_error')


def collect(spec: AblationSpec) -> dict[str, dict[int, PairScores]]:
    """``{variant: {seed: test scores}}`` of the runs scored so far with
    their final checkpoint (scores of an earlier budget are left out)."""
    found: dict[str, dict[int, PairScores]] = {}
    for run in spec.runs():
        scores = cached_scores(scores_path(run, 'test'), None,
                               run.checkpoint_id)
        if scores is not None:
            found.setdefault(run.variant.name, {})[run.seed] = scores
    return found


def _fmt(mean: float, std: float | None = None, digits: int = 4) -> str:
    if not math.isfinite(mean):
        return str(mean)
    text = f'{mean:.{digits}f}'
    return text if std is None else f'{text} ± {std:.{digits}f}'


def summarize(scores: dict[int, PairScores]) -> dict[str, list[float]]:
    return {key: mean_std([s.means[key] for s in scores.values()])
            for key in next(iter(scores.values())).means}


def by_target_view(scores: PairScores) -> dict[str, dict[str, float]]:
    """``{metric: {view: mean over the pairs of that target view}}`` of
    :data:`VIEW_METRICS`, with ``{'pairs': {view: count}}``; empty where the
    pair names carry no view."""
    groups: dict[str, list[int]] = {}
    for i, pair in enumerate(scores.pairs):
        found = views(pair)
        if found is not None:
            groups.setdefault(found[1], []).append(i)
    out: dict[str, dict[str, float]] = {}
    if not groups:
        return out
    out['pairs'] = {v: len(groups[v]) for v in VIEWS if v in groups}
    for key in VIEW_METRICS:
        values = scores.values.get(key)
        if values is None:
            continue
        out[key] = {}
        for view in out['pairs']:
            kept = [values[i] for i in groups[view] if values[i] is not None]
            out[key][view] = sum(kept) / len(kept) if kept else math.nan
    return out


def _mean_by_view(per_seed: list[dict]) -> dict[str, dict[str, float]]:
    """:func:`by_target_view` averaged over seeds."""
    if not per_seed or not per_seed[0]:
        return {}
    return {key: table if key == 'pairs' else
            {view: sum(d[key][view] for d in per_seed) / len(per_seed)
             for view in table}
            for key, table in per_seed[0].items()}


def build_report(spec: AblationSpec) -> dict[str, Any]:
    results = collect(spec)
    selection = load_selection(spec)
    report: dict[str, Any] = dict(
        spec=spec.path, train_options=spec.train_options,
        variants={}, references={}, comparisons=[], selection=selection)
    for name, scores in results.items():
        report['variants'][name] = dict(
            seeds=sorted(scores), settings=scores[min(scores)].settings,
            summary=summarize(scores),
            per_seed={seed: s.means for seed, s in scores.items()},
            by_target_view=_mean_by_view(
                [by_target_view(s) for s in scores.values()]))
    for name in REFERENCES:
        path = osp.join(spec.scores_root, 'references', f'test_{name}.json')
        if osp.isfile(path):
            scores = PairScores.load(path)
            report['references'][name] = dict(scores.means,
                                              by_target_view=by_target_view(
                                                  scores))
    for a, b in spec.comparisons:
        if a not in results or b not in results:
            continue
        seeds = sorted(set(results[a]) & set(results[b]))
        if not seeds:
            continue
        for _, key in COLUMNS:
            if key not in results[a][seeds[0]].values:
                continue
            if results[a][seeds[0]].pairs != results[b][seeds[0]].pairs:
                raise ValueError(f'{a} and {b} were scored on different '
                                 'pairs')
            va = pair_means([results[a][s].values[key] for s in seeds])
            vb = pair_means([results[b][s].values[key] for s in seeds])
            per_seed = [results[a][s].means[key] - results[b][s].means[key]
                        for s in seeds]
            report['comparisons'].append(dict(
                a=a, b=b, metric=key, seeds=seeds, per_seed_diff=per_seed,
                **paired_comparison(va, vb, key)))
    return report


def render_markdown(report: dict[str, Any]) -> str:
    columns = COLUMNS + tuple(
        (title, key) for title, key in OPTIONAL_COLUMNS
        if any(key in row['summary'] for row in report['variants'].values()))
    lines = [f"# Ablation report ({report['spec']})", '',
             'Budget and shared training options: ' + ', '.join(
                 f'`{k}={v}`' for k, v in report['train_options'].items()),
             '', '## Test split: mean ± std over seeds', '',
             '| variant | seeds | CFG | s | ' +
             ' | '.join(t for t, _ in columns) + ' |',
             '|---' * (4 + len(columns)) + '|']
    for name, row in report['variants'].items():
        settings = row['settings']
        cells = [_fmt(*row['summary'][k]) if k in row['summary'] else ''
                 for _, k in columns]
        lines.append(f"| {name} | {','.join(map(str, row['seeds']))} | "
                     f"{settings.get('cfg_scale', '')} | "
                     f"{settings.get('guidance_scale', '-')} | "
                     + ' | '.join(cells) + ' |')
    for name, means in report['references'].items():
        cells = [_fmt(means[k]) if k in means else '' for _, k in columns]
        lines.append(f'| *{name}* | | | | ' + ' | '.join(cells) + ' |')
    lines += _view_table(report)
    lines += ['', '## Per-part colour error (test, mean over seeds)', '',
              '| variant | ' + ' | '.join(PARTS) + ' |',
              '|---' * (1 + len(PARTS)) + '|']
    for name, row in report['variants'].items():
        key = 'synthfashion/part_colour_error/'
        lines.append(f'| {name} | ' + ' | '.join(
            _fmt(row['summary'][key + p][0], digits=3)
            if key + p in row['summary'] else '' for p in PARTS) + ' |')
    lines += ['', '## Paired comparisons (test pairs; per-pair values '
              'averaged over the seeds both have)', '',
              '| A vs B | metric | mean A - B [95 % CI] | A better / worse '
              '/ tied | sign test p | A - B of each seed\'s means |',
              '|---|---|---|---|---|---|']
    for c in report['comparisons']:
        if not c.get('pairs'):
            continue
        arrow = 'lower is better' if lower_is_better(c['metric']) else \
            'higher is better'
        lines.append(
            f"| {c['a']} vs {c['b']} | {c['metric']} ({arrow}) | "
            f"{c['mean_diff']:+.4f} [{c['ci_low']:+.4f}, "
            f"{c['ci_high']:+.4f}] | {c['better']} / {c['worse']} / "
            f"{c['ties']} | {c['sign_p']:.2g} | {_per_seed(c)} |")
    lines += ['', '## Val sweeps (selection)', '',
              '| variant | CFG | s | SSIM | judge PCK@0.1 | guide PCK@0.1 | '
              'chosen |', '|---|---|---|---|---|---|---|']
    for name, chosen in report['selection'].items():
        for s in chosen['sweep']:
            mark = '**yes**' if (s['cfg_scale'] == chosen['cfg_scale'] and
                                 (s['guidance_scale'] or 0) ==
                                 (chosen['guidance_scale'] or 0)) else ''
            lines.append(
                f"| {name} | {s['cfg_scale']} | {s['guidance_scale']} | "
                f"{_fmt(s['means'][COLUMNS[0][1]])} | "
                f"{_fmt(s['means'][COLUMNS[4][1]])} | "
                f"{_fmt(s['means'][COLUMNS[6][1]])} | {mark} |")
    if report.get('grid'):
        lines += ['', '## Test pairs, seed ' + str(report['grid_seed']), '',
                  '![grid](grid.png)']
    return '\n'.join(lines) + '\n'


def _per_seed(comparison: dict[str, Any]) -> str:
    """``+a (s0), -b (s1)``: the difference of the test means seed by seed,
    the spread a claim must stand out of (the bootstrap interval covers
    the pairs, not the training seeds)."""
    diffs = comparison.get('per_seed_diff') or []
    return ', '.join(f'{d:+.4f} (s{s})'
                     for s, d in zip(comparison['seeds'], diffs))


def _view_table(report: dict[str, Any]) -> list[str]:
    """The markdown of the by-target-view table (none without views)."""
    rows = [(name, row['by_target_view'])
            for name, row in report['variants'].items()] + \
        [(f'*{name}*', means.get('by_target_view', {}))
         for name, means in report['references'].items()]
    counts = next((table['pairs'] for _, table in rows if table), None)
    if counts is None:
        return []
    header = [f'{title} {view} ({counts[view]})' for title in
              ('judge PCK@0.1', 'part colour err.') for view in counts]
    lines = ['', '## By target view (test, mean over seeds; pairs in '
             'brackets)', '', '| variant | ' + ' | '.join(header) + ' |',
             '|---' * (1 + len(header)) + '|']
    for name, table in rows:
        cells = [_fmt(table[key][view]) if key in table else ''
                 for key in VIEW_METRICS for view in counts]
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return lines


def write_report(spec: AblationSpec) -> str:
    """Write ``report.json``, ``report.md`` and (once the test images of
    the spec's ``grid_variants`` are scored with their final checkpoints)
    ``grid.png`` under the scores root; returns the markdown path."""
    report = build_report(spec)
    seed = spec.evaluation['select_seed']
    variants = spec.evaluation.get('grid_variants', [])
    scored = all(seed in report['variants'].get(v, {}).get('seeds', [])
                 for v in variants)
    grid_path = osp.join(spec.scores_root, 'grid.png')
    # the grid of an earlier call stays when the test images are gone
    # (scores kept apart from the work root)
    grid = write_grid(spec, variants, grid_path) if scored else None
    if scored and grid is None and osp.isfile(grid_path):
        grid = grid_path
    report.update(grid=grid, grid_seed=seed)
    os.makedirs(spec.scores_root, exist_ok=True)
    with open(osp.join(spec.scores_root, 'report.json'), 'w') as f:
        json.dump(report, f, indent=1)
    path = osp.join(spec.scores_root, 'report.md')
    with open(path, 'w') as f:
        f.write(render_markdown(report))
    return path
