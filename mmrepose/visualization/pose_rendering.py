"""Pictures of poses and image grids, for people to look at.

Used by ``tools/analysis/browse_dataset.py`` (and the sample-grid hooks and
demo to come): render any pose encoding as an RGB image, lay it over a photo,
and tile labelled panels into one grid image.
"""
from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from mmrepose.structures.keypoint_layout import OPENPOSE18_COLORS


def pose_map_to_rgb(pose_map: np.ndarray) -> np.ndarray:
    """``(C, H, W)`` pose encoding in [0, 1] -> ``(H, W, 3)`` uint8 RGB.

    Encodings that start with an RGB skeleton (``pidm20``, ``cfld21``,
    ``skeleton_rgb``; ``C`` in {3, 20, 21}) show it, with the keypoint
    heatmaps of ``cfld21`` added in the joints' colours; ``gfla18`` heatmaps
    are shown in the joints' colours.
    """
    channels = pose_map.shape[0]
    colours = np.asarray(OPENPOSE18_COLORS, np.float32) / 255.0
    if channels == 18:
        rgb = np.einsum('khw,kc->hwc', pose_map, colours)
    elif channels in (3, 20, 21):
        rgb = pose_map[:3].transpose(1, 2, 0).copy()
        if channels == 21:
            rgb += np.einsum('khw,kc->hwc', pose_map[3:], colours) * 0.5
    else:
        raise ValueError(f'cannot draw a pose map with {channels} channels '
                         '(expected 3, 18, 20 or 21)')
    return (np.clip(rgb, 0, 1) * 255).round().astype(np.uint8)


def overlay_pose(image: np.ndarray, pose_rgb: np.ndarray,
                 alpha: float = 0.35) -> np.ndarray:
    """Draw a rendered pose over an RGB image (photo faded to ``alpha``
    where the pose is drawn; elsewhere the photo is kept)."""
    mask = (pose_rgb.max(axis=2, keepdims=True) > 10).astype(np.float32)
    out = image.astype(np.float32) * (1 - mask * (1 - alpha)) + \
        pose_rgb.astype(np.float32) * mask * (1 - alpha)
    return np.clip(out, 0, 255).astype(np.uint8)


def tile_grid(rows: Sequence[Sequence[np.ndarray]],
              column_titles: Sequence[str] = (),
              row_titles: Sequence[str] = (), pad: int = 4,
              background: int = 255) -> np.ndarray:
    """Tile RGB panels (all of one size) into a grid with optional titles."""
    if not rows or not rows[0]:
        raise ValueError('tile_grid needs at least one panel')
    h, w = rows[0][0].shape[:2]
    ncols = max(len(r) for r in rows)
    title_h = 16 if column_titles else 0
    row_title_h = 12 if row_titles else 0
    cell_h = h + row_title_h + pad
    grid = np.full((title_h + pad + len(rows) * cell_h,
                    pad + ncols * (w + pad), 3), background, np.uint8)
    font = cv2.FONT_HERSHEY_SIMPLEX
    for c, title in enumerate(column_titles):
        cv2.putText(grid, title, (pad + c * (w + pad), title_h - 4), font,
                    0.4, (0, 0, 0), 1, cv2.LINE_AA)
    for r, panels in enumerate(rows):
        top = title_h + pad + r * cell_h
        if r < len(row_titles):
            cv2.putText(grid, row_titles[r][:(ncols * (w + pad)) // 6],
                        (pad, top + 9), font, 0.3, (60, 60, 60), 1,
                        cv2.LINE_AA)
        for c, panel in enumerate(panels):
            if panel.shape[:2] != (h, w):
                panel = cv2.resize(panel, (w, h),
                                   interpolation=cv2.INTER_NEAREST)
            left = pad + c * (w + pad)
            grid[top + row_title_h:top + row_title_h + h, left:left + w] = panel
    return grid
