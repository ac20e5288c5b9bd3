# The two commands a newcomer needs: `make run` and `make test`. Both set up what they need.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: env run test lint bench clean i18n package

env:
	@bash packaging/bootstrap.sh

run: env
	$(BIN)/hrd-field demo

lint: env
	$(BIN)/ruff check hrd_field tests bench packaging
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -n auto --dist worksteal

# The desktop build: one folder under dist/, a versioned archive, the frozen self-test.
package: env
	$(BIN)/python packaging/build.py

bench: env
	$(BIN)/python bench/vault.py

clean:
	rm -rf $(VENV) build dist *.egg-info

# Translations: extract visible strings into the template, then merge into every catalog.
i18n: env
	$(BIN)/pybabel extract -F i18n/babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location \
	  --sort-output --project "HRD Field" --version 0.1.0 \
	  --msgid-bugs-address "i18n@hrd-field.invalid" -c "TRANSLATORS:" \
	  -o i18n/hrd_field.pot .
	$(BIN)/pybabel update -i i18n/hrd_field.pot -d i18n -D hrd_field --no-fuzzy-matching \
	  --ignore-obsolete
