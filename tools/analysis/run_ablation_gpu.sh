#!/usr/bin/env bash
# The whole SynthFashion ablation on one GPU in one call: every variant and
# seed trained as concurrent processes, then settings chosen on val, test
# scored and the report written (docs/ablation.md, "On a GPU").
#
#   bash tools/analysis/run_ablation_gpu.sh [RESULTS_DIR]
#
# For an offline CUDA machine with the wheels of .whl/ (gpu_site.sh says
# which and how to fetch them).
# RESULTS_DIR (default $OUT, else outputs/ablation_gpu) receives the scores
# root: per-pair scores, selection.json, report.md, report.json, grid.png
# (pass docs/results/ablation_synthfashion_64 to continue this project's).
set -euo pipefail
cd "$(dirname "$0")/../.."
results=${1:-${OUT:-outputs/ablation_gpu}}
work_root=${WORK_ROOT:-/tmp/ablation_synthfashion_64}
mkdir -p "$results"
source tools/analysis/gpu_site.sh

[[ -d data/synthfashion/val ]] || python3 \
    tools/dataset_converters/make_synthfashion.py --out data/synthfashion \
    --size 256x176 --train-ids 150 --test-ids 20 --val-ids 20 \
    --poses-per-id 6 --seed 0
# 3 seeds x 4 trained variants (full_encoder_eta0 samples with B2's
# weights); the scores, selection and report go straight to RESULTS_DIR
time python3 tools/analysis/run_ablation.py configs/ablation/synthfashion_64.py \
    --work-root "$work_root" --scores-root "$results" --jobs 12 --device cuda
echo "results in $results"
