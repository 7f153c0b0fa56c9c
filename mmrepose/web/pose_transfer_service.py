"""What the web demo's page asks of a model, checked and answered.

:class:`PoseTransferService` stands between the HTTP handler and a
:class:`~mmrepose.apis.PoseTransferInferencer`. It turns the page's JSON
into the inferencer's inputs and back:

- poses travel as 18 OpenPose ``[x, y]`` pairs (``-1`` missing) in the
  *pose frame*, the model's image size scaled up to at least 256 pixels of
  height (DeepFashion's 256x176 for the 64x44 and 256x176 models), so a
  downloaded pose JSON reads like the bundled ones;
- images travel as data URLs (``data:image/png;base64,...``);
- every request is checked before it is queued, and a bad one raises a
  ``ValueError`` whose one-line message the page shows.
"""
from __future__ import annotations

import base64
import binascii
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from mmrepose.apis import PoseInputError, PoseTransferInferencer
from mmrepose.apis.target_pose import load_target_pose, scale_keypoints
from mmrepose.datasets.transforms import decode_rgb_image, load_rgb_image
from mmrepose.models.diffusion.diffusion_sampler import ProgressFn
from mmrepose.registry import DIFFUSION_SCHEDULERS
from mmrepose.structures.keypoint_layout import (MISSING, NUM_OPENPOSE18,
                                                 OPENPOSE18_COLORS,
                                                 OPENPOSE18_LIMBS,
                                                 OPENPOSE18_NAMES)

#: The pose frame's least height in pixels.
POSE_FRAME_HEIGHT = 256
MAX_STEPS = 1000
MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class Example:
    """A bundled person: an image and its pose (a keypoint JSON file)."""
    name: str
    image: Path
    pose: Path


@dataclass(frozen=True)
class GenerationRequest:
    """A checked request: the source image, its pose file when it is an
    example, the target keypoints (pose frame) and the sampling options."""
    source: np.ndarray
    source_pose: Path | None
    target_keypoints: list
    sampling: dict[str, Any]


def decode_data_url(url: Any, name: str) -> np.ndarray:
    """An uploaded image (a base64 data URL) as ``(H, W, 3)`` uint8 RGB."""
    if not isinstance(url, str) or not url.startswith('data:') or \
            ';base64,' not in url:
        raise ValueError(f'{name}: expected an image file as a base64 data '
                         'URL')
    try:
        data = base64.b64decode(url.split(';base64,', 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f'{name}: the upload is not valid base64') from None
    return decode_rgb_image(data, name)


def png_data_url(image: np.ndarray) -> str:
    """An RGB uint8 image as a PNG data URL."""
    ok, png = cv2.imencode('.png', cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    if not ok:
        raise RuntimeError('PNG encoding failed')
    return 'data:image/png;base64,' + base64.b64encode(png).decode('ascii')


def _number(options: dict, key: str, default: Any, low: float, high: float,
            integer: bool = False) -> Any:
    value = options.get(key, default)
    if integer and isinstance(value, float) and value.is_integer():
        value = int(value)
    kinds = (int, ) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or \
            not math.isfinite(value) or not low <= value <= high:
        kind = 'an integer' if integer else 'a number'
        raise ValueError(f'{key} must be {kind} in [{low:g}, {high:g}], got '
                         f'{value!r}')
    return value


class PoseTransferService:
    """The page's requests answered with one inferencer.

    Args:
        inferencer: The model to sample with.
        examples: Bundled people the page offers as sources and poses.
        note: A line the page shows about the model (what it can do).
    """

    def __init__(self, inferencer: PoseTransferInferencer,
                 examples: list[Example], note: str = ''):
        self.inferencer = inferencer
        self.note = note
        self.examples = {e.name: e for e in examples}
        h, w = inferencer.image_size
        k = max(1.0, POSE_FRAME_HEIGHT / h)
        self.pose_frame = (round(h * k), round(w * k))
        self.test_cfg = dict(inferencer.model.test_cfg)
        self.has_pif = inferencer.model.pose_interaction_field is not None
        self.has_rpa = inferencer.model.pose_alignment is not None
        # the model and its pose estimator are used by one thread at a time
        self._model_lock = threading.Lock()

    def info(self) -> dict:
        """The page's settings: sizes, skeleton, samplers, defaults and the
        bundled examples with their poses."""
        defaults = {k: self.test_cfg[k] for k in
                    ('sampler', 'num_steps', 'cfg_scale', 'seed')}
        if self.has_pif:
            defaults['guidance_scale'] = self.test_cfg['guidance_scale']
        return dict(
            model_size=list(self.inferencer.image_size),
            pose_frame=list(self.pose_frame),
            joints=list(OPENPOSE18_NAMES), limbs=OPENPOSE18_LIMBS,
            colors=OPENPOSE18_COLORS,
            samplers=sorted(DIFFUSION_SCHEDULERS.module_dict),
            defaults=defaults, has_pif=self.has_pif, has_rpa=self.has_rpa,
            model_note=self.note,
            examples=[dict(name=e.name, keypoints=self._example_pose(e))
                      for e in self.examples.values()])

    def example(self, name: str) -> Example:
        """The bundled example of that name (``KeyError`` if none)."""
        return self.examples[name]

    def _example_pose(self, example: Example) -> list:
        kps, frame = load_target_pose(str(example.pose))
        return scale_keypoints(kps, frame, self.pose_frame).tolist()

    def pose_from_upload(self, url: Any, name: str = 'upload') -> list:
        """Keypoints in the pose frame of an uploaded pose image or driving
        photo."""
        image = decode_data_url(url, name)
        with self._model_lock:
            kps = self.inferencer.keypoints_from_image(image, name)
        return scale_keypoints(kps, self.inferencer.image_size,
                               self.pose_frame).tolist()

    def target_keypoints(self, points: Any) -> list:
        """The page's target pose (pose frame), checked."""
        try:
            kps = np.asarray(points, dtype=np.float64)
        except (TypeError, ValueError):
            kps = None
        if kps is None or kps.shape != (NUM_OPENPOSE18, 2) or \
                not np.isfinite(kps).all():
            raise PoseInputError(f'the target pose must be {NUM_OPENPOSE18} '
                                 '[x, y] pairs of numbers (-1, -1 for a '
                                 'missing joint)')
        if not (kps[:, 0] != MISSING).any():
            raise PoseInputError('the target pose has no joints: place at '
                                 'least one')
        points = kps.tolist()
        self.inferencer.keypoints(points, self.pose_frame)  # inside the image
        return points

    def sampling(self, options: dict) -> dict[str, Any]:
        """Checked sampling options (missing ones: the model's defaults)."""
        sampler = options.get('sampler', self.test_cfg['sampler'])
        if sampler not in DIFFUSION_SCHEDULERS.module_dict:
            raise ValueError(f'unknown sampler {sampler!r}; choose from '
                             f'{sorted(DIFFUSION_SCHEDULERS.module_dict)}')
        sampling = dict(
            sampler=sampler,
            num_steps=_number(options, 'num_steps',
                              self.test_cfg['num_steps'], 1, MAX_STEPS, True),
            cfg_scale=_number(options, 'cfg_scale',
                              self.test_cfg['cfg_scale'], 0, 20),
            seed=_number(options, 'seed', self.test_cfg['seed'], 0, MAX_SEED,
                         True))
        if self.has_pif:
            sampling['guidance_scale'] = _number(
                options, 'guidance_scale', self.test_cfg['guidance_scale'],
                0, 100)
        elif options.get('guidance_scale') not in (None, 0):
            raise ValueError('this model has no PIF guidance (a B1 or B2 '
                             'model): leave the guidance scale at 0')
        return sampling

    def request(self, body: Any) -> GenerationRequest:
        """A generation request from the page's JSON, checked."""
        if not isinstance(body, dict):
            raise ValueError('expected a JSON object')
        source = body.get('source')
        if not isinstance(source, dict):
            raise ValueError('choose a source: {"example": NAME} or '
                             '{"image": DATA_URL}')
        source_pose = None
        if 'example' in source:
            try:
                example = self.example(source['example'])
            except (KeyError, TypeError):
                raise ValueError(f'no bundled example {source["example"]!r};'
                                 f' choose from {sorted(self.examples)}'
                                 ) from None
            image = load_rgb_image(str(example.image))
            source_pose = example.pose
        else:
            image = decode_data_url(source.get('image'),
                                    str(source.get('name') or 'source'))
        return GenerationRequest(
            source=image, source_pose=source_pose,
            target_keypoints=self.target_keypoints(
                body.get('target_keypoints')),
            sampling=self.sampling(body.get('sampling') or {}))

    def generate(self, request: GenerationRequest,
                 progress: ProgressFn) -> dict:
        """Sample the request; the result and the source at the model's
        size as PNG data URLs."""
        source_pose = None
        if self.has_rpa and request.source_pose is not None:
            source_pose = str(request.source_pose)
        with self._model_lock:
            out = self.inferencer(request.source,
                                  [request.target_keypoints],
                                  source_pose=source_pose,
                                  frame=self.pose_frame, progress=progress,
                                  **request.sampling)
        return dict(image=png_data_url(out['predictions'][0]),
                    source=png_data_url(out['source']))
