from .pif_guided_editor import PIFGuidedEditor
from .progressive_distillation import ProgressiveDistillation
from .repose_dm import RePoseDM
from .repose_sd import RePoseSD

__all__ = ['RePoseDM', 'RePoseSD', 'PIFGuidedEditor', 'ProgressiveDistillation']
