"""Garment editing (RePoseDM Fig. 4): a reference person wears the garment of
another person's photo.

The method is RePaint-style inpainting with the pose-transfer model
(:class:`~mmrepose.models.diffusion.KnownRegion`): the model is conditioned
on the *garment source* as its appearance source and on the *reference*'s
pose as its target, so it renders the garment source's person in the
reference's pose; at every step everything outside the garment's region is
replaced by the reference (noised to the step's level), so the result keeps
the reference's face, hair, skin, other garments and background exactly,
and the model fills the region with the garment, in agreement with its
surroundings. Masked sampling needs no retraining and keeps the outside
pixel-exact (in pixel space); region-masked appearance tokens would need a
model trained with them.

The region is a mask (1 = change) given by the user, or read from a part
map (SynthFashion's ``parts/{split}/<name>.png``, labels
:data:`~mmrepose.datasets.synthesis.PART_LABELS`) for a named region
(``upper``: the top, ``lower``: the bottom, ``full``: both). It is grown by
``grow`` pixels at the model's size, as the new garment may reach a little
past the old one (a longer sleeve or hem needs a mask that covers it).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
import torch
from mmengine.dataset import pseudo_collate

from mmrepose.datasets.synthesis.garment_swap import REGION_PARTS, region_mask
from mmrepose.datasets.transforms import load_rgb_image
from mmrepose.structures import images_to_unit_range
from mmrepose.structures.keypoint_layout import MISSING, NUM_OPENPOSE18
from mmrepose.visualization import tile_grid
from .target_pose import DEEPFASHION_FRAME, PoseSpec

if TYPE_CHECKING:
    from .pose_transfer_inferencer import PoseTransferInferencer

ImageSpec = str | np.ndarray


def _gray(spec: ImageSpec, what: str) -> np.ndarray:
    """A single-channel ``(H, W)`` array of a path or an array."""
    if isinstance(spec, str):
        image = cv2.imread(spec, cv2.IMREAD_UNCHANGED)
        if image is None:
            raise ValueError(f'cannot read the {what} {spec}')
    else:
        image = np.asarray(spec)
    if image.ndim == 3:
        image = image[..., 0]
    if image.ndim != 2:
        raise ValueError(f'the {what} must be an (H, W) image, got shape '
                         f'{image.shape}')
    return image


def edit_mask(mask: ImageSpec | None, parts: ImageSpec | None,
              region: str | None) -> np.ndarray:
    """``(H, W)`` bool, True where the garment changes: the ``mask``
    (non-zero pixels), else the ``region`` of the part map ``parts``."""
    if mask is not None:
        return _gray(mask, 'mask') > 0
    if parts is None or region is None:
        raise ValueError('give the region to edit: a mask, or a part map '
                         'and a region name')
    if region not in REGION_PARTS:
        raise ValueError(f'unknown region {region!r}; expected one of '
                         f'{tuple(REGION_PARTS)}')
    found = region_mask(_gray(parts, 'part map'), region)
    if not found.any():
        raise ValueError(f'the part map has no {region} garment to edit')
    return found


def edit_garment(inferencer: PoseTransferInferencer, reference: ImageSpec,
                 garment_source: ImageSpec, mask: ImageSpec | None = None,
                 parts: ImageSpec | None = None, region: str | None = None,
                 reference_pose: PoseSpec | None = None,
                 garment_pose: PoseSpec | None = None,
                 frame: tuple[int, int] = DEEPFASHION_FRAME, grow: int = 1,
                 **sampling: Any) -> dict:
    """The reference person wearing the garment source's garment.

    Args:
        inferencer: The pose-transfer model.
        reference: The person to edit (path or RGB uint8 array).
        garment_source: The photo whose garment to wear.
        mask / parts, region: The region to change (:func:`edit_mask`), in
            the reference's frame.
        reference_pose: The reference's keypoints (any form the inferencer
            reads); default: read from the reference by the pose reader.
        garment_pose: The garment source's keypoints, for models with RPA
            (default: read by the pose reader).
        frame: ``(H, W)`` of keypoint rows and lists.
        grow: Pixels the region is grown by at the model's size.
        sampling: ``sampler`` (``ddim`` or ``ddpm``), ``num_steps``,
            ``cfg_scale``, ``seed``, ``progress``, and
            ``self_recurrence``: RePaint's resampling, each step repeated
            that many times (on SynthFashion 2 lowered the garment colour
            error, docs/applications.md).

    Returns:
        dict with ``result``, ``reference``, ``garment_source`` (RGB uint8
        at the model's size), ``mask`` (bool, model size) and ``grid``.
    """
    def rgb(spec: ImageSpec) -> np.ndarray:
        image = load_rgb_image(spec) if isinstance(spec, str) else spec
        return inferencer.to_model_size(np.ascontiguousarray(image))

    ref, source = rgb(reference), rgb(garment_source)
    change = edit_mask(mask, parts, region).astype(np.uint8) * 255
    change = inferencer.to_model_size(np.repeat(change[..., None], 3, 2))
    change = change[..., 0] > 0
    if grow > 0:
        change = cv2.dilate(change.astype(np.uint8),
                            np.ones((2 * grow + 1, ) * 2, np.uint8)) > 0
    target = inferencer.estimate_keypoints(ref) if reference_pose is None \
        else inferencer.keypoints(reference_pose, frame)
    source_kps = np.full((NUM_OPENPOSE18, 2), MISSING, np.float32)
    if inferencer.model.pose_alignment is not None:
        source_kps = inferencer.estimate_keypoints(source) \
            if garment_pose is None else inferencer.keypoints(garment_pose,
                                                              frame)
    packed = [inferencer.model_input(source, source_kps, target)]
    data = inferencer.model.data_preprocessor(pseudo_collate(packed), False)
    device = data['inputs']['source_img'].device
    known_image = images_to_unit_range(
        torch.from_numpy(ref).permute(2, 0, 1)[None]).to(device)
    known_mask = torch.from_numpy(~change)[None, None].float().to(device)
    with torch.no_grad():
        samples = inferencer.model.predict(
            data['inputs'], data['data_samples'], known_image=known_image,
            known_mask=known_mask, **sampling)
    result = samples[0].pred_img.permute(1, 2, 0).numpy()
    shown = np.repeat((change * 255).astype(np.uint8)[..., None], 3, 2)
    grid = tile_grid([[ref, source, shown, result]],
                     column_titles=['reference', 'garment source', 'region',
                                    'result'])
    return dict(result=result, reference=ref, garment_source=source,
                mask=change, grid=grid)
