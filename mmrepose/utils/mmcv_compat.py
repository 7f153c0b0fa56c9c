"""The one compatibility shim of mmrepose: ``mmcv.ops`` placeholders.

Why: full mmcv (with compiled CUDA/C++ ops) has no wheels past torch 2.4 and
its source build fails on torch 2.14, so mmrepose depends on **mmcv-lite**,
which ships the Python files of ``mmcv.ops`` but not the compiled extension
``mmcv._ext``. mmpose 1.3.2 imports a few ``mmcv.ops`` names at import time
(``MultiScaleDeformableAttention`` for the EDPose head, ``DeformConv2d`` for
DEKR and PoseWarper), so ``import mmpose.models`` fails although the models
mmrepose uses (HRNet / HigherHRNet with an associative-embedding head) never
touch a compiled op.

What: when ``mmcv._ext`` is missing, :func:`install_mmcv_ops_placeholders`
puts a stand-in ``mmcv.ops`` module into ``sys.modules``. Any name imported
from it is a placeholder class that raises :class:`MissingCompiledOpError`,
naming the op, as soon as it is instantiated or called. Nothing else of mmcv
or mmpose is patched. With a full mmcv install the shim does nothing.
"""
from __future__ import annotations

import importlib.util
import sys
import types

_STUB_MARKER = '__mmrepose_placeholder__'


class MissingCompiledOpError(RuntimeError):
    """Raised when a compiled ``mmcv.ops`` operator is used under mmcv-lite."""


def _placeholder(name: str) -> type:

    def fail(*args, **kwargs):
        raise MissingCompiledOpError(
            f'mmcv.ops.{name} needs the compiled mmcv extension, which '
            'mmcv-lite does not have (full mmcv cannot be built on this '
            'torch). Choose a model that does not use it (mmrepose uses '
            'HRNet/HigherHRNet bottom-up estimators).')

    return type(name, (), {'__init__': fail, '__call__': fail,
                           '__new__': lambda cls, *a, **k: fail(),
                           _STUB_MARKER: True})


def _module_getattr(name: str) -> type:
    if name.startswith('__'):
        raise AttributeError(name)
    return _placeholder(name)


def compiled_mmcv_ops_available() -> bool:
    """Whether mmcv's compiled extension (``mmcv._ext``) is installed."""
    try:
        return importlib.util.find_spec('mmcv._ext') is not None
    except ModuleNotFoundError:
        return False


def install_mmcv_ops_placeholders() -> bool:
    """Install the ``mmcv.ops`` stand-in if the compiled ops are missing.

    Returns True if the placeholders are (now) in place. Idempotent.
    """
    if compiled_mmcv_ops_available():
        return False
    current = sys.modules.get('mmcv.ops')
    if current is not None and getattr(current, _STUB_MARKER, False):
        return True
    module = types.ModuleType('mmcv.ops', __doc__)
    module.__getattr__ = _module_getattr  # PEP 562: covers `from ... import X`
    setattr(module, _STUB_MARKER, True)
    sys.modules['mmcv.ops'] = module
    try:
        import mmcv
        mmcv.ops = module
    except ImportError:
        pass
    return True
