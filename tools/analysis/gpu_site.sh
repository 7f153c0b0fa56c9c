# Sourced by the one-call GPU scripts (run_ablation_gpu.sh,
# benchmark_gpu.sh): on an offline CUDA machine whose Python already has
# torch, torchvision, numpy, scipy, opencv, scikit-image and huggingface-hub,
# install the rest from the wheels in .whl/ of the checkout into
# /tmp/mmrepose_site (once) and put it and the checkout on PYTHONPATH.
# The wheels are fetched beforehand on a machine that reaches PyPI with
#   pip download -d .whl --no-deps --only-binary=:all: --python-version 3.12 \
#       mmengine==0.10.7 mmcv-lite==2.1.0 diffusers==0.42.1 lpips==0.1.4 \
#       pytorch-fid==0.3.0 addict yapf platformdirs termcolor mmpose==1.3.2 \
#       mmdet==3.3.0 json_tricks munkres terminaltables pycocotools shapely
# plus the xtcocotools 1.14.3 source archive (pip download --no-binary).
site=/tmp/mmrepose_site
if ! python3 -c 'import mmengine, diffusers, mmpose' 2>/dev/null; then
    python3 -m pip install -q --no-index --no-deps --target "$site" .whl/*.whl
    build=$(mktemp -d)
    tar xzf .whl/xtcocotools-*.tar.gz -C "$build"
    (cd "$build"/xtcocotools-* && python3 setup.py build_ext --inplace -q \
        && cp -r xtcocotools "$site/")
fi
export PYTHONPATH=$site:$PWD PYTHONUNBUFFERED=1
