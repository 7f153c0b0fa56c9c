"""Backgrounds: a light studio backdrop (DeepFashion-like, the default) and
a cluttered street-like scene (Market-1501-like)."""
from __future__ import annotations

import cv2
import numpy as np

BACKGROUNDS = ('studio', 'cluttered')


def studio(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Near-white / light-grey backdrop with a slight gradient and tint."""
    base = rng.uniform(226, 250)
    tint = rng.uniform(-5, 5, 3)
    ys = np.linspace(-1.0, 1.0, h, dtype=np.float32)[:, None, None]
    xs = np.linspace(-1.0, 1.0, w, dtype=np.float32)[None, :, None]
    img = (base + tint + rng.uniform(-8, 8) * ys + rng.uniform(-5, 5) * xs
           - 6.0 * xs * xs)
    return np.clip(img, 0, 255).astype(np.uint8)


def cluttered(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Muted gradient with random rectangles, blobs and a ground band."""
    c0, c1 = rng.uniform(40, 200, 3), rng.uniform(40, 200, 3)
    ys = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    img = (c0 * (1 - ys) + c1 * ys) * np.ones((1, w, 1), np.float32)
    for _ in range(int(rng.integers(6, 16))):
        colour = tuple(float(v) for v in rng.uniform(20, 235, 3))
        x0, y0 = rng.uniform(-0.2, 1.0) * w, rng.uniform(-0.2, 1.0) * h
        x1 = x0 + rng.uniform(0.1, 0.6) * w
        y1 = y0 + rng.uniform(0.05, 0.5) * h
        if rng.random() < 0.6:
            cv2.rectangle(img, (int(x0), int(y0)), (int(x1), int(y1)), colour,
                          -1)
        else:
            centre = (int((x0 + x1) / 2), int((y0 + y1) / 2))
            axes = (int((x1 - x0) / 2), int((y1 - y0) / 2))
            cv2.ellipse(img, centre, axes, float(rng.uniform(0, 180)), 0, 360,
                        colour, -1)
    ground = int(h * rng.uniform(0.65, 0.85))
    img[ground:] = img[ground:] * 0.5 + rng.uniform(60, 160, 3) * 0.5
    img = cv2.GaussianBlur(img, (0, 0), max(h / 256.0, 0.6))
    img += rng.normal(0.0, 4.0, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def make_background(kind: str, rng: np.random.Generator, h: int,
                    w: int) -> np.ndarray:
    """``(h, w, 3)`` uint8 BGR background of a kind in :data:`BACKGROUNDS`."""
    if kind == 'studio':
        return studio(rng, h, w)
    if kind == 'cluttered':
        return cluttered(rng, h, w)
    raise ValueError(f'unknown background {kind!r}; expected one of '
                     f'{BACKGROUNDS}')


def floor_shadow(img: np.ndarray, centre, axes, strength: float = 0.18
                 ) -> None:
    """Darken a soft ellipse (a contact shadow) in place."""
    h, w = img.shape[:2]
    mask = np.zeros((h, w), np.float32)
    cv2.ellipse(mask, (int(centre[0]), int(centre[1])),
                (max(int(axes[0]), 1), max(int(axes[1]), 1)), 0, 0, 360, 1.0,
                -1)
    mask = cv2.GaussianBlur(mask, (0, 0), max(axes[1], 1.0))
    img[:] = (img * (1.0 - strength * mask[..., None])).astype(img.dtype)
