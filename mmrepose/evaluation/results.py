"""The results JSON written next to evaluated images.

One file per evaluation, by default ``metrics_{protocol}.json`` in the
folder of the generated images, with the protocol (name and settings), the
resolution, the number of images, the checkpoint and config when given, the
metric values, free-form notes (random weights, resizing, warnings) and
any extra fields. Used by
``tools/evaluate_folder.py`` and ``tools/test.py``.
"""
from __future__ import annotations

import datetime
import json
import math
import os
import os.path as osp

from mmrepose.version import __version__
from .protocols import PROTOCOLS


def default_results_path(image_dir: str, protocol: str) -> str:
    return osp.join(image_dir, f'metrics_{protocol}.json')


def write_results_json(path: str, metrics: dict[str, float], protocol: str,
                       resolution: tuple[int, int] | None, num_images: int,
                       checkpoint: str | None = None,
                       config: str | None = None,
                       notes: list[str] | None = None,
                       extra: dict | None = None) -> str:
    """Write the results record to ``path`` (folders created); returns it.

    Non-finite values (PSNR of identical images) are written as strings
    (``"inf"``), so the file stays valid JSON. ``extra`` adds fields (the
    real set, a baseline, overridden settings).
    """
    preset = PROTOCOLS.get(protocol)
    record = dict(
        protocol=preset.to_dict() if preset else dict(name=protocol),
        resolution=list(resolution) if resolution else None,
        num_images=int(num_images),
        checkpoint=checkpoint,
        config=config,
        metrics={k: v if math.isfinite(v) else str(v)
                 for k, v in ((k, float(v)) for k, v in metrics.items())},
        notes=list(notes or []),
        mmrepose_version=__version__,
        created=datetime.datetime.now().isoformat(timespec='seconds'),
        **(extra or {}))
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(record, f, indent=1)
    return path
