# The two commands of the README: `make demo` and `make test`.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench

$(BIN)/lexflow: pyproject.toml
	python3 -m venv $(VENV)
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
