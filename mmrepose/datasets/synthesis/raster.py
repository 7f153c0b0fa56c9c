"""Z-buffered rasteriser of textured tubes and ellipsoids.

Body parts are drawn as two primitives, evaluated on the pixels of their
bounding box with numpy (no per-pixel Python):

- :meth:`Canvas.tube`: a cylinder or cone between two projected points with
  an elliptic cross-section (half width/depth varying along the axis), with
  or without round end caps. Each pixel gets its axis coordinate ``t`` and its
  azimuth around the axis, which index the part's canonical texture (rows
  along the axis, columns around it), so prints move, rotate and foreshorten
  with the limb.
- :meth:`Canvas.ellipsoid`: an upright ellipse-shaped solid (the head) whose
  per-pixel surface normals a callback turns into colours and labels.

A pixel is written where the part's surface depth (larger is nearer) beats
the z-buffer, so occlusion is right for any view and pose.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

_TWO_PI = 2.0 * math.pi


class Canvas:
    """Colour, depth and part-label buffers of one (supersampled) image."""

    def __init__(self, background: np.ndarray, shading: bool = True):
        self.h, self.w = background.shape[:2]
        self.image = background.astype(np.float32)
        self.depth = np.full((self.h, self.w), -np.inf, np.float32)
        self.labels = np.zeros((self.h, self.w), np.uint8)
        self.shading = shading
        self._xs = np.arange(self.w, dtype=np.float32)
        self._ys = np.arange(self.h, dtype=np.float32)

    def _window(self, lo: np.ndarray, hi: np.ndarray
                ) -> tuple[int, int, int, int] | None:
        x0, y0 = max(int(math.floor(lo[0])), 0), max(int(math.floor(lo[1])), 0)
        x1 = min(int(math.ceil(hi[0])) + 1, self.w)
        y1 = min(int(math.ceil(hi[1])) + 1, self.h)
        if x0 >= x1 or y0 >= y1:
            return None
        return y0, y1, x0, x1

    def _write(self, win: tuple, mask: np.ndarray, z: np.ndarray,
               colour: np.ndarray, labels: np.ndarray) -> None:
        y0, y1, x0, x1 = win
        self.depth[y0:y1, x0:x1][mask] = z
        self.image[y0:y1, x0:x1][mask] = colour
        self.labels[y0:y1, x0:x1][mask] = labels

    def tube(self, p0, p1, z0: float, z1: float, widths, depths,
             texture: tuple[np.ndarray, np.ndarray], yaw: float = 0.0,
             knots=(0.0, 1.0), caps: bool = True) -> None:
        """Draw a textured tube from image point ``p0`` (texture row 0) to
        ``p1`` with axis depths ``z0``/``z1``.

        ``widths``/``depths`` are the cross-section's half axes (pixels) at
        ``knots`` (axis fractions) along the tube, in the body's lateral and
        forward directions; ``yaw`` (degrees) turns the cross-section and
        the texture's azimuth with the view (column ``w/2`` faces the camera
        at yaw 0).
        """
        p0, p1 = np.asarray(p0, np.float32), np.asarray(p1, np.float32)
        widths = np.asarray(widths, np.float32)
        depths = np.asarray(depths, np.float32)
        cy, sy = math.cos(math.radians(yaw)), math.sin(math.radians(yaw))
        rmax = float(np.sqrt((widths * cy) ** 2 + (depths * sy) ** 2).max())
        win = self._window(np.minimum(p0, p1) - rmax,
                           np.maximum(p0, p1) + rmax)
        if win is None or rmax < 0.5:
            return
        y0, y1, x0, x1 = win
        dx = self._xs[None, x0:x1] - p0[0]
        dy = self._ys[y0:y1, None] - p0[1]
        ax, ay = float(p1[0] - p0[0]), float(p1[1] - p0[1])
        length2 = max(ax * ax + ay * ay, 1e-6)
        t = (dx * ax + dy * ay) / length2
        tc = np.clip(t, 0.0, 1.0)
        w_t = np.interp(tc, knots, widths).astype(np.float32)
        d_t = np.interp(tc, knots, depths).astype(np.float32)
        radius = np.sqrt((w_t * cy) ** 2 + (d_t * sy) ** 2) + 1e-6
        qx, qy = dx - tc * ax, dy - tc * ay
        e = (dx * ay - dy * ax) / math.sqrt(length2)
        if caps:
            q = np.sqrt(qx * qx + qy * qy) / radius
            inside = q < 1.0
        else:
            q = np.abs(e) / radius
            inside = (q < 1.0) & (t >= 0.0) & (t <= 1.0)
        bulge = np.sqrt(np.maximum(1.0 - q * q, 0.0))
        rz = np.sqrt((w_t * sy) ** 2 + (d_t * cy) ** 2)
        z = z0 + (z1 - z0) * tc + rz * bulge
        mask = inside & (z > self.depth[y0:y1, x0:x1])
        if not mask.any():
            return
        s = np.clip(e[mask] / radius[mask], -1.0, 1.0)
        gamma = np.arctan2(d_t[mask] * sy, w_t[mask] * cy)
        beta = np.arcsin(s) - gamma
        col_tex, lab_tex = texture
        th, tw = lab_tex.shape
        ui = (((beta / _TWO_PI + 0.5) % 1.0) * tw).astype(np.int32) % tw
        vi = (np.clip(t[mask], 0.0, 1.0) * (th - 1)).astype(np.int32)
        colour = col_tex[vi, ui]
        if self.shading:
            light = 1.0 - 0.32 * (1.0 - bulge[mask]) \
                - 0.07 * qx[mask] / radius[mask]
            colour = colour * light[:, None]
        self._write(win, mask, z[mask], colour, lab_tex[vi, ui])

    def ellipsoid(self, centre, rx: float, ry: float, rz: float, roll: float,
                  zc: float,
                  paint: Callable[[np.ndarray, np.ndarray, np.ndarray],
                                  tuple[np.ndarray, np.ndarray, np.ndarray]]
                  ) -> None:
        """Draw an ellipsoid (image half axes ``rx``, ``ry``, depth ``rz``)
        rolled by ``roll`` degrees. ``paint(a, b, c)`` gets the unit normals
        of the front surface in the upright frame (``a`` right, ``b`` down,
        ``c`` towards the camera) and returns ``(colours (n, 3), labels (n,),
        keep (n,) bool)``."""
        centre = np.asarray(centre, np.float32)
        r = max(rx, ry)
        win = self._window(centre - r, centre + r)
        if win is None:
            return
        y0, y1, x0, x1 = win
        cr, sr = math.cos(math.radians(roll)), math.sin(math.radians(roll))
        dx = self._xs[None, x0:x1] - centre[0]
        dy = self._ys[y0:y1, None] - centre[1]
        a = (cr * dx + sr * dy) / rx
        b = (-sr * dx + cr * dy) / ry
        rho2 = a * a + b * b
        c = np.sqrt(np.maximum(1.0 - rho2, 0.0))
        z = zc + rz * c
        mask = (rho2 < 1.0) & (z > self.depth[y0:y1, x0:x1])
        if not mask.any():
            return
        colour, labels, keep = paint(a[mask], b[mask], c[mask])
        if self.shading:
            colour = colour * (1.0 - 0.3 * (1.0 - c[mask]) - 0.06 * a[mask]
                               )[:, None]
        sub = np.zeros_like(mask)
        sub[mask] = keep
        self._write(win, sub, z[sub], colour[keep], labels[keep])

    def depth_at(self, x: float, y: float) -> float:
        """Z-buffer value at an image point (``-inf`` if empty/outside)."""
        xi, yi = int(round(x)), int(round(y))
        if 0 <= xi < self.w and 0 <= yi < self.h:
            return float(self.depth[yi, xi])
        return -math.inf
