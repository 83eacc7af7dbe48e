# tinymlir: the two commands of a fresh machine are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EXAMPLE := examples/kws_dscnn

.PHONY: demo test test-all lint lit pytest inputs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

# Compiles the bundled KWS model to a C library (out/kws_dscnn.{c,h}), then builds it with the
# host cc, runs it on the bundled input and prints its output next to TFLM's, with RAM and flash.
demo: $(STAMP)
	$(BIN)/tinymlir-opt --pipeline=mcu $(EXAMPLE).onnx -o out/
	$(BIN)/tinymlir-run $(EXAMPLE).onnx --inputs $(EXAMPLE).io.npz --show --sizes

# One pytest worker per core (pytest-xdist); idle workers steal queued cases, since a few
# model cases take minutes. `make test PYTEST_PARALLEL=` runs in one process.
PYTEST_PARALLEL ?= -n auto --dist worksteal

# `make test` deselects the cases marked `slow` (redundant parametrisations of covered passes
# and models) and says how many; `make test-all` runs them too.
test: $(STAMP) lint lit pytest

test-all: $(STAMP) lint lit
	TINYMLIR_SLOW=1 $(BIN)/pytest $(PYTEST_PARALLEL)

lint: $(STAMP)
	$(BIN)/ruff check .

lit: $(STAMP)
	$(BIN)/lit -q test

pytest: $(STAMP)
	$(BIN)/pytest $(PYTEST_PARALLEL) --durations=20

# Regenerates the small ONNX graphs the importer tests read.
inputs: $(STAMP)
	$(BIN)/python test/python/onnx_graphs.py

clean:
	rm -rf out build *.egg-info test/**/Output
