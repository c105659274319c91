# The two commands of the README: `make demo` and `make test`. Both create the environment when it is absent.
SHELL := /bin/bash
VENV := .venv
export GX_ANALYTICS_ENABLED := false
export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: demo test test-fast ui ui-check lint env browser
env: $(VENV)/.synced

$(VENV)/.synced: pyproject.toml uv.lock
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
	python3 -m uv sync --frozen --compile-bytecode
	@touch $@

# Debian's Chromium for the browser checks (Playwright drives it; it never downloads a browser of its own).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver; }

demo: env
	$(VENV)/bin/hubkg demo

ui: env
	$(VENV)/bin/hubkg ui

# The operator's view in a real browser: a demo into a temporary instance, then Playwright + Debian's headless
# Chromium on the Dagster UI (asset graph, a dbt model, a GE gate, the automations, the run, the pictures).
# Screenshots: data/ui/*.png. Also part of `make test`.
ui-check: env browser
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/ui

# Everything: the fast tier, the integration tier (emulator, dbt, Dagster runs) and the browser checks. The 30
# slowest tests are listed at the end: CI has a 90-minute budget, and this is where to look when it grows.
test: env browser
	$(VENV)/bin/pytest -q --durations=30

# Seconds, while editing: no server, no Dagster run, no dbt build.
test-fast: env
	$(VENV)/bin/pytest -q -m fast

lint: env
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	HUBKG_DUCKDB_PATH=parse-only.duckdb $(VENV)/bin/dbt parse --quiet --project-dir dbt_project --profiles-dir dbt_project
