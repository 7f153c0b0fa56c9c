"""Lists of numbers given on command lines: ``1,2.5,4``."""
from __future__ import annotations


def parse_numbers(text: str | None, flag: str, kind: type = float) -> list:
    """Comma-separated numbers of ``kind`` (``[]`` for None or empty); a
    ``ValueError`` naming ``flag`` and the text when one is not a number."""
    if not text:
        return []
    try:
        return [kind(item) for item in text.split(',')]
    except ValueError:
        raise ValueError(f'{flag}: {text!r} is not comma-separated '
                         f'{kind.__name__} values') from None
