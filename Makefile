# Two commands for a newcomer: `make site` and `make test`. Both set up .venv themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CLI := $(VENV)/bin/ofsted-record
STAMP := $(VENV)/.installed-stamp

.PHONY: help venv data extract register geography official context fulltext warehouse findings \
        provenance charts embeds notebooks site refresh test lint benchmarks clean

help:
	@echo "make site   - set up .venv, build data, warehouse, charts, embeds, notebooks, render site"
	@echo "make test   - set up .venv, build the warehouse, run the test suite"
	@echo "make data | charts | embeds | notebooks | refresh | lint | benchmarks"

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

# --- source -> processed (committed) -> warehouse (not committed) ----------------------
# Each step rebuilds its outputs byte-identically; `make data` runs them all in order.
register extract official geography context fulltext warehouse findings provenance: venv
	$(CLI) $@

data: venv
	$(CLI) paths --check >/dev/null
	$(CLI) register
	$(CLI) extract
	$(CLI) official
	$(CLI) geography
	$(CLI) context
	$(CLI) fulltext
	$(CLI) warehouse
	$(CLI) findings

# --- warehouse -> charts -> pages -----------------------------------------------------
charts: warehouse
	$(CLI) charts
embeds: warehouse
	$(CLI) embeds
notebooks: warehouse
	$(CLI) notebooks
site: data
	$(CLI) embeds
	$(CLI) notebooks
	$(CLI) site

refresh: venv
	$(CLI) refresh

# --- reporters: JupyterLab on analysis/ (docs/notebooks.md) ----------------------------------
# The project's kernel, .py notebooks opening as notebooks (jupytext), charts drawn with no
# network, nothing fetched in the background. Loopback only; LAB_ARGS passes more options
# (e.g. LAB_ARGS="--no-browser --port=8890").
.PHONY: lab
lab: venv
	test -f data/warehouse.duckdb || $(CLI) warehouse
	$(PY) -c "from ofsted_record.notebooks import prepare_lab; prepare_lab()"
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --ServerApp.root_dir=analysis \
	    --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	    --LabApp.extension_manager=readonly $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# --- checks ---------------------------------------------------------------------------
# Without the shared data the warehouse cannot be built: say so once, and let the tests that
# need it skip with that reason (REQUIRE_CORPUS=1 turns those skips into failures).
test: venv
	@if $(CLI) paths --check >/dev/null; then $(CLI) warehouse; \
	else echo "make test: no warehouse build; tests that need the shared data will skip"; fi
	$(PY) -m pytest -n 2 --dist loadfile

lint: venv
	$(PY) -m ruff check src tests benchmarks
	$(PY) -m ruff format --check src tests benchmarks

benchmarks: warehouse
	for f in benchmarks/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf _site .quarto _freeze data/warehouse.duckdb data/public/embeds data/public/notebooks site/downloads site/embeds site/assets/geo
