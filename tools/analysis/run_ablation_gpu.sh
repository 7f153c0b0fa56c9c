#!/usr/bin/env bash
# The whole SynthFashion ablation on one GPU in one call: every variant and
# seed trained as concurrent processes, then settings chosen on val, test
# scored and the report written (docs/ablation.md, "On a GPU").
#
#   bash tools/analysis/run_ablation_gpu.sh [RESULTS_DIR]
#
# For an offline CUDA machine whose Python already has torch, torchvision,
# numpy, scipy, opencv, scikit-image and huggingface-hub: the wheels of the
# rest (mmengine, mmcv-lite, diffusers, mmpose, ...) are read from .whl/ in
# the checkout, fetched beforehand on a machine that reaches PyPI with
#   pip download -d .whl --no-deps --only-binary=:all: --python-version 3.12 \
#       mmengine==0.10.7 mmcv-lite==2.1.0 diffusers==0.42.1 lpips==0.1.4 \
#       pytorch-fid==0.3.0 addict yapf platformdirs termcolor mmpose==1.3.2 \
#       mmdet==3.3.0 json_tricks munkres terminaltables pycocotools shapely
# plus the xtcocotools 1.14.3 source archive (pip download --no-binary).
# RESULTS_DIR (default $OUT, else outputs/ablation_gpu) receives the scores
# root: per-pair scores, selection.json, report.md, report.json, grid.png
# (pass docs/results/ablation_synthfashion_64 to continue this project's).
set -euo pipefail
cd "$(dirname "$0")/../.."
results=${1:-${OUT:-outputs/ablation_gpu}}
work_root=${WORK_ROOT:-/tmp/ablation_synthfashion_64}
site=/tmp/mmrepose_site
mkdir -p "$results"

if ! python3 -c 'import mmengine, diffusers, mmpose' 2>/dev/null; then
    python3 -m pip install -q --no-index --no-deps --target "$site" .whl/*.whl
    build=$(mktemp -d)
    tar xzf .whl/xtcocotools-*.tar.gz -C "$build"
    (cd "$build"/xtcocotools-* && python3 setup.py build_ext --inplace -q \
        && cp -r xtcocotools "$site/")
fi
export PYTHONPATH=$site:$PWD PYTHONUNBUFFERED=1

[[ -d data/synthfashion/val ]] || python3 \
    tools/dataset_converters/make_synthfashion.py --out data/synthfashion \
    --size 256x176 --train-ids 150 --test-ids 20 --val-ids 20 \
    --poses-per-id 6 --seed 0
# 3 seeds x 4 trained variants (full_encoder_eta0 samples with B2's
# weights); the scores, selection and report go straight to RESULTS_DIR
time python3 tools/analysis/run_ablation.py configs/ablation/synthfashion_64.py \
    --work-root "$work_root" --scores-root "$results" --jobs 12 --device cuda
echo "results in $results"
