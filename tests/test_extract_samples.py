"""End to end on the born-digital samples: `extract` reproduces the gold data cell for cell."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, run_extract
from tests.gold import TRATA, read_csv

SAMPLE_NAMES = ["trata-2024", "salud-2025"]


@pytest.fixture(scope="module", params=SAMPLE_NAMES)
def extracted(request, tmp_path_factory) -> tuple[str, Path, int]:
    name = request.param
    out = tmp_path_factory.mktemp(name) / "out"
    result = run_extract(SAMPLES / f"{name}.pdf", "--out", out, "--format", "csv,json,xlsx,parquet", "--quiet")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    return name, out, result.returncode


def _diff(expected: list[dict[str, str]], got: list[dict[str, str]], columns: list[str]) -> list[str]:
    problems = []
    if len(expected) != len(got):
        problems.append(f"{len(got)} rows extracted, {len(expected)} expected")
    for i, (e, g) in enumerate(zip(expected, got, strict=False)):
        for col in columns:
            if e[col] != g.get(col):
                label = e.get("code") or e.get("level")
                problems.append(f"row {i + 1} ({label}) {col}: expected {e[col]!r}, got {g.get(col)!r}")
    return problems


def test_rows_match_expected_cell_for_cell(extracted) -> None:
    name, out, _ = extracted
    expected = read_csv(SAMPLES / name / "expected" / "rows.csv")
    got = read_csv(out / "rows.csv")
    assert list(got[0].keys()) == list(expected[0].keys()), "rows.csv columns differ from the contract"
    columns = [c for c in expected[0] if c != "repairs"]
    problems = _diff(expected, got, columns)
    assert not problems, "\n".join(problems[:30])
    assert all(r["repairs"] == "" for r in got), "a born-digital sample needs no repair"


@pytest.mark.parametrize("extracted", ["trata-2024"], indirect=True)
def test_trata_reproduces_the_shared_gold_matrix(extracted) -> None:
    _, out, _ = extracted
    gold = read_csv(TRATA / "matrix.csv")
    got = read_csv(out / "rows.csv")
    assert len(got) == len(gold) == 115
    problems = _diff(gold, got, list(gold[0].keys()))
    assert not problems, "\n".join(problems[:30])


def test_summary_matches(extracted) -> None:
    name, out, _ = extracted
    assert read_csv(out / "summary.csv") == read_csv(SAMPLES / name / "expected" / "summary.csv")
    if name == "trata-2024":
        assert read_csv(out / "summary.csv") == read_csv(TRATA / "summary.csv")


def test_metadata_and_report_json(extracted) -> None:
    name, out, _ = extracted
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    expected = json.loads((SAMPLES / name / "expected" / "metadata.json").read_text(encoding="utf-8"))
    for key in ("sector", "conductor_ministry", "tipo"):
        assert doc["report"][key] == expected[key]
    assert doc["report"]["family"] == "policy-matrix"
    assert set(doc) == {"source", "report", "summary", "rows", "findings"}
    assert doc["source"]["pages"] > 0 and len(doc["source"]["sha256"]) == 64
    progress_col = f"progress_{expected['progress_years'][-1]}"
    first_indicator = next(r for r in doc["rows"] if r["level"] in ("IOP", "ISS"))
    cell = first_indicator[progress_col]
    assert set(cell) == {"raw", "value", "unit"} and isinstance(cell["value"], float)
    assert len(doc["rows"]) == len(read_csv(out / "rows.csv"))


def test_findings_csv_has_contract_columns(extracted) -> None:
    _, out, _ = extracted
    with (out / "findings.csv").open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == ["rule", "severity", "code", "field", "printed", "recomputed", "message", "page"]


def test_xlsx_and_parquet_hold_the_same_rows(extracted) -> None:
    import pyarrow.parquet as pq
    from openpyxl import load_workbook

    _, out, _ = extracted
    rows = read_csv(out / "rows.csv")
    table = pq.read_table(out / "rows.parquet").to_pylist()
    assert table == rows
    ws = load_workbook(out / "report.xlsx", read_only=True)["rows"]
    values = list(ws.values)
    assert list(values[0]) == list(rows[0].keys())
    assert len(values) - 1 == len(rows)
    assert [v if v is not None else "" for v in values[1]] == list(rows[0].values())


def test_no_partial_folders_left_behind(extracted) -> None:
    _, out, _ = extracted
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []
