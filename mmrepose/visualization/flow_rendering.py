"""Colour pictures of dense flows (RPA's backward flows, paper Supp. Fig. 9).

Hue is the direction the target pixel samples from (0 deg = to the right,
counter-clockwise on screen), saturation the magnitude relative to
``max_magnitude`` (the flow's own maximum by default): white means no
motion.
"""
from __future__ import annotations

import cv2
import numpy as np


def flow_to_rgb(flow: np.ndarray, max_magnitude: float | None = None
                ) -> np.ndarray:
    """``(2, H, W)`` flow in pixels -> ``(H, W, 3)`` uint8 RGB."""
    if flow.ndim != 3 or flow.shape[0] != 2:
        raise ValueError(f'expected a (2, H, W) flow, got {flow.shape}')
    dx, dy = flow.astype(np.float32)
    magnitude = np.hypot(dx, dy)
    scale = max_magnitude or float(magnitude.max()) or 1.0
    hue = (np.degrees(np.arctan2(-dy, dx)) % 360) / 2          # OpenCV: 0..180
    hsv = np.stack([hue, np.clip(magnitude / scale, 0, 1) * 255,
                    np.full_like(hue, 255)], -1).astype(np.uint8)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
