# The few verbs people type. `make help` lists them.
# Everything installs itself: Python packages from uv.lock into .venv (uv itself is
# bootstrapped with pip when it is not on PATH), Chromium and WebKitGTK from Debian for the browser tests.

.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .cache/tools
UV := $(or $(shell command -v uv 2>/dev/null),$(TOOLS)/bin/uv)
VENV := .venv
SYNCED := $(VENV)/.synced
NODE_DEPS := node_modules/.synced
CHROMIUM ?= /usr/bin/chromium
# Where WebKitGTK's MiniBrowser is (Debian and Ubuntu: /usr/lib/<multiarch>/webkit2gtk-4.1/);
# tests/drivers.py looks in the same places. WEBKIT_DRIVER=… MINIBROWSER=… point elsewhere.
MINIBROWSER_GLOB := /usr/lib*/*webkit*gtk-*/MiniBrowser
MINIBROWSER_MULTIARCH_GLOB := /usr/lib*/*/*webkit*gtk-*/MiniBrowser
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Material 9.x prints a notice about MkDocs 2.0 on every run; keep stderr for real problems.
export NO_MKDOCS_2_WARNING := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)
export CHROMIUM

.PHONY: help install serve build test system-deps chromium screenshots bench bench-search bench-taps clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

$(SYNCED): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --python $(PYTHON)
	@touch $@

install: $(SYNCED) ## Set up .venv exactly as uv.lock says

# Served at the root, not under site_url's sub-path, so the address printed is the one to open.
serve: $(SYNCED) ## Serve the site with live reload at http://127.0.0.1:8000/
	SITE_URL=http://127.0.0.1:8000/ $(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload

build: $(SYNCED) ## Strict build into site/ for the address SITE_URL=https://…/ (required)
	$(VENV)/bin/mkdocs build --strict --clean --site-dir site

# WebKit (iPhone's engine): WebKitGTK's WebKitWebDriver and the MiniBrowser it drives, which
# has no headless mode and runs on an Xvfb display (tests/drivers.py finds them).
system-deps: ## Install from Debian what the tests need, if missing: Chromium, WebKitGTK, Xvfb, Japanese and emoji fonts, Node.js, Java, cairo
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing=" chromium"; \
	[ -x "$${WEBKIT_DRIVER:-$$(command -v WebKitWebDriver)}" ] && \
	  { [ -x "$$MINIBROWSER" ] || compgen -G "$(MINIBROWSER_GLOB)" >/dev/null || compgen -G "$(MINIBROWSER_MULTIARCH_GLOB)" >/dev/null; } \
	  || missing="$$missing webkit2gtk-driver"; \
	command -v Xvfb >/dev/null || missing="$$missing xvfb"; \
	PATH="$$PATH:/sbin" ldconfig -p 2>/dev/null | grep -q libcairo.so.2 || missing="$$missing libcairo2"; \
	[ -n "$$(fc-list :lang=ja 2>/dev/null)" ] || missing="$$missing fonts-noto-cjk"; \
	[ -n "$$(fc-list 'Noto Color Emoji' 2>/dev/null)" ] || missing="$$missing fonts-noto-color-emoji"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -z "$$missing" ]; then :; \
	elif command -v apt-get >/dev/null; then \
	  echo "Installing Debian's$$missing for the tests"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "The tests need$$missing: install them (or run make test CHROMIUM=/path/to/chromium)" >&2; \
	  exit 1; \
	fi

chromium: system-deps

# axe-core, the Nu Html Checker and Lighthouse, exactly as package-lock.json says.
# --ignore-scripts: vnu-jar's postinstall downloads a Java runtime from GitHub; Debian's is used instead.
$(NODE_DEPS): package.json package-lock.json | system-deps
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

test: $(SYNCED) $(NODE_DEPS) system-deps ## Run every test: build, bad input, real browser, axe, Nu Html Checker, CSP
	$(VENV)/bin/pytest

screenshots: $(SYNCED) chromium ## Screenshots of every page (phone/desktop, light/dark) into .cache/screenshots
	$(VENV)/bin/python tests/screenshots.py .cache/screenshots

# About ten minutes (BENCH_RUNS=1 make bench: a quick look); reports in .cache/bench/. Prints each
# run's benchmarkIndex and warns when the machine looks busy (then its figures are no evidence).
# Fails (exit 1) when a budget fails.
bench: $(SYNCED) $(NODE_DEPS) chromium ## Lighthouse on every page vs a plain Material build; prints budgets
	$(VENV)/bin/python bench/lighthouse.py

# A few minutes; fails (exit 1) when a budget fails or ours does not beat Material's default.
bench-search: $(SYNCED) chromium ## Our Japanese search vs Material's default on tests/search_queries.yml; costs
	$(VENV)/bin/python bench/search.py

# A few minutes; fails (exit 1) when ours misses a budget. REF=main (any git ref) adds that commit's
# build, from a temporary git worktree; RUNS=1 for a quick look (red-flag runs per page and delay).
# It prints Lighthouse's benchmarkIndex when node_modules has Lighthouse (make bench installs it).
bench-taps: $(SYNCED) chromium ## Phone taps at 4x CPU (red flags, search, palette) vs plain Material; budgets
	$(VENV)/bin/python bench/taps.py $(if $(RUNS),--runs $(RUNS)) $(if $(REF),--ref $(REF))

clean: ## Remove the built site and caches (keeps .venv and node_modules)
	rm -rf site .cache/screenshots .cache/bench .pytest_cache
