"""Score the runs of an ablation pair by pair, with sampling settings chosen
on the val split.

The spec's ``evaluation`` dict sets the sampler (``sampler``: sampler,
num_steps, seed), the metrics (``metrics``: metric configs; pose accuracy
twice, once by an independent judge estimator and once by the estimator PIF
guides with), the val subset (``val_pairs_every``), the grids
(``cfg_scales``, ``guidance_scales``), the SSIM tolerance and the seed whose
runs choose the settings (``select_seed``).

Selection, per variant, on val only: the CFG scale with the best SSIM
without PIF guidance; then, for models with PIF, the guidance scale s with
the best judge PCK@0.1 among the scales (0 included) whose SSIM is within
``ssim_tolerance`` of s = 0's. Test: every run once with its variant's
settings. Every pair gets the same sampling noise in every run (the batch
order and the sampler seed are fixed), so runs can be compared pair by pair.
A variant that samples another's weights at guidance scale 0 makes that
variant's images exactly, so it takes over their scores once they exist.

Every score is a :class:`PairScores` saved as JSON under
``{run scores dir}/eval/`` and reused while its settings and checkpoint
(:attr:`~mmrepose.ablation.spec.Run.checkpoint_id`) are unchanged; the
test images go to ``{run work dir}/eval/test_images/``. ``ground_truth`` (the real target image: the estimators' ceiling)
and ``copy_source`` (the source image unchanged) are scored as reference
rows without a model.
"""
from __future__ import annotations

import json
import os
import os.path as osp
import shutil
from dataclasses import asdict, dataclass, replace
from typing import Any

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from torch.utils.data import DataLoader, Subset
from tqdm import tqdm

from mmrepose.apis import SELF_LOADING, init_model
from mmrepose.engine.atomic_local_backend import write_atomically
from mmrepose.registry import DATASETS, METRICS
from .spec import AblationSpec, Run

REFERENCES = ('ground_truth', 'copy_source')
SSIM_KEY = 'synthfashion/ssim_256_sigma1.5'
JUDGE_PCK_KEY = 'judge/pck@0.1'


@dataclass
class PairScores:
    """One evaluation: per-pair values and means of every metric key."""
    split: str
    settings: dict[str, Any]
    checkpoint: str | None
    pairs: list[str]
    values: dict[str, list[float | None]]
    means: dict[str, float]

    def save(self, path: str) -> None:
        """Saved atomically, the per-pair values to 6 significant digits
        (half the size; the report's numbers have 4)."""
        data = asdict(self)
        data['values'] = {
            key: [None if v is None else float(f'{v:.6g}') for v in vals]
            for key, vals in self.values.items()}
        write_atomically(json.dumps(data).encode(), path)

    @classmethod
    def load(cls, path: str) -> PairScores:
        with open(path) as f:
            return cls(**json.load(f))


class Evaluator:
    """Builds the metrics once and scores models or reference rows."""

    def __init__(self, spec: AblationSpec, device: str = 'cpu'):
        self.spec = spec
        self.cfg = spec.evaluation
        self.device = device
        self.metrics = [METRICS.build(m) for m in self.cfg['metrics']]

    # -- data --------------------------------------------------------------
    def dataloader(self, config: Config, split: str) -> DataLoader:
        return pair_dataloader(self.cfg, config, split)

    # -- scoring -------------------------------------------------------------
    def score(self, source: torch.nn.Module | str, config: Config,
              split: str, settings: dict[str, Any],
              checkpoint: str | None = None,
              image_dir: str | None = None) -> PairScores:
        """Score a model (``source``) or a reference row (``'ground_truth'``
        or ``'copy_source'``) on ``split`` with sampling ``settings``."""
        for metric in self.metrics:
            metric.results.clear()
        names: list[str] = []
        loader = self.dataloader(config, split)
        label = source if isinstance(source, str) else \
            osp.dirname(checkpoint or '')
        for batch in tqdm(loader, desc=f'{split} {label} {settings}',
                          leave=False):
            samples = self._predict(source, batch, settings)
            dicts = [s.to_dict() for s in samples]
            for metric in self.metrics:
                metric.process(batch, dicts)
            for sample in samples:
                names.append(sample.pair_name)
                if image_dir is not None:
                    _save_image(image_dir, sample)
        values, means = {}, {}
        for metric in self.metrics:
            prefix = metric.prefix
            try:  # set-level metrics (AP) have no per-image values
                per_image = metric.per_image(metric.results)
            except NotImplementedError:
                per_image = {}
            for key, vals in per_image.items():
                values[f'{prefix}/{key}'] = vals
            for key, mean in metric.compute_metrics(metric.results).items():
                means[f'{prefix}/{key}'] = mean
        return PairScores(split, settings, checkpoint, names, values, means)

    @staticmethod
    def _predict(source: torch.nn.Module | str, batch: dict,
                 settings: dict[str, Any]) -> list:
        samples = batch['data_samples']
        if source == 'ground_truth':
            for sample in samples:
                sample.pred_img = sample.gt_img
        elif source == 'copy_source':
            for sample, image in zip(samples, batch['inputs']['source_img']):
                sample.pred_img = image
        else:
            with torch.no_grad():
                samples = source.test_step(batch)
        return samples

    # -- runs --------------------------------------------------------------
    def load(self, run: Run) -> tuple[Config, torch.nn.Module]:
        cfg = self.spec.run_config(run)
        keep = SELF_LOADING if run.variant.weights_from else ()
        return init_model(cfg, run.checkpoint, self.device,
                          keep_missing=keep)

    def settings(self, cfg_scale: float, guidance_scale: float | None
                 ) -> dict[str, Any]:
        """Sampling settings; ``guidance_scale`` None for a model without
        PIF."""
        settings = {**self.cfg['sampler'], 'cfg_scale': cfg_scale}
        if guidance_scale is not None:
            settings['guidance_scale'] = guidance_scale
        return settings

    def score_run(self, run: Run, model: torch.nn.Module, cfg: Config,
                  split: str, settings: dict[str, Any], tag: str,
                  save_images: bool = False) -> PairScores:
        """Cached score of a loaded run (see module doc)."""
        path = scores_path(run, tag)
        image_dir = osp.join(run.work_dir, 'eval', f'{tag}_images') \
            if save_images else None
        cached = cached_scores(path, settings, run.checkpoint_id) or \
            _unguided_twin(run, tag, settings, path, image_dir)
        if cached is not None:
            return cached
        model.test_cfg.update(settings, progress=False)
        scores = self.score(model, cfg, split, settings, run.checkpoint_id,
                            image_dir)
        scores.save(path)
        return scores

    def score_reference(self, name: str, split: str) -> PairScores:
        path = osp.join(self.spec.scores_root, 'references',
                        f'{split}_{name}.json')
        if osp.isfile(path):
            return PairScores.load(path)
        first = self.spec.runs()[0]
        scores = self.score(name, self.spec.run_config(first), split, {})
        scores.save(path)
        return scores


def pair_dataloader(evaluation: dict[str, Any], config: Config,
                    split: str) -> DataLoader:
    """The pairs of ``split`` a spec's ``evaluation`` scores, in a fixed
    order: the model config's test dataset on that split, every
    ``val_pairs_every``-th pair on val, ``batch_size`` per batch."""
    dataset_cfg = config.test_dataloader.dataset.copy()
    dataset_cfg.update(split=split, test_mode=True)
    dataset = DATASETS.build(dataset_cfg)
    every = evaluation['val_pairs_every'] if split == 'val' else 1
    if every > 1:
        dataset = Subset(dataset, range(0, len(dataset), every))
    return DataLoader(dataset, batch_size=evaluation['batch_size'],
                      shuffle=False, num_workers=0, collate_fn=pseudo_collate)


def scores_path(run: Run, tag: str) -> str:
    """Where the scores of ``run`` called ``tag`` are saved."""
    return osp.join(run.scores_dir, 'eval', f'{tag}.json')


def cached_scores(path: str, settings: dict[str, Any] | None,
                  checkpoint: str) -> PairScores | None:
    """The scores saved at ``path`` if made with these settings (any, for
    None) and checkpoint."""
    if not osp.isfile(path):
        return None
    scores = PairScores.load(path)
    if settings in (None, scores.settings) and \
            scores.checkpoint == checkpoint:
        return scores
    return None


def _unguided_twin(run: Run, tag: str, settings: dict[str, Any], path: str,
                   image_dir: str | None) -> PairScores | None:
    """A variant sampling another variant's weights (``weights_from``) at
    guidance scale 0 makes exactly that variant's images (PIF off, the same
    weights, the same noise): its scores with the same settings, when
    scored already, saved again under this run (with the images, when
    asked for)."""
    if not run.variant.weights_from or settings.get('guidance_scale') != 0:
        return None
    plain = {k: v for k, v in settings.items() if k != 'guidance_scale'}
    twin_tag = tag.removesuffix('_s0')
    twin = cached_scores(
        osp.join(run.weights_scores_dir, 'eval', f'{twin_tag}.json'), plain,
        run.checkpoint_id)
    twin_images = osp.join(run.weights_dir, 'eval', f'{twin_tag}_images')
    if twin is None or (image_dir and not osp.isdir(twin_images)):
        return None
    if image_dir:
        shutil.copytree(twin_images, image_dir, dirs_exist_ok=True)
    scores = replace(twin, settings=settings)
    scores.save(path)
    return scores


def is_scored(run: Run) -> bool:
    """Whether the test split of ``run`` is scored with its final
    checkpoint (the run then needs the checkpoint no more)."""
    return cached_scores(scores_path(run, 'test'), None,
                         run.checkpoint_id) is not None


def _save_image(folder: str, sample: Any) -> None:
    os.makedirs(folder, exist_ok=True)
    image = sample.pred_img.permute(1, 2, 0).cpu().numpy()
    cv2.imwrite(osp.join(folder, f'{sample.pair_name}.png'),
                cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2BGR))
