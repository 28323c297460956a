# Two entry points (see README):  make run   |   make test
# Both create a local virtual environment in .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test lint bench bench-scale screenshots docs mutation clean

run: $(VENV)/.installed
	$(BIN)/kg build

test: lint
	$(BIN)/pytest

# style, format and types: ruff and mypy --strict on kg/ (settings in pyproject.toml)
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# the quick benchmarks (a few minutes); bench-scale below is the long one
bench: $(VENV)/.installed-test
	$(BIN)/python bench/bench_build.py
	$(BIN)/python bench/bench_queries.py
	$(BIN)/python bench/bench_map.py

# 10k, 100k and 1M triples (about 6 minutes on 2 cores); e.g. make bench-scale SIZES=10k,100k
SIZES ?= 10k,100k,1M
bench-scale: $(VENV)/.installed-test
	$(BIN)/python bench/bench_scale.py --sizes $(SIZES)

# the README's screenshots of the maps (docs/map.png, docs/map-talent.png, docs/screenshots.json),
# taken in the system Chromium from the current data; a test fails when they are out of date
screenshots: $(VENV)/.installed-test
	$(BIN)/kg map --out outputs --docs docs

# mutation testing of the modules that carry the README's promises (not in CI: about half an
# hour on 2 cores); first re-applies issue #17's known bugs, then mutmut group by group
# (tests/mutation/selection.toml); the report goes to outputs/mutation/report.md.
# e.g. make mutation GROUPS="push maps" to run some groups only
GROUPS ?=
mutation: $(VENV)/.installed-mutation
	$(BIN)/python tests/mutation/known_bugs.py
	$(BIN)/python tests/mutation/run.py $(GROUPS)

$(VENV)/bin/pip:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# the pdf extra (WeasyPrint) lets `kg build` write the brief as PDF; without the Pango library
# it is skipped with a note saying how to get it, and everything else is still written
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/pip
	$(BIN)/pip install --quiet -e '.[pdf]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

# the README's images: the maps (as `make screenshots`) and the brief's first page (needs
# Chromium, like the browser tests)
docs: screenshots
	$(BIN)/kg build
	$(BIN)/python -c "from kg.brief import screenshot_first_page as s; \
	s('outputs/brief/brief.en.html', 'docs/brief.png')"

$(VENV)/.installed-mutation: pyproject.toml | $(VENV)/bin/pip
	$(BIN)/pip install --quiet -e '.[test,mutation]'
	touch $(VENV)/.installed $(VENV)/.installed-test $@

clean:
	rm -rf $(VENV) outputs/* mutants
