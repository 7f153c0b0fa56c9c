#!/usr/bin/env bash
# Speed on one CUDA GPU in one call (docs/speed.md, "On a GPU"): B1, B2 and
# the full model at 256x176 (the DeepFashion configs, random weights) in
# bf16: training samples/s, images/s at DDIM-20 and DPM-Solver++-20 with
# CFG 2 (the full model with PIF guidance at every step), peak memory,
# FLOPs, and MFU against the device's peak.
#
#   bash tools/analysis/benchmark_gpu.sh [OUT_DIR]
#
# For an offline CUDA machine with the wheels of .whl/ (gpu_site.sh).
# OUT_DIR (default $OUT, else outputs/benchmark_gpu) receives each config's
# report (.txt) and JSON line (.json). PEAK_TFLOPS is the dense bf16 peak
# (default 989, H100/H200 SXM per NVIDIA's data sheets).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-${OUT:-outputs/benchmark_gpu}}
peak=${PEAK_TFLOPS:-989}
mkdir -p "$out"
source tools/analysis/gpu_site.sh
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | tee "$out/gpu.txt"
for config in deepfashion_256_b1 deepfashion_256_b2 deepfashion_256; do
    python3 tools/analysis/benchmark.py "configs/repose/$config.py" \
        --device cuda --amp bf16 --random-vae --random-estimator \
        --batch 8 --sample-images 8 --sampler ddim:20,dpmsolver++:20 \
        --cfg 2 --warmup 1 --repeat 3 --train-iters 5 --flops \
        --peak-tflops "$peak" --json-out "$out/$config.json" \
        | head -n -1 | tee "$out/$config.txt"
done
