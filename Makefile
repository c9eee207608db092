# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test docs clean loadtest fuzz soak bench

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python bot.py

test: $(STAMP)
	$(BIN)/python -m pytest

loadtest: $(STAMP)
	$(BIN)/python tools/loadtest.py

fuzz: $(STAMP)
	$(BIN)/python tools/fuzz.py --min-inputs 10000
	$(BIN)/python tools/fuzz.py --min-inputs 10000 --database postgres

soak: $(STAMP)
	$(BIN)/python tools/soak.py

# Benchmarks against the baselines in bench/, written to docs/benchmarks.md (about 15
# minutes at the default sizes; BENCH="--quick" or e.g. BENCH="--fanout 2000").
bench: $(STAMP)
	$(BIN)/python tools/bench.py $(BENCH)

docs: $(STAMP)
	$(BIN)/python tools/readme_diagram.py

clean:
	rm -rf $(VENV) .pytest_cache
