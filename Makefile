# dlmon: `make run` starts the daemon on the simulator, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run
# The test environment carries every optional extra so the provider adapters, `dlmon
# status` and `dlmon report` are tested; `make run` installs only what the daemon needs.
EXTRAS ?= dev,ibkr,futu,parquet,alpaca,status,report,nats

.PHONY: install run test lint types pytest bench clean

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP) $(RUN_STAMP)

# First run: the package and its runtime dependencies only (no test, provider or report
# extras). A full `make install` satisfies it too.
$(RUN_STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

install: $(STAMP)

run: $(RUN_STAMP)
	$(BIN)/dlmon run $(if $(CONFIG),--config $(CONFIG),)

lint: $(STAMP)
	$(BIN)/ruff check monitor tests benchmarks deploy setup.py
	$(BIN)/ruff format --check monitor tests benchmarks deploy setup.py

types: $(STAMP)
	$(BIN)/mypy monitor

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint types pytest

# Every performance figure of the README against its same-run baseline, measured on the
# core compiled as the image runs it (~7-10 minutes; `--core source` for the sources).
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# --- deploy: image lock file, Grafana dashboards, stack checks (docs/deploy.md) ---------
.PHONY: lock dashboards deploy-check
UV ?= uv

# Re-pin the image's runtime dependencies (needs uv: pip install uv).
lock:
	$(UV) pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
		--custom-compile-command "make lock" -o requirements.lock

# Regenerate deploy/grafana/dashboards/*.json from deploy/grafana/generate.py.
dashboards: $(STAMP)
	$(BIN)/python deploy/grafana/generate.py

# The deploy checks only (promtool, Alertmanager, Dockerfile replay, Prometheus e2e).
deploy-check: $(STAMP)
	$(BIN)/python deploy/grafana/generate.py --check
	$(BIN)/pytest -q tests/deploy

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
