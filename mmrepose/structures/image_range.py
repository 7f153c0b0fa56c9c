"""The two value ranges of images in mmrepose: uint8 ``[0, 255]`` on disk
and in the pipelines, float ``[-1, 1]`` in the networks."""
from __future__ import annotations

import torch
from torch import Tensor


def images_to_unit_range(images: Tensor) -> Tensor:
    """uint8 ``[0, 255]`` -> float ``[-1, 1]``."""
    return images.float() / 127.5 - 1.0


def unit_range_to_images(images: Tensor) -> Tensor:
    """float ``[-1, 1]`` -> uint8 ``[0, 255]`` (rounded, clipped)."""
    return ((images.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
