# Concord — the two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test lint migrate seed worker beat e2e-deps clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install  ## start Concord with demo data on the embedded defaults (SQLite, in-process tasks)
	mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo --host $(HOST) --port $(PORT)
	@echo "Concord is starting at http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: install-test  ## run the whole test suite (SQLite unless DATABASE_URL is set)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports  # the app layers declared in pyproject.toml [tool.importlinter]
	$(PY) -m pytest

lint: install-test  ## ruff, and the import contracts between apps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

worker: install
	$(VENV)/bin/celery -A pmo_site worker --loglevel=info

beat: install
	$(VENV)/bin/celery -A pmo_site beat --loglevel=info

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
