# tinymlir: the two commands of a fresh machine are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EXAMPLE := examples/kws_dscnn

.PHONY: demo test lint lit pytest inputs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

# Imports the bundled KWS model, verifies and canonicalises it (--pipeline=mcu), prints the
# layer table, and runs the reference executor on the bundled input next to TFLM's output.
demo: $(STAMP)
	@mkdir -p out
	$(BIN)/tinymlir-opt --pipeline=mcu $(EXAMPLE).onnx -o out/kws_dscnn.mlir
	$(BIN)/tinymlir-summary out/kws_dscnn.mlir --inputs $(EXAMPLE).io.npz

test: $(STAMP) lint lit pytest

lint: $(STAMP)
	$(BIN)/ruff check .

lit: $(STAMP)
	$(BIN)/lit -q test

pytest: $(STAMP)
	$(BIN)/pytest

# Regenerates the small ONNX graphs the importer tests read.
inputs: $(STAMP)
	$(BIN)/python test/python/onnx_graphs.py

clean:
	rm -rf out build *.egg-info test/**/Output
