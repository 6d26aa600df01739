# Two commands for a newcomer: `make site` and `make test`. Both set up .venv themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CLI := $(VENV)/bin/ofsted-record
STAMP := $(VENV)/.installed-stamp

# vega-bundle: rebuild the vendored Vega library from npm (only when vl-convert moves Vega)
.PHONY: vega-bundle help venv data data-always data-extract data-official data-fulltext data-context data-geography site-build site-render site-embeds site-notebooks site-parts site-pages search-index axe lighthouse extract register geography official context fulltext warehouse findings \
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

# Stages run only when their inputs changed (content hashes in .cache/stamps; FORCE=1 runs them
# anyway): a second `make site` with nothing changed does no work.
ONCHANGE = $(PY) -m ofsted_record.site.stamps
# Independent stages run two at a time (machines here have 2 cores); output is kept whole by line.
PARALLEL = $(MAKE) --no-print-directory -j2 --output-sync=line
SHARED ?= ../shared/data
CODE := src pyproject.toml
AXE_VERSION := 4.14.1
QUARTO_VERSION := 1.7.34

# --- source -> processed (committed) -> warehouse (not committed) ----------------------
# Each step rebuilds its outputs byte-identically; `make data` runs them all in order.
register extract official geography context fulltext warehouse findings provenance: venv
	$(CLI) $@

data: venv
	$(CLI) paths --check >/dev/null
	$(ONCHANGE) data --in $(SHARED) $(CODE) data/processed data/sources.yml data/warehouse.duckdb \
	  -- $(MAKE) --no-print-directory data-always

# The register first (every later step resolves councils with it); then, two at a time, the
# steps that read only it and the shared inputs (the full text after the extraction, whose
# cached classification of the report files it reuses); then the warehouse over all of them.
data-always: venv
	$(CLI) register
	$(PARALLEL) data-extract data-context data-official data-fulltext data-geography
	$(CLI) warehouse
	$(CLI) findings
data-official data-fulltext: data-extract
data-extract data-official data-fulltext data-context data-geography: venv
	$(CLI) $(@:data-%=%)

# --- warehouse -> charts -> pages -----------------------------------------------------
charts: warehouse
	$(CLI) charts
embeds: warehouse
	$(CLI) embeds
notebooks: warehouse
	$(CLI) notebooks
# After the data, two at a time: the site's chain (embeds, then the generated pages, beside the
# search index; then the render) and the notebooks, which the site does not use. Each stage
# reads the warehouse read-only and writes its own folder.
site: data
	$(PARALLEL) site-pages site-notebooks

site-embeds: venv
	$(ONCHANGE) embeds --in $(CODE) data/processed data/public/embeds -- $(CLI) embeds
site-notebooks: venv
	$(ONCHANGE) notebooks --in $(CODE) data/processed analysis data/public/notebooks \
	  -- $(CLI) notebooks

# The search page's Pagefind index (site/search-index/): rebuilt only when the full-text store
# or the code changes.
search-index: venv
	$(ONCHANGE) search-index --in $(CODE) data/processed/fulltext data/processed/inspections.csv \
	  data/processed/judgements.csv site/search-index -- $(PY) -m ofsted_record.site.search_index

# The site's generated parts (council pages, downloads, bundle, data-version stamps), then an
# incremental Quarto render (only changed pages; see ofsted_record.site.build.render).
site-build: venv site-embeds
	$(ONCHANGE) site-build --in $(CODE) data/processed data/public/embeds site \
	  --skip site/search-index -- $(CLI) site --no-render
site-render: venv
	$(CLI) site --no-build
# Everything the render reads: the generated pages and the search index.
site-parts: site-build search-index
site-pages: site-parts
	$(CLI) site --no-build

# The charts' Vega library is vendored (src/ofsted_record/embeds/static/vega-bundle.js): no Node.js
# for `make site`. Rebuild it from npm when vl-convert compiles for another Vega.
vega-bundle: venv
	$(PY) -m ofsted_record.embeds.runtime

# Lighthouse for benchmarks/lighthouse_site.py (pinned: 13 wants Node 22).
lighthouse: .cache/node/node_modules/.bin/lighthouse
.cache/node/node_modules/.bin/lighthouse:
	npm install --prefix .cache/node --no-audit --no-fund --silent -E lighthouse@12.2.3

# axe-core for the browser suite, from npm into a git-ignored folder.
axe: .cache/node/node_modules/axe-core/axe.min.js
.cache/node/node_modules/axe-core/axe.min.js:
	npm install --prefix .cache/node --no-audit --no-fund --silent -E axe-core@$(AXE_VERSION)

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
# With Quarto available ($$QUARTO or on PATH) the real site is built and rendered first and the
# rendered-site suite checks it; without, those tests skip (REQUIRE_QUARTO=1: fail).
test: venv axe
	@if ! $(CLI) paths --check >/dev/null; then \
	  echo "make test: no warehouse build; tests that need the shared data will skip"; \
	else \
	  $(ONCHANGE) warehouse --in $(SHARED) $(CODE) data/processed data/warehouse.duckdb \
	    -- $(CLI) warehouse && \
	  if [ -n "$${QUARTO:-}" ] || command -v quarto >/dev/null; then \
	    $(PARALLEL) site-pages; \
	  else echo "Quarto not found: the rendered-site tests will skip"; fi; \
	fi
	$(PY) -m pytest -n 2 --dist loadfile

lint: venv
	$(PY) -m ruff check src tests benchmarks
	$(PY) -m ruff format --check src tests benchmarks

benchmarks: warehouse
	for f in benchmarks/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf _site .quarto _freeze/site_libs .cache/stamps .cache/site data/warehouse.duckdb data/public/embeds data/public/notebooks site/downloads site/embeds site/assets/geo
