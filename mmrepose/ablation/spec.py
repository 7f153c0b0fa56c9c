"""The ablation spec: which variants, seeds, budget and evaluation.

A spec is an mmengine config file (``configs/ablation/*.py``) with
``work_root``, ``seeds``, ``train_options`` (config options shared by every
trained variant: the equal budget), ``variants`` (name -> ``config``,
optional ``options`` of its own, optional ``weights_from`` naming the
variant whose weights it samples with instead of being trained) and
``evaluation`` (see :mod:`mmrepose.ablation.evaluation`) and optionally
``comparisons``, the ``(A, B)`` variant pairs the report compares pair by
pair. Each (variant, seed) is a :class:`Run` with its own work dir,
``{work_root}/{variant}/seed{seed}`` (checkpoints, log, test images).

Scores, the selection and the report go under ``scores_root`` (the spec's
or the tool's ``--scores-root``; default: the work root), in the same
``{variant}/seed{seed}`` layout. They are small, so they can be kept (in a
repository, say) apart from the checkpoints: a run is tied to its scores by
:attr:`Run.checkpoint_id`, its final checkpoint's path under the work root,
and a run whose test split is scored needs its checkpoint no more.
"""
from __future__ import annotations

import os.path as osp
from dataclasses import dataclass, field
from typing import Any

from mmengine.config import Config

from mmrepose.utils.config import read_config


class AblationSpecError(ValueError):
    """The spec file is incomplete or inconsistent."""


@dataclass(frozen=True)
class Variant:
    name: str
    config: str
    options: dict[str, Any] = field(default_factory=dict)
    weights_from: str | None = None


@dataclass(frozen=True)
class Run:
    """One variant trained (or sampled) with one seed."""
    variant: Variant
    seed: int
    work_root: str
    max_iters: int
    scores_root: str = ''

    def __post_init__(self) -> None:
        if not self.scores_root:
            object.__setattr__(self, 'scores_root', self.work_root)

    @property
    def name(self) -> str:
        return f'{self.variant.name}/seed{self.seed}'

    @property
    def work_dir(self) -> str:
        return osp.join(self.work_root, self.variant.name, f'seed{self.seed}')

    @property
    def scores_dir(self) -> str:
        return osp.join(self.scores_root, self.variant.name,
                        f'seed{self.seed}')

    @property
    def _weights_source(self) -> str:
        return osp.join(self.variant.weights_from or self.variant.name,
                        f'seed{self.seed}')

    @property
    def weights_dir(self) -> str:
        """The work dir of the run whose checkpoint this run samples with."""
        return osp.join(self.work_root, self._weights_source)

    @property
    def weights_scores_dir(self) -> str:
        """The scores dir of the run whose checkpoint this run samples
        with."""
        return osp.join(self.scores_root, self._weights_source)

    @property
    def checkpoint(self) -> str:
        """The final checkpoint (EMA weights in ``state_dict``)."""
        return osp.join(self.weights_dir, f'iter_{self.max_iters}.pth')

    @property
    def checkpoint_id(self) -> str:
        """The final checkpoint's path under the work root: what scores
        record as their checkpoint (a raised budget makes a new one)."""
        return osp.join(self._weights_source, f'iter_{self.max_iters}.pth')

    @property
    def trained_here(self) -> bool:
        return self.variant.weights_from is None


class AblationSpec:
    """A parsed spec file (see module doc).

    Args:
        path: The spec file.
        work_root: Overrides the file's ``work_root``.
        scores_root: Overrides the file's ``scores_root`` (default: the
            work root).
    """

    def __init__(self, path: str, work_root: str | None = None,
                 scores_root: str | None = None):
        if not osp.isfile(path):
            raise FileNotFoundError(f'ablation spec not found: {path}')
        cfg = Config.fromfile(path)
        self.path = path
        for key in ('work_root', 'seeds', 'train_options', 'variants',
                    'evaluation'):
            if key not in cfg:
                raise AblationSpecError(f'{path}: missing {key!r}')
        self.work_root = work_root or cfg.work_root
        self.scores_root = scores_root or cfg.get('scores_root') or \
            self.work_root
        self.seeds = [int(s) for s in cfg.seeds]
        self.train_options = dict(cfg.train_options)
        if 'train_cfg.max_iters' not in self.train_options:
            raise AblationSpecError(f'{path}: train_options must set '
                                    "'train_cfg.max_iters' (the budget)")
        self.max_iters = int(self.train_options['train_cfg.max_iters'])
        self.evaluation = cfg.evaluation.to_dict()
        self.comparisons = [tuple(c) for c in cfg.get('comparisons', [])]
        self.variants: dict[str, Variant] = {}
        for name, value in cfg.variants.items():
            unknown = set(value) - {'config', 'options', 'weights_from'}
            if 'config' not in value or unknown:
                raise AblationSpecError(
                    f'{path}: variant {name!r} needs a config and takes only '
                    f'config, options, weights_from (got {sorted(value)})')
            self.variants[name] = Variant(
                name, value['config'], dict(value.get('options') or {}),
                value.get('weights_from'))
        for variant in self.variants.values():
            source = variant.weights_from
            if source is not None and (
                    source not in self.variants
                    or self.variants[source].weights_from is not None):
                raise AblationSpecError(
                    f'{path}: variant {variant.name!r} takes weights from '
                    f'{source!r}, which is not a trained variant')
        for pair in self.comparisons:
            if len(pair) != 2 or not set(pair) <= set(self.variants):
                raise AblationSpecError(
                    f'{path}: comparison {pair} must name two variants of '
                    f'{", ".join(self.variants)}')

    def run_config(self, run: Run) -> Config:
        """The config a run trains with (the variant's file with the shared
        and its own options; the seed is set by the trainer)."""
        return read_config(run.variant.config,
                           {**self.train_options, **run.variant.options})

    def runs(self, seeds: list[int] | None = None,
             variants: list[str] | None = None) -> list[Run]:
        """The runs, seed by seed in the spec's variant order."""
        unknown = set(variants or []) - set(self.variants)
        if unknown:
            raise AblationSpecError(
                f'unknown variants {sorted(unknown)}; the spec has '
                f'{", ".join(self.variants)}')
        chosen = [v for n, v in self.variants.items()
                  if variants is None or n in variants]
        return [Run(v, seed, self.work_root, self.max_iters,
                    self.scores_root)
                for seed in (self.seeds if seeds is None else seeds)
                for v in chosen]
