"""SynthFashion: a seeded, download-free generator of procedural clothed
people in chosen poses and views, written in DeepFashion's file layout.

- :mod:`.skeleton`: proportions, poses, forward kinematics, cameras/views.
- :mod:`.appearance`: identities (skin, hair, garments) and part textures.
- :mod:`.raster`: z-buffered textured tubes and ellipsoids.
- :mod:`.backgrounds`: studio and cluttered backdrops.
- :mod:`.renderer`: one person -> image, OpenPose-18 keypoints, part map.
- :mod:`.writer`: the dataset files (csv, lst, COCO json, part maps, meta).
- :mod:`.garment_swap`: A wearing B's garment, the ground truth of editing.
"""
from .appearance import PART_LABELS, Identity, sample_identity
from .backgrounds import BACKGROUNDS
from .garment_swap import EditExample, render_edit, wearing
from .renderer import render_person, render_sample
from .skeleton import POSES, VIEWS
from .writer import GENERATOR_VERSION, generate_synthfashion, image_name

__all__ = [
    'generate_synthfashion', 'render_sample', 'render_person',
    'sample_identity', 'Identity', 'image_name', 'PART_LABELS', 'BACKGROUNDS',
    'POSES', 'VIEWS', 'GENERATOR_VERSION', 'EditExample', 'render_edit',
    'wearing'
]
