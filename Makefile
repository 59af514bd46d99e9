# The commands the README names. `make demo` and `make test` each work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test build lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

demo: setup            ## grade the bundled sample submissions end to end
	$(BIN)/autograder demo

test: setup            ## the whole test suite
	$(BIN)/pytest

build: setup           ## regenerate release/ and solutions/ from source/
	$(BIN)/autograder build

lint: setup
	$(BIN)/autograder lint

bench: setup           ## time one batch: nbgrader autograde, autograder autograde, and the bare student code
	$(BIN)/python scripts/bench.py

clean:
	rm -rf demo build .pytest_cache
