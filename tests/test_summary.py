"""The printed summary-counts table is read with the columns the family's rules declare."""

from __future__ import annotations

from extractor.rows import read_summary
from extractor.rules import load_rules

RULES = load_rules("policy-matrix")
LINES = [
    "Sector: 11: SALUD",
    "[0-75%> [75-95%> ≥ 95% ND Total",
    "Objetivos prioritarios 1 1 2 0 4",
    "Indicadores de servicios 4 4 20 2 30",
]


def test_counts_are_keyed_by_the_rules_columns() -> None:
    first, second = read_summary(LINES, RULES, page=3)
    assert (first.group, first.page) == ("Objetivos prioritarios", 3)
    assert first.counts == {"low_0_75": "1", "mid_75_95": "1", "high_95": "2", "nd": "0", "total": "4"}
    assert second.get("high_95") == "20"


def test_columns_follow_the_printed_header_order() -> None:
    swapped = ["Total ND ≥ 95% [75-95%> [0-75%>", "Objetivos prioritarios 4 0 2 1 1"]
    (line,) = read_summary(swapped, RULES, page=1)
    assert line.counts == {"low_0_75": "1", "mid_75_95": "1", "high_95": "2", "nd": "0", "total": "4"}


def test_without_a_readable_header_the_rules_order_holds() -> None:
    (line,) = read_summary(["Objetivos prioritarios 1 1 2 0 4"], RULES, page=1)
    assert list(line.counts.values()) == ["1", "1", "2", "0", "4"]


def test_a_line_with_another_number_of_counts_is_not_a_summary_line() -> None:
    assert read_summary(["Objetivos prioritarios 1 1 2 4"], RULES, page=1) == []
