"""Write a Report as the contract's files: rows.csv, summary.csv, findings.csv, report.json.

Everything is written into a temporary folder beside the destination (`.<out>.<random>.partial`)
and swapped into place at the end, so an interrupted run never leaves a half-written result
that looks complete. One run at a time writes to an output folder: `output_lock` holds a lock
file beside it (`.<out>.lock`) for the whole run, refuses a second writer, and removes the
partial folders that killed runs left (no live run can be writing them while the lock is held).
"""

from __future__ import annotations

import csv
import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from extractor.model import Finding, Report, Row, SummaryRow
from extractor.values import parse_value

FORMATS = ("csv", "json", "xlsx", "parquet", "pdf", "html")
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


def boxes_record(row: Row) -> dict[str, list[dict[str, float]]]:
    """Where each cell of a row is printed: page and rectangle (points, stored page frame)."""
    return {
        role: [
            {"page": b.page, "x0": round(b.x0, 2), "top": round(b.top, 2), "x1": round(b.x1, 2),
             "bottom": round(b.bottom, 2)}
            for b in boxes
        ]
        for role, boxes in row.boxes.items()
    }


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
        rec["boxes"] = boxes_record(row)
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


class OutputError(Exception):
    """The output folder cannot be written (busy, not a folder, no permission); one line for the user."""


def write_report(report: Report, out_dir: Path, formats: Sequence[str] = ("csv", "json")) -> Path:
    """Write all requested formats into `out_dir`, atomically replacing an earlier result."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=PARTIAL_SUFFIX, dir=out_dir.parent))
    try:
        _write_all(report, tmp, formats)
        _follow_umask(tmp)
        _swap_into_place(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


# ---- one writer per output folder, no leftovers ------------------------------------------------

PARTIAL_SUFFIX = ".partial"
RESULT_MARKER = "rows.csv"  # written by every run: a folder holding it is an earlier result
RENAME_EXCHANGE = 2  # <linux/fs.h>: renameat2 swaps two paths in one step
AT_FDCWD = -100


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold `out_dir` for one run: refuse a second writer, clean what killed runs left behind.

    The lock is an flock on `.<out>.lock` beside the folder, removed when the run ends; a failed
    run also removes the parent folders it had to create, so it leaves nothing behind.
    """
    out_dir = out_dir.resolve()
    check_replaceable(out_dir)
    created = _make_folders(out_dir.parent)
    lock_path = out_dir.with_name(f".{out_dir.name}.lock")
    try:
        fd = _acquire(lock_path, out_dir)
    except BaseException:
        _remove_empty(created)
        raise
    try:
        remove_leftovers(out_dir)
        yield
    finally:
        lock_path.unlink(missing_ok=True)  # before the lock is released: see _acquire
        os.close(fd)
        if not out_dir.exists():
            _remove_empty(created)


def check_replaceable(out_dir: Path) -> None:
    """The finished result replaces `out_dir` whole: only a new, empty or earlier result folder may be.

    `--out .` or `--out ~/Documents` would otherwise be swapped away with everything in it.
    """
    if not out_dir.name or out_dir == Path.cwd() or out_dir == Path.home():
        raise OutputError(f"{out_dir}: the output folder is replaced whole; name a new folder for --out")
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a folder; choose another --out")
    if any(out_dir.iterdir()) and not (out_dir / RESULT_MARKER).is_file():
        raise OutputError(
            f"{out_dir}: holds files that are not an earlier extract result (no {RESULT_MARKER}); "
            "the output folder is replaced whole, so choose a new or empty folder for --out"
        )


def _acquire(lock_path: Path, out_dir: Path) -> int:
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise OutputError(f"{out_dir}: cannot write here ({exc.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
            os.close(fd)
            who = f"another extract (pid {holder})" if holder.isdigit() else "another extract"
            raise OutputError(f"{out_dir}: {who} is writing to this folder; try again when it has finished") from None
        # the holder removes the file before releasing it: a lock on a removed file is no lock
        if _is_same_file(fd, lock_path):
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            return fd
        os.close(fd)


def _is_same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def remove_leftovers(out_dir: Path) -> list[Path]:
    """Remove the `.<out>.<random>.partial` folders of runs killed while writing `out_dir`."""
    pattern = re.compile(rf"\.{re.escape(out_dir.name)}\.[^.]+{re.escape(PARTIAL_SUFFIX)}")
    removed = []
    for entry in out_dir.parent.iterdir():
        if pattern.fullmatch(entry.name) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _make_folders(folder: Path) -> list[Path]:
    """mkdir -p, returning the folders it created, deepest first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    try:
        for path in reversed(missing):
            path.mkdir()
    except OSError as exc:
        raise OutputError(f"{missing[0]}: cannot create the output folder ({exc.strerror})") from None
    return missing


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def _follow_umask(folder: Path) -> None:
    """mkdtemp makes its folder 0700; the result gets the mode any new folder would get."""
    os.chmod(folder, 0o777 & ~_umask())


def _umask() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # no /proc: read it by setting it, and put it back at once
    os.umask(mask)
    return mask


def _swap_into_place(tmp: Path, out_dir: Path) -> None:
    """Put the finished folder at `out_dir`; an earlier result is removed only after that.

    Where the kernel can, the two folders are exchanged in one step, so `out_dir` always holds
    a complete result; otherwise the earlier result is first renamed to a partial name, which
    the next run cleans if this one is killed in between.
    """
    if not out_dir.exists():
        tmp.rename(out_dir)
        return
    if _exchange(tmp, out_dir):
        shutil.rmtree(tmp, ignore_errors=True)  # it now holds the earlier result
        return
    old = out_dir.with_name(f".{out_dir.name}.{secrets.token_hex(4)}{PARTIAL_SUFFIX}")
    out_dir.rename(old)
    tmp.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    done = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0
    if not done and ctypes.get_errno() not in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))
    return done


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
    if "pdf" in formats or "html" in formats:
        from extractor.audit import write_audit

        write_audit(report, folder, formats)
    if "parquet" in formats:
        _write_parquet(
            folder,
            [
                ("rows", report.columns, rows),
                ("summary", summary_header, summary),
                ("findings", FINDING_COLUMNS, findings),
            ],
        )


Table = tuple[str, Sequence[str], list[dict[str, str]]]


def _write_xlsx(path: Path, tables: Sequence[Table]) -> None:
    """Every cell a text cell: a value printed as "=HYPERLINK(…)" must not become a live formula."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, columns, records in tables:
        ws = wb.create_sheet(name)
        ws.append([xlsx_text(c) for c in columns])
        for rec in records:
            ws.append([xlsx_text(rec.get(c, "")) for c in columns])
        for row in ws.iter_rows():
            for cell in row:
                cell.data_type = "s"  # openpyxl reads a leading "=" as a formula; this says text
        ws.freeze_panes = "A2"
    wb.save(path)


def xlsx_text(value: str) -> str:
    """The value as an XLSX text cell can hold it: XML forbids most control characters.

    Each one becomes U+FFFD, the visible replacement mark, so the change cannot pass unseen;
    rows.csv and report.json keep the value unchanged (CONTRACT.md, "Spreadsheet safety").
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)


def _write_parquet(folder: Path, tables: Sequence[Table]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name, columns, records in tables:
        table = pa.table({c: [rec.get(c, "") for rec in records] for c in columns})
        pq.write_table(table, folder / f"{name}.parquet")
