"""The reconciliation stage: recomputed figures and narrative claims against the matrix.

The gold trata-2024 report must yield exactly its known contradictions (no false alarm is a
requirement as much as finding them); copies with one printed figure changed must yield the
matching error; small hand-made reports pin the formulas (descending, acumulado, ND, caps) and
the switches another report family relies on.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

import pytest

from extractor.model import Finding, Report, Row, SourceInfo, SummaryRow
from extractor.reconcile import reconcile
from extractor.reconcile.narrative import UNATTRIBUTED, parse_claims
from extractor.rules import Rules, load_rules
from tests.gold import gold_report

RULES = load_rules("policy-matrix")
COUNT_COLUMNS = [c.name for c in RULES.summary_columns]


@pytest.fixture(scope="module")
def gold() -> Report:
    return gold_report()


@pytest.fixture(scope="module")
def findings(gold: Report) -> list[Finding]:
    return reconcile(gold, RULES)


def of_rule(findings: Iterable[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def row_of(report: Report, code: str) -> Row:
    return next(r for r in report.rows if r.code == code)


def index_row(report: Report) -> Row:
    return next(r for r in report.rows if r.level == "INDEX")


def rules_with(**reconcile: object) -> Rules:
    """The policy rules with some `reconcile:` settings changed (the cached rules stay intact)."""
    raw = copy.deepcopy(RULES.raw)
    raw["reconcile"].update(reconcile)
    return Rules.from_mapping(raw)


# ---- the gold report -----------------------------------------------------------------------


def test_progress_mismatches_are_exactly_the_four_known(findings: list[Finding]) -> None:
    got = {(f.code, f.printed, f.recomputed, f.severity) for f in of_rule(findings, "progress_mismatch")}
    assert got == {
        ("ISS.03.03.01.01", "478.7", "466.7", "error"),
        ("ISS.02.01.01.01", "172.0", "171.4", "error"),
        ("ISS.03.03.03.01", "82.9", "82.4", "error"),
        ("ISS.03.03.08.01", "66.5", "66.2", "error"),
    }


def test_progress_mismatch_message_shows_the_arithmetic(findings: list[Finding]) -> None:
    f = next(f for f in of_rule(findings, "progress_mismatch") if f.code == "ISS.03.03.01.01")
    assert f.field == "progress_2024"
    assert "7% / 1.50% × 100 = 466.67" in f.message
    assert "printed 478.7 differs by +12.03" in f.message
    assert "±0.05 for one printed decimal" in f.message


def test_objectives_index_and_summary_recompute_without_alarm(findings: list[Finding]) -> None:
    # 67.3, 94 and 50.0 are the capped means; 70.6 the mean of the unrounded objectives
    for rule in ("op_progress_mismatch", "index_mismatch", "summary_count_mismatch"):
        assert of_rule(findings, rule) == []
    assert of_rule(findings, "progress_not_recomputable") == []


def test_narrative_errors_are_exactly_the_known_contradictions(findings: list[Finding]) -> None:
    errors = [f for f in of_rule(findings, "narrative_mismatch") if f.severity == "error"]
    got = sorted((f.code, f.field, f.printed, f.recomputed) for f in errors)
    assert got == sorted(
        [
            # the Consistencia table, the call-out and point 4 say 33.3; matrix and recount say 50.0:
            # one claim, one finding naming its three places
            ("OP.03", "progress_2024", "33.30%", "50.0"),
            # high and low swapped for the objectives' indicators
            ("", "Indicadores de objetivos prioritarios.high_95", "2", "3"),
            ("", "Indicadores de objetivos prioritarios.low_0_75", "3", "2"),
            # one paragraph says 35/3/6 for the services' indicators
            ("", "Indicadores de servicios.high_95", "35", "34"),
            ("", "Indicadores de servicios.low_0_75", "6", "7"),
            # S.02 "cumplimiento de 100%" against a printed 111.1
            ("ISS.01.01.02.01", "progress_2024", "100%", "111.1"),
        ]
    )


def test_the_same_claim_stated_in_three_places_is_one_finding_naming_them(findings: list[Finding]) -> None:
    (op03,) = [f for f in of_rule(findings, "narrative_mismatch") if f.code == "OP.03" and f.severity == "error"]
    assert op03.message.count("the text states it again") == 2
    assert "se tiene el ponderado de 33.3%" in op03.message


def test_narrative_messages_quote_the_text_and_the_matrix(findings: list[Finding]) -> None:
    s02 = next(f for f in of_rule(findings, "narrative_mismatch") if f.code == "ISS.01.01.02.01")
    assert "S.02" in s02.message and "cumplimiento de 100%" in s02.message
    assert "100% / 90% × 100 = 111.11" in s02.message
    counts = next(f for f in findings if f.field == "Indicadores de servicios.low_0_75")
    assert "ISS.03.04.01.01 (50.6)" in counts.message


def test_rounded_service_claims_and_orphans_raise_no_error(findings: list[Finding]) -> None:
    # "51% de avance" for S.39 (50.6), "cumplimiento del 116%" for S.06 read under "$.06." (115.5)
    # and the "cumplimiento del 176%" cut from its service by a page break are no contradiction
    flagged = {f.code for f in findings if f.rule == "narrative_mismatch"}
    assert not flagged & {"ISS.03.04.01.01", "ISS.01.01.06.01", "ISS.02.07.01.01"}
    orphans = of_rule(findings, "narrative_unattributed")
    assert [(f.printed, f.severity) for f in orphans] == [("176%", "info")]


def test_figures_the_matrix_does_not_print_are_only_warnings(findings: list[Finding]) -> None:
    # 2023 objective values and the S.14 2022 "avance" are compared with recomputations
    doubts = {
        (f.code, f.field, f.printed)
        for f in of_rule(findings, "narrative_mismatch")
        if f.severity == "warning"
    }
    assert ("OP.01", "progress_2023", "78.00%") in doubts
    assert ("ISS.01.06.01.01", "progress_2022", "100%") in doubts
    assert ("", "services.progress_2024", "7") in doubts


def test_implausible_values(findings: list[Finding]) -> None:
    got = {(f.code, f.field, f.printed) for f in of_rule(findings, "implausible_value")}
    assert ("ISS.02.04.03.01", "obtained_2023", "3000%") in got
    assert ("ISS.02.05.02.01", "obtained_2023", "1400%") in got
    assert all(f.severity == "warning" for f in of_rule(findings, "implausible_value"))
    # legitimate executed/programmed percentages above 100 (132%, 322.5%) are left alone
    assert not {c for c, _, _ in got} & {"ISS.01.01.04.01", "ISS.02.03.01.01"}


def test_falling_targets_of_ascending_indicators(findings: list[Finding]) -> None:
    got = {(f.code, f.field) for f in of_rule(findings, "target_design")}
    assert ("ISS.01.01.08.01", "expected_2024") in got
    assert ("IOP.03.02", "expected_2022") in got


def test_reconcile_does_not_touch_the_report(gold: Report) -> None:
    before = copy.deepcopy(gold)
    reconcile(gold, RULES)
    assert gold == before


# ---- one printed figure changed: the matching error appears ---------------------------------


def test_changed_indicator_progress_is_flagged(gold: Report) -> None:
    report = copy.deepcopy(gold)
    row_of(report, "ISS.02.02.01.01").fields["progress_2024"] = "160.0"
    flagged = {
        (f.code, f.printed, f.recomputed) for f in of_rule(reconcile(report, RULES), "progress_mismatch")
    }
    assert ("ISS.02.02.01.01", "160.0", "164.0") in flagged


def test_changed_summary_cell_is_flagged(gold: Report) -> None:
    report = copy.deepcopy(gold)
    line = next(s for s in report.summary if s.group == "Indicadores de servicios")
    line.counts["high_95"] = "35"
    got = of_rule(reconcile(report, RULES), "summary_count_mismatch")
    assert [(f.field, f.printed, f.recomputed) for f in got] == [
        ("Indicadores de servicios.high_95", "35", "34")
    ]


def test_changed_objective_progress_is_flagged(gold: Report) -> None:
    report = copy.deepcopy(gold)
    row_of(report, "OP.02").fields["progress_2024"] = "90"
    got = of_rule(reconcile(report, RULES), "op_progress_mismatch")
    assert [(f.code, f.printed, f.recomputed) for f in got] == [("OP.02", "90", "94")]
    assert "(83.18 + 100.00 + 100.00) / 3 = 94.392" in got[0].message


def test_an_objective_averaging_its_printed_indicators_carries_no_second_finding(gold: Report) -> None:
    report = copy.deepcopy(gold)
    row_of(report, "IOP.02.01").fields["progress_2024"] = "90.0"  # its values give 83.2
    row_of(report, "OP.02").fields["progress_2024"] = "96.7"  # mean(90.0, 100, 100): what it prints
    findings = reconcile(report, RULES)
    errors = [f.code for f in findings if f.rule in ("progress_mismatch", "op_progress_mismatch", "index_mismatch")]
    assert "IOP.02.01" in errors and "OP.02" not in errors
    (note,) = [f for f in of_rule(findings, "reading") if f.code == "OP.02"]
    assert "printed" in note.message and "96.7" in note.printed


def test_changed_index_is_flagged_with_both_means(gold: Report) -> None:
    report = copy.deepcopy(gold)
    index_row(report).fields["progress_2024"] = "70.4"
    got = of_rule(reconcile(report, RULES), "index_mismatch")
    assert [(f.printed, f.recomputed) for f in got] == [("70.4", "70.6")]
    assert "= 70.552" in got[0].message  # the unrounded objectives, as the report computes it
    assert "(67.3 + 94 + 50.0) / 3 = 70.43" in got[0].message  # the printed, rounded ones


def test_changed_matrix_cell_contradicts_the_objective_table(gold: Report) -> None:
    report = copy.deepcopy(gold)
    row_of(report, "IOP.02.01").fields["expected_2022"] = "75%"
    got = of_rule(reconcile(report, RULES), "narrative_mismatch")
    assert ("IOP.02.01", "expected_2022", "80%", "75%") in {
        (f.code, f.field, f.printed, f.recomputed) for f in got
    }


def test_unnamed_count_sentence_is_attributed_by_its_total(gold: Report) -> None:
    report = copy.deepcopy(gold)
    page, text = report.narrative[0]
    text = text.replace("se tiene 34 con nivel alto", "se tiene 33 con nivel alto")
    report.narrative = [(page, text)]
    got = of_rule(reconcile(report, RULES), "narrative_mismatch")
    assert ("Indicadores de servicios.high_95", "33", "34") in {
        (f.field, f.printed, f.recomputed) for f in got
    }


@pytest.mark.parametrize(
    ("old", "new", "printed", "count"),
    [
        ("cuenta con tres Objetivos Prioritarios", "cuenta con cuatro Objetivos Prioritarios", "cuatro", "3"),
        ("cuenta con 19 lineamientos", "cuenta con dieciocho lineamientos", "dieciocho", "19"),
        ("cuenta con 6 indicadores de objetivo", "cuenta con cinco indicadores de objetivo", "cinco", "6"),
    ],
)
def test_a_count_of_rows_written_in_words_is_read(gold: Report, old: str, new: str, printed: str, count: str) -> None:
    # the words come from the rules' `number_words`; the true count in words raises nothing
    page, text = gold.narrative[0]
    assert old in text
    report = copy.deepcopy(gold)
    words = {"cuatro": "tres", "dieciocho": "diecinueve", "cinco": "seis"}[printed]
    report.narrative = [(page, text.replace(old, new.replace(printed, words)))]
    assert not [f for f in of_rule(reconcile(report, RULES), "narrative_mismatch") if f.field.endswith(".count")]
    report.narrative = [(page, text.replace(old, new))]
    got = [f for f in of_rule(reconcile(report, RULES), "narrative_mismatch") if f.field.endswith(".count")]
    assert [(f.printed, f.recomputed, f.severity) for f in got] == [(printed, count, "error")]


# ---- formulas on small reports -------------------------------------------------------------

YEARS = [2022, 2023, 2024]


def indicator(code: str = "IOP.01.01", parent: str = "OP.01", **fields: str) -> Row:
    base = {"name": "Número de casos", "direction": "ascendente", "aggregation": "no acumulado"}
    return Row(code, "IOP", parent, {**base, **fields}, page=3)


def report_of(*rows: Row, progress_years: Iterable[int] = (2024,)) -> Report:
    columns = [f"{k}_{y}" for k in ("expected", "obtained") for y in YEARS]
    columns += [f"progress_{y}" for y in progress_years]
    return Report(
        source=SourceInfo("x.pdf", "", 1),
        family="policy-matrix",
        metadata={},
        years=YEARS,
        progress_years=list(progress_years),
        columns=columns,
        rows=list(rows),
        summary=[],
        narrative=[],
    )


def progress_findings(report: Report, rules: Rules = RULES) -> list[Finding]:
    return [f for f in reconcile(report, rules) if "progress" in f.rule]


def test_descending_divides_target_by_result() -> None:
    row = indicator(direction="descendente", expected_2024="10", obtained_2024="12.5", progress_2024="80.0")
    assert progress_findings(report_of(row)) == []
    row.fields["progress_2024"] = "125.0"  # what the ascending formula would give
    (f,) = progress_findings(report_of(row))
    assert (f.rule, f.recomputed) == ("progress_mismatch", "80.0")
    assert "10 / 12.5 × 100 = 80.00" in f.message


def test_acumulado_sums_the_years_up_to_the_progress_year() -> None:
    sums = {f"expected_{y}": "10" for y in YEARS} | {
        "obtained_2022": "5",
        "obtained_2023": "10",
        "obtained_2024": "15",
    }
    row = indicator(aggregation="acumulado", progress_2024="100.0", **sums)
    assert progress_findings(report_of(row)) == []  # (5 + 10 + 15) / (10 + 10 + 10)
    row.fields["progress_2024"] = "120.0"  # neither the sums nor the year's own 15 / 10
    (f,) = progress_findings(report_of(row))
    assert f.rule == "progress_mismatch" and "yearly flows" in f.message
    assert "(5 + 10 + 15) / (10 + 10 + 10) × 100 = 100.00" in f.message
    assert "15 / 10 × 100 = 150.00" in f.message  # the other reading is shown too


def test_acumulado_read_as_an_already_cumulative_series_is_no_error() -> None:
    # "Número acumulado de …": targets and values only grow; the printed progress is the year's
    # own ratio, which the methodology accepts as the second reading (recorded as info)
    series = {"expected_2022": "3,200", "expected_2023": "6,800", "expected_2024": "18,200",
              "obtained_2022": "3,150", "obtained_2023": "7,020", "obtained_2024": "18,946"}
    row = indicator(aggregation="acumulado", progress_2024="104.1", **series)
    findings = reconcile(report_of(row), RULES)
    assert not [f for f in findings if f.severity == "error"]
    (note,) = [f for f in findings if f.rule == "reading"]
    assert note.severity == "info" and "already cumulative" in note.message and note.recomputed == "104.1"


def _objective_with_an_unpinned_acumulado(ratio_2023: float, claim_2023: str) -> Report:
    """OP.01 prints only 2024; its text states 2023. IOP.01.02 is `acumulado` with ND in 2024, so
    nothing pins its reading: summed as flows 2023 gives (80 + 210) / (100 + 200) = 96.67,
    already cumulative 210 / 200 = 105 (100 capped). IOP.01.01's 2023 is `ratio_2023`."""
    objective = Row("OP.01", "OP", "", {"name": "Objetivo", "progress_2024": "90.0"}, page=3)
    plain = indicator("IOP.01.01", expected_2023="10000", obtained_2023=f"{ratio_2023 * 100:.6f}",
                      expected_2024="10", obtained_2024="9", progress_2024="90.0")
    acumulado = indicator("IOP.01.02", aggregation="acumulado", expected_2022="100", expected_2023="200",
                          expected_2024="300", obtained_2022="80", obtained_2023="210", obtained_2024="ND",
                          progress_2024="ND")
    report = report_of(objective, plain, acumulado)
    text = (f"El objetivo prioritario 1 presenta un avance de 90.0% en el año 2024, respecto al "
            f"{claim_2023} del año 2023.")
    report.narrative = [(2, text)]
    return report


def test_an_objective_figure_of_an_unprinted_year_is_explained_by_a_choice_of_readings() -> None:
    # (85 + 100) / 2 = 92.5 with IOP.01.02 already cumulative; the first reading gives 90.83
    findings = reconcile(_objective_with_an_unpinned_acumulado(85.0, "92.5%"), RULES)
    assert not [f for f in findings if f.rule == "narrative_mismatch"]
    (note,) = [f for f in of_rule(findings, "reading") if f.field == "progress_2023"]
    assert (note.code, note.severity, note.printed, note.recomputed) == ("OP.01", "info", "92.5%", "92.5")
    assert "IOP.01.02 105.00 (recomputed, already cumulative)" in note.message
    assert "= 90.833" in note.message  # the first reading, for the auditor


def test_a_figure_no_choice_of_readings_explains_stays_a_warning() -> None:
    # 91.7 is neither 90.83 nor 92.5
    findings = reconcile(_objective_with_an_unpinned_acumulado(85.0, "91.7%"), RULES)
    (doubt,) = of_rule(findings, "narrative_mismatch")
    assert (doubt.code, doubt.field, doubt.severity) == ("OP.01", "progress_2023", "warning")


@pytest.mark.parametrize("side", [-1, 1])
def test_a_choice_of_readings_holds_the_same_rounding_edge(side: int) -> None:
    # the chosen mean sits 0.49 / 0.51 of half a unit of the text's last digit from 92.5
    for offset, flagged in ((0.049, False), (0.051, True)):
        report = _objective_with_an_unpinned_acumulado(85.0 + 2 * side * offset, "92.5%")
        doubts = of_rule(reconcile(report, RULES), "narrative_mismatch")
        assert bool(doubts) is flagged, (side, offset)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"expected_2024": "10", "obtained_2024": "ND"}, "obtained_2024 is ND"),
        ({"expected_2024": "", "obtained_2024": "4"}, "expected_2024 is empty"),
        ({"expected_2024": "0", "obtained_2024": "4"}, "expected_2024 is 0"),
        ({"direction": "descendente", "expected_2024": "5", "obtained_2024": "0"}, "is 0"),
        ({"direction": "constante", "expected_2024": "5", "obtained_2024": "5"}, "constant"),
        ({"direction": "", "expected_2024": "5", "obtained_2024": "5"}, "no direction"),
    ],
)
def test_not_recomputable_is_info_never_error(fields: dict[str, str], reason: str) -> None:
    row = indicator(progress_2024="37.0", **fields)
    (f,) = progress_findings(report_of(row))
    assert (f.rule, f.severity, f.printed) == ("progress_not_recomputable", "info", "37.0")
    assert reason in f.message


def test_objective_uses_printed_progress_when_an_indicator_cannot_be_recomputed() -> None:
    objective = Row("OP.01", "OP", "", {"name": "Objetivo", "progress_2024": "80.0"}, page=3)
    known = indicator("IOP.01.01", expected_2024="10", obtained_2024="6", progress_2024="60.0")
    printed_only = indicator("IOP.01.02", expected_2024="ND", obtained_2024="5", progress_2024="250")
    report = report_of(objective, known, printed_only)
    findings = reconcile(report, RULES)
    assert of_rule(findings, "op_progress_mismatch") == []  # mean(60, min(250, 100)) = 80
    objective.fields["progress_2024"] = "70.0"
    (f,) = of_rule(reconcile(report, RULES), "op_progress_mismatch")
    assert "IOP.01.01 60.00 (recomputed)" in f.message
    assert "IOP.01.02 250.00 (printed)" in f.message


# ---- switches another family (PEI Anexo B-7) relies on -------------------------------------


def test_capped_printed_values_every_year_and_inferred_direction() -> None:
    rules = rules_with(cap_printed=100, progress_years="all", infer_direction_from_targets=True)
    row = indicator(
        direction="",
        baseline_value="8",  # 2022: the first target is compared with the baseline
        expected_2022="10",
        expected_2023="12",
        expected_2024="9",  # 2024: falling → descending
        obtained_2022="5",
        obtained_2023="21",
        obtained_2024="18",
        progress_2022="50.0",
        progress_2023="100.0",
        progress_2024="50.0",
    )
    report = report_of(row, progress_years=YEARS)
    # 2022 ascending 5/10; 2023 ascending 21/12 = 175 printed capped; 2024 descending 9/18
    assert progress_findings(report, rules) == []
    row.fields["progress_2023"] = "99.0"
    (f,) = progress_findings(report, rules)
    assert (f.field, f.recomputed) == ("progress_2023", "100.0")
    assert "capped at 100" in f.message and "inferred" in f.message
    # the policy settings check only the last year and do not infer a direction
    assert [f.rule for f in progress_findings(report, RULES)] == ["progress_not_recomputable"]


def test_rollups_and_summary_can_be_switched_off(gold: Report) -> None:
    report = copy.deepcopy(gold)
    row_of(report, "OP.02").fields["progress_2024"] = "90"
    index_row(report).fields["progress_2024"] = "10.0"
    report.summary[0].counts["total"] = "99"
    rules = rules_with(objective_rollup=False, summary_counts=False)
    rules_off = {f.rule for f in reconcile(report, rules)}
    assert not rules_off & {"op_progress_mismatch", "index_mismatch", "summary_count_mismatch"}


# ---- narrative parsing ---------------------------------------------------------------------


def claims_of(text: str) -> list[tuple[str, str, str, str]]:
    return [(c.kind, c.subject, c.field, c.printed) for c in parse_claims([(7, text)], RULES)]


def test_an_indicators_figure_is_not_given_to_an_indicator_named_before_another() -> None:
    """Trata s201: "Indicador 2.3" read "Indicador 23" (the point lost): 2.3's "69 respecto a 32"
    must not be claimed for the 2.2 named before it; 2.2's own figure still is."""
    own = "Indicador 2.2 a cargo de la PNP presenta un avance de 1,196 respecto a 500 esperado en el año 2024."
    assert ("indicator_value", "IOP.02.02", "obtained_2024", "1,196") in claims_of(own)
    scanned = ("indicador 2.2 para realizar ajustes en este indicador con sobre valor Indicador 23 a cargo del "
               "Poder Judicial presenta un avance de 69 respecto a 32 esperado en el año 2024")
    assert not [c for c in claims_of(scanned) if c[1] == "IOP.02.02"]


def test_este_servicio_belongs_to_the_nearest_heading() -> None:
    text = (
        "S.05. Servicio de sensibilización.\n\nSe efectuaron 247 campañas. Este servicio tiene un "
        "cumplimiento de 176%.\n\n\\$.06. Servicio de capacitación\n\nSe capacitó a 1,795 "
        "administrados. Este servicio tiene un\ncumplimiento del 116%."
    )
    assert claims_of(text) == [
        ("service_progress", "S.05", "progress", "176%"),
        ("service_progress", "S.06", "progress", "116%"),
    ]


def test_a_figure_without_its_service_is_not_attributed() -> None:
    text = (
        "S.23. Servicio de promoción.\n\nSe llevaron a cabo 37 capacitaciones. Este servicio "
        "tiene un cumplimiento del 100%.\n\nOP.02.\n\ncumplimiento del 176%.\n\n"
        "Este servicio tiene un cumplimiento del 90%."
    )
    got = claims_of(text)
    assert got[0] == ("service_progress", "S.23", "progress", "100%")
    # the cut sentence and a second "este servicio" under the same heading: no subject
    assert [(k, p) for k, _, _, p in got[1:]] == [(UNATTRIBUTED, "176%"), (UNATTRIBUTED, "90%")]


def test_a_service_with_two_indicators_is_not_guessed(gold: Report) -> None:
    report = copy.deepcopy(gold)
    report.narrative = [(9, "S.16. Servicio.\n\nEste servicio tiene un cumplimiento del 3%.")]
    (f,) = [f for f in reconcile(report, RULES) if f.rule.startswith("narrative")]
    assert (f.rule, f.severity, f.page) == ("narrative_unattributed", "info", 9)
    assert "ISS.02.01.02.01, ISS.02.01.02.02" in f.message


def test_objective_table_cells_come_with_their_year_columns() -> None:
    text = (
        "N°\tLogros esperados\t\t\tValores obtenidos\t\t\tAvance Tipo 1 (%)\n"
        "\t2022\t2023\t2024\t2022\t2023\t2024\t2024\n"
        "\t\t\t\t\t\t\t94\n"
        "2.2\t400\t450\t500\t942\t1718\t1196\t239\n"
    )
    got = claims_of(text)
    assert ("indicator_value", "OP.02", "progress_2024", "94") in got
    assert ("indicator_value", "IOP.02.02", "expected_2022", "400") in got
    assert ("indicator_value", "IOP.02.02", "obtained_2023", "1718") in got
    assert ("indicator_value", "IOP.02.02", "progress_2024", "239") in got


def test_a_family_without_narrative_rules_has_no_claims() -> None:
    raw = {k: v for k, v in RULES.raw.items() if k != "narrative"}
    assert parse_claims([(1, "Este servicio tiene un cumplimiento del 5%.")], Rules.from_mapping(raw)) == []


def test_summary_rows_of_unknown_groups_are_ignored() -> None:
    report = report_of(indicator(expected_2024="10", obtained_2024="5", progress_2024="50.0"))
    report.summary = [SummaryRow("Otro grupo", dict.fromkeys(COUNT_COLUMNS, "9"))]
    assert of_rule(reconcile(report, RULES), "summary_count_mismatch") == []


def test_band_bounds_belong_to_the_upper_range() -> None:
    # [0-75%>, [75-95%>, ≥ 95%: a printed 75.0 is mid, a printed 95.0 is high, ND is counted apart
    rows = [
        indicator(f"IOP.01.0{i}", expected_2024="100", obtained_2024=v, progress_2024=p)
        for i, (v, p) in enumerate([("75", "75.0"), ("95", "95.0"), ("ND", "ND")], start=1)
    ]
    report = report_of(*rows)
    counts = dict(zip(COUNT_COLUMNS, "01113", strict=True))
    report.summary = [SummaryRow("Indicadores de objetivos prioritarios", counts)]
    assert of_rule(reconcile(report, RULES), "summary_count_mismatch") == []
    report.summary[0].counts |= {"low_0_75": "1", "mid_75_95": "0"}
    assert {f.field for f in of_rule(reconcile(report, RULES), "summary_count_mismatch")} == {
        "Indicadores de objetivos prioritarios.low_0_75",
        "Indicadores de objetivos prioritarios.mid_75_95",
    }


def rules_with_sections(**sections: dict[str, object]) -> Rules:
    """The policy rules with whole sections changed (e.g. another family's summary table)."""
    raw = copy.deepcopy(RULES.raw)
    for name, changes in sections.items():
        raw[name] = {**raw.get(name, {}), **changes}
    return Rules.from_mapping(raw)


def test_summary_columns_are_what_the_rules_declare() -> None:
    # a family printing two ranges split at 50, without an ND column
    columns = [
        {"name": "bajo", "labels": ["< 50%"], "counts": "progress", "from": 0, "below": 50},
        {"name": "alto", "labels": ["≥ 50%"], "counts": "progress", "from": 50, "below": None},
        {"name": "todos", "labels": ["Total"], "counts": "all"},
    ]
    rules = rules_with_sections(summary={"columns": columns})
    rows = [
        indicator(f"IOP.01.0{i}", expected_2024="100", obtained_2024=p, progress_2024=p)
        for i, p in enumerate(["40", "60", "75"], start=1)
    ]
    report = report_of(*rows)
    group = "Indicadores de objetivos prioritarios"
    report.summary = [SummaryRow(group, {"bajo": "1", "alto": "2", "todos": "3"})]
    assert of_rule(reconcile(report, rules), "summary_count_mismatch") == []
    report.summary[0].counts["bajo"] = "2"
    (wrong,) = of_rule(reconcile(report, rules), "summary_count_mismatch")
    assert (wrong.field, wrong.printed, wrong.recomputed) == (f"{group}.bajo", "2", "1")
    assert "< 50%" in wrong.message  # the column is named by its printed label


def test_progress_in_no_range_is_counted_as_not_numeric() -> None:
    report = report_of(indicator(expected_2024="100", obtained_2024="-5", progress_2024="-5.0"))
    counts = dict(zip(COUNT_COLUMNS, "00011", strict=True))
    report.summary = [SummaryRow("Indicadores de objetivos prioritarios", counts)]
    assert of_rule(reconcile(report, RULES), "summary_count_mismatch") == []


def test_service_subjects_follow_the_rules_prefix() -> None:
    """A family naming its services "Serv-7" in the text: claims name and resolve them that way."""
    narrative = {
        "service_subject": {"prefix": "Serv-", "digits": 1},
        "service_headings": ["^Servicio (?P<service>\\d{1,2})\\b"],
        "claims": [],
        "tables": [],
    }
    rules = rules_with_sections(narrative=narrative, reconcile={"wording": {"levels": {"SS": "servicio"}}})
    rows = [
        indicator("IOP.01.01", expected_2024="10", obtained_2024="5", progress_2024="50.0", service_no="7"),
        indicator("IOP.01.02", expected_2024="10", obtained_2024="10", progress_2024="100.0", service_no="7"),
    ]
    report = report_of(*rows)
    report.narrative = [(4, "Servicio 7. Atención\nEste servicio tiene un cumplimiento del 80%.")]
    claims = parse_claims(report.narrative, rules)
    assert [(c.subject, c.printed) for c in claims] == [("Serv-7", "80%")]
    (note,) = of_rule(reconcile(report, rules), "narrative_unattributed")
    assert "servicio 7 has 2 indicators" in note.message


# ---- the rounding tolerance, probed at its edge ----------------------------------------------
# A printed figure agrees with its recomputation within half a unit of its last printed digit.
# Each case sits 1% of that half unit inside or outside the edge: doubling (or halving) the
# tolerance makes one of them fail.

EDGE_CASES = [  # printed progress, its last digit's unit
    ("80", 1.0),
    ("80.0", 0.1),
    ("80.00", 0.01),
]


def _progress_row(printed: str, exact: float) -> Row:
    # obtained / 10000 × 100 = exact; the obtained value printed with enough decimals to say so
    return indicator(expected_2024="10000", obtained_2024=f"{exact * 100:.6f}", progress_2024=printed)


@pytest.mark.parametrize(("printed", "unit"), EDGE_CASES)
@pytest.mark.parametrize("side", [-1, 1])
def test_a_progress_just_inside_half_a_unit_agrees(printed: str, unit: float, side: int) -> None:
    exact = float(printed) + side * 0.49 * unit
    assert progress_findings(report_of(_progress_row(printed, exact))) == []


@pytest.mark.parametrize(("printed", "unit"), EDGE_CASES)
@pytest.mark.parametrize("side", [-1, 1])
def test_a_progress_just_past_half_a_unit_is_flagged(printed: str, unit: float, side: int) -> None:
    exact = float(printed) + side * 0.51 * unit
    (f,) = progress_findings(report_of(_progress_row(printed, exact)))
    assert f.rule == "progress_mismatch" and f.severity == "error"


@pytest.mark.parametrize(("printed", "unit"), EDGE_CASES)
def test_an_objective_at_the_edge_of_its_rounding(printed: str, unit: float) -> None:
    for offset, flagged in ((0.49, False), (0.51, True)):
        child = _progress_row(f"{float(printed) + offset * unit:.6f}", float(printed) + offset * unit)
        objective = Row("OP.01", "OP", "", {"name": "Mejorar algo", "progress_2024": printed}, page=3)
        findings = reconcile(report_of(objective, child), RULES)
        got = [f for f in findings if f.rule == "op_progress_mismatch"]
        assert bool(got) is flagged, (printed, offset)


# ---- a choice of one reading per term ---------------------------------------------------------


def test_a_mean_is_found_only_when_some_choice_gives_it() -> None:
    from extractor.reconcile.combinations import every_choice, mean_within

    choices = [[86.75], [98.25, 100.0], [60.0, 70.0, 60.0]]
    # the four means: 81.67, 82.25 (100 for the second), 85.0 (70 for the third), 85.58 (both)
    assert mean_within(choices, 84.9, 85.1) == (0, 0, 1)
    assert mean_within(choices, 81.6, 81.7) == (0, 0, 0)
    assert mean_within(choices, 85.5, 85.6) == (0, 1, 1)
    assert mean_within(choices, 83.0, 84.0) is None
    assert len(every_choice(choices)) == 4  # the repeated 60.0 is one choice


def _index_over_two_rounded_objectives(index: str) -> Report:
    """Two objectives of one `acumulado` indicator each whose printed whole figure both readings
    round to (flows 89.6 / cumulative 90.4 → "90"; 79.6 / 80.4 → "80"): each objective may enter
    the index at either value."""
    def acumulado(code: str, parent: str, later: str, last: str, printed: str) -> Row:
        series = {f"expected_{y}": "100" for y in YEARS} | {"obtained_2022": later, "obtained_2023": later}
        return indicator(code, parent, aggregation="acumulado", obtained_2024=last, progress_2024=printed, **series)

    rows = [Row("OP.01", "OP", "", {"name": "Uno", "progress_2024": "90"}, page=3),
            acumulado("IOP.01.01", "OP.01", "89.2", "90.4", "90"),
            Row("OP.02", "OP", "", {"name": "Dos", "progress_2024": "80"}, page=3),
            acumulado("IOP.02.01", "OP.02", "79.2", "80.4", "80"),
            Row("", "INDEX", "", {"name": "Índice de gestión de la política", "progress_2024": index}, page=3)]
    return report_of(*rows)


def test_an_index_is_explained_by_a_choice_of_its_objectives_readings() -> None:
    # (90.4 + 80.4) / 2 = 85.4: both objectives read as already cumulative; the two readings the
    # index had before (84.6 and 85.0) miss it
    findings = reconcile(_index_over_two_rounded_objectives("85.4"), RULES)
    assert of_rule(findings, "index_mismatch") == []
    (note,) = [f for f in of_rule(findings, "reading") if not f.code]
    assert "each objective in a documented reading" in note.message and note.recomputed == "85.4"
    # 85.6 is beyond every choice (the largest is 85.4)
    (error,) = of_rule(reconcile(_index_over_two_rounded_objectives("85.6"), RULES), "index_mismatch")
    assert error.severity == "error"
