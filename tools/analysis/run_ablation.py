"""Run (start or continue) an ablation: train every variant x seed of a spec
at its equal budget, choose sampling settings on val, score the test split,
and write the report.

    python tools/analysis/run_ablation.py SPEC [--work-root DIR]
        [--scores-root DIR]
        [--seeds 0 1] [--variants b1 full] [--jobs N]
        [--stages train select test report] [--device cpu|cuda]

Every stage skips what is already done, so the same command continues a
killed run (training resumes from the run's last checkpoint). ``--jobs``
trains that many runs at once (one GPU holds them all). See docs/ablation.md.
"""
from __future__ import annotations

import argparse
import signal
import sys

from mmrepose.ablation import (AblationSpec, AblationSpecError, Evaluator,
                               TrainingFailed, select_settings, test_runs,
                               train_runs, write_report)
from mmrepose.utils import register_all_modules

STAGES = ('train', 'select', 'test', 'report')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('spec', help='ablation spec (configs/ablation/*.py)')
    parser.add_argument('--work-root', help="overrides the spec's work_root")
    parser.add_argument(
        '--scores-root',
        help="where scores, the selection and the report go (overrides the "
        "spec's scores_root; default: the work root)")
    parser.add_argument('--seeds', type=int, nargs='+',
                        help='only these seeds (default: the spec\'s)')
    parser.add_argument('--variants', nargs='+',
                        help='only these variants (default: all)')
    parser.add_argument('--jobs', type=int, default=1,
                        help='runs trained at once (default 1)')
    parser.add_argument('--stages', nargs='+', choices=STAGES,
                        default=list(STAGES), help='default: all, in order')
    parser.add_argument('--device', default='cpu',
                        help='device of the select and test stages')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    # `kill` stops the training processes too (train_runs' cleanup)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit('stopped (SIGTERM)'))
    register_all_modules()
    try:
        spec = AblationSpec(args.spec, args.work_root, args.scores_root)
        runs = spec.runs(args.seeds, args.variants)
        if 'train' in args.stages:
            train_runs(runs, spec, jobs=args.jobs)
        if {'select', 'test'} & set(args.stages):
            evaluator = Evaluator(spec, args.device)
            if 'select' in args.stages:
                select_settings(spec, evaluator, args.variants)
            if 'test' in args.stages:
                test_runs(runs, spec, evaluator)
        if 'report' in args.stages:
            print(f'[report] {write_report(spec)}')
    except (FileNotFoundError, AblationSpecError, TrainingFailed) as err:
        sys.exit(f'error: {err}')


if __name__ == '__main__':
    main()
