"""Write a Report as the contract's files: rows.csv, summary.csv, findings.csv, report.json.

Everything is written into a temporary folder beside the destination and renamed into place
at the end, so an interrupted run never leaves a half-written result that looks complete.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from extractor.model import ROW_KEYS, Finding, Report, Row, SummaryRow
from extractor.values import parse_value

FORMATS = ("csv", "json", "xlsx", "parquet")
FINDING_COLUMNS = ["rule", "severity", "code", "field", "printed", "recomputed", "message", "page"]
VALUE_PREFIXES = ("baseline_value", "current_value", "expected_", "obtained_", "progress_")


def row_record(row: Row, columns: Sequence[str]) -> dict[str, str]:
    """A row as rows.csv prints it: every output column, text as printed."""
    base = {
        "code": row.code,
        "level": row.level,
        "parent": row.parent,
        "page": str(row.page),
        "repairs": ";".join(row.repairs),
    }
    return {c: base[c] if c in base else row.fields.get(c, "") for c in columns}


# The contract's summary.csv header (CONTRACT.md). A family without a printed summary table
# still writes it, with no lines, so a script reading any report's summary.csv finds its columns.
CONTRACT_SUMMARY_COUNTS = ("low_0_75", "mid_75_95", "high_95", "nd", "total")


def summary_columns(report: Report) -> list[str]:
    """summary.csv's columns: the group, then the family's count columns (or, for a report built
    without them, the columns its lines print; with none at all, the contract's)."""
    counts = report.summary_columns or list(dict.fromkeys(c for s in report.summary for c in s.counts))
    return ["group", *(counts or CONTRACT_SUMMARY_COUNTS)]


def summary_record(s: SummaryRow, columns: Sequence[str]) -> dict[str, str]:
    return {"group": s.group} | {c: s.get(c) for c in columns if c != "group"}


def finding_record(f: Finding) -> dict[str, str]:
    return {c: str(getattr(f, c)) for c in FINDING_COLUMNS}


def _write_csv(path: Path, columns: Sequence[str], records: Iterable[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def report_document(report: Report) -> dict[str, Any]:
    """report.json: everything in one document, numbers parsed next to the printed text."""
    rows = []
    for row in report.rows:
        rec: dict[str, Any] = dict(row_record(row, report.columns))
        rec["page"] = row.page
        rec["repairs"] = list(row.repairs)
        rec["assumptions"] = list(row.assumptions)
        for col in report.columns:
            if col.startswith(VALUE_PREFIXES):
                rec[col] = parse_value(row.fields.get(col, "")).as_dict()
        rows.append(rec)
    return {
        "source": asdict(report.source),
        "report": {
            "family": report.family,
            **report.metadata,
            "years": report.years,
            "progress_years": report.progress_years,
            "columns": report.columns,
        },
        "summary": [summary_record(s, summary_columns(report)) | {"page": s.page} for s in report.summary],
        "rows": rows,
        "findings": [asdict(f) for f in report.findings],
    }


def write_report(report: Report, out_dir: Path, formats: Sequence[str] = ("csv", "json")) -> Path:
    """Write all requested formats into `out_dir`, atomically replacing an earlier result."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".partial", dir=out_dir.parent))
    try:
        _write_all(report, tmp, formats)
        _replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


def _write_all(report: Report, folder: Path, formats: Sequence[str]) -> None:
    rows = [row_record(r, report.columns) for r in report.rows]
    summary_header = summary_columns(report)
    summary = [summary_record(s, summary_header) for s in report.summary]
    findings = [finding_record(f) for f in report.findings]
    # the contract's CSV files are always written: scripts rely on them
    _write_csv(folder / "rows.csv", report.columns, rows)
    _write_csv(folder / "summary.csv", summary_header, summary)
    _write_csv(folder / "findings.csv", FINDING_COLUMNS, findings)
    if "json" in formats:
        doc = report_document(report)
        (folder / "report.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    if "xlsx" in formats:
        _write_xlsx(
            folder / "report.xlsx",
            [
                ("rows", report.columns, rows),
                ("summary", summary_header, summary),
                ("findings", FINDING_COLUMNS, findings),
            ],
        )
    if "parquet" in formats:
        _write_parquet(
            folder,
            [
                ("rows", report.columns, rows),
                ("summary", summary_header, summary),
                ("findings", FINDING_COLUMNS, findings),
            ],
        )


def _replace_dir(tmp: Path, out_dir: Path) -> None:
    """Swap the finished folder into place; an older result is removed only after that."""
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        out_dir.rename(old)
    tmp.rename(out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


Table = tuple[str, Sequence[str], list[dict[str, str]]]


def _write_xlsx(path: Path, tables: Sequence[Table]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, columns, records in tables:
        ws = wb.create_sheet(name)
        ws.append(list(columns))
        for rec in records:
            ws.append([rec.get(c, "") for c in columns])
        ws.freeze_panes = "A2"
    wb.save(path)


def _write_parquet(folder: Path, tables: Sequence[Table]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name, columns, records in tables:
        table = pa.table({c: [rec.get(c, "") for rec in records] for c in columns})
        pq.write_table(table, folder / f"{name}.parquet")


# ---- many reports → one database ---------------------------------------------------------------


def append_to_database(db_path: Path, report: Report) -> None:
    """Add one report to a SQLite catalogue (tables reports, rows, summary, findings).

    Rows and summary counts are stored long (one line per cell or count) so reports with
    different years and families share one schema; re-adding a report (same sha256) replaces it.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(db_path)
    try:
        with con:
            _ensure_schema(con)
            sha = report.source.sha256
            for table in ("cells", "summary", "findings", "reports"):
                con.execute(f"DELETE FROM {table} WHERE report_sha256 = ?", (sha,))
            con.execute(
                "INSERT INTO reports VALUES (?, ?, ?, ?, ?)",
                (
                    sha,
                    report.source.path,
                    report.family,
                    json.dumps(report.metadata, ensure_ascii=False),
                    len(report.rows),
                ),
            )
            con.executemany(
                "INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (sha, i, row.code, row.level, col, row.fields.get(col, ""), row.page)
                    for i, row in enumerate(report.rows)
                    for col in report.columns
                    if col not in ROW_KEYS
                ],
            )
            con.executemany(
                "INSERT INTO summary VALUES (?, ?, ?, ?, ?)",
                [(sha, s.group, column, count, s.page) for s in report.summary for column, count in s.counts.items()],
            )
            con.executemany(
                "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(sha, *finding_record(f).values()) for f in report.findings],
            )
    finally:
        con.close()


def _ensure_schema(con: sqlite3.Connection) -> None:
    con.executescript(
        """
        CREATE TABLE IF NOT EXISTS reports (report_sha256 TEXT PRIMARY KEY, path TEXT, family TEXT,
            metadata TEXT, n_rows INTEGER);
        CREATE TABLE IF NOT EXISTS cells (report_sha256 TEXT, row_index INTEGER, code TEXT,
            level TEXT, column TEXT, value TEXT, page INTEGER);
        CREATE TABLE IF NOT EXISTS summary (report_sha256 TEXT, "group" TEXT, column TEXT,
            count TEXT, page INTEGER);
        CREATE TABLE IF NOT EXISTS findings (report_sha256 TEXT, rule TEXT, severity TEXT,
            code TEXT, field TEXT, printed TEXT, recomputed TEXT, message TEXT, page TEXT);
        CREATE INDEX IF NOT EXISTS cells_by_code ON cells (report_sha256, code);
        """
    )
