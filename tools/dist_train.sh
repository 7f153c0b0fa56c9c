#!/usr/bin/env bash
# Distributed training with torchrun, one process per GPU.
#   tools/dist_train.sh CONFIG GPUS [train.py args...]
# Several nodes: run it on each with NNODES, NODE_RANK, MASTER_ADDR and PORT
# set (defaults: 1, 0, 127.0.0.1, 29500). PYTHON picks the interpreter
# (default: the repository's .venv, else python);
# DIST_TOOL the script under tools/ (train.py; dist_test.sh sets test.py).
# Before launching workers it runs the tool's --check (data, weights,
# devices, work dir) once and stops on a problem; SKIP_CHECK=1 skips it.
set -euo pipefail
USAGE="usage: $0 CONFIG GPUS [train.py args...]"
[ $# -ge 2 ] || { echo "$USAGE" >&2; exit 2; }
CONFIG=$1
GPUS=$2
shift 2
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# the repository's .venv (make install) unless PYTHON names another
if [[ -z ${PYTHON:-} && -x $ROOT/.venv/bin/python ]]; then
    PYTHON=$ROOT/.venv/bin/python
fi

export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
TOOL="$ROOT/tools/${DIST_TOOL:-train.py}"
if [[ -z ${SKIP_CHECK:-} ]]; then
    "${PYTHON:-python}" "$TOOL" "$CONFIG" "$@" --check --gpus "$GPUS" || exit 1
fi
exec "${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="${NNODES:-1}" \
    --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" \
    --master_port="${PORT:-29500}" \
    --nproc_per_node="$GPUS" \
    "$TOOL" "$CONFIG" "$@" --launcher pytorch
