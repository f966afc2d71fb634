"""Corpus mode: many reports → one folder per report, one DuckDB database, what changed between them.

    discover.py  which PDFs (a folder read recursively, or a list file) and where each one's output goes
    task.py      the per-report task a worker runs (local process pool or a Dask worker)
    runner.py    schedules the tasks, shows progress, decides what a re-run must redo
    store.py     the DuckDB database (one transaction per report) and its Parquet export
    changes.py   cross-report reconciliation: what a later report of the same plan prints differently

Nothing here is imported in single-report mode; duckdb and dask only when corpus mode runs.
"""
