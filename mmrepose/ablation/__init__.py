"""The controlled ablation of RePoseDM's contributions (docs/ablation.md):
a spec of variants x seeds at one budget (:mod:`.spec`), resumable training
(:mod:`.training`), per-pair scoring with settings chosen on val
(:mod:`.evaluation`), and the report with paired statistics
(:mod:`.statistics`, :mod:`.report`)."""
from .spec import AblationSpec, AblationSpecError, Run, Variant
from .training import TrainingFailed, train_command, train_runs

__all__ = ['AblationSpec', 'AblationSpecError', 'Run', 'Variant',
           'TrainingFailed', 'train_command', 'train_runs']
