# The two commands of the README: `make demo` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
# Debian's python3 (optimised when built, libpython linked in): lexflow's requests take about
# 17% less CPU on it than on a CPython built from source with the defaults (a shared
# libpython, no profile-guided optimisation), as pyenv builds it (bench/web.py, runs
# alternated). Another interpreter: make demo PYTHON=python3.11
PYTHON ?= /usr/bin/python3

.PHONY: demo test bench

$(BIN)/lexflow: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Set up SQLite with the demo organisation and demo cases (instance/lexflow.db).
demo: $(BIN)/lexflow
	$(BIN)/lexflow init
	$(BIN)/lexflow demo
	@echo
	@echo "Klart. Starta webben: $(BIN)/lexflow serve  och öppna http://127.0.0.1:5000/ (logga in som erik, lösenord demo1234)"

# Runs on SQLite; set LEXFLOW_TEST_DATABASE_URL to run the same tests on PostgreSQL.
test: $(BIN)/lexflow
	$(BIN)/pytest

bench: $(BIN)/lexflow
	$(BIN)/python bench/engine.py
