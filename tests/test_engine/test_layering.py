"""The engine (hooks, loops, checkpoints, preflight) stands below the
models: importing it loads neither ``mmrepose.models`` nor diffusers."""
from __future__ import annotations

import subprocess
import sys


def test_engine_does_not_import_the_models():
    code = ('import sys, mmrepose.engine; '
            'print(sorted(m for m in sys.modules '
            "if m.startswith(('mmrepose.models', 'diffusers'))))")
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, check=True)
    assert proc.stdout.strip() == '[]', proc.stdout
