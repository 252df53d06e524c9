# One command per job. Run `make help` for the list.
#
# Every target installs what it needs into .venv first (once; again when
# pyproject.toml or constraints.txt change).

# The newest supported Python (3.13, 3.12, then 3.11) that runs, unless you
# name one: `make PYTHON=/path/to/python3.12 install`.
SUPPORTED := (3, 11) <= sys.version_info[:2] <= (3, 13)
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in python3.13 python3.12 python3.11 python3; do \
  $$p -c 'import sys; print(sys.executable) if $(SUPPORTED) else sys.exit(1)' 2>/dev/null && break; done)
endif
VENV := .venv
# pip installs the course, or uv (docs.astral.sh/uv) when it is on PATH or
# named (`make UV=/path/to/uv install`): the same pinned versions, faster.
# `make UV= install` uses pip whatever is on PATH. Both compile the packages'
# bytecode at install, so that no kernel compiles it again at import (where
# PYTHONDONTWRITEBYTECODE is set, nothing would keep it: about 6 s per kernel).
UV ?= $(shell command -v uv 2>/dev/null)
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BOOK_HTML := _build/html
BOOK_FLAGS := --config book/_config.yml --toc book/_toc.yml
NOTEBOOKS := $(wildcard notebooks/*.ipynb)
# `make test` runs the notebooks offline on the simulated twins (this empty
# cache) and builds the book on the real data (SMARTMKT_DATA_HOME).
# Two test workers on two cores: each runs its numerical libraries on one
# thread instead of one per core (see book/execute.py for the measurement).
ONE_THREAD := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
  XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
TWINS_HOME ?= _build/twins-data-home
# The unit-test run's marker expression (`make test` runs tests/lab apart).
UNIT_MARK ?= not book
TWINS_KERNELS ?= _build/twins-kernel
# The second interpreter CI tests with (`make test-compat`): its own venv,
# and pandas 2 instead of the pinned pandas 3.
COMPAT_PYTHON ?= python3.13
COMPAT_VENV := .venv-compat
COMPAT_PANDAS ?= pandas==2.2.3
COMPAT_NOTEBOOKS := notebooks/00_getting_started.ipynb notebooks/03_collaborative_filtering.ipynb
# The chapters the JupyterLab test (tests/lab) runs on the twins, through
# Lab's Run All: the nbval run leaves them out, so each chapter still runs
# once on the twins and once (in the book) on the real data.
LAB_NOTEBOOKS := notebooks/00_getting_started.ipynb notebooks/03_collaborative_filtering.ipynb
LAB_CHAPTERS := 00,03
# The tests that train Keras networks (their own files, their docstring
# examples and their estimator-API cases) take half the unit tests' time and
# depend on Keras and JAX, pinned to the same versions in both venvs: the
# second interpreter skips them, and the JupyterLab test (tests/lab), whose
# browser and Lab are the same in both.
COMPAT_SKIP := --ignore=tests/test_deep_recommenders.py --ignore=tests/test_ads_ctr.py --ignore=tests/lab \
  '--deselect=tests/test_docstring_examples.py::test_docstring_examples[smartmkt_helpers.recommenders.deep]' \
  '--deselect=tests/test_docstring_examples.py::test_docstring_examples[smartmkt_helpers.ads.ctr]' \
  -k 'not WideAndDeep and not DeepFM and not MatrixFactorization and not NeuMF and not TwoTower and not MultDAE'

# A relative SMARTMKT_DATA_HOME means the folder you ran make from; each
# notebook runs in notebooks/, so pass the folder on as an absolute path.
ifneq ($(strip $(SMARTMKT_DATA_HOME)),)
ifeq ($(filter /% ~%,$(SMARTMKT_DATA_HOME)),)
export SMARTMKT_DATA_HOME := $(abspath $(SMARTMKT_DATA_HOME))
endif
endif

# Tools and notebook kernels come from .venv, whatever else is installed:
# its bin/ first on PATH, its kernel spec before any user-level "python3".
export PATH := $(CURDIR)/$(BIN):$(PATH)
export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/jupyter

.DEFAULT_GOAL := help
.PHONY: help install book book-render lab test test-lab twins-kernel test-unit-and-twins test-twins compat-install test-compat test-unit check-hosted strip bench bench-scaling lock clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "No Python 3.11, 3.12 or 3.13 found on PATH. Install one (python.org," \
	  "your package manager or pyenv), or name it: make PYTHON=/path/to/python3.12 $(MAKECMDGOALS)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(not ($(SUPPORTED)))' || \
	  { echo "$(PYTHON) is Python $$($(PYTHON) -c 'import platform; print(platform.python_version())');" \
	  "the course needs 3.11, 3.12 or 3.13: make PYTHON=/path/to/python3.12 $(MAKECMDGOALS)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
ifeq ($(UV),)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[lab,book,test,spark]"
else
	$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python -c constraints.txt -e ".[lab,book,test,spark]"
endif
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the course with its extras

book: $(STAMP)  ## execute every notebook and build the HTML book (offline)
	$(BIN)/python book/execute.py
	$(MAKE) book-render
	@echo "The book: $(CURDIR)/$(BOOK_HTML)/index.html"

# Render the executed notebooks and pages into HTML (Sphinx, on one core).
book-render:
	$(BIN)/jupyter-book build . $(BOOK_FLAGS) -W -n --keep-going

lab: $(STAMP)  ## open JupyterLab on the notebooks
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks

test: $(STAMP)  ## output stripping, lint (ruff), unit tests, notebooks on the twins, book on the real data, links, browser
	$(BIN)/nbstripout --verify $(NOTEBOOKS)
	$(BIN)/ruff check smartmkt_helpers tests benchmarks book
	$(MAKE) UNIT_MARK="not book and not lab" test-unit-and-twins
	$(BIN)/python book/execute.py
	@# Sphinx renders on one core; the JupyterLab test runs on the other meanwhile.
	$(MAKE) -j2 --output-sync=target book-render test-lab
	$(BIN)/pytest -n 2 -m book tests
	@echo "The book: $(CURDIR)/$(BOOK_HTML)/index.html"

test-lab: $(STAMP)  ## chapters 00 and 03 through JupyterLab's Run All, on the twins (tests/lab)
	$(ONE_THREAD) SMARTMKT_LAB_CHAPTERS=$(LAB_CHAPTERS) $(BIN)/pytest -m lab -p no:cacheprovider tests/lab

# The notebooks run in a kernel whose environment holds the offline switch
# and an empty data cache, so they use the simulated twins, while the unit
# tests in the same pytest run (one pool of two workers) see the real data.
twins-kernel: $(STAMP)
	rm -rf $(TWINS_HOME) $(TWINS_KERNELS) && mkdir -p $(TWINS_HOME) $(TWINS_KERNELS)/kernels/python3
	$(BIN)/python -c 'import json, sys; json.dump({"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": "Python 3 (simulated twins)", "language": "python", "env": {"SMARTMKT_OFFLINE": "1", "SMARTMKT_DATA_HOME": sys.argv[1]}}, open(sys.argv[2], "w"))' \
	  $(CURDIR)/$(TWINS_HOME) $(TWINS_KERNELS)/kernels/python3/kernel.json

test-unit-and-twins: twins-kernel  ## unit tests (real data), every notebook on the twins (00, 03 in JupyterLab), one run
	JUPYTER_PATH=$(CURDIR)/$(TWINS_KERNELS):$(JUPYTER_PATH) $(ONE_THREAD) \
	  SMARTMKT_LAB_CHAPTERS=$(LAB_CHAPTERS) $(BIN)/pytest -n 2 --dist loadfile -m "$(UNIT_MARK)" --nbval-lax \
	  -p no:cacheprovider --durations=15 $(PYTEST_ARGS) tests $(or $(NB),$(filter-out $(LAB_NOTEBOOKS),$(NOTEBOOKS)))

test-twins: twins-kernel  ## run the notebooks offline on the simulated twins (empty data cache)
	JUPYTER_PATH=$(CURDIR)/$(TWINS_KERNELS):$(JUPYTER_PATH) $(ONE_THREAD) \
	  $(BIN)/pytest -n 2 --dist loadfile --nbval-lax -p no:cacheprovider $(or $(NB),$(NOTEBOOKS))

compat-install:  ## create .venv-compat: COMPAT_PYTHON (3.13) and pandas 2
	$(MAKE) VENV=$(COMPAT_VENV) PYTHON=$$(command -v $(COMPAT_PYTHON)) $(COMPAT_VENV)/.installed
	$(if $(UV),$(UV) pip install --quiet --python $(COMPAT_VENV)/bin/python,$(COMPAT_VENV)/bin/python -m pip install --quiet) \
	  "$(COMPAT_PANDAS)"

test-compat: compat-install  ## unit tests and two chapters on COMPAT_PYTHON (3.13) with pandas 2
	$(COMPAT_VENV)/bin/python -c 'import sys, pandas; print("Python", sys.version.split()[0], "pandas", pandas.__version__)'
	$(MAKE) VENV=$(COMPAT_VENV) PYTHON=$$(command -v $(COMPAT_PYTHON)) TWINS_HOME=_build/compat-twins-data-home \
	  TWINS_KERNELS=_build/compat-twins-kernel PYTEST_ARGS="$(COMPAT_SKIP)" NB="$(COMPAT_NOTEBOOKS)" test-unit-and-twins

test-unit: $(STAMP)  ## the helper package's unit tests (real data where SMARTMKT_DATA_HOME has it)
	$(BIN)/pytest -n 2 --dist loadfile -m "not book" tests

check-hosted: $(STAMP)  ## chapters 00 and 03 as Colab runs them: Python 3.12, pandas 2.2, the course installed by the first cell
	COLAB_PYTHON=$${COLAB_PYTHON:-python3.12} bash tests/hosted/colab_like.sh

strip: $(STAMP)  ## strip outputs from the notebooks (do this before committing)
	$(BIN)/nbstripout $(NOTEBOOKS)

bench: $(STAMP)  ## time every notebook (real data, then twins), the data layer and the recommender tables into benchmarks/results
	$(BIN)/python benchmarks/run_notebooks.py
	$(BIN)/python benchmarks/run_notebooks.py --twins
	$(BIN)/python benchmarks/run_data.py
	$(BIN)/python benchmarks/run_cf.py
	$(BIN)/python benchmarks/run_ranking.py
	$(BIN)/python benchmarks/run_spark.py ranking

bench-scaling: $(STAMP)  ## time chapter 13's Spark pipelines at 1M, 3M and 10M events (quiet machine, 8 GB)
	$(BIN)/python benchmarks/run_spark.py scaling --sizes 1000000 3000000 10000000 --driver-memory 6g

lock: $(STAMP)  ## re-pin constraints.txt from what .venv has installed
	{ echo "# Versions known to work together on Python 3.11, 3.12 and 3.13 (Linux x86_64, CPU)."; \
	  echo "# One file for all three: each version has wheels for each. Regenerate with"; \
	  echo "# \`make lock\` after changing the dependencies in pyproject.toml; CI installs it"; \
	  echo "# on 3.11 (make test) and 3.13 (make test-compat)."; \
	  $(BIN)/python -m pip freeze --exclude-editable | sort -f; } > constraints.txt.tmp
	mv constraints.txt.tmp constraints.txt

clean:  ## remove the build, caches and .venv
	rm -rf _build .pytest_cache $(VENV) $(COMPAT_VENV) *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
