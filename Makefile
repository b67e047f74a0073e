# Two commands: `make run` (dashboard on the bundled sample) and `make test` (every check).
# Both create .venv and install what they need the first time.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data/sample
PORT ?= 8501

.PHONY: run serve-multi nginx test lint format sample clean chromium postgresql

# The pinned requirements are installed by uv (from PyPI, into the venv): the same packages as
# pip, byte-compiled as pip does, in ±10 s instead of ±30 s on a fresh clone. Where uv cannot
# be installed or fails, pip installs them.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q uv || $(BIN)/python -m pip install -q --upgrade pip

install = { [ -x $(BIN)/uv ] && $(BIN)/uv pip install -q --compile-bytecode \
	--python $(BIN)/python -r $(1); } || $(BIN)/python -m pip install -q -r $(1)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(call install,requirements.txt)
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(call install,requirements-dev.txt)
	touch $@

# The briefing (PDF) button prints with Debian's chromium: checked first, before the venv.
run: chromium $(VENV)/.runtime
	KESIAPAN_DATA=$(DATA) $(BIN)/python -m kesiapan.ui.serve --server.port $(PORT) \
		--browser.gatherUsageStats false

# An office at once: WORKERS app processes (default: one per core) behind nginx on PORT, sticky
# sessions by cookie (deploy/nginx.conf.template). Ctrl-C stops them all.
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
serve-multi: $(VENV)/.runtime nginx
	KESIAPAN_DATA=$(DATA) $(BIN)/python -m kesiapan serve --workers $(WORKERS) --port $(PORT)

# Debian's nginx for serve-multi: installed when missing and the user may (root), else a stop
# with the one command to run.
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
		if [ "$$(id -u)" = 0 ]; then \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
		else echo "nginx belum terpasang: jalankan 'sudo apt-get install nginx'"; exit 1; fi; }

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint --processes 0 queries  # one process per core

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/sqlfluff fix queries

# The browser tests and the briefing need Debian's chromium (at /usr/bin/chromium, where the tests
# look): installed when missing and the user may (root), else a stop with the one command to run.
chromium:
	@[ -x /usr/bin/chromium ] || { \
		if [ "$$(id -u)" = 0 ]; then \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "Chromium belum terpasang: jalankan 'sudo apt-get install chromium'"; exit 1; fi; }

# The attendance journal's PostgreSQL tests start their own server from Debian's postgresql
# package (initdb, pg_ctl in a temporary folder): installed when missing, without the default
# cluster Debian would otherwise create and start.
postgresql:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			mkdir -p /etc/postgresql-common && \
			echo "create_main_cluster = false" >> /etc/postgresql-common/createcluster.conf && \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
		else echo "PostgreSQL belum terpasang: jalankan 'sudo apt-get install postgresql'"; exit 1; fi; }

# What pip cannot install is checked first, so a machine without it stops at once (or, as root,
# gets it) instead of after the venv. One pytest worker per core (-n auto); the 20 slowest are
# listed at the end, so a test that grew is seen (tests/conftest.py hands the long ones out first).
# GAMBAR=1: the browser tests also save pictures of the pages for review in test-results/
# (tests/conftest.py, review_picture; ±1 s of Chromium CPU each, so not by default).
test: chromium nginx postgresql lint
	$(if $(GAMBAR),KESIAPAN_UJI_GAMBAR=1 )$(BIN)/python -m pytest -n auto --durations=20

# Rewrite the bundled sample from the reference areas (byte-identical unless the generator changed).
sample: $(VENV)/.runtime
	$(BIN)/python -m kesiapan sample --out data/sample --scale sampang

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-results
