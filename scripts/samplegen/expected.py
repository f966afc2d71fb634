"""The expected outputs of a rendered sample: samples/<name>/expected/ (rows, summary, metadata)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from samplegen.model import SUMMARY_COLUMNS, ReportData
from samplegen.render import RenderResult


def expected_rows(data: ReportData, result: RenderResult) -> list[dict[str, str]]:
    return [{**{c: row.get(c, "") for c in data.columns}, "page": str(page), "repairs": ""}
            for row, page in zip(data.rows, result.row_pages, strict=True)]


def expected_metadata(data: ReportData, result: RenderResult) -> dict[str, Any]:
    return {
        "title": data.title,
        "sector": data.sector,
        "conductor_ministry": data.conductor_ministry,
        "tipo": data.tipo,
        "years": data.years,
        "progress_years": data.progress_years,
        "matrix_pages": result.matrix_pages,
    }


def write_csv(path: Path, columns: Sequence[str], records: Iterable[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def write_expected(data: ReportData, result: RenderResult, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "rows.csv", [*data.columns, "page", "repairs"], expected_rows(data, result))
    write_csv(folder / "summary.csv", SUMMARY_COLUMNS, data.summary)
    text = json.dumps(expected_metadata(data, result), ensure_ascii=False, indent=2)
    (folder / "metadata.json").write_text(text + "\n", encoding="utf-8")
