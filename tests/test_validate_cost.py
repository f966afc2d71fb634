"""The shortcuts that keep the suites cheap change no finding.

extractor/validate.py runs a row condition's expectations once on the rows it selects, and a
year-templated row-wise expectation once over the year columns stacked (extractor/
validate_long.py). Both are compared here with the plain way — one expectation per year column,
GE applying each row condition itself — on reports with defects the conditioned and the
templated checks must catch.
"""

from __future__ import annotations

import copy

import pytest

import extractor.validate as validate_module
import extractor.validate_long as validate_long
from extractor.model import Finding, Report, Row
from extractor.rules import load_rules
from tests.gold import gold_report
from tests.test_validate import broken_report

YEARS = ("2019", "2020", "2021")
B7_COLUMNS = [
    "code", "level", "parent", "name", "priority", "measure", "executing_unit", "responsible_unit",
    "baseline_year", "baseline_value", "current_year", "current_value",
    *(f"{kind}_{y}" for kind in ("expected", "obtained", "progress") for y in YEARS),
    "page", "repairs",
]  # fmt: skip


def _b7_row(code: str, level: str, parent: str, **fields: str) -> Row:
    return Row(code=code, level=level, parent=parent, fields=fields, page=1)


def _indicator(code: str, parent: str, **changes: str) -> Row:
    fields = {
        "name": f"indicador {code}", "measure": "Porcentaje", "executing_unit": "UE 001",
        "responsible_unit": "Oficina", "baseline_year": "2018", "baseline_value": "10",
        "current_year": "2021", "current_value": "20",
    } | {f"{kind}_{y}": "50.0" for kind in ("expected", "obtained", "progress") for y in YEARS}  # fmt: skip
    return _b7_row(code, "IND", parent, **(fields | changes))


def b7_report() -> Report:
    """A small PEI B-7 table with defects on conditioned checks in several years."""
    report = copy.deepcopy(gold_report())
    report.family, report.summary, report.columns = "pei-b7", [], B7_COLUMNS
    report.rows = [
        _b7_row("OEI.01", "OEI", "", name="objetivo", priority="1"),
        _indicator("IND.01.OEI.01", "OEI.01", obtained_2020="", progress_2021="250"),
        _b7_row("AEI.01.01", "AEI", "OEI.01", name="accion", priority="", expected_2021="12"),
        _indicator("IND.01.AEI.01.01", "AEI.01.01", measure="", expected_2019="1.2.3"),
        _b7_row("AEI.01.02", "AEI", "OEI.01", name="", priority="2", expected_2019="7", expected_2021="8"),
        _indicator("IND.02.AEI.01.01", "AEI.01.01", obtained_2020="", obtained_2021="", progress_2019="-1"),
    ]
    return report


def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    """No stacking and no filtering ahead of GE: every expectation as the suite expands it."""
    monkeypatch.setattr(validate_long, "stackable", lambda *_: False)
    monkeypatch.setattr(validate_module, "_rows_where", lambda *_: None)


def _both(report: Report, family: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Finding], list[Finding]]:
    rules = load_rules(family)
    fast = validate_module.validate(report, rules)
    with monkeypatch.context() as patch:
        _plain(patch)
        plain = validate_module.validate(report, rules)
    return fast, plain


def test_b7_conditioned_and_yearly_checks_find_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    fast, plain = _both(b7_report(), "pei-b7", monkeypatch)
    assert fast == plain
    fields = {(f.code, f.field) for f in fast}
    # heading bars with values (condition level != IND), in two years
    assert {("AEI.01.02", "expected_2019"), ("AEI.01.02", "expected_2021"), ("AEI.01.01", "expected_2021")} <= fields
    # indicators with lost cells (condition level == IND), several in one year
    assert {("IND.01.OEI.01", "obtained_2020"), ("IND.02.AEI.01.01", "obtained_2020")} <= fields
    assert ("IND.01.AEI.01.01", "measure") in fields
    assert ("AEI.01.01", "priority") in fields and ("AEI.01.02", "name") in fields
    # stacked, unconditioned: out of 0-100 progress in two years, an unparseable cell
    assert {("IND.01.OEI.01", "progress_2021"), ("IND.02.AEI.01.01", "progress_2019")} <= fields
    assert ("IND.01.AEI.01.01", "expected_2019") in fields


def test_policy_matrix_defects_find_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    fast, plain = _both(broken_report(), "policy-matrix", monkeypatch)
    assert fast == plain
    assert len(fast) > 10
