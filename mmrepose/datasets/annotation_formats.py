"""Readers of the field's pose-transfer annotation formats.

- **PATN/GFLA csv** (DeepFashion ``fasion-resize-*.csv``, Market-1501
  ``market-*.csv``): the annotation file has the header
  ``name:keypoints_y:keypoints_x`` and rows ``name:[y0, ...]:[x0, ...]``
  (JSON lists of 18 ints, -1 missing, in the image frame); the pairs file has
  a header naming the columns ``from`` and ``to`` (an unnamed index column may
  precede them).
- **NTED/PIDM txt**: ``{train,test}_pairs.txt`` lines ``target,src1[,src2...]``
  of image paths relative to the data root (``img/MEN/.../01_1_front.jpg``);
  one pose file per image at the same path under ``pose/`` with suffix
  ``.txt``, 18 rows ``x y`` (-1 missing) in the 256-wide padded frame.

Every reader reports a bad row as an :class:`AnnotationError` naming the file
and the line. With ``errors=None`` it raises; given a list, it appends the
error, drops the row and goes on (the datasets' ``skip_invalid`` mode).
"""
from __future__ import annotations

import csv
import json
import os.path as osp
from collections.abc import Iterator

import numpy as np

from mmrepose.structures.keypoint_layout import MISSING, NUM_OPENPOSE18


class AnnotationError(ValueError):
    """A problem with a dataset file or one of its rows."""

    def __init__(self, reason: str, path: str, line: int | None = None,
                 detail: str = ''):
        self.reason = reason
        self.path = path
        self.line = line
        self.detail = detail
        where = f'{path}, line {line}' if line is not None else path
        super().__init__(f'{where}: {reason}' + (f' ({detail})' if detail else ''))


def _report(error: AnnotationError, errors: list | None) -> None:
    if errors is None:
        raise error
    errors.append(error)


def _check_file(path: str) -> None:
    if not osp.isfile(path):
        raise FileNotFoundError(f'annotation file not found: {path}')


def _lines(path: str) -> Iterator[tuple[int, str]]:
    """Non-empty lines of a text file with 1-based line numbers."""
    _check_file(path)
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, start=1):
            line = line.strip()
            if line:
                yield number, line


def keypoints_from_lists(xs: list, ys: list) -> np.ndarray:
    """``(18, 2)`` float32 (x, y) array; a keypoint with either value -1 is
    missing in both."""
    kps = np.stack([np.asarray(xs, np.float32), np.asarray(ys, np.float32)], 1)
    kps[np.any(kps == MISSING, axis=1)] = MISSING
    return kps


def _parse_int_list(text: str) -> list[int]:
    values = json.loads(text)
    if not isinstance(values, list) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool)
            for v in values):
        raise ValueError('not a JSON list of numbers')
    return values


def read_patn_annotations(path: str, errors: list | None = None
                          ) -> dict[str, np.ndarray]:
    """Read a PATN/GFLA ``*-annotation-*.csv`` into ``{name: (18, 2)}``."""
    out: dict[str, np.ndarray] = {}
    rows = _lines(path)
    header = next(rows, None)
    if header is None or [h.strip() for h in header[1].split(':')] != [
            'name', 'keypoints_y', 'keypoints_x']:
        raise AnnotationError('expected the header "name:keypoints_y:'
                              'keypoints_x"', path, 1)
    for number, line in rows:
        try:
            name, kps = parse_patn_annotation_row(line)
        except AnnotationError as exc:
            _report(AnnotationError(exc.reason, path, number, exc.detail),
                    errors)
            continue
        if name in out:
            _report(AnnotationError('duplicate image name', path, number,
                                    name), errors)
            continue
        out[name] = kps
    return out


def parse_patn_annotation_row(line: str) -> tuple[str, np.ndarray]:
    """Parse one ``name:[y0, ...]:[x0, ...]`` row into ``(name, (18, 2))``.

    Raises :class:`AnnotationError` (without file and line) for a bad row.
    """
    fields = line.strip().split(':')
    if len(fields) != 3:
        raise AnnotationError('malformed row', '<row>', None,
                              f'expected 3 ":"-separated fields, got '
                              f'{len(fields)}')
    name = fields[0].strip()
    try:
        ys, xs = _parse_int_list(fields[1]), _parse_int_list(fields[2])
    except ValueError as exc:
        raise AnnotationError('malformed row', '<row>', None,
                              f'keypoint lists of {name!r}: {exc}') from None
    if len(ys) != NUM_OPENPOSE18 or len(xs) != NUM_OPENPOSE18:
        raise AnnotationError('wrong number of keypoints', '<row>', None,
                              f'{name!r} has {len(ys)} y and {len(xs)} x '
                              f'values, expected {NUM_OPENPOSE18}')
    return name, keypoints_from_lists(xs, ys)


def read_patn_pairs(path: str, errors: list | None = None
                    ) -> list[tuple[int, str, str]]:
    """Read a ``*-pairs-*.csv`` into ``[(line, source, target), ...]``."""
    _check_file(path)
    with open(path, newline='', encoding='utf-8') as f:
        rows = list(csv.reader(f))
    if not rows:
        raise AnnotationError('empty pairs file', path)
    header = [h.strip() for h in rows[0]]
    if 'from' not in header or 'to' not in header:
        raise AnnotationError('expected a header with columns "from" and '
                              f'"to", got {rows[0]}', path, 1)
    i_from, i_to = header.index('from'), header.index('to')
    pairs = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header) or not row[i_from].strip() \
                or not row[i_to].strip():
            _report(AnnotationError('malformed row', path, number,
                                    f'expected {len(header)} fields '
                                    f'{header}, got {row}'), errors)
            continue
        pairs.append((number, row[i_from].strip(), row[i_to].strip()))
    return pairs


def read_nted_pairs(path: str, errors: list | None = None
                    ) -> list[tuple[int, str, str]]:
    """Read an NTED ``*_pairs.txt`` into ``[(line, source, target), ...]``.

    A line ``target,src1,src2`` gives one pair per source.
    """
    pairs = []
    for number, line in _lines(path):
        fields = [f.strip() for f in line.split(',')]
        if len(fields) < 2 or not all(fields):
            _report(AnnotationError('malformed row', path, number,
                                    f'expected "target,source[,source...]", '
                                    f'got {line!r}'), errors)
            continue
        pairs.extend((number, src, fields[0]) for src in fields[1:])
    return pairs


def read_nted_pose(path: str, x_offset: float = 0.0) -> np.ndarray:
    """Read one NTED pose file (18 rows ``x y``) into ``(18, 2)`` (x, y).

    ``x_offset`` is subtracted from present x values (40 maps the 256-wide
    padded frame to the 176-wide DeepFashion crop). Raises
    :class:`AnnotationError` naming the file for a missing or malformed file.
    """
    if not osp.isfile(path):
        raise AnnotationError('pose file not found', path)
    rows = []
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            parts = line.split()
            try:
                if len(parts) != 2:
                    raise ValueError(f'expected "x y", got {line.strip()!r}')
                rows.append((float(parts[0]), float(parts[1])))
            except ValueError as exc:
                raise AnnotationError('malformed row', path, number,
                                      str(exc)) from None
    if len(rows) != NUM_OPENPOSE18:
        raise AnnotationError('wrong number of keypoints', path, None,
                              f'{len(rows)} rows, expected {NUM_OPENPOSE18}')
    xs, ys = zip(*rows)
    kps = keypoints_from_lists(list(xs), list(ys))
    present = kps[:, 0] != MISSING
    kps[present, 0] -= x_offset
    return kps


def deepfashion_flat_name(path: str) -> str:
    """DeepFashion's flattened image name, as the PATN csv files use it.

    ``img/MEN/Denim/id_00000080/01_1_front.jpg`` ->
    ``fashionMENDenimid0000008001_1front.jpg`` (a leading ``img/`` is
    dropped; the identity loses its underscore; the file name keeps only the
    first one).
    """
    parts = path.replace('\\', '/').split('/')
    if parts[0] == 'img':
        parts = parts[1:]
    if len(parts) < 4:
        raise ValueError(f'not a DeepFashion image path '
                         f'(gender/category/id/file): {path!r}')
    *dirs, ident, fname = parts[-4:]
    head, _, tail = fname.partition('_')
    return 'fashion' + ''.join(dirs) + ident.replace('_', '') + head + '_' + \
        tail.replace('_', '')
