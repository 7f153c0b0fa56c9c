"""HumanSD's per-image pose files (LAION-Human ``pose/*.npz``): ``arr_0``
is an object array with one dict per person, ``{'keypoints': (17, 3) x, y,
score (COCO-17, image pixels), 'score': ..., 'area': ...}``.

An object array is stored as a pickle, and unpickling runs whatever the
file names. :func:`load_people_npz` reads it with an unpickler that admits
only what such a file holds (numpy arrays, dtypes, scalars, dicts, lists,
numbers, strings), so a crafted file is an error, not code execution.
"""
from __future__ import annotations

import io
import pickle
import zipfile

import numpy as np

#: the globals a numpy object array of dicts of arrays and scalars needs
#: (numpy 1.x wrote ``numpy.core``, numpy 2 writes ``numpy._core``)
_ALLOWED = {
    (module, name): target
    for prefix in ('numpy.core', 'numpy._core')
    for module, name, target in (
        (f'{prefix}.multiarray', '_reconstruct',
         np._core.multiarray._reconstruct),
        (f'{prefix}.multiarray', 'scalar', np._core.multiarray.scalar))
}
_ALLOWED.update({('numpy', 'ndarray'): np.ndarray,
                 ('numpy', 'dtype'): np.dtype})


class PoseFileError(ValueError):
    """A pose file that cannot be read safely or is not in HumanSD's
    format."""


class _PeopleUnpickler(pickle.Unpickler):

    def find_class(self, module: str, name: str):
        target = _ALLOWED.get((module, name))
        if target is None:
            raise pickle.UnpicklingError(f'{module}.{name} is not allowed in '
                                         'a pose file')
        return target


def load_people_npz(path: str) -> np.ndarray:
    """``(P, 17, 3)`` float32 people of a HumanSD pose file (P may be 0)."""
    try:
        with zipfile.ZipFile(path) as archive:
            data = io.BytesIO(archive.read('arr_0.npy'))
        version = np.lib.format.read_magic(data)
        read_header = np.lib.format.read_array_header_1_0 \
            if version == (1, 0) else np.lib.format.read_array_header_2_0
        _, _, dtype = read_header(data)
        if dtype != object:
            raise PoseFileError(f'{path}: arr_0 is {dtype}, expected an '
                                'object array of person dicts')
        people = _PeopleUnpickler(data).load()
        keypoints = [np.asarray(p['keypoints'], np.float32)
                     for p in np.asarray(people).reshape(-1)]
    except (OSError, KeyError, ValueError, TypeError, EOFError,
            zipfile.BadZipFile, pickle.UnpicklingError) as err:
        if isinstance(err, PoseFileError):
            raise
        raise PoseFileError(f'cannot read pose file {path}: {err}') from None
    if any(k.shape != (17, 3) for k in keypoints):
        raise PoseFileError(f'{path}: a person\'s keypoints are not (17, 3) '
                            '(x, y, score) COCO-17')
    return np.stack(keypoints) if keypoints else np.zeros((0, 17, 3),
                                                          np.float32)
