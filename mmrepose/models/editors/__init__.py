from .progressive_distillation import ProgressiveDistillation
from .repose_dm import RePoseDM

__all__ = ['RePoseDM', 'ProgressiveDistillation']
