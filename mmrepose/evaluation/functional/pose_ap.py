"""Multi-person pose scores of generated images as HumanSD defines them
(Ju et al. 2023; their ``utils/metrics/pose_metrics.py`` and
``coco_similarity.py``, read at commit c5db29dd), on xtcocotools' COCO
keypoint evaluation:

- **AP** and **AP(m)**: COCO keypoint AP, OKS thresholds 0.50:0.95, COCO-17
  sigmas, over all areas and over the medium range (32^2 .. 96^2)
  (``stats[0]`` and ``stats[3]``).
- **CAP**: the same AP with OKS replaced by a pose *similarity*, the
  "weighted cosine similarity" of HumanSD: over the ground truth's visible
  joints, x and y divided by the joint sigmas, each of x_gt, y_gt, x_det,
  y_det min-max normalised and L2-normalised, and the cosine of
  ``concat(x_gt, y_gt)`` and ``concat(x_det, y_det)``: shape agreement,
  independent of position and scale.
- **PCE**: the mean over images of ``|#people in the ground truth -
  #people detected|``.

Two places where HumanSD's code departs from its own definitions are
reproduced only on request (``humansd_bugs=True``): its CAP replaces the
detection's y by its x (``yd = xd / ||yd||``), and its ground-truth area is
the box around all 17 keypoints *including* the (-1, -1) placeholders of
missing ones. With ``humansd_bugs=False`` (default) the definitions are
followed; a pair whose similarity is undefined (fewer than two visible
joints, or all on one line) scores 0 instead of HumanSD's NaN.
"""
from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence

import numpy as np

#: COCO-17 keypoint sigmas (xtcocotools' defaults)
COCO17_SIGMAS = np.array([
    .26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62, 1.07, 1.07, .87,
    .87, .89, .89]) / 10.0


def weighted_cosine_similarity(gt: np.ndarray, det: np.ndarray,
                               sigmas: np.ndarray = COCO17_SIGMAS,
                               humansd_bugs: bool = False) -> float:
    """HumanSD's similarity of one detection ``det`` to one ground-truth
    person ``gt``, both ``(17, 3)`` ``(x, y, visibility)`` (module doc)."""
    visible = gt[:, 2] > 0
    vectors = []
    for pose in (gt, det):
        for axis in (0, 1):
            v = pose[visible, axis] / sigmas[visible]
            if v.size == 0:
                return 0.0
            span = v.max() - v.min()
            if span <= 0 and not humansd_bugs:
                return 0.0
            vectors.append((v - v.min()) / span)
    xg, yg, xd, yd = vectors
    norms = [np.sqrt((v**2).sum()) for v in vectors]
    xg, yg, xd = xg / norms[0], yg / norms[1], xd / norms[2]
    yd = xd / norms[3] if humansd_bugs else yd / norms[3]
    g, d = np.concatenate([xg, yg]), np.concatenate([xd, yd])
    cosine = float(g @ d / (np.linalg.norm(g) * np.linalg.norm(d)))
    return cosine if np.isfinite(cosine) or humansd_bugs else 0.0


def _coco_eval_class(similarity: bool, humansd_bugs: bool):
    from xtcocotools.cocoeval import COCOeval
    if not similarity:
        return COCOeval

    class SimilarityEval(COCOeval):
        """COCO keypoint evaluation matching by the weighted cosine
        similarity instead of OKS (thresholds 0.50:0.95 as OKS's)."""

        def computeOks(self, imgId, catId):  # noqa: N802 (xtcocotools)
            gts = self._gts[imgId, catId]
            dts = self._dts[imgId, catId]
            order = np.argsort([-d['score'] for d in dts], kind='mergesort')
            dts = [dts[i] for i in order][:self.params.maxDets[-1]]
            if not gts or not dts:
                return []
            sims = np.zeros((len(dts), len(gts)))
            for j, g in enumerate(gts):
                gk = np.reshape(g['keypoints'], (-1, 3))
                for i, d in enumerate(dts):
                    sims[i, j] = weighted_cosine_similarity(
                        gk, np.reshape(d['keypoints'], (-1, 3)),
                        self.sigmas, humansd_bugs)
            return sims

    return SimilarityEval


def _ground_truth(people: Sequence[np.ndarray], humansd_bugs: bool) -> dict:
    """COCO ground truth of images of people ``(P_i, 17, 3)``."""
    images, annotations = [], []
    for image_id, persons in enumerate(people, start=1):
        images.append(dict(id=image_id))
        for kps in persons:
            visible = kps[:, 2] > 0
            if not visible.any():
                continue
            box_points = kps[:, :2] if humansd_bugs else kps[visible, :2]
            x0, y0 = box_points.min(0)
            x1, y1 = box_points.max(0)
            annotations.append(dict(
                id=len(annotations) + 1, image_id=image_id, category_id=1,
                keypoints=kps.reshape(-1).tolist(), iscrowd=0,
                num_keypoints=int(visible.sum()),
                bbox=[float(x0), float(y0), float(x1 - x0), float(y1 - y0)],
                area=float((x1 - x0) * (y1 - y0))))
    return dict(images=images, annotations=annotations,
                categories=[dict(id=1, name='person')])


def _detections(detected: Sequence[tuple[np.ndarray, np.ndarray]]
                ) -> list[dict]:
    return [dict(image_id=image_id, category_id=1, score=float(score),
                 keypoints=kps.reshape(-1).tolist())
            for image_id, (people, scores) in enumerate(detected, start=1)
            for kps, score in zip(people, scores)]


def pose_ap(people: Sequence[np.ndarray],
            detected: Sequence[tuple[np.ndarray, np.ndarray]],
            humansd_bugs: bool = False) -> dict[str, float]:
    """``{'AP', 'AP(m)', 'CAP', 'PCE'}`` of detections against ground truth.

    Args:
        people: Per image, the ground-truth people ``(P, 17, 3)``
            (x, y, visibility > 0 when annotated).
        detected: Per image, ``(keypoints (N, 17, 3), scores (N,))`` of the
            estimator on the generated image (third column: keypoint
            scores).
        humansd_bugs: Reproduce HumanSD's code (module doc).

    AP values are in [0, 1] (-1 where xtcocotools finds no ground truth in
    an area range).
    """
    if len(people) != len(detected):
        raise ValueError(f'{len(people)} ground-truth images for '
                         f'{len(detected)} detected ones')
    from xtcocotools.coco import COCO
    gt = COCO()
    gt.dataset = _ground_truth(people, humansd_bugs)
    scores = {}
    dets = _detections(detected)
    with contextlib.redirect_stdout(io.StringIO()):
        gt.createIndex()
        for name, similarity in (('AP', False), ('CAP', True)):
            if not dets:
                scores[name] = 0.0
                if name == 'AP':
                    scores['AP(m)'] = 0.0
                continue
            evaluator = _coco_eval_class(similarity, humansd_bugs)(
                gt, gt.loadRes(dets), 'keypoints', COCO17_SIGMAS,
                use_area=True)
            evaluator.evaluate()
            evaluator.accumulate()
            evaluator.summarize()
            scores[name] = float(evaluator.stats[0])
            if name == 'AP':
                scores['AP(m)'] = float(evaluator.stats[3])
    scores['PCE'] = float(np.mean([
        abs(sum(bool((p[:, 2] > 0).any()) for p in persons) - len(found[0]))
        for persons, found in zip(people, detected)]))
    return scores
