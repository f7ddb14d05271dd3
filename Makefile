# overdue — the two set-up commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: demo test lint unit system-deps demo-deps clean stop

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

## Install into .venv, run the main job on the embedded defaults, print where the outputs are,
## then start the web service in the background and print the URL of the borrower's page.
demo: $(STAMP) demo-deps
	$(BIN)/overdue demo --out out/demo
	bash scripts/serve-background.sh

## Stop the web service that make demo started.
stop:
	-test -f out/serve.pid && kill $$(cat out/serve.pid) && rm -f out/serve.pid

## Install what the tests need (Python and Debian packages), then lint, type-check and run every test.
test: $(STAMP) system-deps lint
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -n 2 tests

system-deps:
	bash scripts/system-deps.sh

## The Debian packages the demo itself uses (the Chinese font of its PDFs).
demo-deps:
	bash scripts/system-deps.sh --demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	bash scripts/no-float-check.sh

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
