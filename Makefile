# giaithuong: the two commands are `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
GT := $(BIN)/giaithuong
EDITION := src/giaithuong/editions/data/ttdn-xii-2026.toml
HOST ?= 127.0.0.1
PORT ?= 8000
BENCH ?=
PYTEST_ARGS ?=

.PHONY: run test e2e bench lint setup dev-setup messages clean

# Installed once per change of pyproject.toml; stamp files keep re-runs quick.
$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# Browser libraries (htmx) from npm, exactly as package-lock.json pins them; served as static
# files from node_modules (STATICFILES_DIRS in settings.py), never copied into the repository.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

setup: $(VENV)/.installed node_modules/.installed
	$(GT) compile_translations
	$(GT) migrate --noinput
	$(GT) load_edition $(EDITION)
	$(GT) load_demo

dev-setup: $(VENV)/.installed-dev node_modules/.installed
	$(GT) compile_translations

# The site and, beside it, the background worker (mail, duplicate checks, large files); both stop
# together.
run: setup
	@echo "giaithuong: http://$(HOST):$(PORT)/  (English: http://$(HOST):$(PORT)/en/)"
	@$(GT) db_worker --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(GT) runserver $(HOST):$(PORT)

test: dev-setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest -m "not e2e" $(PYTEST_ARGS)

# Browser tests: needs Debian's Chromium at /usr/bin/chromium (.ci/run installs it).
e2e: dev-setup
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

bench: dev-setup
	$(BIN)/python bench/run.py $(BENCH)

lint: dev-setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests bench || true
	$(BIN)/lint-imports

# Developers: refresh the catalogues after changing text (needs GNU gettext's xgettext).
messages: dev-setup
	cd src/giaithuong && ../../$(GT) makemessages -l vi -l en --no-obsolete --add-location file
	$(GT) compile_translations

clean:
	rm -rf $(VENV) var node_modules
