"""Identities of the SynthFashion people and their garment textures.

An :class:`Identity` fixes everything about a person that does not change
with pose or view: body proportions, skin tone, hair (colour and style), a top
(style, colours, a pattern among :data:`TOP_DESIGNS`, sleeve length, a back
design that may differ from the front, an optional front-only logo patch), a
bottom (trousers, shorts or skirt) and shoes.

Every body part is textured in its own canonical frame: a texture of
``(length, circumference)`` texels, rows along the part's axis and columns
around it (column ``w / 2`` is the body's front centre, columns ``0``/``w``
its back centre). Each texel also carries a part label (:data:`PART_LABELS`),
so sleeve ends, necklines and hems travel with the limbs they are printed on.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from .skeleton import BodyShape, sample_body

PART_LABELS = ('background', 'hair', 'face', 'neck', 'top', 'arms', 'hands',
               'bottom', 'legs', 'shoes')
(BACKGROUND, HAIR, FACE, NECK, TOP, ARMS, HANDS, BOTTOM, LEGS,
 SHOES) = range(len(PART_LABELS))

#: Texture resolution (texels per body unit).
TEXELS_PER_UNIT = 2.0
TOP_DESIGNS = ('solid', 'hstripes', 'vstripes', 'checks', 'dots', 'twotone',
               'logo')
_PATTERNS = ('solid', 'hstripes', 'vstripes', 'checks', 'dots')

_GARMENT_RGB = (
    (20, 20, 22), (245, 245, 240), (128, 128, 130), (60, 60, 64),
    (28, 40, 80), (190, 30, 40), (110, 25, 40), (235, 150, 170),
    (240, 120, 40), (225, 180, 40), (250, 230, 90), (110, 120, 50),
    (40, 130, 70), (20, 120, 130), (130, 190, 230), (40, 80, 190),
    (110, 60, 150), (190, 170, 220), (225, 205, 170), (190, 165, 120),
    (110, 70, 40), (170, 210, 170), (250, 200, 190))
_DENIM_RGB = ((40, 60, 100), (70, 100, 150), (110, 140, 185), (30, 35, 50))
_SKIN_RGB = ((255, 224, 200), (242, 200, 170), (226, 176, 140),
             (200, 140, 100), (165, 108, 75), (125, 80, 55), (92, 60, 42))
_HAIR_RGB = ((22, 18, 16), (55, 36, 26), (95, 62, 38), (140, 80, 40),
             (200, 165, 105), (225, 200, 140), (150, 150, 150), (160, 60, 30))
_SHOE_RGB = ((20, 20, 20), (240, 240, 240), (100, 60, 35), (70, 70, 75),
             (30, 40, 70), (170, 30, 35), (200, 180, 150))


def _bgr(rgb, rng: np.random.Generator, jitter: float = 12.0) -> tuple:
    c = np.asarray(rgb[::-1], np.float64) + rng.uniform(-jitter, jitter, 3)
    return tuple(float(v) for v in np.clip(c, 0, 255))


def _pick(rng: np.random.Generator, palette: tuple, jitter: float = 12.0,
          avoid: tuple | None = None) -> tuple:
    """A jittered palette colour, distinct from ``avoid`` when given."""
    for _ in range(20):
        c = _bgr(palette[rng.integers(len(palette))], rng, jitter)
        if avoid is None or np.abs(np.subtract(c, avoid)).sum() > 140:
            return c
    return c


@dataclass(frozen=True)
class Pattern:
    """A periodic fabric print: ``kind`` in solid/hstripes/vstripes/checks/
    dots, colours ``c1`` (ground) and ``c2`` (print), period in body units,
    ``duty`` the print fraction of a period."""
    kind: str
    c1: tuple
    c2: tuple
    period: float = 10.0
    duty: float = 0.5

    def render(self, h: int, w: int) -> np.ndarray:
        """``(h, w, 3)`` float32 BGR texture, seamless around the columns."""
        out = np.empty((h, w, 3), np.float32)
        out[:] = self.c1
        if self.kind == 'solid':
            return out
        circ = w / TEXELS_PER_UNIT
        # The column period tiles the circumference (seamless wrap).
        pu = circ / max(1, round(circ / self.period))
        u = (np.arange(w) / TEXELS_PER_UNIT)[None, :]
        v = (np.arange(h) / TEXELS_PER_UNIT)[:, None]
        fu, fv = (u / pu) % 1.0, (v / self.period) % 1.0
        if self.kind == 'hstripes':
            mask = np.broadcast_to(fv < self.duty, (h, w))
        elif self.kind == 'vstripes':
            mask = np.broadcast_to(fu < self.duty, (h, w))
        elif self.kind == 'checks':
            mask = (fu < 0.5) ^ (fv < 0.5)
        else:  # dots on a staggered grid
            row = np.floor(v / self.period) % 2
            du = ((u / pu + 0.5 * row) % 1.0 - 0.5) * pu
            dv = (fv - 0.5) * self.period
            mask = du ** 2 + dv ** 2 < (0.55 * self.duty * self.period) ** 2
        out[mask] = self.c2
        return out


@dataclass(frozen=True)
class Top:
    """Upper garment. ``sleeve`` covers the arm from the shoulder: 0 none,
    (0, 1] a fraction of the upper arm, 1 + f also ``f`` of the forearm.
    ``length`` is the hem as a fraction of the trunk."""
    style: str
    design: str
    front: Pattern
    back: Pattern
    sleeve_pattern: Pattern
    sleeve: float
    length: float
    neckline: str
    logo: tuple | None = None   # (shape, colour, accent colour, size)


@dataclass(frozen=True)
class Bottom:
    """Lower garment: ``trousers`` (``length`` of the shin covered),
    ``shorts`` (of the thigh) or ``skirt`` (of the whole leg)."""
    kind: str
    pattern: Pattern
    length: float
    flare: float = 0.0
    belt: tuple | None = None


@dataclass(frozen=True)
class Hair:
    """Hair colour and style: hairline heights (head-frame y) at the front
    and back of the head, and the length of a hanging curtain (0: none)."""
    colour: tuple
    style: str
    front: float
    back: float
    curtain: float


@dataclass
class Identity:
    """Everything about a person that stays fixed across poses and views."""
    gender: str
    category: str
    body: BodyShape
    skin: tuple
    hair: Hair
    top: Top
    bottom: Bottom
    shoes: tuple
    dress: bool = False
    _textures: dict = field(default_factory=dict, repr=False)

    def texture(self, part: str) -> tuple[np.ndarray, np.ndarray]:
        """``(colour (h, w, 3) float32, labels (h, w) uint8)`` of a part
        (cached): torso, upper_arm, forearm, hand, thigh, shin, foot, neck,
        skirt, hair."""
        if part not in self._textures:
            self._textures[part] = _build_texture(self, part)
        return self._textures[part]


def trunk_span(body: BodyShape) -> tuple[float, float]:
    """Body-frame y of the trunk's top (above the neck keypoint) and of its
    bottom (the crotch)."""
    return -6.0, body.torso_len + 0.8 * body.thigh_r


def skirt_span(body: BodyShape, bottom: Bottom) -> tuple[float, float]:
    """Body-frame y where a skirt starts and its length along the legs."""
    leg = body.thigh + body.shin
    return body.torso_len * 0.65, bottom.length * leg


def _sample_pattern(rng: np.random.Generator, kind: str, c1: tuple,
                    c2: tuple) -> Pattern:
    period = {'hstripes': (6, 16), 'vstripes': (5, 12), 'checks': (8, 16),
              'dots': (7, 12)}.get(kind, (10, 10))
    return Pattern(kind, c1, c2, float(rng.uniform(*period)),
                   float(rng.uniform(0.3, 0.6)))


def _sample_top(rng: np.random.Generator, gender: str) -> Top:
    style = str(rng.choice(('tank', 'tee', 'tee', 'shirt')))
    design = str(rng.choice(TOP_DESIGNS))
    c1 = _pick(rng, _GARMENT_RGB)
    c2 = _pick(rng, _GARMENT_RGB, avoid=c1)
    kind = design if design in _PATTERNS else 'solid'
    front = _sample_pattern(rng, kind, c1, c2)
    back_choice = rng.random()
    if back_choice < 0.4:
        back = front
    elif back_choice < 0.75:
        back = Pattern('solid', c1, c2)
    else:
        back = _sample_pattern(rng, str(rng.choice(_PATTERNS[1:])), c1,
                               _pick(rng, _GARMENT_RGB, avoid=c1))
    sleeve = {'tank': 0.0, 'tee': rng.uniform(0.35, 0.8),
              'shirt': rng.uniform(1.8, 1.95)}[style]
    logo = None
    if design == 'logo':
        logo = (str(rng.choice(('rect', 'circle', 'band', 'triangle',
                                'ring'))), c2,
                _pick(rng, _GARMENT_RGB, avoid=c2), float(rng.uniform(9, 16)))
    neck = str(rng.choice(('crew', 'v', 'scoop') if gender == 'WOMEN' else
                          ('crew', 'crew', 'v')))
    return Top(style, design, front, back,
               Pattern('solid', c2, c2) if design == 'twotone' else front,
               float(sleeve), float(rng.uniform(0.82, 0.98)), neck, logo)


def _sample_bottom(rng: np.random.Generator, gender: str) -> Bottom:
    kinds = ('trousers', 'shorts', 'skirt') if gender == 'WOMEN' else (
        'trousers', 'trousers', 'shorts')
    kind = str(rng.choice(kinds))
    if kind == 'trousers' and rng.random() < 0.45:
        c1 = _pick(rng, _DENIM_RGB, 8)
        pattern = Pattern('vstripes', c1, tuple(v * 0.9 for v in c1), 1.6)
    else:
        c1 = _pick(rng, _GARMENT_RGB)
        kind_p = str(rng.choice(('solid',) * 4 + _PATTERNS[1:]))
        pattern = _sample_pattern(rng, kind_p, c1,
                                  _pick(rng, _GARMENT_RGB, avoid=c1))
    length = {'trousers': rng.choice((1.0, 1.0, 0.7)),
              'shorts': rng.uniform(0.35, 0.8),
              'skirt': rng.uniform(0.3, 0.75)}[kind]
    belt = None
    if kind == 'trousers' and rng.random() < 0.4:
        belt = _pick(rng, ((25, 20, 20), (100, 60, 30), (60, 45, 35)), 6)
    return Bottom(kind, pattern, float(length), float(rng.uniform(2, 9)),
                  belt)


def _sample_hair(rng: np.random.Generator, gender: str) -> Hair:
    styles, probs = (('bald', 'short', 'medium'), (0.07, 0.8, 0.13)) if \
        gender == 'MEN' else (('short', 'medium', 'long'), (0.15, 0.3, 0.55))
    style = str(rng.choice(styles, p=probs))
    front = rng.uniform(-0.6, -0.3) if style != 'bald' else -0.95
    back = {'bald': 0.0, 'short': rng.uniform(0.25, 0.45),
            'medium': rng.uniform(0.55, 0.8), 'long': 1.0}[style]
    curtain = {'long': rng.uniform(22, 55),
               'medium': rng.uniform(6, 14)}.get(style, 0.0)
    return Hair(_pick(rng, _HAIR_RGB, 8), style, float(front), float(back),
                float(curtain))


def _category(rng: np.random.Generator, top: Top, bottom: Bottom,
              dress: bool) -> str:
    if dress:
        return 'Dresses'
    top_cat = {'tank': 'Tanks', 'tee': 'Tees', 'shirt': 'Shirts'}[top.style]
    denim = bottom.pattern.period < 2   # the fine twill of _sample_bottom
    bottom_cat = {'skirt': 'Skirts', 'shorts': 'Shorts'}.get(
        bottom.kind, 'Denim' if denim else 'Pants')
    return top_cat if rng.random() < 0.5 else bottom_cat


def sample_identity(rng: np.random.Generator,
                    gender: str | None = None) -> Identity:
    """Sample a person: proportions, skin, hair and an outfit."""
    if gender is None:
        gender = 'WOMEN' if rng.random() < 0.55 else 'MEN'
    body = sample_body(rng, gender)
    top, bottom = _sample_top(rng, gender), _sample_bottom(rng, gender)
    dress = bottom.kind == 'skirt' and rng.random() < 0.35
    if dress:   # one fabric from the neckline to the hem
        bottom = Bottom('skirt', top.front, bottom.length, bottom.flare)
        y0, y1 = trunk_span(body)
        top = Top(top.style if top.style != 'shirt' else 'tee', top.design,
                  top.front, top.front, top.sleeve_pattern,
                  min(top.sleeve, 0.6),
                  (skirt_span(body, bottom)[0] - y0) / (y1 - y0),
                  top.neckline, top.logo)
    return Identity(gender, _category(rng, top, bottom, dress), body,
                    _pick(rng, _SKIN_RGB, 6), _sample_hair(rng, gender), top,
                    bottom, _pick(rng, _SHOE_RGB, 8), dress)


def _ellipse_perimeter(a: float, b: float) -> float:
    return math.pi * (3 * (a + b) - math.sqrt((3 * a + b) * (a + 3 * b)))


def _texels(units: float) -> int:
    return max(4, int(round(units * TEXELS_PER_UNIT)))


def _draw_logo(img: np.ndarray, logo: tuple, cu: float, cv: float) -> None:
    shape, colour, accent, size = logo
    r = size * TEXELS_PER_UNIT / 2
    c = (int(cu), int(cv))
    if shape == 'rect':
        cv2.rectangle(img, (int(cu - r), int(cv - 0.7 * r)),
                      (int(cu + r), int(cv + 0.7 * r)), colour, -1)
        cv2.rectangle(img, (int(cu - 0.6 * r), int(cv - 0.15 * r)),
                      (int(cu + 0.6 * r), int(cv + 0.15 * r)), accent, -1)
    elif shape == 'circle':
        cv2.circle(img, c, int(r), colour, -1)
        cv2.circle(img, c, int(r * 0.45), accent, -1)
    elif shape == 'ring':
        cv2.circle(img, c, int(r), colour, max(2, int(r * 0.35)))
    elif shape == 'band':
        cv2.rectangle(img, (int(cu - 2.2 * r), int(cv - 0.35 * r)),
                      (int(cu + 2.2 * r), int(cv + 0.35 * r)), colour, -1)
    else:
        pts = np.array([[cu, cv - r], [cu + r, cv + 0.8 * r],
                        [cu - r, cv + 0.8 * r]], np.int32)
        cv2.fillPoly(img, [pts], colour)
        cv2.circle(img, c, int(r * 0.3), accent, -1)


def _torso_texture(ident: Identity) -> tuple[np.ndarray, np.ndarray]:
    body, top, bottom = ident.body, ident.top, ident.bottom
    y0, y1 = trunk_span(body)
    h = _texels(y1 - y0)
    w = _texels(_ellipse_perimeter(body.chest_w, body.chest_d))
    col = top.back.render(h, w)
    front = slice(w // 4, 3 * w // 4)
    col[:, front] = top.front.render(h, w)[:, front]
    lab = np.full((h, w), TOP, np.uint8)
    if top.design == 'twotone':
        col[:int(h * 0.3)] = top.sleeve_pattern.c1
    if top.logo is not None:
        _draw_logo(col, top.logo, w / 2, h * 0.3)
    hem = int(h * top.length)
    if not ident.dress:
        col[hem:] = bottom.pattern.render(h - hem, w)
        lab[hem:] = BOTTOM
        if bottom.belt is not None:
            col[hem:hem + _texels(2.5)] = bottom.belt
    # Necklines: front (centre column w/2) and a shallow one at the back.
    neck = np.zeros((h, w), np.uint8)
    t = TEXELS_PER_UNIT
    nw = body.neck_r * t * 1.5
    if top.neckline == 'v':
        pts = np.array([[w / 2 - nw, 0], [w / 2 + nw, 0], [w / 2, 18 * t]])
        cv2.fillPoly(neck, [pts.astype(np.int32)], 1)
    else:
        depth = (5 if top.neckline == 'crew' else 11) * t
        cv2.ellipse(neck, (w // 2, 0), (int(nw * 1.15), int(depth)), 0, 0,
                    360, 1, -1)
    for cu in (0, w):
        cv2.ellipse(neck, (cu, 0), (int(nw), int(2.5 * t)), 0, 0, 360, 1, -1)
    col[neck > 0] = ident.skin
    lab[neck > 0] = NECK
    return col, lab


def _limb_texture(ident: Identity, length: float, radius: float,
                  cover: float, cloth: Pattern, cloth_label: int,
                  skin_label: int) -> tuple[np.ndarray, np.ndarray]:
    """Cloth over the first ``cover`` fraction of a limb, skin below."""
    h, w = _texels(length), _texels(2 * math.pi * radius)
    col = np.empty((h, w, 3), np.float32)
    col[:] = ident.skin
    lab = np.full((h, w), skin_label, np.uint8)
    end = int(round(h * min(max(cover, 0.0), 1.0)))
    if end:
        col[:end] = cloth.render(end, w)
        lab[:end] = cloth_label
    return col, lab


def _build_texture(ident: Identity, part: str) -> tuple[np.ndarray,
                                                        np.ndarray]:
    b, top, bottom = ident.body, ident.top, ident.bottom
    if part == 'torso':
        return _torso_texture(ident)
    if part in ('upper_arm', 'forearm'):
        upper = part == 'upper_arm'
        cover = top.sleeve if upper else top.sleeve - 1.0
        return _limb_texture(ident, b.upper_arm if upper else b.forearm,
                             b.upper_arm_r if upper else b.forearm_r, cover,
                             top.sleeve_pattern, TOP, ARMS)
    if part in ('thigh', 'shin'):
        upper = part == 'thigh'
        cover = {'trousers': 1.0 if upper else bottom.length,
                 'shorts': bottom.length if upper else 0.0,
                 'skirt': 0.0}[bottom.kind]
        return _limb_texture(ident, b.thigh if upper else b.shin,
                             b.thigh_r if upper else b.shin_r, cover,
                             bottom.pattern, BOTTOM, LEGS)
    if part == 'skirt':
        _, length = skirt_span(b, bottom)
        w = _texels(_ellipse_perimeter(b.hip_w, b.hip_d) * 1.4)
        col = bottom.pattern.render(_texels(length), w)
        return col, np.full(col.shape[:2], BOTTOM, np.uint8)
    solid = {'hand': (ident.skin, HANDS, b.hand_len, b.hand_r),
             'neck': (ident.skin, NECK, b.neck_len * 2, b.neck_r),
             'foot': (ident.shoes, SHOES, b.foot_len, b.foot_r),
             'hair': (ident.hair.colour, HAIR, 60.0, b.head_rx)}[part]
    colour, label, length, radius = solid
    h, w = _texels(length), _texels(2 * math.pi * radius)
    col = np.empty((h, w, 3), np.float32)
    col[:] = colour
    if part == 'hair':   # darker strands along the hair
        strands = np.random.default_rng(w).random(w) < 0.3
        col[:, strands] *= 0.8
    return col, np.full((h, w), label, np.uint8)
