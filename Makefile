# make run  : the TUI on the bundled sample catalog, with the embedded emulators (DEMO)
# make test : the import contracts (pyproject.toml), then every test (pytest-xdist, one worker a core)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test venv bench screenshots lint clean

# The first run installs for a minute or so: it says what it does, so a quiet terminal is
# never a mystery.
$(STAMP): pyproject.toml
	@echo "atlas: first run: setting up $(VENV) (a Python virtual environment in this folder); this takes a minute or two, once"
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@echo "atlas: [1/2] updating pip in $(VENV)"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "atlas: [2/2] installing atlas and its dependencies (Textual, the Google Cloud and GitHub clients, the test tools)"
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)
	@echo "atlas: installed; next time make starts at once"

venv: $(STAMP)

run: $(STAMP)
	@echo "atlas: starting the TUI on the sample catalog (demo: embedded Google Cloud and GitHub emulators on loopback); q quits, ? lists the keys"
	@$(BIN)/atlas --catalog catalog

test: $(STAMP)
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/python -m pytest -n auto

lint: $(STAMP)
	$(BIN)/atlas lint --catalog catalog

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
