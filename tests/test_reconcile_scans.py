"""Reconciliation of a scanned report: the text and the matrix as OCR reads them.

A scan's narrative carries specks read as marks ("habiendo.reportado", "año' 2024", "lá",
"tiener. un") and its small tables specks among the figures; a direction label may be lost.
Each test states the same thing on a page read by OCR (the claim or the finding is there) and
on a text-layer page (the text is taken as printed: nothing is cleaned, nothing inferred).
"""

from __future__ import annotations

from extractor.model import Report, Row, SourceInfo
from extractor.reconcile import reconcile
from extractor.reconcile.narrative import UNATTRIBUTED, parse_claims
from extractor.rules import load_rules

RULES = load_rules("policy-matrix")
PAGE = 7


def claims(text: str, scanned: bool = True) -> list[tuple[str, str, str, str]]:
    read = parse_claims([(PAGE, text)], RULES, [PAGE] if scanned else [])
    return [(c.kind, c.subject, c.field, c.printed) for c in read]


def test_marks_glued_between_words_are_the_space_they_hide() -> None:
    text = (
        'El servicio 14: "Servicio de fortalecimiento", debido a un cambio de los responsables '
        "habiendo.reportado 100% de avance en el año 2022."
    )
    expected = ("service_progress", "S.14", "progress_2022", "100%")
    assert expected in claims(text)
    assert expected not in claims(text, scanned=False)


def test_a_quote_glued_to_a_word_and_a_speck_read_as_an_accent_are_dropped() -> None:
    text = (
        "En relación al avance del OP3 a cargo del MIMP: se tiene el ponderado de 33.3% en el año' 2024, "
        "respecto ál 50% del año 2023."
    )
    got = claims(text)
    assert ("op_progress", "OP.03", "progress_2024", "33.3%") in got
    assert ("op_progress", "OP.03", "progress_2023", "50%") in got
    assert ("op_progress", "OP.03", "progress_2024", "33.3%") not in claims(text, scanned=False)


def test_an_accent_a_speck_put_on_a_word_of_the_pattern_still_matches() -> None:
    text = (
        "S.05. Servicio de sensibilización.\n\nSe efectuaron 247 campañas. "
        "Este servició tiene un cumplimiento de 176%."
    )
    assert claims(text) == [("service_progress", "S.05", "progress", "176%")]


def test_a_point_before_a_lower_case_word_does_not_end_a_band_sentence() -> None:
    text = (
        "Asimismo, de los 44 indicadores de servicios, 35 indicadores tienen un avance alto (igual mayor al "
        "95%), 3 indicadores tiener. un avance intermedio (entre el 75% 95%), y 6 indicadores tienen un "
        "avance bajo (entre el 0% 75%)."
    )
    bands = {(f, p) for k, s, f, p in claims(text) if k == "band_count" and s == "Indicadores de servicios"}
    assert bands == {("total", "44"), ("high_95", "35"), ("mid_75_95", "3"), ("low_0_75", "6")}


def test_two_band_statements_a_scan_joined_with_a_comma_are_read_apart() -> None:
    # trata s302: the full stop between them read ",", the first group's name misread ("objativos"),
    # "de" read "cle": the servicios' name had taken the objectives' total of 6
    text = (
        "Como resultado, de los 6 indicadores de objativos prioritarios: 2 indicadores tienen un avance "
        "alto (igual mayor al 95%), 1 indicador tiene un avance intermedio (entre el 75% 95%) y 3 indicadores "
        "tienen un avance bajo (entre el 0% 75%), Asimismo, cle los 44 indicadores de servicios, 35 "
        "indicadores tienen un avance alto (igual mayor al 95%), 3 indicadores tienen un avance intermedio "
        "(entre el 75% 95%), y 6 indicadores tienen un avance bajo (entre el 0% 75%)."
    )
    bands = [(s, f, p) for k, s, f, p in claims(text) if k == "band_count"]
    services = {(f, p) for s, f, p in bands if s == "Indicadores de servicios"}
    assert services == {("total", "44"), ("high_95", "35"), ("mid_75_95", "3"), ("low_0_75", "6")}
    others = {(f, p) for s, f, p in bands if s != "Indicadores de servicios"}
    assert others == {("total", "6"), ("high_95", "2"), ("mid_75_95", "1"), ("low_0_75", "3")}


def test_table_rows_with_specks_and_misread_code_digits_are_read() -> None:
    text = (
        "Objetivo Prioritario Avance tipo 1 2023 Avance tipo 1 2024\n"
        "‘oP.0l 78.00% 67.30%\n"
        "oP.0o2. o 82.00% 94.00%\n"
        "OP.03 o 50.00 % 33.30%\n"
    )
    got = {(s, f, p) for k, s, f, p in claims(text) if k == "op_progress"}
    assert ("OP.01", "progress_2023", "78.00%") in got
    assert ("OP.03", "progress_2024", "33.30%") in got  # read past the row whose code stays unreadable
    assert ("OP.03", "progress_2023", "50.00%") in got  # its "%" split off by the scan put back
    assert not any(s.startswith("OP.00") for s, _, _ in got)
    assert claims(text, scanned=False) == []
    # trata s260: a speck line's "Ao" joined to the first row's line; the table read no row at all
    scraps = "Objetivo Prioritario Avance tipo 1 2023 Avance tipo 1 2024\nOP.01 78.00% 67.30% Ao\nOP.02 82.00% 94.00%\n"
    got = {(s, f, p) for k, s, f, p in claims(scraps) if k == "op_progress"}
    assert {("OP.01", "progress_2023", "78.00%"), ("OP.02", "progress_2023", "82.00%")} <= got
    words = "Objetivo Prioritario Avance tipo 1 2023 Avance tipo 1 2024\nOP.01 78.00% 67.30% Avance\n"
    assert not any(k == "op_progress" for k, _, _, _ in claims(words)), "a word is no scrap"


def test_a_scanned_small_table_reads_through_the_marks_a_scan_leaves() -> None:
    header = "Objetivo Prioritario Avance tipo 1 2023 Avance tipo 1 2024"

    def progress(text: str, scanned: bool = True) -> set[tuple[str, str, str]]:
        return {(s, f, p) for k, s, f, p in claims(text, scanned=scanned) if k == "op_progress"}

    # trata s262, s246: a scrap before the header, a quote glued to one of its words
    for line in (f"dE {header}", header.replace("Avance", "“Avance", 1)):
        assert ("OP.01", "progress_2023", "78.00%") in progress(f"{line}\nOP.01 78.00% 67.30%\n")
        assert progress(f"{line}\nOP.01 78.00% 67.30%\n", scanned=False) == set()
    # trata s234: a comma read for the code's point; s224: a speck read as "O" between its digits
    got = progress(f"{header}\nOP,.01 78.00% 67.30%\nOP,02 82.00% 94.00%\nOP.0O3 50.00% 33.30%\n")
    assert {("OP.01", "progress_2023", "78.00%"), ("OP.02", "progress_2024", "94.00%")} <= got
    assert ("OP.03", "progress_2024", "33.30%") in got
    assert not any(s.startswith("OP.00") for s, _, _ in got)
    # trata s228: a speck read as a lone "5" between the code and its figures
    got = progress(f"{header}\nOP.01 78.00% 67.30%\nOP.02 5 82.00% 94.00%\n")
    assert ("OP.02", "progress_2023", "82.00%") in got
    assert not any(p == "5" for _, _, p in got)
    # trata s226: a code read "OPIO" between OP.01 and OP.03 is the one between them
    got = progress(f"{header}\nOP.01 78.00% 67.30%\nOPIO 82.00% 94.00%\nOP.03 50.00% 33.30%\n")
    assert ("OP.02", "progress_2023", "82.00%") in got
    # …but not where its neighbours leave room for more than one
    got = progress(f"{header}\nOP.01 78.00% 67.30%\nOPIO 82.00% 94.00%\nOP.04 50.00% 33.30%\n")
    assert {s for s, _, _ in got} == {"OP.01", "OP.04"}
    got = progress(f"{header}\nOP.01 78.00% 67.30%\nOPIO 82.00% 94.00%\nOP 1 82.00% 94.00%\nOP.03 5.00% 3.30%\n")
    assert {s for s, _, _ in got} == {"OP.01", "OP.03"}


def test_a_mark_read_for_a_letter_does_not_hide_a_service_heading() -> None:
    # trata s236: "El" read "E!"; the heading missed, its figure went to the service before it
    text = (
        'El servicio 25. Denominado "Servicio de supervisión".\n\nEste servicio tiene un cumplimiento del 118%.\n\n'
        'E! servicio 39. Denominado "Servicio de atención".\n\nEste servicio cumplió con un 51% de avance.'
    )
    got = [(s, p) for k, s, f, p in claims(text) if k == "service_progress"]
    assert got == [("S.25", "118%"), ("S.39", "51%")]


def test_a_heading_with_a_comma_opens_a_section_and_an_unreadable_one_closes_it() -> None:
    text = (
        "S.41, Servicio de atención migratoria.\n\nEste servicio tiene un cumplimiento del 115%.\n\n"
        "S.20. Servicio de fortalecimiento.\n\nEste servicio tiene un cumplimiento del 176%.\n\n"
        "S.2: Servicio de ejecución de actos especiales.\n\nEste servicio tiene un cumplimiento del 131%."
    )
    got = claims(text)
    assert got[:2] == [
        ("service_progress", "S.41", "progress", "115%"),
        ("service_progress", "S.20", "progress", "176%"),
    ]
    # "S.2:" is S.21 with a digit lost: its figure belongs to no service, least of all S.20
    assert [(k, p) for k, _, _, p in got[2:]] == [(UNATTRIBUTED, "131%")]


# ---- a direction label the scan lost ------------------------------------------------------------


def _scanned_report(direction: str, page: int = 3, ocr: bool = True) -> Report:
    fields = {
        "name": "Número de comunidades",
        "direction": direction,
        "aggregation": "no acumulado",
        "expected_2022": "500",
        "expected_2023": "520",
        "expected_2024": "430",
        "obtained_2022": "480",
        "obtained_2023": "470",
        "obtained_2024": "387",
        "progress_2024": "90.0",  # 387 / 430: only the ascending formula gives it
    }
    years = [2022, 2023, 2024]
    return Report(
        source=SourceInfo("x.pdf", "", 5, ocr_pages=[page] if ocr else []),
        family="policy-matrix",
        metadata={},
        years=years,
        progress_years=[2024],
        columns=[*fields],
        rows=[Row("IOP.02.03", "IOP", "OP.02", fields, page=page)],
        summary=[],
        narrative=[],
    )


def test_a_lost_direction_is_the_one_whose_formula_gives_the_printed_progress() -> None:
    for label in ("", "escendente"):  # blank, or one letter from both labels
        (f,) = [f for f in reconcile(_scanned_report(label), RULES) if f.rule == "target_design"]
        assert (f.severity, f.field) == ("warning", "expected_2024")
        assert "read from its printed progress_2024" in f.message
        assert not [f for f in reconcile(_scanned_report(label), RULES) if f.rule == "progress_not_recomputable"]


def test_a_text_layer_without_a_direction_is_not_guessed() -> None:
    got = reconcile(_scanned_report("", ocr=False), RULES)
    assert not [f for f in got if f.rule == "target_design"]
    assert [f for f in got if f.rule == "progress_not_recomputable"]


def test_a_progress_both_directions_explain_leaves_the_direction_unknown() -> None:
    report = _scanned_report("")
    row = report.rows[0]
    row.fields.update(expected_2024="400", obtained_2024="400", progress_2024="100.0")
    assert not [f for f in reconcile(report, RULES) if f.rule == "target_design"]


def test_patterns_loose_about_accents_keep_group_names_escapes_and_classes() -> None:
    import re

    from extractor.reconcile.ocr_text import accent_insensitive

    loose = accent_insensitive(r"\bavance del OP\s*(?P<o>\d{1,2})\b[^.]*? en el año (?P<y>\d{4})[.:]")
    m = re.search(loose, "avánce del OP3 a cargo: se tiene en el año 2024.", re.I)
    assert m and (m["o"], m["y"]) == ("3", "2024")
    assert accent_insensitive(r"\u00e1[oó]") == r"\u00e1[oóoó]"


def test_a_finding_quotes_the_scanned_text_with_its_accents() -> None:
    text = "S.05. Servicio de sensibilización.\n\nSe hicieron 247 campañas. Este servició tiene un cumplimiento de 1%."
    (claim,) = parse_claims([(PAGE, text)], RULES, [PAGE])
    assert "sensibilización" in claim.context and "servició" in claim.context
