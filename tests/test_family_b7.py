"""PEI "Anexo B-7" printouts: a second report family carried by its rules file alone (issue 5).

The two real IGP printouts (found through tests.gold.real_pdf; skipped when absent) are extracted
end to end and compared, cell by cell, with their hand-made gold data in
tests/data/reference/<pdf stem>/ (rows.csv, checks.md).
"""

from __future__ import annotations

import csv
import dataclasses
import json
from functools import cache
from pathlib import Path

import pytest

from extractor.blocks import BlockSpec, find_headings
from extractor.model import ROW_KEYS, Fill, PageContent, Report, Row, Word
from extractor.pipeline import Options, read_pages, run
from extractor.rows import read_matrix
from extractor.rules import load_rules
from extractor.values import parse_value
from tests.conftest import run_extract
from tests.gold import REFERENCE, real_pdf

Y2019 = "IGP_PEI_AnexoB7_PEI2017-2019_year2019"
Y2021 = "IGP_PEI_AnexoB7_seguimiento_2021"
STEMS = [Y2019, Y2021]
SHOWN_DIFFERENCES = 15


def pdf(stem: str) -> Path:
    return real_pdf(f"{stem}.pdf")


@cache
def report_of(stem: str) -> Report:
    return run(pdf(stem), Options())


@cache
def gold_of(stem: str) -> tuple[list[str], list[dict[str, str]]]:
    with (REFERENCE / stem / "rows.csv").open(encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    return list(records[0]), records


def as_record(row: Row, columns: list[str]) -> dict[str, str]:
    keys = {"code": row.code, "level": row.level, "parent": row.parent, "page": str(row.page)}
    return {col: keys[col] if col in ROW_KEYS else row.get(col) for col in columns}


def differences(got: list[dict[str, str]], gold: list[dict[str, str]], columns: list[str]) -> list[str]:
    """Readable differences: missing or extra rows first, then every differing cell."""
    out = []
    got_codes, gold_codes = [r["code"] for r in got], [r["code"] for r in gold]
    if got_codes != gold_codes:
        missing = [c for c in gold_codes if c not in got_codes]
        extra = [c for c in got_codes if c not in gold_codes]
        out.append(f"row codes differ: missing {missing}, extra {extra}")
    for i, (mine, theirs) in enumerate(zip(got, gold, strict=False)):
        out += [
            f"row {i + 1} {theirs['code']} {col}: extracted {mine[col]!r}, gold {theirs[col]!r}"
            for col in columns
            if mine[col] != theirs[col]
        ]
    return out


def computable_cells(report: Report) -> list[tuple[str, str]]:
    """(code, progress field) of every cell with numeric obtained and non-zero numeric expected."""
    cells = []
    for row in report.rows:
        for year in report.progress_years:
            expected = parse_value(row.get(f"expected_{year}")).value
            obtained = parse_value(row.get(f"obtained_{year}")).value
            if row.level == "IND" and expected and obtained is not None:
                cells.append((row.code, f"progress_{year}"))
    return cells


# ---- rows ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", STEMS)
def test_rows_reproduce_the_gold_exactly(stem: str) -> None:
    report = report_of(stem)
    columns, gold = gold_of(stem)
    assert report.family == "pei-b7"
    # the contract's B-7 columns: the gold's, then `repairs` (the gold has none)
    assert report.columns == [*columns, "repairs"]
    got = [as_record(row, columns) for row in report.rows]
    found = differences(got, gold, columns)
    shown = "\n".join(found[:SHOWN_DIFFERENCES])
    assert not found, f"{len(found)} differences from the gold rows.csv of {stem}:\n{shown}"


@pytest.mark.parametrize("stem", STEMS)
def test_metadata_from_the_header_block(stem: str) -> None:
    meta = json.loads((REFERENCE / stem / "meta.json").read_text(encoding="utf-8"))
    report = report_of(stem)
    for key in ("periodo", "nivel_de_gobierno", "sector", "pliego"):
        assert report.metadata[key] == meta[key]
    assert report.years == meta["years"] == report.progress_years


@pytest.mark.parametrize("stem", STEMS)
def test_block_headings_open_blocks_and_footnotes_are_no_rows(stem: str) -> None:
    rules = load_rules("pei-b7")
    pages, source = read_pages(pdf(stem), Options())
    raw = read_matrix(pages, rules, source).raw_rows
    for band in raw:
        code = band.cells.get("code", "")
        parsed = rules.parse_code(code)
        if parsed and parsed.level in ("OEI", "AEI"):
            # a heading is a row of its own: code, name and priority, nothing spilled into values
            assert band.block == code
            assert set(band.cells) <= {"code", "name", "priority", "parent"}, band.cells
        elif parsed:
            assert band.block == parsed.parent  # an indicator sits in the block its code names
        else:
            # only the rest of a row cut by a page break has no code
            assert band.continues_previous, band.cells
        text = " ".join(band.cells.values())
        assert "truncado" not in text and "NOTA" not in text and "Prioridad" not in text


def test_a_header_split_by_a_page_break_and_a_bar_at_a_page_foot() -> None:
    rows = {row.code: row for row in report_of(Y2021).rows}
    # OEI.04's bar and the first line of its header end page 4; the header ends on page 5
    assert (rows["OEI.04"].page, rows["IND.01.OEI.04"].page) == (4, 5)
    assert rows["IND.01.OEI.04"].get("responsible_unit") == "02.01-PRESIDENCIA EJECUTIVA"
    # AEI.04.05's bar is the last thing on page 5; its table is on page 6
    assert (rows["AEI.04.05"].page, rows["IND.05.AEI.04.05"].page) == (5, 6)
    # a row split over pages 2-3 is one row, on the page where its code is printed
    split = rows["IND.02.AEI.02.02"]
    assert split.page == 2
    assert split.get("executing_unit") == "000084-INSTITUTO GEOFISICO DEL PERU"


# ---- findings ------------------------------------------------------------------------------------


def test_2019_findings_name_and_explain_the_three_cells() -> None:
    report = report_of(Y2019)
    flagged = {(f.code, f.field): f for f in report.findings if f.severity != "info"}
    assert set(flagged) == {
        ("IND.01.AEI.02.03", "progress_2017"),
        ("IND.01.AEI.02.03", "progress_2018"),
        ("IND.01.AEI.02.04", "progress_2017"),
    }
    cells = ((2017, "57.00", "25.00", "43.86"), (2018, "71.00", "56.00", "78.87"))
    for year, expected, obtained, ascending in cells:
        f = flagged[("IND.01.AEI.02.03", f"progress_{year}")]
        assert (f.rule, f.printed, f.recomputed) == ("progress_mismatch", "100", ascending)
        # printed 100 although obtained < expected: it agrees only when read as descending, as
        # the application infers from the falling targets 71 → 0
        assert f"obtained {obtained} below expected {expected}" in f.message
        assert "agrees only if the indicator is read as descending" in f.message
        assert "falling targets 71.00 (2018) → 0.00 (2019)" in f.message
        assert f"{expected} / {obtained} × 100" in f.message and "capped at 100" in f.message
        assert f"{obtained} / {expected} × 100 = {ascending}" in f.message
    f = flagged[("IND.01.AEI.02.04", "progress_2017")]
    assert (f.rule, f.printed) == ("progress_not_recomputable", "100")
    assert "expected_2017 is 0" in f.message and "division by zero" in f.message


@pytest.mark.parametrize(("stem", "agreeing"), [(Y2019, 68), (Y2021, 50)])
def test_no_finding_on_cells_that_agree(stem: str, agreeing: int) -> None:
    report = report_of(stem)
    about = {(f.code, f.field) for f in report.findings if f.rule.startswith("progress")}
    quiet = [cell for cell in computable_cells(report) if cell not in about]
    assert len(quiet) == agreeing
    if stem == Y2021:
        assert [f for f in report.findings if f.severity != "info"] == []


# ---- the command ---------------------------------------------------------------------------------


def test_cli_extracts_a_b7_printout(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_extract(pdf(Y2019), "--out", out, "--quiet")
    with (out / "findings.csv").open(encoding="utf-8", newline="") as fh:
        severities = {r["severity"] for r in csv.DictReader(fh)}
    assert proc.returncode == (1 if "error" in severities else 0), proc.stderr
    doc = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert doc["report"]["family"] == "pei-b7"
    assert doc["report"]["periodo"] == "2017 - 2019"
    assert doc["report"]["sector"] == "05 - AMBIENTAL"
    assert doc["report"]["pliego"] == "112 - INSTITUTO GEOFISICO DEL PERU"
    with (out / "rows.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == [*gold_of(Y2019)[0], "repairs"]
    # the three cells of checks.md are warnings: --fail-on warning turns them into exit 1
    strict = run_extract(
        pdf(Y2019), "--out", tmp_path / "strict", "--quiet", "--fail-on", "warning", "--no-validate"
    )
    assert strict.returncode == 1, strict.stderr


def test_cli_family_option_forces_the_rules(tmp_path: Path) -> None:
    forced = run_extract(
        pdf(Y2021), "--out", tmp_path / "b7", "--quiet", "--family", "pei-b7", "--no-validate"
    )
    assert forced.returncode == 0, forced.stderr
    doc = json.loads((tmp_path / "b7" / "report.json").read_text(encoding="utf-8"))
    assert doc["report"]["family"] == "pei-b7"
    wrong = run_extract(pdf(Y2021), "--out", tmp_path / "pm", "--quiet", "--family", "policy-matrix")
    assert wrong.returncode == 2
    assert len(wrong.stderr.strip().splitlines()) == 1 and "policy-matrix" in wrong.stderr


# ---- the block-heading mechanism on its own --------------------------------------------------------


def _words(*specs: tuple[str, float, float]) -> list[Word]:
    """Words of 8-pt text from (text, x0, top), 6 pt per character."""
    return [Word(text, x0, x0 + 6 * len(text), top, top + 8) for text, x0, top in specs]


def test_a_wrapped_heading_on_a_bar_reads_in_order() -> None:
    # the 2019 layout: the name wraps inside the bar and the codes sit centred between its lines
    spec = BlockSpec.from_rules(load_rules("pei-b7"))
    assert spec is not None
    bar = [Fill(60, 115, 300, 318, (0.1, 0.4, 0.6)), Fill(117, 750, 300, 318, (0.1, 0.4, 0.6))]
    words = _words(
        ("OEI.01", 20, 305), ("AEI.01.02", 70, 305),
        ("ESTUDIOS", 120, 301), ("DEL", 180, 301), ("IMPACTO.", 205, 301),
        ("(Prioridad:3)", 120, 309),
        ("IND.01.AEI.01.02", 60, 340),  # a body row below the bar: not part of the heading
    )
    page = PageContent(1, 800, 600, words, fills=bar)
    (heading,) = find_headings(page, words, spec)
    assert heading.cells == {"parent": "OEI.01", "code": "AEI.01.02", "name": "ESTUDIOS DEL IMPACTO.",
                             "priority": "3"}
    assert heading.raw_row().block == "AEI.01.02"


def test_headings_without_a_bar_only_when_the_rules_allow_it() -> None:
    rules = load_rules("pei-b7")
    words = _words(
        ("OEI.02", 40, 100), ("FORTALECER", 90, 100), ("LA", 160, 100), ("(Prioridad:1)", 180, 100)
    )
    page = PageContent(1, 800, 600, words)
    required = BlockSpec.from_rules(rules)
    assert required is not None and find_headings(page, words, required) == []
    optional = dataclasses.replace(required, bar_required=False)
    (heading,) = find_headings(page, words, optional)
    cells = (heading.code, heading.cells["name"], heading.cells["priority"])
    assert cells == ("OEI.02", "FORTALECER LA", "1")
