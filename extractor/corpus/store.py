"""OUT/reports.duckdb: every report of the corpus, one transaction per report.

Only the main process writes. A report's lines in every table are replaced together in one
transaction, so a run killed at any moment leaves each report either complete or absent; the
next run extracts what is absent. Tables (documented in CONTRACT.md):

    files     one line per PDF path (aliases: several paths, one report)
    reports   one line per distinct PDF (sha256)
    rows      one line per matrix row
    cells     one line per row and printed column, the number parsed next to the text
    summary   one line per printed count of the summary table
    findings  what validation and reconciliation flagged
    changes   what a later report of the same plan prints differently (changes.py)
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from extractor.corpus.changes import Identity
from extractor.model import ROW_KEYS, Report

DATABASE_NAME = "reports.duckdb"

SCHEMA: dict[str, str] = {
    "files": """path VARCHAR PRIMARY KEY, report_sha256 VARCHAR NOT NULL, out_dir VARCHAR,
        status VARCHAR NOT NULL, reason VARCHAR, settings VARCHAR""",
    "reports": """report_sha256 VARCHAR PRIMARY KEY, family VARCHAR, pages INTEGER, ocr_pages VARCHAR,
        report_year INTEGER, group_key VARCHAR, years VARCHAR, progress_years VARCHAR, row_columns VARCHAR,
        metadata VARCHAR, n_rows INTEGER, n_errors INTEGER, n_warnings INTEGER, n_info INTEGER,
        settings VARCHAR""",
    "rows": """report_sha256 VARCHAR, row_index INTEGER, code VARCHAR, level VARCHAR, parent VARCHAR,
        name VARCHAR, page INTEGER, repairs VARCHAR, assumptions VARCHAR, fields VARCHAR""",
    "cells": """report_sha256 VARCHAR, row_index INTEGER, code VARCHAR, "column" VARCHAR, printed VARCHAR,
        value DOUBLE, unit VARCHAR""",
    "summary": """report_sha256 VARCHAR, line INTEGER, "group" VARCHAR, "column" VARCHAR, printed VARCHAR,
        value DOUBLE, page INTEGER""",
    "findings": """report_sha256 VARCHAR, finding_index INTEGER, rule VARCHAR, severity VARCHAR,
        code VARCHAR, field VARCHAR, printed VARCHAR, recomputed VARCHAR, message VARCHAR, page INTEGER""",
    "changes": """group_key VARCHAR, rule VARCHAR, code VARCHAR, level VARCHAR, field VARCHAR,
        from_sha256 VARCHAR, from_path VARCHAR, from_year INTEGER, from_page INTEGER, from_value VARCHAR,
        to_sha256 VARCHAR, to_path VARCHAR, to_year INTEGER, to_page INTEGER, to_value VARCHAR,
        message VARCHAR""",
}
REPORT_TABLES = ("reports", "rows", "cells", "summary", "findings")
EXPORT_ORDER = {
    "files": "path",
    "reports": "report_sha256",
    "rows": "report_sha256, row_index",
    "cells": 'report_sha256, row_index, "column"',
    "summary": 'report_sha256, line, "column"',
    "findings": "report_sha256, finding_index",
    "changes": "group_key, from_year, to_year, code, rule, field",
}


class StoreError(Exception):
    """The database cannot be opened (another run holds it, or it is damaged)."""


@dataclass(frozen=True, slots=True)
class FileRecord:
    path: str
    sha256: str
    out_dir: str
    status: str  # ok | failed
    reason: str
    settings: str


class Store:
    def __init__(self, path: Path) -> None:
        import duckdb

        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(path))
        except duckdb.Error as exc:
            reason = str(exc).splitlines()[0]
            holder = re.search(r"lock is held in .*?\(PID (\d+)\)", reason)
            if holder:
                reason = f"another run (process {holder.group(1)}) is writing to this output folder"
            raise StoreError(f"{path}: cannot open the database ({reason})") from None
        for table, columns in SCHEMA.items():
            self.con.execute(f'CREATE TABLE IF NOT EXISTS "{table}" ({columns})')

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- reading --------------------------------------------------------------------------

    def files(self) -> dict[str, FileRecord]:
        lines = self.con.execute(
            "SELECT path, report_sha256, out_dir, status, coalesce(reason, ''), coalesce(settings, '') FROM files"
        ).fetchall()
        return {line[0]: FileRecord(*line) for line in lines}

    def report_settings(self) -> dict[str, str]:
        return dict(self.con.execute("SELECT report_sha256, settings FROM reports").fetchall())

    def severity_counts(self) -> dict[str, tuple[int, int]]:
        """(errors, warnings) of every stored report."""
        lines = self.con.execute("SELECT report_sha256, n_errors, n_warnings FROM reports").fetchall()
        return {sha: (errors, warnings) for sha, errors, warnings in lines}

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, list(params)).fetchall()

    # ---- writing: one transaction each --------------------------------------------------------

    def save_report(self, report: Report, files: Sequence[tuple[str, str]], settings: str, identity: Identity) -> None:
        """Store a report and the paths (rel, out_dir) that hold it, replacing any earlier copy."""
        sha = report.source.sha256
        with self._transaction():
            for table in REPORT_TABLES:
                self.con.execute(f'DELETE FROM "{table}" WHERE report_sha256 = ?', [sha])
            self._insert("reports", [_report_line(report, settings, identity)])
            self._insert("rows", _row_lines(report))
            self._insert("cells", _cell_lines(report))
            self._insert("summary", _summary_lines(report))
            self._insert("findings", _finding_lines(report))
            self._put_files(sha, files, "ok", "", settings)

    def save_failure(self, sha: str, files: Sequence[tuple[str, str]], reason: str, settings: str) -> None:
        with self._transaction():
            self._put_files(sha, files, "failed", reason, settings)

    def add_aliases(self, sha: str, files: Sequence[tuple[str, str]], settings: str) -> None:
        with self._transaction():
            self._put_files(sha, files, "ok", "", settings)

    def forget_files(self, paths: Iterable[str]) -> None:
        with self._transaction():
            for path in paths:
                self.con.execute("DELETE FROM files WHERE path = ?", [path])

    def drop_unreferenced_reports(self) -> int:
        """Reports no current file holds (removed, or replaced by another file) leave every table."""
        orphans = [
            sha
            for (sha,) in self.con.execute(
                "SELECT report_sha256 FROM reports WHERE report_sha256 NOT IN "
                "(SELECT report_sha256 FROM files WHERE status = 'ok')"
            ).fetchall()
        ]
        with self._transaction():
            for sha in orphans:
                for table in REPORT_TABLES:
                    self.con.execute(f'DELETE FROM "{table}" WHERE report_sha256 = ?', [sha])
        return len(orphans)

    def replace_changes(self, records: list[dict[str, Any]]) -> None:
        with self._transaction():
            self.con.execute("DELETE FROM changes")
            self._insert("changes", records)

    def export_parquet(self, folder: Path) -> list[Path]:
        """OUT/<table>.parquet for every table, each written beside and renamed into place."""
        written = []
        for table, order in EXPORT_ORDER.items():
            final = folder / f"{table}.parquet"
            tmp = folder / f".{table}.parquet.{os.getpid()}.tmp"
            query = f'SELECT * FROM "{table}" ORDER BY {order}'
            self.con.execute(f"COPY ({query}) TO '{_sql_path(tmp)}' (FORMAT parquet)")
            os.replace(tmp, final)
            written.append(final)
        return written

    # ---- helpers --------------------------------------------------------------------------

    def _put_files(self, sha: str, files: Sequence[tuple[str, str]], status: str, reason: str, settings: str) -> None:
        for rel, _ in files:
            self.con.execute("DELETE FROM files WHERE path = ?", [rel])
        self._insert(
            "files",
            [
                {"path": rel, "report_sha256": sha, "out_dir": out_dir, "status": status, "reason": reason,
                 "settings": settings}
                for rel, out_dir in files
            ],
        )

    def _insert(self, table: str, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        import pyarrow as pa

        names = list(records[0])
        arrow = pa.table({n: [r[n] for r in records] for n in names})
        self.con.register("_incoming", arrow)
        try:
            quoted = ", ".join(f'"{n}"' for n in names)
            self.con.execute(f'INSERT INTO "{table}" ({quoted}) SELECT {quoted} FROM _incoming')
        finally:
            self.con.unregister("_incoming")

    def _transaction(self) -> _Transaction:
        return _Transaction(self.con)


class _Transaction:
    def __init__(self, con: Any) -> None:
        self.con = con

    def __enter__(self) -> None:
        self.con.execute("BEGIN TRANSACTION")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.con.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _report_line(report: Report, settings: str, identity: Identity) -> dict[str, Any]:
    severities = [f.severity for f in report.findings]
    return {
        "report_sha256": report.source.sha256,
        "family": report.family,
        "pages": report.source.pages,
        "ocr_pages": ",".join(map(str, report.source.ocr_pages)),
        "report_year": identity.report_year,
        "group_key": identity.group_key,
        "years": ",".join(map(str, report.years)),
        "progress_years": ",".join(map(str, report.progress_years)),
        "row_columns": ",".join(report.columns),
        "metadata": json.dumps(report.metadata, ensure_ascii=False, sort_keys=True),
        "n_rows": len(report.rows),
        "n_errors": severities.count("error"),
        "n_warnings": severities.count("warning"),
        "n_info": severities.count("info"),
        "settings": settings,
    }


def _row_lines(report: Report) -> list[dict[str, Any]]:
    sha = report.source.sha256
    return [
        {
            "report_sha256": sha,
            "row_index": i,
            "code": row.code,
            "level": row.level,
            "parent": row.parent,
            "name": row.fields.get("name", ""),
            "page": row.page,
            "repairs": ";".join(row.repairs),
            "assumptions": ";".join(row.assumptions),
            "fields": json.dumps({c: row.fields.get(c, "") for c in _cell_columns(report)}, ensure_ascii=False),
        }
        for i, row in enumerate(report.rows)
    ]


def _cell_columns(report: Report) -> list[str]:
    return [c for c in report.columns if c not in ROW_KEYS]


def _cell_lines(report: Report) -> list[dict[str, Any]]:
    from extractor.export import VALUE_PREFIXES
    from extractor.values import parse_value

    sha, lines = report.source.sha256, []
    for i, row in enumerate(report.rows):
        for column in _cell_columns(report):
            printed = row.fields.get(column, "")
            parsed = parse_value(printed) if column.startswith(VALUE_PREFIXES) else None
            lines.append(
                {
                    "report_sha256": sha,
                    "row_index": i,
                    "code": row.code,
                    "column": column,
                    "printed": printed,
                    "value": parsed.value if parsed else None,
                    "unit": parsed.unit if parsed else "",
                }
            )
    return lines


def summary_cells(line: object) -> list[tuple[str, str]]:
    """(column, printed) of one summary line, whatever columns the family's summary table has."""
    cells: list[tuple[str, str]] = []
    for key, value in asdict(line).items():  # type: ignore[call-overload]
        if key in ("group", "page"):
            continue
        if isinstance(value, dict):
            cells += [(str(k), str(v)) for k, v in value.items()]
        else:
            cells.append((key, str(value)))
    return cells


def _summary_lines(report: Report) -> list[dict[str, Any]]:
    from extractor.values import parse_value

    return [
        {
            "report_sha256": report.source.sha256,
            "line": i,
            "group": line.group,
            "column": column,
            "printed": printed,
            "value": parse_value(printed).value,
            "page": line.page,
        }
        for i, line in enumerate(report.summary)
        for column, printed in summary_cells(line)
    ]


def _finding_lines(report: Report) -> list[dict[str, Any]]:
    return [
        {"report_sha256": report.source.sha256, "finding_index": i, **asdict(f)}
        for i, f in enumerate(report.findings)
    ]
