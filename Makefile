# The two commands of the README: `make demo` and `make test`. Both install what is missing first.
SHELL := /bin/bash
PY := .venv/bin/python
export QT_QPA_PLATFORM := offscreen
export PYTHONPATH := $(CURDIR)

.PHONY: setup demo test lint unit qgis cli bench validate package sample clean

setup:
	@bash scripts/setup.sh

demo: setup
	@bash scripts/demo.sh

# The last step fails when a user-visible string bypasses tr() or lacks its Japanese translation.
lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	$(PY) scripts/update_translations.py --check

# Unit tests run with QGIS and Qt made unimportable (tests/unit/conftest.py), which proves the
# core is pure; QGIS and command-line tests run in their own processes.
# The OpenQuake engine (its own venv, out/oq-venv) is the peer of tests/unit/test_bench_openquake_groundmotion.py.
unit: setup
	bash benchmarks/setup_openquake.sh
	SUGINAMI_REQUIRE_OPENQUAKE=1 $(PY) -m pytest tests/unit -q -p no:cacheprovider -p no:pytest_qgis

qgis: setup
	$(PY) -m pytest tests/qgis -q -p no:cacheprovider

cli: setup
	$(PY) -m pytest tests/cli -q -p no:cacheprovider

test: setup
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory qgis
	$(MAKE) --no-print-directory cli

# SUGINAMI_BENCH_23WARDS=1 make bench adds the 1.8 million-building run (over 10 minutes; docs/performance.md).
bench: setup
	-bash benchmarks/setup_openquake.sh  # the damage and ground-motion peers; on failure their columns stay empty
	$(PY) benchmarks/run_all.py

# The model on the real Suginami footprints beside the ward's own study (not part of make test):
# writes docs/validation.md and out/validation/suginami.json from ../shared/data/real.
validate: setup
	$(PY) scripts/validate_suginami.py

package: setup
	bash scripts/package.sh

# Regenerate the committed sample ward (same seed, same bytes).
sample: setup
	$(PY) -m suginami_gis.core.sample_ward

clean:
	rm -rf out build dist .pytest_cache .mypy_cache .ruff_cache
