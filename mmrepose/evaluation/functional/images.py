"""Image conversions shared by the metrics.

Every metric scores images the way the field's scripts do: as saved 8-bit
RGB images (the reference scripts read the generated PNG/JPG files back). A
data sample's image is therefore first quantised to ``(H, W, 3)`` uint8,
whatever it was:

- a uint8 tensor/array is taken as 0..255;
- a floating tensor/array is taken as mmrepose's model range [-1, 1]
  (what :class:`PoseTransferDataSample` documents for processed images),
  clamped and rounded.

Tensors are ``(3, H, W)``; numpy arrays ``(H, W, 3)``.

The metrics then work on *unit images*: float32 ``(H, W, 3)`` arrays of
``pixel / 255``, as the reference scripts hold them (``imread(f).astype(
np.float32) / 255``). :func:`unit_image` makes one, brought to the
evaluation size by one of :data:`RESIZE_METHODS`, each the exact operation
of one codebase (evaluation.md, "Resolution"):

- ``cv2-linear-float``: ``cv2.resize`` bilinear of the float32 0..255 image,
  not re-quantised (PIDM ``utils/metrics.py`` L110, L503);
- ``cv2-cubic-float``: the same with ``INTER_CUBIC``; values may leave
  [0, 1] (PCDMs ``metrics.py`` L111, L332, L484);
- ``torch-bicubic-aa-trunc``: ``F.interpolate`` bicubic with antialiasing
  of the [0, 1] image, then ``* 255``, clamped and *truncated* to uint8
  (CFLD ``pose_transfer_test.py`` L119-122, for the generated images);
- ``pil-bicubic``: PIL's bicubic resize of the uint8 image (torchvision
  ``Resize`` of a PIL image; CFLD ``datasets/deepfashion.py`` L175, L240,
  for the ground truth and the real set; the ``standard`` preset);
- ``cv2-area``: ``cv2.resize`` ``INTER_AREA`` of the uint8 image (mmrepose's
  own test pipelines, ``ResizePair(interpolation='area')``).

An image already of the evaluation size is not touched (``cv2.resize`` and
PIL return such an image unchanged too).
"""
from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image


def to_uint8_image(img: torch.Tensor | np.ndarray) -> np.ndarray:
    """Quantise one image to ``(H, W, 3)`` uint8 RGB (see module doc)."""
    if isinstance(img, torch.Tensor):
        if img.ndim != 3 or img.shape[0] != 3:
            raise ValueError(f'expected a (3, H, W) image tensor, got '
                             f'{tuple(img.shape)}')
        img = img.detach().cpu().permute(1, 2, 0).numpy()
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f'expected an (H, W, 3) image, got {img.shape}')
    if img.dtype == np.uint8:
        return np.ascontiguousarray(img)
    if not np.issubdtype(img.dtype, np.floating):
        raise TypeError(f'images must be uint8 (0..255) or float ([-1, 1]), '
                        f'got {img.dtype}')
    return np.round((np.clip(img, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)


def images_to_tensor(images: list[np.ndarray], value_range: str
                     ) -> torch.Tensor:
    """Stack same-sized uint8 ``(H, W, C)`` images into ``(B, C, H, W)``
    float, in ``'unit'`` [0, 1] or ``'signed'`` [-1, 1]."""
    batch = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float()
    if value_range == 'unit':
        return batch / 255.0
    if value_range == 'signed':
        return batch / 127.5 - 1.0
    raise ValueError(f"value_range must be 'unit' or 'signed', got "
                     f'{value_range!r}')


def _cv2_float(interpolation: int) -> Callable:
    def resize(img: np.ndarray, h: int, w: int) -> np.ndarray:
        return cv2.resize(img.astype(np.float32), (w, h),
                          interpolation=interpolation) / 255.0
    return resize


def _torch_bicubic_aa_trunc(img: np.ndarray, h: int, w: int) -> np.ndarray:
    x = torch.from_numpy(img).permute(2, 0, 1)[None].float() / 255.0
    x = F.interpolate(x, (h, w), mode='bicubic', antialias=True)
    x = (x * 255.0).clamp(0, 255).to(torch.uint8).to(torch.float32) / 255.0
    return x[0].permute(1, 2, 0).numpy()


def _pil_bicubic(img: np.ndarray, h: int, w: int) -> np.ndarray:
    out = Image.fromarray(img).resize((w, h), Image.BICUBIC)
    return np.asarray(out).astype(np.float32) / 255.0


def _cv2_area(img: np.ndarray, h: int, w: int) -> np.ndarray:
    out = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
    return out.astype(np.float32) / 255.0


#: How images of another size are brought to the evaluation size (module
#: doc); each maps a uint8 ``(H, W, 3)`` image and ``(h, w)`` to a unit image.
RESIZE_METHODS: dict[str, Callable[[np.ndarray, int, int], np.ndarray]] = {
    'cv2-linear-float': _cv2_float(cv2.INTER_LINEAR),
    'cv2-cubic-float': _cv2_float(cv2.INTER_CUBIC),
    'torch-bicubic-aa-trunc': _torch_bicubic_aa_trunc,
    'pil-bicubic': _pil_bicubic,
    'cv2-area': _cv2_area,
}


class SizeMismatchError(ValueError):
    """An image is not of the evaluation size and nothing may resize it."""


def unit_image(img: np.ndarray, size: tuple[int, int] | None = None,
               method: str | None = None, what: str = 'image') -> np.ndarray:
    """The float32 unit image of a uint8 ``(H, W, 3)`` image, brought to
    ``size`` ``(H, W)`` with ``method`` (None: it must have that size
    already; ``what`` names it in that error)."""
    if size is None or tuple(img.shape[:2]) == tuple(size):
        return img.astype(np.float32) / 255.0
    if method is None:
        raise SizeMismatchError(
            f'{what} is {img.shape[1]}x{img.shape[0]} (WxH), not '
            f'{size[1]}x{size[0]}, and this protocol does not resize it')
    try:
        resize = RESIZE_METHODS[method]
    except KeyError:
        raise ValueError(f'unknown resize method {method!r}; expected one '
                         f'of {", ".join(RESIZE_METHODS)}') from None
    return resize(img, int(size[0]), int(size[1]))


def unit_batch(images: list[np.ndarray]) -> torch.Tensor:
    """Stack same-sized unit images into a ``(B, 3, H, W)`` float tensor."""
    return torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float()


def same_shape_runs(items: list, shape: Callable = lambda x: x.shape
                    ) -> list[list]:
    """Split a list into runs of consecutive items of one shape (so that
    each run can be stacked into one batch)."""
    runs: list[list] = []
    for item in items:
        if runs and shape(runs[-1][0]) == shape(item):
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs
