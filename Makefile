# `make demo` and `make test` are the two commands of the README: each sets everything up first.
.PHONY: setup demo test lint bench samples scanned

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/extract samples/trata-2024.pdf --out trata-2024.extracted; test $$? -le 1
	@echo "→ output in ./trata-2024.extracted/ (rows.csv, summary.csv, findings.csv, report.json)"

test: setup
	.venv/bin/python -m pytest -n 2 -q tests

lint: setup
	.venv/bin/ruff check extractor scripts tests

bench: setup
	.venv/bin/python -m pip install -q -e ".[bench]"  # camelot, compared but not used at run time
	.venv/bin/python scripts/bench.py

# the generator is the package scripts/samplegen/; its data (policy specs) is in scripts/samplegen/data/
samples: setup
	.venv/bin/python scripts/make_samples.py

scanned: setup
	.venv/bin/python scripts/make_samples.py --scanned
