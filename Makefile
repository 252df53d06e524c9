# One command per job. Run `make help` for the list.
#
# Every target installs what it needs into .venv first (once; again when
# pyproject.toml or constraints.txt change).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BOOK_HTML := _build/html
BOOK_FLAGS := --config book/_config.yml --toc book/_toc.yml
NOTEBOOKS := $(wildcard notebooks/*.ipynb)

# Tools and notebook kernels come from .venv, whatever else is installed:
# its bin/ first on PATH, its kernel spec before any user-level "python3".
export PATH := $(CURDIR)/$(BIN):$(PATH)
export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/jupyter

.DEFAULT_GOAL := help
.PHONY: help install book lab test strip bench lock clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
	  { echo "The course needs Python 3.11; set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[book,test]"
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the course with its extras

book: $(STAMP)  ## execute every notebook and build the HTML book (offline)
	$(BIN)/jupyter-book build . $(BOOK_FLAGS) -W -n --keep-going
	@echo "The book: $(CURDIR)/$(BOOK_HTML)/index.html"

lab: $(STAMP)  ## open JupyterLab on the notebooks
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks

test: $(STAMP)  ## unit tests, notebooks, output stripping, book build, links, browser
	$(BIN)/nbstripout --verify $(NOTEBOOKS)
	$(BIN)/pytest -n 2 --dist loadfile --nbval-lax -m "not book" tests notebooks
	$(MAKE) book
	$(BIN)/pytest -m book tests

strip: $(STAMP)  ## strip outputs from the notebooks (do this before committing)
	$(BIN)/nbstripout $(NOTEBOOKS)

bench: $(STAMP)  ## time every notebook (real data, then twins), the data layer and the recommender tables into benchmarks/results
	$(BIN)/python benchmarks/run_notebooks.py
	$(BIN)/python benchmarks/run_notebooks.py --twins
	$(BIN)/python benchmarks/run_data.py
	$(BIN)/python benchmarks/run_cf.py
	$(BIN)/python benchmarks/run_ranking.py

lock: $(STAMP)  ## re-pin constraints.txt from what .venv has installed
	{ echo "# Versions known to work together on Python 3.11 (Linux x86_64, CPU)."; \
	  echo "# Regenerate with \`make lock\` after changing the dependencies in pyproject.toml."; \
	  $(BIN)/python -m pip freeze --exclude-editable | sort -f; } > constraints.txt.tmp
	mv constraints.txt.tmp constraints.txt

clean:  ## remove the build, caches and .venv
	rm -rf _build .pytest_cache $(VENV) *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
