"""mmrepose: pose-guided person image synthesis (RePoseDM) in the OpenMMLab style."""
from .version import __version__

__all__ = ['__version__']
