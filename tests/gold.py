"""Gold reference data for the tests, and where the real PDFs are.

The gold data lives in the repository, under tests/data/ (see tests/data/README.md):
`reference/<report>/` holds hand-made ground truth, `seed/` the text dump of the real trata-2024
report. The real published PDFs cannot be committed: they are found through the environment
variable CEPLAN_REAL_DIR, else in ../shared/real beside the clone; tests that need one ask
`real_pdf(name)`, which skips the test, with the reason, when the file is not there.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from extractor.model import ROW_KEYS, Report, Row, SourceInfo, SummaryRow

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
REFERENCE = DATA / "reference"
TRATA = REFERENCE / "trata-2024"
SEED = DATA / "seed" / "000_b64721556806a4d1.txt"
SHARED = REPO.parent / "shared"  # the team's shared folder, when the clone sits beside it
REAL_DIR_VARIABLE = "CEPLAN_REAL_DIR"


def real_dir() -> Path:
    """Folder of the real PDFs: $CEPLAN_REAL_DIR, else ../shared/real (which may not exist)."""
    configured = os.environ.get(REAL_DIR_VARIABLE, "").strip()
    return Path(configured).expanduser() if configured else SHARED / "real"


REAL = real_dir()


def real_pdf(name: str) -> Path:
    """A real published PDF by file name, or skip the calling test when it is not available."""
    path = REAL / name
    if not path.is_file():
        pytest.skip(f"real PDF {name} not found in {REAL} (set {REAL_DIR_VARIABLE} to the folder holding it)")
    return path



def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def gold_rows(path: Path = TRATA / "matrix.csv") -> tuple[list[str], list[Row]]:
    """The gold matrix as pipeline `Row`s, with its column order."""
    records = read_csv(path)
    columns = list(records[0].keys())
    rows = []
    for rec in records:
        fields = {k: v for k, v in rec.items() if k not in ROW_KEYS}
        page = int(rec["page"]) if rec.get("page") else 0
        rows.append(Row(rec["code"], rec["level"], rec["parent"], fields, page))
    return columns, rows


def gold_summary(path: Path = TRATA / "summary.csv") -> list[SummaryRow]:
    """The printed summary table: every column but the group is a count column."""
    return [SummaryRow(rec.pop("group"), rec) for rec in read_csv(path)]


def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").splitlines()


def seed_narrative() -> list[tuple[int, str]]:
    """The narrative part of the seed dump (everything after the matrix's index row)."""
    lines = seed_lines()
    start = next(i for i, line in enumerate(lines) if "Indice de gestión" in line) + 1
    return [(0, "\n".join(lines[start:]))]


def gold_report() -> Report:
    """The trata-2024 report as the pipeline would hand it to validation and reconciliation."""
    columns, rows = gold_rows()
    meta = json.loads((TRATA / "metadata.json").read_text(encoding="utf-8"))
    metadata = {k: meta[k] for k in ("title", "sector", "conductor_ministry", "tipo")}
    years = sorted({int(c.split("_")[1]) for c in columns if c.startswith("expected_")})
    return Report(
        source=SourceInfo(path=str(SEED), sha256="", pages=0),
        family="policy-matrix",
        metadata=metadata,
        years=years,
        progress_years=[2024],
        columns=[*columns, "page", "repairs"],
        rows=rows,
        summary=gold_summary(),
        narrative=seed_narrative(),
    )
