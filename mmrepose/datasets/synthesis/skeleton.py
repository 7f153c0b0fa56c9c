"""Kinematic skeleton of the SynthFashion people.

A person is a small 3-D stick figure in a *body frame* (units: about 200 per
body height; origin at the neck keypoint; ``x`` towards the person's left,
``y`` down, ``z`` forwards, out of the chest). This module samples per-identity
proportions (:class:`BodyShape`) and poses (:class:`Pose`), runs the forward
kinematics (:func:`forward_kinematics`), and places the figure in the image
with an orthographic :class:`Camera` that turns it about the vertical axis
(the view), rolls it in the image plane, scales and shifts it.

Views: ``front`` (yaw 0), ``left`` (the person's left side faces the camera),
``back`` and ``right``. A camera-space depth ``z`` grows towards the camera,
so the renderer's z-buffer and the keypoint-visibility test share it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

VIEWS = ('front', 'left', 'back', 'right')
#: Body yaw (degrees) of each view; ``left`` turns the person's left side
#: (body +x) towards the camera.
VIEW_YAW = {'front': 0.0, 'left': -90.0, 'back': 180.0, 'right': 90.0}
#: DeepFashion-like view index ``k`` and word of the file names.
VIEW_INDEX = {'front': 1, 'left': 2, 'back': 3, 'right': 4}
VIEW_WORD = {'front': 'front', 'left': 'side', 'back': 'back', 'right': 'side'}

POSES = ('standing', 'walking', 'arms_raised', 'hands_on_hips',
         'crossed_arms', 'lifted_leg')
_POSE_PROBS = (0.26, 0.24, 0.12, 0.14, 0.13, 0.11)

#: Unit directions (head frame, scaled by the head radii) of the face
#: keypoints: nose, right/left eye, right/left ear. The person's right is -x.
FACE_POINTS = {
    'nose': (0.0, 0.18, 1.0),
    'r_eye': (-0.36, -0.06, 0.93), 'l_eye': (0.36, -0.06, 0.93),
    'r_ear': (-1.0, 0.06, -0.08), 'l_ear': (1.0, 0.06, -0.08),
}
#: Joint names in OpenPose-18 order.
OPENPOSE18_JOINTS = ('nose', 'neck', 'r_sho', 'r_elb', 'r_wri', 'l_sho',
                     'l_elb', 'l_wri', 'r_hip', 'r_kne', 'r_ank', 'l_hip',
                     'l_kne', 'l_ank', 'r_eye', 'l_eye', 'r_ear', 'l_ear')


@dataclass(frozen=True)
class BodyShape:
    """Per-identity proportions in body units (half widths are radii)."""
    head_rx: float
    head_ry: float
    neck_len: float
    neck_r: float
    torso_len: float      # neck keypoint -> hip centre
    shoulder_half: float  # x of the shoulder joints
    shoulder_drop: float
    hip_half: float       # x of the hip joints
    chest_w: float
    waist_w: float
    hip_w: float
    chest_d: float
    waist_d: float
    hip_d: float
    upper_arm: float
    forearm: float
    hand_len: float
    upper_arm_r: float
    forearm_r: float
    hand_r: float
    thigh: float
    shin: float
    thigh_r: float
    shin_r: float
    foot_len: float
    foot_r: float


def sample_body(rng: np.random.Generator, gender: str) -> BodyShape:
    """Sample proportions; ``gender`` is ``'MEN'`` or ``'WOMEN'``."""
    men = gender == 'MEN'
    size = rng.uniform(0.94, 1.05) * (1.02 if men else 0.98)
    girth = rng.uniform(0.86, 1.18)

    def u(lo: float, hi: float, k: float = 1.0) -> float:
        return float(rng.uniform(lo, hi) * size * k)

    sh = u(22.5, 25.5) if men else u(19.5, 22.0)
    hip_w = (u(16.5, 18.5) if men else u(18.5, 21.5)) * girth ** 0.7
    return BodyShape(
        head_rx=u(11.2, 12.4), head_ry=u(13.6, 14.8), neck_len=u(8.0, 11.0),
        neck_r=u(5.2, 6.4, girth ** 0.5), torso_len=u(58.0, 64.0),
        shoulder_half=sh, shoulder_drop=u(3.0, 5.0),
        hip_half=hip_w * rng.uniform(0.45, 0.5),
        chest_w=sh * rng.uniform(0.82, 0.9) * girth ** 0.5,
        waist_w=(u(14.5, 16.5) if men else u(12.5, 14.5)) * girth,
        hip_w=hip_w,
        chest_d=(u(10.5, 12.0) if men else u(11.0, 13.0)) * girth ** 0.8,
        waist_d=u(9.0, 10.5, girth), hip_d=u(10.0, 11.5, girth ** 0.8),
        upper_arm=u(35.0, 39.0), forearm=u(29.0, 32.0), hand_len=u(10.0, 12.0),
        upper_arm_r=u(5.6, 6.6, girth), forearm_r=u(4.5, 5.2, girth),
        hand_r=u(3.8, 4.4), thigh=u(46.0, 51.0), shin=u(44.0, 48.0),
        thigh_r=u(8.8, 10.0, girth), shin_r=u(6.0, 7.0, girth ** 0.7),
        foot_len=u(15.0, 18.0), foot_r=u(4.2, 5.0))


def limb_dir(side: float, theta: float, phi: float) -> np.ndarray:
    """Unit direction from a polar angle ``theta`` (degrees from straight
    down) and an azimuth ``phi`` (0 outwards, 90 forwards, 180 inwards);
    ``side`` is -1 for the person's right, +1 for the left."""
    t, p = math.radians(theta), math.radians(phi)
    return np.array([side * math.sin(t) * math.cos(p), math.cos(t),
                     math.sin(t) * math.sin(p)])


def _aim(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    v = dst - src
    return v / max(float(np.linalg.norm(v)), 1e-6)


@dataclass
class Pose:
    """Limb directions (unit 3-vectors keyed ``r_upper_arm``, ``l_shin``...)
    and the head's yaw/pitch/roll relative to the body (degrees)."""
    name: str
    dirs: dict
    head_yaw: float
    head_pitch: float
    head_roll: float


def sample_pose(rng: np.random.Generator, body: BodyShape,
                name: str | None = None) -> Pose:
    """Sample a pose of one of :data:`POSES` (random unless ``name``)."""
    if name is None:
        name = str(rng.choice(POSES, p=_POSE_PROBS))
    elif name not in POSES:
        raise ValueError(f'unknown pose {name!r}; expected one of {POSES}')
    U = rng.uniform
    dirs: dict = {}
    sho = {s: np.array([s * body.shoulder_half, body.shoulder_drop, 0.0])
           for s in (-1.0, 1.0)}

    def arm(s: float, upper: tuple, fore: tuple) -> None:
        key = 'r_' if s < 0 else 'l_'
        dirs[key + 'upper_arm'] = limb_dir(s, *upper)
        dirs[key + 'forearm'] = limb_dir(s, *fore)

    def leg(s: float, thigh: tuple, shin: tuple) -> None:
        key = 'r_' if s < 0 else 'l_'
        dirs[key + 'thigh'] = limb_dir(s, *thigh)
        dirs[key + 'shin'] = limb_dir(s, *shin)

    def arm_down(s: float) -> None:
        th = U(4, 14)
        arm(s, (th, U(-30, 40)), (th + U(0, 18), U(30, 100)))

    def leg_stand(s: float, spread: float) -> None:
        th = U(1, spread)
        leg(s, (th, U(-20, 20)), (th * U(0.3, 1.0), U(-20, 20)))

    def arm_to(s: float, upper: tuple, target: np.ndarray) -> None:
        key = 'r_' if s < 0 else 'l_'
        up = limb_dir(s, *upper)
        dirs[key + 'upper_arm'] = up
        dirs[key + 'forearm'] = _aim(sho[s] + body.upper_arm * up, target)

    if name == 'walking':
        amp, lead = U(14, 30), rng.choice((-1.0, 1.0))
        for s in (-1.0, 1.0):
            fwd = s == lead
            if fwd:
                leg(s, (amp, U(80, 100)), (amp * U(0.0, 0.5), U(80, 100)))
                arm(s, (amp * U(0.6, 1.0), -90), (amp * U(0.3, 0.8), -90))
            else:
                leg(s, (amp * U(0.6, 1.0), -90), (amp + U(15, 35), -90))
                a = amp * U(0.6, 1.0)
                arm(s, (a, 90), (a + U(15, 40), 90))
    else:
        lifted = rng.choice((-1.0, 1.0))
        for s in (-1.0, 1.0):
            if name == 'lifted_leg' and s == lifted:
                leg(s, (U(50, 88), U(75, 105)), (U(-5, 25), -90))
            else:
                leg_stand(s, 12.0 if name == 'arms_raised' else 6.0)
        mode = name
        if name in ('standing', 'lifted_leg'):
            mode = str(rng.choice(('down', 'down', 'one_hip', 'balance')))
        raised = rng.choice((-1.0, 1.0)) if rng.random() < 0.35 else 0.0
        for s in (-1.0, 1.0):
            hip = np.array([s * body.waist_w * 1.05, body.torso_len * 0.8,
                            -1.0])
            if mode == 'arms_raised' and raised in (0.0, s):
                if rng.random() < 0.5:
                    th = U(115, 165)
                    arm(s, (th, U(-15, 25)), (th + U(-5, 15), U(-15, 25)))
                else:
                    arm(s, (U(75, 100), U(-10, 25)), (U(150, 180), U(-10, 30)))
            elif mode == 'hands_on_hips' or (mode == 'one_hip' and s > 0):
                arm_to(s, (U(38, 52), U(-45, -15)), hip)
            elif mode == 'crossed_arms':
                elbow_o = sho[-s] + body.upper_arm * limb_dir(-s, 18, 80)
                target = elbow_o + np.array([0.0, -3.0 * s, 9.0 + s])
                arm_to(s, (U(14, 22), U(70, 95)), target)
            elif mode == 'balance':
                th = U(25, 45)
                arm(s, (th, U(-20, 10)), (th + U(0, 25), U(0, 60)))
            else:
                arm_down(s)
    return Pose(name=name, dirs=dirs, head_yaw=float(U(-12, 12)),
                head_pitch=float(U(-6, 8)), head_roll=float(U(-6, 6)))


def yaw_matrix(deg: float) -> np.ndarray:
    """Rotation about the vertical (y) axis by ``deg`` degrees."""
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def head_rotation(pose: Pose) -> np.ndarray:
    """Rotation of the head frame into the body frame."""
    p, r = math.radians(pose.head_pitch), math.radians(pose.head_roll)
    pitch = np.array([[1.0, 0.0, 0.0], [0.0, math.cos(p), -math.sin(p)],
                      [0.0, math.sin(p), math.cos(p)]])
    roll = np.array([[math.cos(r), -math.sin(r), 0.0],
                     [math.sin(r), math.cos(r), 0.0], [0.0, 0.0, 1.0]])
    return yaw_matrix(-pose.head_yaw) @ pitch @ roll


def forward_kinematics(body: BodyShape, pose: Pose) -> dict:
    """3-D body-frame points: joints, limb ends, head centre, face points."""
    j: dict = {'neck': np.zeros(3)}
    for key, s in (('r_', -1.0), ('l_', 1.0)):
        d = pose.dirs
        sho = np.array([s * body.shoulder_half, body.shoulder_drop, 0.0])
        elb = sho + body.upper_arm * d[key + 'upper_arm']
        wri = elb + body.forearm * d[key + 'forearm']
        hip = np.array([s * body.hip_half, body.torso_len, 0.0])
        kne = hip + body.thigh * d[key + 'thigh']
        ank = kne + body.shin * d[key + 'shin']
        shin = d[key + 'shin']
        fwd = np.array([s * 0.18, 0.0, 1.0])
        fwd -= (fwd @ shin) * shin
        fwd /= np.linalg.norm(fwd)
        sole = ank + 0.5 * body.foot_r * shin
        j.update({key + 'sho': sho, key + 'elb': elb, key + 'wri': wri,
                  key + 'hand': wri + body.hand_len * d[key + 'forearm'],
                  key + 'hip': hip, key + 'kne': kne, key + 'ank': ank,
                  key + 'heel': sole - 2.0 * fwd,
                  key + 'toe': sole + body.foot_len * fwd})
    j['hip_c'] = np.array([0.0, body.torso_len, 0.0])
    rot = head_rotation(pose)
    j['head_c'] = np.array([0.0, -body.neck_len - 0.72 * body.head_ry, 1.0])
    radii = np.array([body.head_rx, body.head_ry, body.head_rx])
    for name, unit in FACE_POINTS.items():
        n = np.asarray(unit) / np.linalg.norm(unit)
        j[name] = j['head_c'] + rot @ (n * radii)
        j[name + '_n'] = rot @ n
    return j


@dataclass(frozen=True)
class Camera:
    """Orthographic camera: yaw about the vertical axis (view), in-plane
    roll, scale (pixels per body unit) and image offset of the body origin."""
    yaw: float
    roll: float = 0.0
    scale: float = 1.0
    tx: float = 0.0
    ty: float = 0.0

    def rotate(self, v: np.ndarray) -> np.ndarray:
        """Body-frame vectors ``(..., 3)`` to camera axes (no scale/shift)."""
        return np.asarray(v) @ yaw_matrix(self.yaw).T

    def project(self, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Body-frame points ``(N, 3)`` -> image ``(N, 2)`` and depth
        ``(N,)`` (pixels, larger is nearer the camera)."""
        p = self.rotate(np.asarray(pts, np.float64).reshape(-1, 3))
        c, s = math.cos(math.radians(self.roll)), math.sin(
            math.radians(self.roll))
        x = (c * p[:, 0] - s * p[:, 1]) * self.scale + self.tx
        y = (s * p[:, 0] + c * p[:, 1]) * self.scale + self.ty
        return np.stack([x, y], 1), p[:, 2] * self.scale


def sample_camera(rng: np.random.Generator, view: str, extent_pts: np.ndarray,
                  size: tuple[int, int], crop_prob: float = 0.12) -> Camera:
    """Fit the figure into an ``(H, W)`` frame with scale and position jitter,
    in-plane roll and, with ``crop_prob``, a crop at the frame edge."""
    if view not in VIEW_YAW:
        raise ValueError(f'unknown view {view!r}; expected one of {VIEWS}')
    h, w = size
    cam = Camera(yaw=VIEW_YAW[view] + rng.uniform(-12, 12),
                 roll=rng.uniform(-5, 5))
    xy, _ = cam.project(extent_pts)
    (x0, y0), (x1, y1) = xy.min(0) - 6.0, xy.max(0) + (6.0, 2.0)
    scale = min(h * rng.uniform(0.8, 0.94) / (y1 - y0),
                w * 0.96 / (x1 - x0))
    cx = w / 2 + rng.uniform(-0.07, 0.07) * w
    tx = cx - scale * (x0 + x1) / 2
    ty = h - h * rng.uniform(0.02, 0.06) - scale * y1
    if rng.random() < crop_prob:
        if rng.random() < 0.6:   # zoom in: feet leave the frame
            scale *= rng.uniform(1.15, 1.45)
            tx = cx - scale * (x0 + x1) / 2
            ty = h * rng.uniform(0.01, 0.05) - scale * y0
        else:                    # shifted sideways across the edge
            tx += rng.choice((-1.0, 1.0)) * rng.uniform(0.3, 0.42) * w
    return Camera(cam.yaw, cam.roll, float(scale), float(tx), float(ty))
