#!/usr/bin/env bash
# Distributed testing with torchrun, one process per GPU.
#   tools/dist_test.sh CONFIG CHECKPOINT GPUS [test.py args...]
# The environment variables are those of dist_train.sh, whose launch this
# reuses.
set -euo pipefail
USAGE="usage: $0 CONFIG CHECKPOINT GPUS [test.py args...]"
[ $# -ge 3 ] || { echo "$USAGE" >&2; exit 2; }
# dist_train.sh CONFIG GPUS, then test.py's CHECKPOINT and options
DIST_TOOL=test.py exec "$(dirname "$0")/dist_train.sh" "$1" "$3" "$2" "${@:4}"
