#!/usr/bin/env bash
# Create or update the project's virtual environment (.venv), idempotently.
#
#   bash tools/setup_venv.sh            # what `make install` runs
#
# The environment is rebuilt only when one of the inputs that define it
# (requirements/*.txt, setup.py, this script) changed since the last
# successful run; otherwise it returns at once. The order of the steps and the
# --no-deps installs are explained in docs/install.md ("Why the stack is pinned").
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3.11}
stamp="$VENV/.mmrepose-installed"
digest=$(cat requirements/*.txt setup.py tools/setup_venv.sh | sha256sum | cut -d' ' -f1)

if [[ -f "$stamp" && "$(cat "$stamp")" == "$digest" ]]; then
    echo "[setup_venv] $VENV is up to date"
    exit 0
fi

if [[ ! -x "$VENV/bin/python" ]]; then
    echo "[setup_venv] creating $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
fi
pip=("$VENV/bin/python" -m pip install --disable-pip-version-check -q)
pin=(-c requirements/torch.txt)

echo "[setup_venv] 1/6 torch + torchvision (local wheels)"
"${pip[@]}" -r requirements/torch.txt
echo "[setup_venv] 2/6 runtime dependencies"
"${pip[@]}" "${pin[@]}" -r requirements/runtime.txt
echo "[setup_venv] 3/6 mmengine + mmcv-lite (no deps)"
"${pip[@]}" --no-deps -r requirements/openmmlab.txt
echo "[setup_venv] 4/6 mmpose stack (no deps) and what it really imports"
"${pip[@]}" --no-deps -r requirements/mmpose.txt
"${pip[@]}" "${pin[@]}" -r requirements/mmpose-deps.txt
# xtcocotools' PyPI wheel is built against numpy 1 ("numpy.dtype size
# changed" on import): build it from source against the installed numpy 2.
if ! "$VENV/bin/python" -c "import xtcocotools.coco" 2>/dev/null; then
    "${pip[@]}" "${pin[@]}" cython
    "${pip[@]}" "${pin[@]}" --no-build-isolation --no-binary xtcocotools xtcocotools
fi
echo "[setup_venv] 5/6 test tools"
"${pip[@]}" "${pin[@]}" -r requirements/tests.txt
echo "[setup_venv] 6/6 mmrepose (editable)"
"${pip[@]}" --no-deps --no-build-isolation -e .

"$VENV/bin/python" -c "import torch, mmengine, mmcv, diffusers, mmrepose; print('[setup_venv] ok: torch', torch.__version__, '| mmengine', mmengine.__version__, '| diffusers', diffusers.__version__)"
echo "$digest" > "$stamp"
