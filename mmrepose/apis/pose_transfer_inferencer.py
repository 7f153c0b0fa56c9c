"""PoseTransferInferencer: one source photo + target poses -> new images.

    from mmrepose.apis import PoseTransferInferencer
    inferencer = PoseTransferInferencer()          # the embedded default model
    result = inferencer('demo/examples/source.jpg',
                        ['demo/examples/target_pose.json'], out_dir='outputs')
    result['predictions'][0]                       # (H, W, 3) uint8 RGB

The model's input is made by its config's test pipeline (after its loading
step: the images are in memory), as for a test pair: the pipeline's
``ResizePair`` resizes the source, its ``GeneratePoseEncoding`` renders the
poses, ``PackPoseTransferInputs`` packs them. A target pose has no image; it
enters the pipeline as keypoints in a frame (``target_shape``). See
:mod:`mmrepose.apis.target_pose` for the accepted pose forms.
"""
from __future__ import annotations

import os
import os.path as osp
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate

from mmrepose.datasets.transforms import (GeneratePoseEncoding, ResizePair,
                                          load_rgb_image)
from mmrepose.registry import INFERENCERS, MODELS, TRANSFORMS
from mmrepose.structures import images_to_unit_range
from mmrepose.structures.keypoint_layout import MISSING, NUM_OPENPOSE18
from mmrepose.visualization import pose_map_to_rgb, tile_grid
from .garment_editing import edit_garment
from .init_model import init_model
from .pose_image import (is_mostly_black, keypoints_from_pose_image,
                         looks_like_pose_image)
from .target_pose import (DEEPFASHION_FRAME, PoseInputError, PoseSpec,
                          load_target_pose, scale_keypoints)

REPO_ROOT = Path(__file__).resolve().parents[2]
#: The embedded default: a small model trained on SynthFashion (see docs/embedded_model.md).
DEFAULT_CONFIG = REPO_ROOT / 'configs/repose/synthfashion_64_b1.py'
DEFAULT_WEIGHTS = REPO_ROOT / 'checkpoints/synthfashion_64_b1.pth'
#: Heatmap maximum under which an estimated keypoint counts as missing.
KEYPOINT_SCORE_THRESHOLD = 0.1
PHOTO_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.webp')


def build_test_pipeline(cfg: Config) -> Compose:
    """The config's test pipeline without its loading step; it must resize
    (``ResizePair``: the model's size) and render poses
    (``GeneratePoseEncoding``)."""
    loader = cfg.get('test_dataloader') or cfg.train_dataloader
    transforms = [TRANSFORMS.build(step) for step in loader.dataset.pipeline
                  if step['type'] != 'LoadPairFromFile']
    kinds = {type(t) for t in transforms}
    if not {ResizePair, GeneratePoseEncoding} <= kinds:
        raise ValueError('the config\'s test pipeline needs ResizePair and '
                         'GeneratePoseEncoding to define the input size and '
                         'pose encoding')
    return Compose(transforms)


def _repository_path(path: str) -> str:
    """``path`` as given when it exists (or is absolute), else relative to
    the repository, so that configs' relative paths work from any folder."""
    if osp.isabs(path) or osp.exists(path):
        return path
    in_repo = REPO_ROOT / path
    return str(in_repo) if in_repo.exists() else path


def _is_photo(spec: PoseSpec) -> bool:
    return isinstance(spec, str) and spec.lower().endswith(PHOTO_SUFFIXES)


def write_results(out_dir: str, predictions: Sequence[np.ndarray],
                  grid: np.ndarray) -> None:
    """``result_{i}.png`` per RGB prediction and ``grid.png`` in
    ``out_dir``."""
    os.makedirs(out_dir, exist_ok=True)
    for i, img in enumerate(predictions):
        cv2.imwrite(osp.join(out_dir, f'result_{i}.png'),
                    cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    cv2.imwrite(osp.join(out_dir, 'grid.png'),
                cv2.cvtColor(grid, cv2.COLOR_RGB2BGR))


@INFERENCERS.register_module()
class PoseTransferInferencer:
    """Pose transfer with a trained RePoseDM.

    Args:
        config: Config file or loaded ``Config`` (default: the embedded
            SynthFashion model's).
        weights: Checkpoint (default: the embedded one). Weights saved by
            training hold the EMA parameters under ``state_dict``.
        device: ``'cpu'``, ``'cuda'``, ``'cuda:1'``...
        pose_estimator: ``MMPoseEstimator`` config that reads poses from
            photos (a driving photo as target, the source when its pose is
            not given), its ``scale`` relative to the model's image size.
            Default: the config's ``pose_reader`` (the SynthFashion
            configs name the SynthFashion SimpleBaseline), else its
            ``pose_estimator`` (the COCO AE-HRNet-W32 of the others), else
            the model's PIF estimator if it has one.
            Relative paths in it are read from the working directory, else
            from the repository.
    """

    def __init__(self, config: str | os.PathLike | Config | None = None,
                 weights: str | os.PathLike | None = None,
                 device: str = 'cpu', pose_estimator: dict | None = None):
        self.cfg, self.model = init_model(config or DEFAULT_CONFIG,
                                          weights or DEFAULT_WEIGHTS, device)
        self.device = torch.device(device)
        self.pipeline = build_test_pipeline(self.cfg)
        steps = {type(t): t for t in self.pipeline.transforms}
        self._resize = steps[ResizePair]
        w, h = self._resize.scale
        self.image_size = (int(h), int(w))
        self.pose_encoding = steps[GeneratePoseEncoding].encoding
        self._estimator_cfg = pose_estimator or self.cfg.get(
            'pose_reader') or self.cfg.get('pose_estimator')
        self._estimator = None

    def _source(self, source: str | np.ndarray) -> np.ndarray:
        img = load_rgb_image(source) if isinstance(source, str) else source
        if not isinstance(img, np.ndarray) or img.ndim != 3 or \
                img.shape[2] != 3 or img.dtype != np.uint8:
            raise ValueError('the source must be an image path or an '
                             '(H, W, 3) uint8 RGB array')
        return self.to_model_size(img)

    def to_model_size(self, image: np.ndarray) -> np.ndarray:
        """An image resized by the test pipeline's ``ResizePair``."""
        return self._resize({'source_img': image,
                             'target_shape': image.shape[:2]})['source_img']

    def model_input(self, source: np.ndarray, source_keypoints: np.ndarray,
                    target_keypoints: np.ndarray) -> dict:
        """The test pipeline's packed input for a source at the model's
        size and keypoints in the model's frame."""
        return self.pipeline(dict(source_img=source,
                                  source_keypoints=source_keypoints,
                                  target_keypoints=target_keypoints,
                                  target_shape=self.image_size))

    def pose_estimator(self) -> torch.nn.Module:
        """The estimator that reads poses from photos (built on first use)."""
        if self._estimator is None:
            pif = self.model.pose_interaction_field
            if self._estimator_cfg is None and pif is not None:
                self._estimator = pif.estimator
            elif self._estimator_cfg is None:
                raise PoseInputError(
                    'reading a pose from a photo needs a pose estimator: '
                    'pass pose_estimator=dict(type="MMPoseEstimator", '
                    'config=..., checkpoint=...), or give keypoints')
            else:
                cfg = {k: _repository_path(v) if k in ('config', 'checkpoint')
                       else v for k, v in dict(self._estimator_cfg).items()}
                self._estimator = MODELS.build(cfg).to(self.device)
        return self._estimator

    def estimate_keypoints(self, image: np.ndarray) -> np.ndarray:
        """OpenPose-18 keypoints ``(18, 2)`` of an image already at the
        model's size; keypoints whose heatmap peak is under
        ``KEYPOINT_SCORE_THRESHOLD`` are missing (-1)."""
        estimator = self.pose_estimator()
        tensor = torch.from_numpy(image).permute(2, 0, 1)[None]
        kps, scores = estimator.keypoints(
            images_to_unit_range(tensor).to(self.device), return_scores=True)
        kps[scores < KEYPOINT_SCORE_THRESHOLD] = MISSING
        kps = estimator.to_openpose18(kps)[0].cpu().numpy()
        if not np.any(kps[:, 0] != MISSING):
            raise PoseInputError('the pose estimator found no person')
        return kps

    def keypoints(self, spec: PoseSpec, frame: tuple[int, int]) -> np.ndarray:
        """Keypoints ``(18, 2)`` in the model's frame of a pose given in any
        form: keypoints (JSON, annotation row, list; in ``frame`` unless the
        JSON says), an OpenPose-style pose image (:mod:`.pose_image`), or a
        photo of a person (a driving photo)."""
        if _is_photo(spec):
            return self.keypoints_from_image(load_rgb_image(spec), spec)
        kps, kps_frame = load_target_pose(spec, frame)
        kps = scale_keypoints(kps, kps_frame, self.image_size)
        if not np.any(kps[:, 0] != MISSING):
            raise ValueError('no keypoint of the target pose lies inside the '
                             'image')
        return kps

    def keypoints_from_image(self, image: np.ndarray,
                             where: str = 'the image') -> np.ndarray:
        """Keypoints ``(18, 2)`` in the model's frame of an RGB image: an
        OpenPose-style pose image, else a photo of a person read by the pose
        estimator; ``where`` names the image in errors."""
        if looks_like_pose_image(image):
            h, w = image.shape[:2]
            kps = keypoints_from_pose_image(image)
            return scale_keypoints(kps, (h, w), self.image_size)
        if is_mostly_black(image):
            raise PoseInputError(
                f'{where}: a mostly black image without the joints of an '
                'OpenPose-style pose image; neither a pose image nor a '
                'photo of a person')
        return self.estimate_keypoints(self.to_model_size(image))

    @torch.no_grad()
    def __call__(self, source: str | np.ndarray,
                 target_poses: PoseSpec | Sequence[PoseSpec],
                 source_pose: PoseSpec | None = None,
                 frame: tuple[int, int] = DEEPFASHION_FRAME,
                 out_dir: str | None = None, **sampling: Any) -> dict:
        """Render the source person in each target pose.

        Args:
            source: Image path or ``(H, W, 3)`` uint8 RGB array.
            target_poses: A list of poses, each a JSON file, an annotation
                row, 18 / 17 ``[x, y]`` pairs, an OpenPose-style pose image
                (black canvas, joints in the OpenPose palette), or a photo
                of a person whose pose is read by the pose estimator (a
                single file or row may be given alone).
            source_pose: The source's keypoints in any of those forms; only
                models with Recurrent Pose Alignment use it. Default: read
                from the source image by the pose estimator.
            frame: ``(H, W)`` of rows and lists (JSON files carry their own).
            out_dir: Where to write ``result_{i}.png`` and ``grid.png``.
            sampling: ``sampler``, ``num_steps``, ``cfg_scale``, ``seed``,
                ``progress``, and ``guidance_scale`` for models with PIF
                guidance (defaults: the config's ``test_cfg``).

        Returns:
            dict with ``source`` (resized to the model's size),
            ``predictions`` (list of (H, W, 3) uint8 RGB), ``pose_images``
            (the rendered target poses), ``target_keypoints`` and ``grid``.
        """
        if isinstance(target_poses, str) or (
                isinstance(target_poses, Sequence) and target_poses and
                np.ndim(target_poses[0]) == 1):
            target_poses = [target_poses]
        src = self._source(source)
        targets = [self.keypoints(p, frame) for p in target_poses]
        # a given source pose is checked even where the model ignores it
        src_kps = None if source_pose is None else \
            self.keypoints(source_pose, frame)
        if self.model.pose_alignment is not None:
            if src_kps is None:
                src_kps = self.estimate_keypoints(src)
        elif src_kps is not None:
            warnings.warn('source_pose is not used: this model has no '
                          'Recurrent Pose Alignment (B1)')
        if src_kps is None:  # rendered blank, unused
            src_kps = np.full((NUM_OPENPOSE18, 2), MISSING, np.float32)
        packed = [self.model_input(src, src_kps, k) for k in targets]
        data = self.model.data_preprocessor(pseudo_collate(packed), False)
        samples = self.model.predict(data['inputs'], data['data_samples'],
                                     **sampling)
        predictions = [s.pred_img.permute(1, 2, 0).numpy() for s in samples]
        pose_images = [pose_map_to_rgb(p['inputs']['target_pose'].numpy())
                       for p in packed]
        grid = tile_grid([[src, pose, pred] for pose, pred in
                          zip(pose_images, predictions)],
                         column_titles=['source', 'target pose', 'result'])
        if out_dir:
            write_results(out_dir, predictions, grid)
        return {'source': src, 'predictions': predictions,
                'pose_images': pose_images, 'target_keypoints': targets,
                'grid': grid}

    def edit_garment(self, reference: str | np.ndarray,
                     garment_source: str | np.ndarray, **options: Any
                     ) -> dict:
        """The reference person wearing the garment source's garment
        (RePaint-style; :func:`~mmrepose.apis.garment_editing.edit_garment`
        for the options: ``mask`` or ``parts`` + ``region``, the poses,
        ``grow`` and the sampling settings)."""
        return edit_garment(self, reference, garment_source, **options)
