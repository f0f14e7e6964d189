# Kedai — the two commands of the Quick start are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

# Lock files (pip-compile, with hashes): exactly what CI tested. run.txt is
# what runs the shop, with every optional backend (PostgreSQL, Redis,
# Stripe) so that any DATABASE_URL or CACHE_URL works; dev.txt adds the
# test and lint tools. `make lock` rebuilds both after a change to
# pyproject.toml.
LOCK_RUN := requirements/run.txt
LOCK_DEV := requirements/dev.txt
PIP      := $(BIN)/python -m pip install --disable-pip-version-check
EXTRAS   := --extra postgres --extra redis --extra stripe
COMPILE  := pip-compile --generate-hashes --strip-extras --no-emit-index-url \
            --no-emit-find-links --allow-unsafe

.PHONY: run test lint lock bench bench-dataio scale-test clean axe messages translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-installs only when a lock file changes, so a second `make run` starts
# at once.
$(BIN)/.installed-run: $(LOCK_RUN) | $(BIN)/python
	$(PIP) --require-hashes -r $(LOCK_RUN)
	$(PIP) --no-deps -e .
	touch $@

$(BIN)/.installed: $(LOCK_DEV) | $(BIN)/python
	$(PIP) --quiet --require-hashes -r $(LOCK_DEV)
	$(PIP) --quiet --no-deps -e .
	touch $@

# Migrate, load the demo shop once, print the back-office login, start web + worker.
run: $(BIN)/.installed-run translations
	$(BIN)/python manage.py rundemo

test: $(BIN)/.installed translations axe
	$(BIN)/python -m pytest

# axe-core for the accessibility tests: `npm pack` of a pinned version into
# var/cache/npm, integrity checked (tests/axe.py); never committed.
axe:
	-$(PYTHON) tests/axe.py

# The .mo files Django reads, compiled from the committed .po files with
# Babel (no GNU gettext needed); never committed. docs/translating.md.
translations: | $(BIN)/python
	$(BIN)/python -c "from kedai.core.translations import messages_compile as c; c()"

# Every new or changed string of the code and templates into the .po
# files, to be translated there (then `make translations`).
messages: $(BIN)/.installed
	$(BIN)/python manage.py messages update

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy kedai

bench: $(BIN)/.installed
	$(BIN)/python bench/storefront.py

bench-dataio: $(BIN)/.installed
	$(BIN)/python bench/dataio.py

lock:
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet pip-tools==7.6.2
	PATH="$(VENV)-lock/bin:$$PATH" $(COMPILE) $(EXTRAS) -o $(LOCK_RUN) pyproject.toml
	PATH="$(VENV)-lock/bin:$$PATH" $(COMPILE) $(EXTRAS) --extra dev -o $(LOCK_DEV) pyproject.toml

# PostgreSQL + Redis, nginx over 3 gunicorn servers, 2 workers, the scheduler
# and 100 scripted shoppers (docs/deploy.md); cleans up after itself.
scale-test: $(BIN)/.installed
	$(BIN)/python bench/scale/scale_test.py

clean:
	rm -rf $(VENV) var
