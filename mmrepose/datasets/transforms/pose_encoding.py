"""Transform that renders the pose inputs of a pair (see :mod:`.pose_maps`)."""
from __future__ import annotations

from collections.abc import Sequence

from mmcv.transforms import BaseTransform

from mmrepose.registry import TRANSFORMS
from .geometric import pose_frame
from .pose_maps import encode_pose, pose_encoding_channels


@TRANSFORMS.register_module()
class GeneratePoseEncoding(BaseTransform):
    """Render ``{key}_pose`` = ``(C, H, W)`` float32 for each key in ``keys``.

    Required keys: ``{key}_keypoints`` and ``{key}_img`` or ``{key}_shape``
    (the size).
    Added keys: ``{key}_pose`` and ``pose_encoding`` (the name).

    Args:
        encoding: ``'pidm20'``, ``'gfla18'``, ``'cfld21'`` or
            ``'skeleton_rgb'`` (see :mod:`mmrepose.datasets.transforms.pose_maps`);
            configs leave it to the model's ``pose_encoding``
            (:mod:`mmrepose.utils.config`).
        keys: Which poses to render: ``('target',)`` for the diffusion input,
            ``('source', 'target')`` when the model also needs the source pose
            (RPA).
    """

    def __init__(self, encoding: str,
                 keys: Sequence[str] = ('source', 'target')):
        self.channels = pose_encoding_channels(encoding)  # validates the name
        self.encoding = encoding
        bad = [k for k in keys if k not in ('source', 'target')]
        if bad or not keys:
            raise ValueError(f"keys must be a non-empty subset of ('source', "
                             f"'target'), got {tuple(keys)}")
        self.keys = tuple(keys)

    def transform(self, results: dict) -> dict:
        for key in self.keys:
            results[f'{key}_pose'] = encode_pose(results[f'{key}_keypoints'],
                                                 pose_frame(results, key),
                                                 self.encoding)
        results['pose_encoding'] = self.encoding
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(encoding={self.encoding!r}, ' \
               f'keys={self.keys})'
