"""Cross-report comparison on plain rows: numbers as numbers, rows by code or by name."""

from __future__ import annotations

from extractor.corpus.changes import RowView, Snapshot, compare_reports, find_changes, same_value
from extractor.rules import load_rules

PEI = "pei-b7|112 - instituto geofisico del peru|2017 - 2019"


def indicator(code: str, **fields: str) -> RowView:
    return RowView(code, "IND", fields.get("name", f"indicador {code}"), 2, {"name": f"indicador {code}", **fields})


def printout(year: int, rows: list[RowView], sha: str | None = None) -> Snapshot:
    return Snapshot(sha or f"sha{year}", f"pei-{year}.pdf", "pei-b7", year, PEI, rows)


def found(changes: list[dict]) -> set[tuple[str, str, str, str, str]]:
    return {(c["rule"], c["code"], c["field"], c["from_value"], c["to_value"]) for c in changes}


def test_numbers_are_compared_as_numbers() -> None:
    assert same_value("29", "29.00") and same_value("1,300", "1300") and same_value("ND", "")
    assert not same_value("29", "29.5") and not same_value("29", "ND")


def test_the_same_inputs_with_another_progress_is_a_restated_progress() -> None:
    # the IGP example: the same expected and obtained values, progress 43.86 / 78.87 then 100 / 100
    values = {"expected_2017": "57.00", "obtained_2017": "25.00", "expected_2018": "71.00", "obtained_2018": "56.00"}
    old = indicator("IND.03.AEI.02.03", **values, progress_2017="43.86", progress_2018="78.87")
    new = indicator("IND.03.AEI.02.03", **values, progress_2017="100", progress_2018="100.00")
    changes = compare_reports(printout(2018, [old]), printout(2019, [new]), load_rules("pei-b7"))
    assert found(changes) == {
        ("progress_restated", "IND.03.AEI.02.03", "progress_2017", "43.86", "100"),
        ("progress_restated", "IND.03.AEI.02.03", "progress_2018", "78.87", "100.00"),
    }


def test_a_progress_that_follows_a_changed_input_is_not_reported_twice() -> None:
    old = indicator("IND.01.OEI.01", expected_2018="10", obtained_2018="5", progress_2018="50")
    new = indicator("IND.01.OEI.01", expected_2018="10", obtained_2018="8", progress_2018="80")
    changes = compare_reports(printout(2018, [old]), printout(2019, [new]), load_rules("pei-b7"))
    assert found(changes) == {("value_restated", "IND.01.OEI.01", "obtained_2018", "5", "8")}


def test_a_year_the_earlier_report_could_not_know_is_not_a_change() -> None:
    old = indicator("IND.01.OEI.01", obtained_2018="5", obtained_2019="ND")
    new = indicator("IND.01.OEI.01", obtained_2018="5.00", obtained_2019="7")
    assert compare_reports(printout(2018, [old]), printout(2019, [new]), load_rules("pei-b7")) == []


def test_priorities_and_recoded_rows_matched_by_name() -> None:
    objective = RowView("OEI.01", "OEI", "Incrementar el conocimiento", 1, {"name": "Incrementar", "priority": "1"})
    moved = RowView("OEI.01", "OEI", "Incrementar el conocimiento", 1, {"name": "Incrementar", "priority": "3"})
    old_ind = indicator("IND.01.OEI.01", name="Número de investigaciones")
    new_ind = indicator("IND.02.OEI.01", name="Numero de  investigaciones")
    changes = compare_reports(
        printout(2021, [objective, old_ind]), printout(2022, [moved, new_ind]), load_rules("pei-b7")
    )
    assert found(changes) == {
        ("priority_changed", "OEI.01", "priority", "1", "3"),
        ("indicator_recoded", "IND.02.OEI.01", "code", "IND.01.OEI.01", "IND.02.OEI.01"),
    }


def test_reports_of_other_plans_are_not_compared_and_series_follow_the_year() -> None:
    a = printout(2019, [indicator("IND.01.OEI.01", obtained_2018="5")])
    b = printout(2018, [indicator("IND.01.OEI.01", obtained_2018="4")])
    other = Snapshot("x", "other.pdf", "pei-b7", 2019, "pei-b7|another|2017 - 2019",
                     [indicator("IND.01.OEI.01", obtained_2018="9")])
    changes = find_changes([a, other, b])
    assert [(c["from_year"], c["to_year"], c["from_value"], c["to_value"]) for c in changes] == [(2018, 2019, "4", "5")]
