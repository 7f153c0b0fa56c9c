"""Captions of SynthFashion people, written from the generator's own
metadata (for text-and-pose models such as RePoseSD, so that a text-pose
pipeline trains and tests with no download), e.g.

    a woman with long blonde hair in an orange short-sleeved T-shirt and
    teal and navy striped trousers, seen from the side

Colours are named by the nearest entry of :data:`COLOUR_NAMES` (the
generator's palettes, jittered by a few levels, each have a name here);
hair by :data:`HAIR_COLOUR_NAMES`. Garment words follow the identity's top
style and sleeve, the pattern of the top's front, the bottom's kind and
length, and the dress flag.
"""
from __future__ import annotations

import numpy as np

from .appearance import Bottom, Identity, Pattern, Top

#: RGB -> name, the garment palette of :mod:`.appearance` and denim.
COLOUR_NAMES = {
    (20, 20, 22): 'black', (245, 245, 240): 'white', (128, 128, 130): 'grey',
    (60, 60, 64): 'charcoal', (28, 40, 80): 'navy', (190, 30, 40): 'red',
    (110, 25, 40): 'burgundy', (235, 150, 170): 'pink',
    (240, 120, 40): 'orange', (225, 180, 40): 'mustard',
    (250, 230, 90): 'yellow', (110, 120, 50): 'olive', (40, 130, 70): 'green',
    (20, 120, 130): 'teal', (130, 190, 230): 'light blue',
    (40, 80, 190): 'blue', (110, 60, 150): 'purple',
    (190, 170, 220): 'lavender', (225, 205, 170): 'beige',
    (190, 165, 120): 'tan', (110, 70, 40): 'brown', (170, 210, 170): 'mint',
    (250, 200, 190): 'peach', (70, 100, 150): 'denim blue',
    (110, 140, 185): 'light denim', (30, 35, 50): 'dark denim'}
HAIR_COLOUR_NAMES = {
    (22, 18, 16): 'black', (55, 36, 26): 'dark brown', (95, 62, 38): 'brown',
    (140, 80, 40): 'auburn', (200, 165, 105): 'dark blonde',
    (225, 200, 140): 'blonde', (150, 150, 150): 'grey', (160, 60, 30): 'red'}
PATTERN_WORDS = {'hstripes': 'striped', 'vstripes': 'pinstriped',
                 'checks': 'checked', 'dots': 'polka-dot'}
VIEW_WORDS = {'front': 'from the front', 'left': 'from the side',
              'right': 'from the side', 'back': 'from behind'}


def colour_name(bgr: tuple, names: dict = COLOUR_NAMES) -> str:
    """The name of the nearest colour (``bgr`` as the generator stores
    colours)."""
    rgb = np.asarray(bgr[::-1], np.float64)
    keys = np.array(list(names), np.float64)
    return list(names.values())[int(((keys - rgb)**2).sum(1).argmin())]


def _a(phrase: str) -> str:
    """``phrase`` with its indefinite article."""
    return ('an ' if phrase[0] in 'aeiou' else 'a ') + phrase


def _fabric(pattern: Pattern) -> str:
    """``'orange'``, ``'red and white striped'``."""
    if pattern.kind == 'solid':
        return colour_name(pattern.c1)
    return (f'{colour_name(pattern.c1)} and {colour_name(pattern.c2)} '
            f'{PATTERN_WORDS[pattern.kind]}')


def _top(top: Top) -> str:
    noun = {'tank': 'sleeveless tank top', 'tee': 'short-sleeved T-shirt',
            'shirt': 'long-sleeved shirt'}[top.style]
    if top.design == 'twotone':
        return (_a(f'{colour_name(top.front.c1)} {noun}') + ' with '
                f'{colour_name(top.sleeve_pattern.c1)} shoulders')
    text = _a(f'{_fabric(top.front)} {noun}')
    if top.logo is not None:
        text += f' with a {colour_name(top.logo[1])} logo'
    return text


def _bottom(bottom: Bottom) -> str:
    denim = bottom.kind == 'trousers' and bottom.pattern.period < 2
    if denim:
        noun = 'cropped jeans' if bottom.length < 1 else 'jeans'
        return f'{colour_name(bottom.pattern.c1)} {noun}'
    noun = {'trousers': 'trousers' if bottom.length >= 1 else
            'cropped trousers', 'shorts': 'shorts',
            'skirt': 'short skirt' if bottom.length < 0.45 else 'skirt'
            }[bottom.kind]
    phrase = f'{_fabric(bottom.pattern)} {noun}'
    return _a(phrase) if bottom.kind == 'skirt' else phrase


def caption(person: Identity, view: str) -> str:
    """One sentence: who, hair, garments, and the view."""
    who = 'a woman' if person.gender == 'WOMEN' else 'a man'
    hair = person.hair
    if hair.style == 'bald':
        head = 'a bald man' if person.gender == 'MEN' else f'{who}, bald,'
    else:
        head = (f'{who} with {hair.style} '
                f'{colour_name(hair.colour, HAIR_COLOUR_NAMES)} hair')
    if person.dress:
        noun = 'sleeveless dress' if person.top.sleeve == 0 else 'dress'
        clothes = _a(f'{_fabric(person.top.front)} {noun}')
    else:
        clothes = f'{_top(person.top)} and {_bottom(person.bottom)}'
    if view not in VIEW_WORDS:
        raise ValueError(f'unknown view {view!r}; expected one of '
                         f'{tuple(VIEW_WORDS)}')
    return f'{head} in {clothes}, seen {VIEW_WORDS[view]}'
