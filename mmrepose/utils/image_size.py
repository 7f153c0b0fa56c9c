"""Image sizes given on command lines: ``HEIGHTxWIDTH``."""
from __future__ import annotations

import argparse
import re


def parse_image_size(text: str, minimum: int = 1) -> tuple[int, int]:
    """``'256x176'`` -> ``(256, 176)`` (height, width); an
    ``argparse.ArgumentTypeError`` (argparse prints it as a usage error)
    when it is not that form or a side is under ``minimum``."""
    match = re.fullmatch(r'\s*(\d+)\s*[xX]\s*(\d+)\s*', text)
    if not match:
        raise argparse.ArgumentTypeError(
            f'invalid size {text!r}: expected HEIGHTxWIDTH, e.g. 256x176')
    h, w = int(match.group(1)), int(match.group(2))
    if h < minimum or w < minimum:
        raise argparse.ArgumentTypeError(
            f'invalid size {text!r}: height and width must be >= {minimum}')
    return h, w
