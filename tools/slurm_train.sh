#!/usr/bin/env bash
# Training on a Slurm cluster: srun starts one task per GPU.
#   tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py args...]
# GPUS (default 8) tasks in all, GPUS_PER_NODE (8) per node, CPUS_PER_TASK
# (5) cores each; SRUN_ARGS adds srun options; PYTHON picks the interpreter
# (default: the repository's .venv, else python). The job is submitted only
# after train.py --check (data, weights, work dir) passes here; SKIP_CHECK=1
# skips it (e.g. when this node cannot see the cluster's files).
set -euo pipefail
USAGE="usage: $0 PARTITION JOB_NAME CONFIG WORK_DIR [train.py args...]"
[ $# -ge 4 ] || { echo "$USAGE" >&2; exit 2; }
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
WORK_DIR=$4
shift 4
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# the repository's .venv (make install) unless PYTHON names another
if [[ -z ${PYTHON:-} && -x $ROOT/.venv/bin/python ]]; then
    PYTHON=$ROOT/.venv/bin/python
fi

export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
if [[ -z ${SKIP_CHECK:-} ]]; then
    "${PYTHON:-python}" "$ROOT/tools/train.py" "$CONFIG" \
        --work-dir="$WORK_DIR" "$@" --check || exit 1
fi
# shellcheck disable=SC2086  # SRUN_ARGS holds several options
srun -p "$PARTITION" \
    --job-name="$JOB_NAME" \
    --gres="gpu:$GPUS_PER_NODE" \
    --ntasks="$GPUS" \
    --ntasks-per-node="$GPUS_PER_NODE" \
    --cpus-per-task="${CPUS_PER_TASK:-5}" \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS:-} \
    "${PYTHON:-python}" -u "$ROOT/tools/train.py" "$CONFIG" \
    --work-dir="$WORK_DIR" --launcher=slurm "$@"
