"""Market-1501 image names: ``0002_c1s1_000451_03.jpg`` is identity 0002,
camera 1, sequence 1, frame 000451, detection box 03 (identity -1 marks
junk images, 0000 distractors).

Generated images (the augmented training set) are named the same way, with
the source's identity, the camera of the image whose pose they take,
sequence :data:`GENERATED_SEQUENCE` (Market's own sequences are 1-6) and
their index as the frame, so that every re-ID reader parses them and none
mistakes them for real ones.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = re.compile(r'^(-1|\d{4})_c(\d)s(\d)_(\d{6})_(\d{2})\.(jpg|png)$')
#: The sequence number of generated images.
GENERATED_SEQUENCE = 9


@dataclass(frozen=True)
class MarketName:
    """The fields of a Market-1501 image name."""
    identity: int
    camera: int
    sequence: int
    frame: int
    box: int

    def __str__(self) -> str:
        identity = '-1' if self.identity < 0 else f'{self.identity:04d}'
        return (f'{identity}_c{self.camera}s{self.sequence}_'
                f'{self.frame:06d}_{self.box:02d}.jpg')

    @property
    def generated(self) -> bool:
        return self.sequence == GENERATED_SEQUENCE


def parse_market_name(name: str) -> MarketName:
    """The fields of ``name`` (a file name; a ValueError names it when it
    is not Market-1501's pattern)."""
    match = _NAME.match(name)
    if match is None:
        raise ValueError(f'{name!r} is not a Market-1501 image name '
                         '(IIII_cCsS_FFFFFF_BB.jpg)')
    identity, camera, sequence, frame, box = map(int, match.groups()[:5])
    return MarketName(identity, camera, sequence, frame, box)


def generated_name(source: MarketName, pose_of: MarketName,
                   index: int) -> MarketName:
    """The name of the ``index``-th generated image: ``source``'s identity
    in the pose of the image ``pose_of``."""
    if not 0 <= index < 10**6:
        raise ValueError(f'generated image index {index} does not fit '
                         'the 6-digit frame field')
    return MarketName(source.identity, pose_of.camera, GENERATED_SEQUENCE,
                      index, 0)
