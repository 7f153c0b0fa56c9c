"""A pickle whose loading runs code: what every checkpoint reader must
refuse. Unpickling :class:`Malicious` calls :func:`payload`, which records
that it ran in :data:`EXECUTED`."""
from __future__ import annotations

EXECUTED: list[str] = []


def payload() -> None:
    EXECUTED.append('ran')


class Malicious:
    def __reduce__(self):
        return payload, ()
