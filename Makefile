# Two entry points (see README):  make run   |   make test
# Both create a local virtual environment in .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test lint bench bench-scale mutation clean

run: $(VENV)/.installed
	$(BIN)/kg build

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

# the quick benchmarks (a few minutes); bench-scale below is the long one
bench: $(VENV)/.installed-test
	$(BIN)/python bench/bench_build.py
	$(BIN)/python bench/bench_queries.py
	$(BIN)/python bench/bench_map.py

# 10k, 100k and 1M triples (about 20 minutes); e.g. make bench-scale SIZES=10k,100k
SIZES ?= 10k,100k,1M
bench-scale: $(VENV)/.installed-test
	$(BIN)/python bench/bench_scale.py --sizes $(SIZES)

# mutation testing of the modules that carry the README's promises (not in CI: about an hour and
# a half on 2 cores); first re-applies issue #17's known bugs, then mutmut group by group
# (tests/mutation/selection.toml); the report goes to outputs/mutation/report.md.
# e.g. make mutation GROUPS="push maps" to run some groups only
GROUPS ?=
mutation: $(VENV)/.installed-mutation
	$(BIN)/python tests/mutation/known_bugs.py
	$(BIN)/python tests/mutation/run.py $(GROUPS)

$(VENV)/bin/pip:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

$(VENV)/.installed-mutation: pyproject.toml | $(VENV)/bin/pip
	$(BIN)/pip install --quiet -e '.[test,mutation]'
	touch $(VENV)/.installed $(VENV)/.installed-test $@

clean:
	rm -rf $(VENV) outputs/* mutants
