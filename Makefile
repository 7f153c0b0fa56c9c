# mmrepose — the two commands of the README, and their set-up.
#   make demo      the pose-transfer demo (see README)
#   make test      install if needed, then run the test suite
#   make test-parity  the metric presets against the reference codebases' numbers
#   make web       the pose-transfer web page on http://127.0.0.1:7860/
#   make install   create/update .venv (idempotent; seconds when up to date)

VENV   ?= .venv
PYTHON := $(VENV)/bin/python

.PHONY: install test test-parity demo web preview clean-venv

install:
	@bash tools/setup_venv.sh

test: install
	$(PYTHON) -m pytest -q

# Each evaluation preset against its reference code's committed numbers
# (docs/evaluation.md; about a minute per case on one core).
test-parity: install
	$(PYTHON) -m pytest -q -m parity tests/test_evaluation/test_reference_parity.py

# The pose-transfer demo on the bundled example with the embedded model.
demo: install
	$(PYTHON) demo/pose_transfer_demo.py

# The web page: pose a skeleton by hand, pick a person, render (docs/web_demo.md).
web: install
	$(PYTHON) demo/web_demo.py

# Generate a small SynthFashion set and write a grid of its training pairs.
preview: install
	$(PYTHON) tools/dataset_converters/make_synthfashion.py --out data/synthfashion_preview \
		--size 256x176 --train-ids 8 --test-ids 2 --poses-per-id 4 --seed 0
	$(PYTHON) tools/analysis/browse_dataset.py configs/repose/synthfashion_128_b1.py \
		--out outputs/synthfashion_pairs.png --num 6 \
		--cfg-options train_dataloader.dataset.data_root=data/synthfashion_preview

clean-venv:
	rm -rf $(VENV)
