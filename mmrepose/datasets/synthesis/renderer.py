"""Draw one SynthFashion person: image, OpenPose-18 keypoints, part map.

The figure of :mod:`.skeleton` is dressed with the textures of
:mod:`.appearance` and rasterised by :class:`.raster.Canvas` at ``ss``-times
supersampling, depth-tested per pixel (so the far arm of a side view goes
behind the torso, crossed forearms overlap correctly, the back view shows the
hair and the top's back design). Keypoints follow OpenPose's conventions:
-1 where outside the frame, hidden behind a nearer part, or (face points)
turned away from the camera.
"""
from __future__ import annotations

import cv2
import numpy as np

from .appearance import (FACE, HAIR, Identity, sample_identity, skirt_span,
                         trunk_span)
from .backgrounds import floor_shadow, make_background
from .raster import Canvas
from .skeleton import (OPENPOSE18_JOINTS, VIEWS, BodyShape, Camera, Pose,
                       forward_kinematics, head_rotation, sample_camera,
                       sample_pose, yaw_matrix)

#: Probabilities of the views when none is asked for.
VIEW_PROBS = (0.4, 0.2, 0.2, 0.2)
#: A keypoint is hidden when the surface at its pixel is this much (body
#: units) nearer the camera than the joint centre.
OCCLUSION_TOL = 18.0
#: Minimum camera-facing component of a face keypoint's normal.
_FACING = {'nose': -0.5, 'r_eye': 0.1, 'l_eye': 0.1, 'r_ear': -0.35,
           'l_ear': -0.35}
#: Head-frame unit directions of drawn face features.
_FEATURES = (
    ('eye', ((-0.36, -0.06, 0.93),)), ('eye', ((0.36, -0.06, 0.93),)),
    ('brow', ((-0.52, -0.3, 0.8), (-0.2, -0.33, 0.92))),
    ('brow', ((0.2, -0.33, 0.92), (0.52, -0.3, 0.8))),
    ('mouth', ((-0.17, 0.5, 0.85), (0.17, 0.5, 0.85))))


def torso_profile(body: BodyShape) -> tuple[list, list, list]:
    """Trunk knots (axis fractions) with half widths and half depths."""
    y0, y1 = trunk_span(body)
    L, sd, sh = body.torso_len, body.shoulder_drop, body.shoulder_half
    ys = [y0, -3.0, sd - 0.8 * body.upper_arm_r, sd + 3.0, 0.3 * L, 0.6 * L,
          0.9 * L, y1 - 4.0, y1]
    w = [body.neck_r * 1.15, 0.6 * sh, 0.9 * sh, sh, body.chest_w,
         body.waist_w, body.hip_w, body.hip_w * 0.8, body.hip_w * 0.3]
    d = [body.neck_r, 0.6 * body.chest_d, 0.75 * body.chest_d,
         0.85 * body.chest_d, body.chest_d, body.waist_d, body.hip_d,
         body.hip_d * 0.85, body.hip_d * 0.6]
    return [(y - y0) / (y1 - y0) for y in ys], w, d


class _Figure:
    """Projection helpers for one person under one (supersampled) camera."""

    def __init__(self, ident: Identity, pose: Pose, cam: Camera):
        self.ident, self.pose, self.cam, self.b = ident, pose, cam, ident.body
        self.j = forward_kinematics(ident.body, pose)
        self.s = cam.scale

    def p(self, point) -> tuple[np.ndarray, float]:
        xy, z = self.cam.project(np.asarray(point, np.float64)[None])
        return xy[0], float(z[0])

    def tube(self, canvas: Canvas, a, b, widths, texture, depths=None,
             knots=(0.0, 1.0), caps: bool = True) -> None:
        """A tube between body points; ``texture`` is a part name or a
        ``(colour, labels)`` pair."""
        (pa, za), (pb, zb) = self.p(a), self.p(b)
        w = [v * self.s for v in widths]
        d = w if depths is None else [v * self.s for v in depths]
        if isinstance(texture, str):
            texture = self.ident.texture(texture)
        canvas.tube(pa, pb, za, zb, w, d, texture,
                    yaw=self.cam.yaw, knots=knots, caps=caps)


def _towards(a: np.ndarray, b: np.ndarray, dist: float) -> np.ndarray:
    """The point ``dist`` from ``a`` towards ``b``."""
    v = b - a
    return a + v * dist / max(float(np.linalg.norm(v)), 1e-6)


def _skirt_hem(f: _Figure) -> dict:
    """Per leg (``r_``/``l_``): the skirt hem's point on the leg and whether
    it lies on the thigh."""
    b, j = f.b, f.j
    _, length = skirt_span(b, f.ident.bottom)
    out = {}
    for k in ('r_', 'l_'):
        if length <= b.thigh:
            out[k] = (j[k + 'hip'] + (j[k + 'kne'] - j[k + 'hip'])
                      * length / b.thigh, True)
        else:
            frac = min((length - b.thigh) / b.shin, 0.95)
            out[k] = (j[k + 'kne'] + (j[k + 'ank'] - j[k + 'kne']) * frac,
                      False)
    return out


def _draw_limbs(canvas: Canvas, f: _Figure) -> None:
    b, j, ident = f.b, f.j, f.ident
    sleeve = 1.12 if ident.top.sleeve > 0.2 else 1.0
    kb = {'trousers': 1.12, 'shorts': 1.06}.get(ident.bottom.kind, 1.0)
    trousers = ident.bottom.kind == 'trousers'
    hem = _skirt_hem(f) if ident.bottom.kind == 'skirt' else {}
    for k in ('r_', 'l_'):
        # Under a skirt a leg is drawn from the hem down only.
        hip, on_thigh = hem.get(k, (_towards(j[k + 'hip'], j[k + 'kne'],
                                             0.6 * b.thigh_r), True))
        knee = j[k + 'kne'] if on_thigh else hip
        # Upper arms and thighs start inside the trunk, their round caps
        # tucked under its shoulder and hip outline.
        f.tube(canvas, _towards(j[k + 'sho'], j[k + 'elb'],
                                0.35 * b.upper_arm_r), j[k + 'elb'],
               (b.upper_arm_r * sleeve, b.forearm_r * 1.1 * sleeve),
               'upper_arm')
        f.tube(canvas, j[k + 'elb'], j[k + 'wri'],
               (b.forearm_r * 1.05, b.forearm_r * 0.82), 'forearm')
        f.tube(canvas, j[k + 'wri'], j[k + 'hand'],
               (b.hand_r, b.hand_r * 0.85), 'hand')
        if on_thigh:
            f.tube(canvas, hip, knee, (b.thigh_r * kb, b.shin_r * 1.2 * kb),
                   'thigh')
        f.tube(canvas, knee, j[k + 'ank'],
               (b.shin_r * 1.2 * kb, b.shin_r * (0.95 if trousers else 0.7)),
               'shin')
        f.tube(canvas, j[k + 'heel'], j[k + 'toe'],
               (b.foot_r, b.foot_r * 0.85), 'foot')


def _draw_trunk(canvas: Canvas, f: _Figure) -> None:
    b, j, ident = f.b, f.j, f.ident
    y0, y1 = trunk_span(b)
    knots, w, d = torso_profile(b)
    f.tube(canvas, (0, y0, 0), (0, y1, 0), w, 'torso', d, knots, caps=False)
    f.tube(canvas, (0, 2.0, 0), j['head_c'] + (0, 0.3 * b.head_ry, -1.0),
           (b.neck_r, b.neck_r), 'neck')
    if ident.bottom.kind == 'skirt':
        _draw_skirt(canvas, f, knots, w, d)


def _draw_skirt(canvas: Canvas, f: _Figure, knots, w, d) -> None:
    """A straight section around the trunk from the waist to the crotch,
    then a cone out to the hem points on the legs."""
    b = f.b
    y0, y1 = trunk_span(b)
    top_y, _ = skirt_span(b, f.ident.bottom)
    hem = [point for point, _ in _skirt_hem(f).values()]
    centre = (hem[0] + hem[1]) / 2
    centre[1] = max(centre[1], y1 + 4.0)
    spread = np.abs(hem[1] - hem[0]) / 2 + b.thigh_r * 1.15
    sel = np.asarray(knots) >= (top_y - y0) / (y1 - y0)
    fr = np.concatenate([[(top_y - y0) / (y1 - y0)], np.asarray(knots)[sel]])
    sw = np.maximum.accumulate(np.interp(fr, knots, w)) * 1.06
    sd = np.maximum.accumulate(np.interp(fr, knots, d)) * 1.06
    col, lab = f.ident.texture('skirt')
    split = int(len(lab) * (y1 - top_y) / (centre[1] - top_y))
    # The straight section reaches a little into the cone to close the seam.
    low = y1 + min(6.0, 0.4 * (centre[1] - y1))
    knots_s = (np.append(fr, (low - y0) / (y1 - y0)) - fr[0]) / (
        (low - y0) / (y1 - y0) - fr[0])
    f.tube(canvas, (0, top_y, 0), (0, low, 0), np.append(sw, sw[-1]),
           (col[:split], lab[:split]), np.append(sd, sd[-1]), knots_s,
           caps=False)
    flare = f.ident.bottom.flare
    f.tube(canvas, (0, y1, 0), centre,
           (sw[-1], max(spread[0], sw[-1]) + flare),
           (col[split:], lab[split:]),
           (sd[-1], max(spread[2], sd[-1]) + 0.6 * flare), caps=False)


def _head_painter(f: _Figure, shell: bool):
    """Colour callback of the head (``shell``: only the hair volume)."""
    to_head = yaw_matrix(f.cam.yaw) @ head_rotation(f.pose)
    hair, skin = f.ident.hair, np.asarray(f.ident.skin, np.float32)
    hair_col = np.asarray(hair.colour, np.float32)

    def paint(a, b, c):
        n = np.stack([a, b, c], 1) @ to_head
        thr = hair.front + (hair.back - hair.front) * np.clip(
            (0.3 - n[:, 2]) / 0.7, 0.0, 1.0)
        is_hair = n[:, 1] < thr - (0.06 if shell else 0.0)
        colour = np.where(is_hair[:, None], hair_col, skin)
        labels = np.where(is_hair, HAIR, FACE).astype(np.uint8)
        keep = is_hair if shell else np.ones_like(is_hair)
        return colour, labels, keep
    return paint


def _draw_head(canvas: Canvas, f: _Figure) -> None:
    b, j, hair = f.b, f.j, f.ident.hair
    rot = head_rotation(f.pose)
    roll = f.cam.roll   # the head's own roll is in its normals' frame
    rx, ry = b.head_rx * f.s, b.head_ry * f.s
    if hair.curtain > 0:
        # Hanging hair: from behind the head down along the upper back.
        top = j['head_c'] + rot @ np.array([0.0, -0.2 * b.head_ry,
                                            -0.55 * b.head_rx])
        length = 0.5 * b.head_ry + hair.curtain
        back = -b.chest_d - 0.3 * b.head_rx if length > 20 else top[2]
        bottom = np.array([top[0], top[1] + length, back])
        f.tube(canvas, top, bottom,
               (b.head_rx * 1.02, b.head_rx * 1.1, b.head_rx * 0.9), 'hair',
               (0.5 * b.head_rx, 0.45 * b.head_rx, 0.3 * b.head_rx),
               knots=(0.0, 0.35, 1.0))
    skin = np.asarray(f.ident.skin, np.float32) * 0.95

    def paint_skin(a, b_, c):
        return (np.broadcast_to(skin, (len(a), 3)),
                np.full(len(a), FACE, np.uint8), np.ones(len(a), bool))
    bumps = [('nose', 0.13, 0.16)]
    if hair.curtain == 0:
        bumps += [('r_ear', 0.2, 0.3), ('l_ear', 0.2, 0.3)]
    for key, kx, ky in bumps:
        (x, y), z = f.p(j[key])
        canvas.ellipsoid((x, y), kx * rx, ky * ry, kx * rx, roll, z,
                         paint_skin)
    (cx, cy), cz = f.p(j['head_c'])
    canvas.ellipsoid((cx, cy), rx, ry, rx, roll, cz, _head_painter(f, False))
    if hair.style != 'bald':
        up = f.p(j['head_c'] + rot @ np.array([0.0, -0.05 * b.head_ry,
                                               -0.06 * b.head_rx]))
        canvas.ellipsoid(up[0], rx * 1.08, ry * 1.07, rx * 1.08, roll,
                         up[1], _head_painter(f, True))
    _draw_face(canvas, f, rot)


def _draw_face(canvas: Canvas, f: _Figure, rot: np.ndarray) -> None:
    """Eyes, brows and mouth, painted only over visible face skin."""
    b, j = f.b, f.j
    radii = np.array([b.head_rx, b.head_ry, b.head_rx])
    cam_rot = yaw_matrix(f.cam.yaw)
    (cx, cy), _ = f.p(j['head_c'])
    r = 1.3 * b.head_ry * f.s
    y0, x0 = max(int(cy - r), 0), max(int(cx - r), 0)
    y1, x1 = min(int(cy + r) + 1, canvas.h), min(int(cx + r) + 1, canvas.w)
    if y0 >= y1 or x0 >= x1:
        return
    layer = canvas.image[y0:y1, x0:x1].copy()
    eye_r = max(int(round(0.1 * b.head_rx * f.s)), 1)
    colours = {'eye': (35, 30, 30),
               'brow': tuple(v * 0.8 for v in f.ident.hair.colour),
               'mouth': tuple(v * 0.68 for v in f.ident.skin)}
    for kind, units in _FEATURES:
        pts = []
        for unit in units:
            n = rot @ (np.asarray(unit) / np.linalg.norm(unit))
            if (cam_rot @ n)[2] < 0.25:
                break
            (x, y), _ = f.p(j['head_c'] + n * radii)
            pts.append((int(round(x)) - x0, int(round(y)) - y0))
        else:
            if kind == 'eye':
                cv2.circle(layer, pts[0], eye_r, colours[kind], -1)
            else:
                cv2.line(layer, pts[0], pts[1], colours[kind],
                         max(eye_r * 2 // 3, 1))
    face = canvas.labels[y0:y1, x0:x1] == FACE
    canvas.image[y0:y1, x0:x1][face] = layer[face]


def _keypoints(canvas: Canvas, f: _Figure, ss: int, size: tuple[int, int]
               ) -> np.ndarray:
    """OpenPose-18 keypoints in the output frame, -1 where not visible.

    The neck (OpenPose's shoulder midpoint) is kept wherever it is in frame,
    as OpenPose reports it in side views too.
    """
    h, w = size
    cam_rot = yaw_matrix(f.cam.yaw)
    kps = np.full((18, 2), -1.0, np.float32)
    tol = OCCLUSION_TOL * f.s
    for i, name in enumerate(OPENPOSE18_JOINTS):
        (x, y), z = f.p(f.j[name])
        ox, oy = round((x + 0.5) / ss - 0.5), round((y + 0.5) / ss - 0.5)
        if not (0 <= ox < w and 0 <= oy < h):
            continue
        if name in _FACING and (cam_rot @ f.j[name + '_n'])[2] < _FACING[name]:
            continue
        if name != 'neck' and canvas.depth_at(
                ox * ss + ss // 2, oy * ss + ss // 2) - z > tol:
            continue
        kps[i] = (ox, oy)
    return kps


def render_person(ident: Identity, pose: Pose, camera: Camera,
                  size: tuple[int, int], rng: np.random.Generator,
                  background: str = 'studio', ss: int = 2,
                  shading: bool = True
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Render ``(image (H, W, 3) uint8 BGR, keypoints (18, 2) float32,
    part map (H, W) uint8)``; ``camera`` maps body units to output pixels."""
    h, w = size
    cam = Camera(camera.yaw, camera.roll, camera.scale * ss,
                 (camera.tx + 0.5) * ss - 0.5, (camera.ty + 0.5) * ss - 0.5)
    f = _Figure(ident, pose, cam)
    bg = make_background(background, rng, h * ss, w * ss)
    if background == 'studio':
        feet = np.array([f.p(f.j[k])[0] for k in
                         ('r_heel', 'r_toe', 'l_heel', 'l_toe')])
        floor_shadow(bg, (feet[:, 0].mean(), feet[:, 1].max()),
                     (np.ptp(feet[:, 0]) / 2 + 10 * cam.scale,
                      3.0 * cam.scale))
    canvas = Canvas(bg, shading=shading)
    _draw_trunk(canvas, f)
    _draw_limbs(canvas, f)
    _draw_head(canvas, f)
    image = cv2.resize(np.clip(canvas.image, 0, 255), (w, h),
                       interpolation=cv2.INTER_AREA).astype(np.uint8)
    parts = np.ascontiguousarray(canvas.labels[ss // 2::ss, ss // 2::ss])
    return image, _keypoints(canvas, f, ss, size), parts


def extent_points(ident: Identity, pose: Pose) -> np.ndarray:
    """Body-frame points bounding the figure (for framing the camera)."""
    j = forward_kinematics(ident.body, pose)
    b = ident.body
    keys = [k for k in j if not k.endswith('_n')]
    pts = [j[k] for k in keys]
    pts.append(j['head_c'] - (0.0, b.head_ry * 1.1, 0.0))
    pts.append(j['head_c'] + (0.0, b.head_ry + ident.hair.curtain, 0.0))
    return np.array(pts)


def render_sample(rng: np.random.Generator | int,
                  size: tuple[int, int] = (256, 176), view: str | None = None,
                  background: str = 'studio', ident: Identity | None = None,
                  pose_name: str | None = None, crop_prob: float = 0.12,
                  shading: bool = True
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sample and render one person: ``(image_bgr, keypoints18, part_map)``.

    ``rng`` is a generator or a seed; ``view`` is one of ``front``, ``left``,
    ``back``, ``right`` (random if None); ``ident`` reuses an identity.
    """
    if not isinstance(rng, np.random.Generator):
        rng = np.random.default_rng(rng)
    if ident is None:
        ident = sample_identity(rng)
    if view is None:
        view = str(rng.choice(VIEWS, p=VIEW_PROBS))
    pose = sample_pose(rng, ident.body, pose_name)
    camera = sample_camera(rng, view, extent_points(ident, pose), size,
                           crop_prob)
    return render_person(ident, pose, camera, size, rng, background,
                         shading=shading)
