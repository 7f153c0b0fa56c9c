"""Ground truth for garment editing (RePoseDM Fig. 4): person A, in A's pose
and scene, wearing person B's top, bottom or both.

No photo dataset can show the same person in the same pose with another
garment; the generator can. :func:`wearing` gives A's identity B's garment
(A keeps body, skin, hair, shoes and the other garment), and
:func:`render_edit` renders an editing example: the *reference* (A in pose
p), the *garment source* (B in its own pose and view) and the *ground truth*
(A wearing B's garment, in pose p, with the reference's camera and
background), with their part maps and the region the garment covers in
either image. A dress is one garment from the neckline to the hem: it
is swapped only as ``full``.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .appearance import BOTTOM, TOP, Identity, sample_identity
from .renderer import VIEW_PROBS, extent_points, render_person
from .skeleton import VIEWS, sample_camera, sample_pose

#: Regions of a garment edit, and the part labels each covers.
REGION_PARTS = {'upper': (TOP, ), 'lower': (BOTTOM, ), 'full': (TOP, BOTTOM)}


def wearing(person: Identity, donor: Identity, region: str) -> Identity:
    """``person`` wearing ``donor``'s garment of ``region`` (``upper``: the
    top, ``lower``: the bottom, ``full``: both); all else is ``person``'s."""
    if region not in REGION_PARTS:
        raise ValueError(f'unknown region {region!r}; expected one of '
                         f'{tuple(REGION_PARTS)}')
    if region != 'full' and (person.dress or donor.dress):
        raise ValueError(f'a dress is one garment: swap it as region '
                         f"'full', not {region!r}")
    upper, lower = region in ('upper', 'full'), region in ('lower', 'full')
    return dataclasses.replace(
        person, top=donor.top if upper else person.top,
        bottom=donor.bottom if lower else person.bottom,
        dress=donor.dress if region == 'full' else person.dress,
        category=donor.category if region == 'full' else person.category,
        _textures={})


def region_mask(parts: np.ndarray, region: str) -> np.ndarray:
    """``(H, W)`` bool: the pixels of a part map the region's garment
    covers."""
    return np.isin(parts, REGION_PARTS[region])


@dataclass
class EditExample:
    """One garment edit with its ground truth (images BGR uint8, keypoints
    OpenPose-18, part maps of :data:`~.appearance.PART_LABELS`).

    ``region_mask`` is where the garment is in the reference *or* the ground
    truth (a longer sleeve or hem of B's reaches past A's), and where the two
    part maps differ (a garment also shapes the limb it covers: trousers
    widen the leg, a skirt hides it): outside it the two images are the
    same person and scene."""
    region: str
    reference: np.ndarray
    reference_keypoints: np.ndarray
    reference_parts: np.ndarray
    garment_source: np.ndarray
    garment_source_keypoints: np.ndarray
    garment_source_parts: np.ndarray
    ground_truth: np.ndarray
    ground_truth_parts: np.ndarray
    region_mask: np.ndarray


def _sample_without_dress(rng: np.random.Generator) -> Identity:
    while (ident := sample_identity(rng)).dress:
        pass
    return ident


def render_edit(rng: np.random.Generator | int, region: str,
                size: tuple[int, int] = (256, 176),
                background: str = 'studio') -> EditExample:
    """Sample two people and render an edit of ``region`` (dresses are
    drawn only for ``full``)."""
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    if region not in REGION_PARTS:
        raise ValueError(f'unknown region {region!r}; expected one of '
                         f'{tuple(REGION_PARTS)}')
    draw = sample_identity if region == 'full' else _sample_without_dress
    person, donor = draw(rng), draw(rng)
    edited = wearing(person, donor, region)

    def scene(ident: Identity) -> tuple:
        view = str(rng.choice(VIEWS, p=VIEW_PROBS))
        pose = sample_pose(rng, ident.body)
        return pose, sample_camera(rng, view, extent_points(ident, pose),
                                   size, crop_prob=0.0)

    pose, camera = scene(person)
    background_seed = int(rng.integers(2**31))
    # the same pose, camera and background for the reference and the truth
    reference, kps, parts = render_person(
        person, pose, camera, size, np.random.default_rng(background_seed),
        background)
    truth, _, truth_parts = render_person(
        edited, pose, camera, size, np.random.default_rng(background_seed),
        background)
    source, source_kps, source_parts = render_person(
        donor, *scene(donor), size, rng, background)
    return EditExample(
        region, reference, kps, parts, source, source_kps, source_parts,
        truth, truth_parts,
        region_mask(parts, region) | region_mask(truth_parts, region) |
        (parts != truth_parts))
