# statlearn: two commands.
#   make bench  -> set up .venv (bench extra + data) and run the quick benchmark suite
#   make test   -> set up .venv (dev extra + data) and run ruff, pytest (all), notebooks, docs
# Both are idempotent: the venv and installs are reused when pyproject.toml is unchanged.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
PIP    := $(PY) -m pip
JOBS   ?= 2
# One thread per pytest-xdist worker / benchmark cell: no OpenMP oversubscription.
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

# netcal and MCGrad (calibration peers) import torch; use the CPU build shipped on this
# kind of machine when present (never a CUDA build from the registry), otherwise
# skip them (the benchmark says so). MCGrad is not in the bench extra because from
# PyPI alone it would pull a CUDA build of torch.
TORCH_WHEEL := $(firstword $(wildcard /opt/wheels/torch-2.13.0*cp311*.whl))

.PHONY: test bench lint docs notebooks notebooks-build pytest install-dev install-bench clean help

help:
	@echo "make test   - install the dev environment in $(VENV) and run every check"
	@echo "make bench  - install the bench environment in $(VENV) and run the quick benchmarks"
	@echo "make notebooks-build [NB=name] - regenerate notebooks/*.ipynb with outputs from notebooks/*.py"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip setuptools wheel

# torch from the local wheel, netcal and mcgrad in one resolver run, so that pip keeps that torch.
define install_netcal
	@if [ -n "$(TORCH_WHEEL)" ]; then \
	  $(PIP) install --quiet "$(TORCH_WHEEL)" "netcal>=1.3" "mcgrad>=0.1.5" ; \
	else echo "note: no local CPU torch wheel; netcal and mcgrad (optional peers) not installed"; fi
endef

$(VENV)/.bench-stamp: pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[bench]"
	$(install_netcal)
	touch $@

$(VENV)/.dev-stamp: pyproject.toml | $(PY)
	$(PIP) install --quiet -e ".[dev]"
	$(install_netcal)
	touch $@ $(VENV)/.bench-stamp

install-bench: $(VENV)/.bench-stamp
install-dev: $(VENV)/.dev-stamp

bench: install-bench
	$(PY) -m benchmarks --quick --n-jobs $(JOBS) --out bench-results

lint: install-dev
	$(BIN)/ruff check .

# --doctest-modules: every docstring example in statlearn/ runs (and the test modules' none).
pytest: install-dev
	SCIPY_ARRAY_API=1 MPLBACKEND=Agg $(PY) -m pytest -n $(JOBS) --durations=15 --doctest-modules tests statlearn

notebooks: install-dev
	MPLBACKEND=Agg $(PY) -m pytest -n $(JOBS) --nbmake notebooks

# Regenerate every committed notebook, with outputs, from its jupytext source notebooks/<name>.py
# (one notebook: make notebooks-build NB=quantile_aggregation).
notebooks-build: install-dev
	$(PY) tools/build_notebooks.py $(NB)

docs: install-dev
	MPLBACKEND=Agg $(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html

test: lint pytest notebooks docs
	@echo "make test: all checks passed"

clean:
	rm -rf docs/_build docs/auto_examples docs/api/generated bench-results .pytest_cache
