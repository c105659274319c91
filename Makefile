# The two commands of the README: `make demo` and `make test`. Both create the environment when it is absent.
SHELL := /bin/bash
VENV := .venv
export GX_ANALYTICS_ENABLED := false
export DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: demo test ui lint env
env: $(VENV)/.synced

$(VENV)/.synced: pyproject.toml uv.lock
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
	python3 -m uv sync --frozen --compile-bytecode
	@touch $@

demo: env
	$(VENV)/bin/hubkg demo

ui: env
	$(VENV)/bin/hubkg ui

test: env
	$(VENV)/bin/pytest -q

lint: env
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
