# Kedai — the two commands of the Quick start are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

.PHONY: run test lint bench bench-dataio clean
.PHONY: scale-test

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

# Migrate, load the demo shop once, print the back-office login, start web + worker.
run: $(BIN)/.installed
	$(BIN)/python manage.py rundemo

test: $(BIN)/.installed
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy kedai

bench: $(BIN)/.installed
	$(BIN)/python bench/storefront.py

bench-dataio: $(BIN)/.installed
	$(BIN)/python bench/dataio.py

# PostgreSQL + Redis, nginx over 3 gunicorn servers, 2 workers, the scheduler
# and 100 scripted shoppers (docs/deploy.md); cleans up after itself.
scale-test: $(BIN)/.installed
	$(BIN)/python bench/scale/scale_test.py

clean:
	rm -rf $(VENV) var
