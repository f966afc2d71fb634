"""The validation stage: GE suites from expectations/ over the gold report and broken copies.

Great Expectations takes ~3 s to import, so the suites run three times for the whole module: on
the gold report, on a copy with one defect per check injected on distinct rows (building Data
Docs too), and on an empty report. Each test looks for the finding of its own check, so removing
that expectation from the suite file makes exactly that test fail.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.model import Finding, Report
from extractor.rules import load_rules
from extractor.validate import (
    EXPECTATIONS_DIR,
    SuiteError,
    expand,
    expand_expectation,
    load_suites,
    validate,
)
from tests.gold import REPO, gold_report

RULES = load_rules("policy-matrix")


def _row(report: Report, code: str) -> int:
    return next(i for i, row in enumerate(report.rows) if row.code == code)


UNPARSEABLE = [
    ("ISS.02.02.01.01", "obtained_2024", "12.3.4%"),
    ("IOP.02.03", "baseline_value", "2O"),
    ("ISS.02.05.01.01", "expected_2023", "62..86%"),
    ("ISS.03.05.01.01", "progress_2024", "25O.0"),
]


def broken_report() -> Report:
    """The gold report with every defect the suites must catch, each on its own rows."""
    report = copy.deepcopy(gold_report())
    rows = report.rows
    # bad code grammar: one digit where the grammar wants two
    rows[_row(report, "ISS.01.01.02.01")].code = "ISS.01.01.2.01"
    rows[_row(report, "ISS.01.01.2.01")].page = 7  # gold rows carry no page: see it passed on
    # missing parent: LN.01.02 dropped, its services SS.01.02.01…04 are orphans
    del rows[_row(report, "LN.01.02")]
    # child before parent: ISS.03.06.01.01 moved above SS.03.06.01
    child = rows.pop(_row(report, "ISS.03.06.01.01"))
    rows.insert(_row(report, "SS.03.06.01"), child)
    # a code printed twice
    twice = _row(report, "ISS.03.05.02.01")
    rows.insert(twice + 1, copy.deepcopy(rows[twice]))
    # a parent that exists and comes earlier, but is not the one the code implies
    rows[_row(report, "ISS.01.01.05.01")].parent = "SS.01.01.04"
    # unknown direction and aggregation
    rows[_row(report, "IOP.02.01")].fields["direction"] = "ascendiente"
    rows[_row(report, "IOP.02.02")].fields["aggregation"] = "acumulativo"
    # unparseable values, one per value column group
    for code, column, text in UNPARSEABLE:
        rows[_row(report, code)].fields[column] = text
    # negative progress
    rows[_row(report, "ISS.02.04.01.01")].fields["progress_2024"] = "-5.0"
    # summary: a total that is not the sum of its line, a count with decimals, a negative count
    report.summary[2].counts["total"] = "45"
    report.summary[1].counts["high_95"] = "3.0"
    report.summary[0].counts["nd"] = "-1"
    # year columns: 2019 only in obtained, 2022 missing everywhere, progress for 2026
    drop = {"expected_2019", "expected_2022", "obtained_2022"}
    columns = [c for c in report.columns if c not in drop]
    report.columns = [*columns[: columns.index("page")], "progress_2026", "page", "repairs"]
    return report


@pytest.fixture(scope="module")
def clean() -> list[Finding]:
    return validate(gold_report(), RULES)


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data-docs")


@pytest.fixture(scope="module")
def broken(docs: Path) -> list[Finding]:
    return validate(broken_report(), RULES, data_docs=docs)


@pytest.fixture(scope="module")
def empty() -> list[Finding]:
    report = gold_report()
    report.rows, report.summary = [], []
    report.columns = [c for c in report.columns if not c[-4:].isdigit()]
    return validate(report, RULES)


def found(findings: list[Finding], column: str, code: str = "", label: str = "") -> Finding:
    """The one finding of the expectation on `column` for row `code` (or message `label`)."""
    hits = [
        f
        for f in findings
        if f.rule == "expectation_failed"
        and f" on {column}:" in f.message
        and (not code or f.code == code)
        and (not label or f"offending rows: {label}" in f.message)
    ]
    assert len(hits) == 1, f"{column} {code or label}: {hits or findings}"
    return hits[0]


def test_gold_report_has_no_error_findings(clean: list[Finding]) -> None:
    assert [f for f in clean if f.severity == "error"] == []


def test_gold_report_has_no_findings_at_all(clean: list[Finding]) -> None:
    assert clean == []


def test_bad_code_grammar(broken: list[Finding]) -> None:
    finding = found(broken, "code__grammar", "ISS.01.01.2.01")
    assert finding.severity == "error"
    assert finding.field == "code"
    assert finding.page == 7


def test_missing_parent(broken: list[Finding]) -> None:
    finding = found(broken, "parent__present", "SS.01.02.01")
    assert finding.severity == "error"
    assert finding.printed == "LN.01.02"
    assert "one of 4: SS.01.02.01, SS.01.02.02, SS.01.02.03, SS.01.02.04" in finding.message


def test_child_before_parent(broken: list[Finding]) -> None:
    finding = found(broken, "parent__precedes", "ISS.03.06.01.01")
    assert finding.severity == "error"
    assert finding.printed == "SS.03.06.01"


def test_unknown_direction(broken: list[Finding]) -> None:
    finding = found(broken, "direction__norm", "IOP.02.01")
    assert finding.severity == "warning"
    assert (finding.field, finding.printed) == ("direction", "ascendiente")


def test_repeated_code(broken: list[Finding]) -> None:
    hits = [f for f in broken if " on code:" in f.message]
    assert [f.code for f in hits] == ["ISS.03.05.02.01", "ISS.03.05.02.01"]


def test_parent_not_the_one_the_code_implies(broken: list[Finding]) -> None:
    finding = found(broken, "parent__matches_code", "ISS.01.01.05.01")
    assert finding.printed == "SS.01.01.04"


def test_unknown_aggregation(broken: list[Finding]) -> None:
    finding = found(broken, "aggregation__norm", "IOP.02.02")
    assert finding.printed == "acumulativo"


@pytest.mark.parametrize(("code", "column", "text"), UNPARSEABLE)
def test_unparseable_value(broken: list[Finding], code: str, column: str, text: str) -> None:
    finding = found(broken, f"{column}__parses", code)
    assert finding.severity == "error"
    assert (finding.field, finding.printed) == (column, text)
    assert finding.message.startswith(f"expect_column_values_to_be_in_set on {column}__parses")


def test_negative_progress(broken: list[Finding]) -> None:
    finding = found(broken, "progress_2024__number", "ISS.02.04.01.01")
    assert (finding.field, finding.printed) == ("progress_2024", "-5.0")


def test_summary_total_not_summing(broken: list[Finding]) -> None:
    finding = found(broken, "total__number", label="Indicadores de servicios")
    assert finding.message.startswith("expect_column_pair_values_to_be_equal")
    assert (finding.printed, finding.recomputed) == ("45", "44")


def test_summary_count_not_an_integer(broken: list[Finding]) -> None:
    finding = found(broken, "high_95__integer", label="Indicadores de objetivos prioritarios")
    assert finding.printed == "3.0"


def test_summary_count_negative(broken: list[Finding]) -> None:
    finding = found(broken, "nd__number", label="Objetivos prioritarios")
    assert finding.printed == "-1"


def test_year_groups_unequal(broken: list[Finding]) -> None:
    finding = found(broken, "printed__in_all", label="2019")
    assert finding.field == "obtained_2019"


def test_year_columns_not_contiguous(broken: list[Finding]) -> None:
    found(broken, "printed__step", label="2023")


def test_progress_year_not_printed(broken: list[Finding]) -> None:
    finding = found(broken, "within__printed", label="2026")
    assert finding.field == "progress_2026"


def test_empty_report_is_flagged_not_crashed(empty: list[Finding]) -> None:
    tables = [f for f in empty if f.message.startswith("expect_table_row_count_to_be_between")]
    assert [f.severity for f in tables] == ["error", "warning", "error"]  # rows, summary, years
    assert all("observed: 0" in f.message for f in tables)
    assert tables == empty


def test_data_docs_built(broken: list[Finding], docs: Path) -> None:
    index = docs / "index.html"
    assert index.is_file()
    assert "policy-matrix.rows" in index.read_text(encoding="utf-8")


def test_great_expectations_not_imported_with_the_module() -> None:
    code = (
        "import sys, extractor.validate; "
        "heavy = [m for m in ('great_expectations', 'pandas') if m in sys.modules]; "
        "print(*heavy, file=sys.stderr); sys.exit(bool(heavy))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_every_expectation_says_why_it_exists() -> None:
    suites = load_suites("policy-matrix")
    assert {s.table for s in suites} == {"rows", "summary", "years"}
    for path in EXPECTATIONS_DIR.glob("*.json"):
        for exp in json.loads(path.read_text(encoding="utf-8"))["expectations"]:
            assert exp["meta"]["notes"], (path.name, exp["type"])
            assert exp["meta"]["severity"] in ("error", "warning", "info"), (path.name, exp)


def test_every_count_column_is_checked() -> None:
    """The defects above hit one count column per check; the others get the same checks."""
    (summary,) = [s for s in load_suites("policy-matrix") if s.table == "summary"]
    columns = [c.name for c in RULES.summary_columns]
    helpers = [f"{c}__{kind}" for c in columns for kind in ("integer", "number")] + ["total__sum"]
    expanded = [e for x in summary.expectations for e in expand_expectation(x, helpers)]
    checked = {(e["type"], e["kwargs"].get("column")) for e in expanded}
    assert len(columns) == 5
    for col in columns:
        assert ("expect_column_values_to_be_in_set", f"{col}__integer") in checked
        assert ("expect_column_values_to_be_between", f"{col}__number") in checked
    pairs = [e["kwargs"] for e in expanded if e["type"] == "expect_column_pair_values_to_be_equal"]
    assert [(p["column_A"], p["column_B"]) for p in pairs] == [("total__number", "total__sum")]


def test_suite_without_notes_is_rejected(tmp_path: Path) -> None:
    exp = {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "code"}}
    (tmp_path / "fam.rows.json").write_text(json.dumps({"expectations": [exp]}), "utf-8")
    with pytest.raises(SuiteError, match=r"meta\.notes"):
        load_suites("fam", tmp_path)


def test_year_templates_expand_over_the_report_columns() -> None:
    columns = ["code", "progress_2023", "progress_2024", "progress_2024__number"]
    assert expand("progress_{year}", columns) == ["progress_2023", "progress_2024"]
    exp = {"type": "t", "kwargs": {"column": "progress_{year}__number", "min_value": 0}}
    expanded = expand_expectation(exp, columns)
    assert [e["kwargs"]["column"] for e in expanded] == ["progress_2024__number"]
    assert expanded[0]["kwargs"]["min_value"] == 0
