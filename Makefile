# The two commands a newcomer needs: `make run` and `make test`. Both set up what they need.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: env run test lint bench clean

env:
	@bash packaging/bootstrap.sh

run: env
	$(BIN)/hrd-field demo

lint: env
	$(BIN)/ruff check hrd_field tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest

bench: env
	$(BIN)/python bench/vault.py

clean:
	rm -rf $(VENV) build dist *.egg-info
