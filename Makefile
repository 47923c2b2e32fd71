# magcalc: `make demo` and `make test` are all a fresh clone needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck unit notebooks docs bench data check-data clean spark

# Create .venv when missing and (re)install whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

# A real assessment on the bundled data: three days of food and a daily supplement.
DEMO_PERSON := --age 34 --sex female

demo: $(STAMP)
	$(BIN)/python scripts/demo.py
	@echo
	@echo "$$ magcalc assess --diary examples/diary.csv $(DEMO_PERSON)"
	@$(BIN)/magcalc assess --diary examples/diary.csv $(DEMO_PERSON)

# `docs` executes the notebooks (a failing cell fails it), so `notebooks` is not run twice.
test: lint typecheck unit docs

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks examples docs/conf.py docs/_ext
	$(BIN)/ruff format --check src tests scripts benchmarks examples docs/conf.py docs/_ext

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest

notebooks: $(STAMP)
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then \
		$(BIN)/python -m pytest --nbmake -p no:randomly notebooks; \
	else echo "no notebooks yet"; fi

# The docs site in docs/_build/html, built offline with warnings as errors and from scratch
# (-E: a saved environment would skip notebooks whose source did not change); the gallery
# notebooks are executed on every build. No FDC key, so notebook 03 stays offline.
DOCS_OUT := docs/_build

docs: $(STAMP)
	rm -rf docs/api/generated  # autosummary rewrites it; a stale page would hide a gap
	env -u FDC_API_KEY $(BIN)/python -m sphinx -b html -E -W --keep-going -q \
		-d $(DOCS_OUT)/doctrees docs $(DOCS_OUT)/html
	@if grep -rlE '<(script|link|img|iframe)[^>]*(src|href)="(https?:)?//' \
		--include='*.html' $(DOCS_OUT)/html; then \
		echo "docs: the pages above load something from the web; the site must work offline"; \
		exit 1; \
	fi
	@echo "docs: open $(DOCS_OUT)/html/index.html"

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Spark is not in the dev extra (it is large and slow to start): this installs the spark
# extra into .venv and runs the Spark tests on local[2] (they need Java 17+).
spark: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[spark]"
	$(BIN)/python -m pytest tests/batch/test_spark.py

# Rebuild src/magcalc/data/{foods,portions}.csv, the index and the registry from ../shared/usda
# and ../shared/fndds (the committed files are the reviewable copy).
data: $(STAMP)
	$(BIN)/python scripts/build_foods.py

check-data: $(STAMP)
	$(BIN)/python scripts/build_foods.py --check

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
	rm -rf $(DOCS_OUT) docs/api/generated
