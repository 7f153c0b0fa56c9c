"""Image conversions shared by the metrics.

Every metric scores images the way the field's scripts do: as saved 8-bit
RGB images (GFLA ``script/metrics.py`` and PIDM ``utils/metrics.py`` read
the generated PNG/JPG files back). A data sample's image is therefore first
quantised to ``(H, W, 3)`` uint8, whatever it was:

- a uint8 tensor/array is taken as 0..255;
- a floating tensor/array is taken as mmrepose's model range [-1, 1]
  (what :class:`PoseTransferDataSample` documents for processed images),
  clamped and rounded.

Tensors are ``(3, H, W)``; numpy arrays ``(H, W, 3)``.
"""
from __future__ import annotations

import cv2
import numpy as np
import torch
import torch.nn.functional as F

#: How generated images of another size are brought to the benchmark's size
#: (evaluation.md, "Resolution"): PIDM ``cv2.resize`` (bilinear); CFLD
#: bicubic with antialiasing, then uint8.
RESIZE_METHODS = ('cv2-bilinear', 'bicubic-antialias')


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


def same_shape_runs(images: list[np.ndarray]) -> list[list[np.ndarray]]:
    """Split a list into runs of consecutive images of one shape (so that
    each run can be stacked into one batch)."""
    runs: list[list[np.ndarray]] = []
    for img in images:
        if runs and runs[-1][0].shape == img.shape:
            runs[-1].append(img)
        else:
            runs.append([img])
    return runs


def resize_image(img: np.ndarray, shape: tuple[int, int], method: str
                 ) -> np.ndarray:
    """Resize a uint8 ``(H, W, 3)`` image to ``shape`` ``(H, W)`` with one
    of :data:`RESIZE_METHODS`; returns uint8."""
    h, w = shape
    if img.shape[:2] == (h, w):
        return img
    if method == 'cv2-bilinear':
        return cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR)
    if method == 'bicubic-antialias':
        x = torch.from_numpy(img).permute(2, 0, 1)[None].float()
        x = F.interpolate(x, size=(h, w), mode='bicubic', antialias=True,
                          align_corners=False)
        return x[0].permute(1, 2, 0).round().clamp(0, 255).byte().numpy()
    raise ValueError(f'unknown resize method {method!r}; expected one of '
                     f'{RESIZE_METHODS}')
