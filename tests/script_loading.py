"""Import the repository's scripts (``tools/*.py``, ``demo/*.py``), which
are not a package, as modules for in-process tests."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_script(relative_path: str) -> ModuleType:
    """The module of the script at ``relative_path`` (from the repository
    root), freshly executed; its folder joins ``sys.path`` as when it runs,
    so that it imports the modules beside it."""
    path = ROOT / relative_path
    if not path.is_file():
        raise FileNotFoundError(f'script not found: {path}')
    if str(path.parent) not in sys.path:
        sys.path.append(str(path.parent))
    spec = importlib.util.spec_from_file_location(
        f'mmrepose_script_{path.stem}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
