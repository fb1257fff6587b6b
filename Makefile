# Quick start: `make demo` (install + screen the bundled samples), `make test` (install + all checks).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= $(abspath ../shared/data)

.PHONY: install demo test lint typecheck unit bench clean browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	@mkdir -p demo_output
	$(BIN)/compliance screen sample_shipments/weekly_batch.csv --out demo_output/weekly_batch_results.csv --top 15
	$(BIN)/compliance screen sample_shipments/customer_erp_export.csv --mapping sample_shipments/customer_erp_mapping.yaml \
		--out demo_output/customer_erp_results.jsonl --top 10
	$(BIN)/compliance screen sample_shipments/cyrillic_cp1251.csv --out demo_output/cyrillic_results.csv --top 10
	$(BIN)/compliance report demo_output/weekly_batch_results.csv --html demo_output/weekly_report.html \
		--xlsx demo_output/weekly_report.xlsx --title "Weekly batch: compliance screening"
	@echo "Results written to demo_output/"

lint: install
	$(BIN)/ruff check compliance tests bench sample_shipments
	$(BIN)/mypy compliance

# The HTML report tests drive Debian's chromium (root in CI; sudo elsewhere). Without it they skip
# on a laptop and fail under CI.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null 2>&1 || ( $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver ) || \
		echo "chromium could not be installed: the browser tests will skip (or fail under CI)"

unit: install browser
	COMPLIANCE_SHARED_DATA=$${COMPLIANCE_SHARED_DATA:-$(SHARED)} $(BIN)/python -m pytest -n 2 -q

test: lint unit

bench: install
	COMPLIANCE_SHARED_DATA=$${COMPLIANCE_SHARED_DATA:-$(SHARED)} $(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) demo_output .pytest_cache .mypy_cache .ruff_cache
