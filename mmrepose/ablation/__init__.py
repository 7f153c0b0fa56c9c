"""The controlled ablation of RePoseDM's contributions (docs/ablation.md):
a spec of variants x seeds at one budget (:mod:`.spec`), resumable training
(:mod:`.training`), per-pair scoring (:mod:`.evaluation`) with settings
chosen on val (:mod:`.selection`), and the report with paired statistics
(:mod:`.statistics`, :mod:`.report`)."""
from .evaluation import Evaluator, PairScores
from .report import build_report, write_report
from .selection import select_settings, test_runs
from .spec import AblationSpec, AblationSpecError, Run, Variant
from .training import TrainingFailed, train_command, train_runs

__all__ = ['AblationSpec', 'AblationSpecError', 'Run', 'Variant',
           'TrainingFailed', 'train_command', 'train_runs', 'Evaluator',
           'PairScores', 'select_settings', 'test_runs', 'build_report',
           'write_report']
