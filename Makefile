# magcalc: `make demo` and `make test` are all a fresh clone needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck unit notebooks bench data check-data clean

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

test: lint typecheck unit notebooks

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest

notebooks: $(STAMP)
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then \
		$(BIN)/python -m pytest --nbmake -p no:randomly notebooks; \
	else echo "no notebooks yet"; fi

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Rebuild data/*.csv from ../shared/usda (the committed files are the reviewable copy).
data: $(STAMP)
	$(BIN)/python scripts/build_foods.py

check-data: $(STAMP)
	$(BIN)/python scripts/build_foods.py --check

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis
