# dlmon: `make run` starts the daemon on the simulator, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint types pytest bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/dlmon run $(if $(CONFIG),--config $(CONFIG),)

lint: $(STAMP)
	$(BIN)/ruff check monitor tests benchmarks
	$(BIN)/ruff format --check monitor tests benchmarks

types: $(STAMP)
	$(BIN)/mypy monitor

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint types pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
