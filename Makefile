# Kedai — the two commands of the Quick start are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

.PHONY: run test lint bench bench-dataio clean

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
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy kedai

bench: $(BIN)/.installed
	$(BIN)/python bench/storefront.py

bench-dataio: $(BIN)/.installed
	$(BIN)/python bench/dataio.py

clean:
	rm -rf $(VENV) var
