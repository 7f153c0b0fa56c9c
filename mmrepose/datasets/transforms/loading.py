"""Loading of a (source, target) image pair."""
from __future__ import annotations

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmengine import fileio

from mmrepose.registry import TRANSFORMS
from .geometric import transform_keypoints


class ImageLoadError(ValueError):
    """An image file that is missing or cannot be decoded."""


def load_rgb_image(path: str, backend_args: dict | None = None) -> np.ndarray:
    """Read an image file as ``(H, W, 3)`` uint8 RGB; errors name the file."""
    try:
        data = fileio.get(path, backend_args=backend_args)
    except (FileNotFoundError, OSError) as exc:
        raise ImageLoadError(f'cannot read image {path}: {exc}') from None
    return decode_rgb_image(data, path)


def decode_rgb_image(data: bytes, name: str) -> np.ndarray:
    """The bytes of an image file (PNG, JPEG, ...) as ``(H, W, 3)`` uint8
    RGB; errors name the file as ``name``."""
    if not data:
        raise ImageLoadError(f'cannot decode image {name}: the file is empty')
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if img is None or img.size == 0:
        raise ImageLoadError(f'cannot decode image {name} (not an image '
                             'file, or corrupt)')
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


@TRANSFORMS.register_module()
class LoadPairFromFile(BaseTransform):
    """Load the source and target images of a pair as RGB uint8.

    Required keys: ``target_img_path`` and, for a pair, ``source_img_path``
    (a text-pose item has no source).
    Added keys: ``source_img``, ``target_img`` (``(H, W, 3)`` RGB),
    ``ori_shape`` and ``img_shape`` (``(H, W)`` of the target image).
    ``source_keypoints``/``target_keypoints`` are made float32 copies and,
    where the data info gives the annotation's ``keypoint_frame`` ``(H, W)``
    (DeepFashion's csv keypoints are in the 256x176 frame whatever the image
    size), rescaled to each image's own size.

    Images are RGB (not OpenMMLab's usual BGR) from here on, so pose maps,
    visualisations and metrics all see the same channel order.

    Args:
        backend_args: mmengine file backend arguments (e.g. for petrel/S3).
    """

    def __init__(self, backend_args: dict | None = None):
        self.backend_args = backend_args

    def transform(self, results: dict) -> dict:
        if 'target_img_path' not in results:
            raise KeyError('LoadPairFromFile needs "target_img_path"')
        for key in ('source', 'target'):
            if f'{key}_img_path' not in results:
                continue
            results[f'{key}_img'] = load_rgb_image(results[f'{key}_img_path'],
                                                   self.backend_args)
            if f'{key}_keypoints' in results:
                results[f'{key}_keypoints'] = self._to_image_frame(
                    results[f'{key}_keypoints'], results.get('keypoint_frame'),
                    results[f'{key}_img'].shape[:2])
        shape = results['target_img'].shape[:2]
        results['ori_shape'] = shape
        results['img_shape'] = shape
        return results

    @staticmethod
    def _to_image_frame(kps: np.ndarray, frame: tuple[int, int] | None,
                        shape: tuple[int, int]) -> np.ndarray:
        kps = np.array(kps, dtype=np.float32)
        if frame is None or tuple(frame) == tuple(shape):
            return kps
        return transform_keypoints(kps, (shape[1] / frame[1],
                                         shape[0] / frame[0]), (0, 0), shape)


@TRANSFORMS.register_module()
class LoadPeoplePose(BaseTransform):
    """Read the people of an image from its HumanSD pose file
    (``pose_path``, :func:`~mmrepose.datasets.people_npz.load_people_npz`)
    into ``target_keypoints`` ``(P, 18, 2)`` (OpenPose-18), keeping the
    keypoints scored above ``min_score`` (HumanSD: 0.02). A file that cannot
    be read is an :class:`ImageLoadError` naming it (a counted skip with
    ``skip_invalid``)."""

    def __init__(self, min_score: float = 0.02):
        self.min_score = min_score

    def transform(self, results: dict) -> dict:
        from ..people_npz import PoseFileError, load_people_npz
        from ..text_pose_dataset import people_to_openpose18
        try:
            people = load_people_npz(results['pose_path'])
        except PoseFileError as err:
            raise ImageLoadError(str(err)) from None
        results['target_keypoints'] = people_to_openpose18(people,
                                                           self.min_score)
        return results
