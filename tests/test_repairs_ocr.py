"""Repairs of what tesseract makes of bitonal scans (issue 8), from the grammar of the cell.

Every misread below was collected from the seeded scan variants of salud-2025
(scripts/robustness_scans.py, seeds 1 and 8: 300/400 dpi bitonal, toner dropout, specks).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from extractor import repair as rp
from extractor.confidence import LOW_CONFIDENCE_NOTE, flag_doubtful
from extractor.model import Finding, PageContent, RawRow, Row
from extractor.repair.cells import edge_cuts
from extractor.repair.codes import code_core, interpret_code
from extractor.rules import load_rules

ROLES = ["code", "name", "responsible", "baseline_year", "baseline_value", "obtained_2023", "progress_2025",
         "expected_2021", "expected_2022", "expected_2023", "obtained_2021", "obtained_2022"]


def _band(code: str, name: str, page: int = 1, **cells: str) -> RawRow:
    return RawRow(page, 0.0, 1.0, {role: "" for role in ROLES} | {"code": code, "name": name} | cells)


def _read(role: str, printed: str, *, ocr: bool = True) -> Row:
    raws = [_band("IOP.01.01", "Porcentaje de hogares", **{role: printed})]
    rows, _ = rp.repair(raws, load_rules("policy-matrix"), ocr_pages={1} if ocr else ())
    return rows[0]


@pytest.mark.parametrize(
    ("printed", "read"),
    [
        ("§57.4%", "57.4%"),  # a speck before the value read as a glyph
        ("(1,213", "1,213"),
        ("121°", "121"),  # …after it
        ("-OND", "ND"),  # a dash and a speck read "O" before ND
        ("“OND", "ND"),
        ("78:1%", "78.1%"),  # a point with a speck over it
        ("57.4%)", "57.4%"),
    ],
)
def test_glyphs_glued_to_an_ocr_value_are_cut_when_the_rest_is_a_value(printed: str, read: str) -> None:
    row = _read("obtained_2023", printed)
    assert row.get("obtained_2023") == read
    assert f"ocr_value:{printed}->{read}" in row.repairs, "the repair is listed on its row"


def test_a_worn_figure_read_as_letters_is_not_taken_for_the_not_available_mark() -> None:
    """salud s174, s176 (150 dpi, dropout): 7% read "mo", 380 read "ño", 2020 read "eu": two
    letters a scan reads for N and D alike. Taken for ND they would hide the misreading behind a
    value; one letter from the mark ("NO", "NOD") is the mark."""
    figures = {"baseline_value": "45.4%", "expected_2021": "48.6%", "expected_2022": "ND", "obtained_2021": "50.1%"}
    for printed, read in (("mo", "mo"), ("ño", "ño"), ("Ho", "Ho"), ("NO", "ND"), ("NOD", "ND")):
        raws = [_band("IOP.01.01", "Porcentaje de hogares", **figures, obtained_2022=printed)]
        (row,), _ = rp.repair(raws, load_rules("policy-matrix"), ocr_pages={1})
        assert row.get("obtained_2022") == read, printed


@pytest.mark.parametrize(
    "printed",
    [
        "B.1%",  # a letter beside a separator stood for a digit: no cut can tell which
        "-202C°",  # a letter touching a digit ("202C" is "2020" misread), not a speck
        "771%",  # a value as read stays, however unlikely
        "-5.2%",  # a printed sign is grammar
    ],
)
def test_a_value_is_not_cut_into_another_number(printed: str) -> None:
    row = _read("obtained_2023", printed)
    assert row.get("obtained_2023") == printed and not row.repairs


def test_a_not_available_mark_misread_by_a_letter_is_the_mark_the_document_prints() -> None:
    """Seed 10 (200 dpi bitonal, heavy blur) reads the D of ND as O: "NO", "NOD"."""
    raws = [
        _band("IOP.01.01", "Porcentaje de hogares", obtained_2023="NO", baseline_value="NOD"),
        _band("IOP.01.02", "Porcentaje de hogares", obtained_2023="ND", baseline_value="N.D."),
        _band("IOP.01.03", "Porcentaje de hogares", obtained_2023="ND", baseline_value="N0"),
    ]
    rows, _ = rp.repair(raws, load_rules("policy-matrix"), ocr_pages={1})
    assert (rows[0].get("obtained_2023"), rows[0].get("baseline_value")) == ("ND", "ND")
    assert "ocr_value:NO->ND" in rows[0].repairs and "ocr_value:NOD->ND" in rows[0].repairs
    assert rows[2].get("baseline_value") == "N0", "a digit is a figure's: no mark is guessed"
    rows, _ = rp.repair(raws, load_rules("policy-matrix"))
    assert rows[0].get("obtained_2023") == "NO", "a text layer's cell is as typed"


def test_a_misread_is_not_taken_for_a_not_available_mark_the_document_never_prints() -> None:
    """Seed 9 (150 dpi, JPEG q31) read "84" as "ga": one letter from "NA", which the report never
    prints (it prints "ND"), so nothing is guessed."""
    raws = [
        _band("IOP.01.01", "Porcentaje de hogares", obtained_2023="ga", baseline_value="ND"),
        _band("IOP.01.02", "Porcentaje de hogares", obtained_2023="ND", baseline_value="NO"),
    ]
    rows, _ = rp.repair(raws, load_rules("policy-matrix"), ocr_pages={1})
    assert rows[0].get("obtained_2023") == "ga" and not any("->NA" in r for r in rows[0].repairs)
    assert rows[1].get("baseline_value") == "ND", "the mark the document prints is still read"


def test_a_separator_the_rows_other_figures_print_the_other_way_was_misread() -> None:
    """Seed 10: "12.601" among "9,814 10,743 11,672"; seed 22: "25,2%" among "19.8% 22.5%"."""
    roles = ["expected_2021", "expected_2022", "expected_2023", "obtained_2021", "obtained_2022"]
    counts = dict(zip(roles, ["9,814", "10,743", "11,672", "12.601", "1.025"], strict=True))
    shares = dict(zip(roles, ["19.8%", "22.5%", "25,2%", "ND", "7.5%"], strict=True))
    level = {"baseline_value": "1,5"}  # a decimal comma where the row prints none either way stays
    raws = [_band("IOP.01.01", "Número de hogares", **counts), _band("IOP.01.02", "Porcentaje de hogares", **shares),
            _band("IOP.01.03", "Porcentaje de hogares", **level)]
    rules = load_rules("policy-matrix")
    rows, _ = rp.repair(raws, rules, ocr_pages={1})
    assert [rows[0].get(r) for r in roles] == ["9,814", "10,743", "11,672", "12,601", "1,025"]
    assert rows[1].get("expected_2023") == "25.2%" and "ocr_value:25,2%->25.2%" in rows[1].repairs
    assert rows[2].get("baseline_value") == "1,5"
    rows, _ = rp.repair(raws, rules)
    assert rows[0].get("obtained_2021") == "12.601", "a text layer's figure is as typed"


def test_a_year_column_is_repaired_only_into_a_year() -> None:
    assert _read("baseline_year", "2021)").get("baseline_year") == "2021"
    # "202" is a number but no year: the misread stays for validation to flag
    assert _read("baseline_year", "202).").get("baseline_year") == "202)."
    # s117, s21: a speck before a year read as a point; a number may print one (".255" stays)
    assert _read("baseline_year", ".2020").get("baseline_year") == "2020"
    assert _read("expected_2021", ".255").get("expected_2021") == ".255"
    assert _read("baseline_year", ".2020", ocr=False).get("baseline_year") == ".2020"


def test_a_text_layer_value_is_not_repaired_by_ocr_rules() -> None:
    row = _read("obtained_2023", "(1,213", ocr=False)
    assert row.get("obtained_2023") == "(1,213" and not row.repairs


def test_edge_cuts_never_drop_a_digit_and_try_the_fewest_glyphs_first() -> None:
    cuts = list(edge_cuts("-OND", 3))
    assert set(cuts[:2]) == {"OND", "-ON"} and "ND" in cuts[2:5]
    assert all(core.startswith("1") for core in edge_cuts("1,213)", 3))
    assert "57.4%" in edge_cuts("§57.4%", 1)
    assert not list(edge_cuts("§57.4%", 0))


def test_code_specks_are_trimmed_by_the_code_grammar() -> None:
    cfg = rp.RepairConfig.from_rules(load_rules("policy-matrix"))
    assert code_core("‘LN.04.01", cfg) == "LN.04.01"
    # "§" may stand for the S of a prefix (_ocr.yaml): it stays; "°" is no digit of a group
    assert code_core("§S.04.01.02°", cfg) == "§S.04.01.02"
    assert code_core("-§S.02,01.03", cfg) == "§S.02,01.03"
    assert [c.code for c in interpret_code("‘LN.04.01", cfg)] == ["LN.04.01"]
    assert "SS.04.01.02" in [c.code for c in interpret_code("§S.04.01.02°", cfg)]
    assert code_core("LN.04.01", cfg) == "LN.04.01"


def test_a_separator_misplaced_inside_a_group_or_read_as_a_gap_still_reads_the_code() -> None:
    cfg = rp.RepairConfig.from_rules(load_rules("policy-matrix"))
    assert "ISS.01.02.02.01" in [c.code for c in interpret_code("1SS.0:1.02.02.01", cfg)]
    assert "IOP.02.03" in [c.code for c in interpret_code("10P 02.03", cfg)]
    # digits that are not the level's groups, however regrouped, are no reading of it
    assert "ISS.01.02.02.01" not in [c.code for c in interpret_code("1SS.0:1.02.02", cfg)]


def _coded(code: str, name: str) -> RawRow:
    figures = {"baseline_value": "12%", "obtained_2023": "14%", "expected_2021": "13%"}
    return _band(code, name, **(figures if code.startswith(("IOP", "ISS")) or "1SS" in code else {}))


def _codes(printed: list[str]) -> tuple[list[str], list[Finding]]:
    raws = [_coded(code, f"Fila {i}") for i, code in enumerate(printed)]
    rows, findings = rp.repair(raws, load_rules("policy-matrix"), ocr_pages={1})
    return [r.code for r in rows], findings


def test_a_tie_between_readings_is_broken_by_the_sibling_the_hierarchy_lacks() -> None:
    """"1SS.02.02.01.02" reads .02 and the sequence expects .01: no .01 stands above, so .02
    would leave a gap (salud scan 1 and 9)."""
    codes, findings = _codes(["OP.02", "IOP.02.01", "LN.02.02", "SS.02.02.01", "1SS.02.02.01.02",
                              "SS.02.02.02"])
    assert codes[4] == "ISS.02.02.01.01"
    assert any(f.rule == "assumption" and "code_by_hierarchy:ISS.02.02.01.01" in f.message for f in findings)


def test_a_reading_that_skips_a_number_loses_the_tie_to_the_next_in_sequence() -> None:
    """.01 stands above; the print reads .03, the sequence expects .02: .03 would leave .02
    missing. (A reading printed exactly on another row is a duplicate band: bands.py.)"""
    codes, findings = _codes(["OP.02", "IOP.02.01", "LN.02.02", "SS.02.02.01", "ISS.02.02.01.01",
                              "1SS.02.02.01.03", "SS.02.02.02"])
    assert codes[5] == "ISS.02.02.01.02"
    assert any("code_by_hierarchy:ISS.02.02.01.02 over ISS.02.02.01.03" in f.message for f in findings)


# --------------------------------------------------------------------------- confidence


def _ocr_page(number: int = 2) -> PageContent:
    return PageContent(number, 842.0, 595.0, [], source="ocr")


def _repair(code: str, field: str, before: str, after: str, page: int = 2) -> Finding:
    return Finding("repair", "info", f"ocr_value: {before!r} -> {after!r}", code, field, before, after, page)


def test_an_error_resting_on_a_repaired_ocr_figure_is_a_warning_that_names_the_reading() -> None:
    mismatch = Finding("progress_mismatch", "error", "56.6 vs 54.6", "ISS.01.02.02.01", "progress_2025",
                       "54.6", "56.6", page=2)
    repaired = _repair("ISS.01.02.02.01", "obtained_2022", "(1,213", "1,213")
    flagged = flag_doubtful([mismatch, repaired], [_ocr_page()])[0]
    assert flagged.severity == "warning" and LOW_CONFIDENCE_NOTE in flagged.message
    assert "'(1,213' read as '1,213'" in flagged.message


def test_an_objective_resting_on_a_repaired_indicator_is_a_warning_too() -> None:
    rows = [Row("OP.01", "OP", "", {}, 2), Row("IOP.01.01", "IOP", "OP.01", {}, 2),
            Row("OP.02", "OP", "", {}, 2), Row("IOP.02.01", "IOP", "OP.02", {}, 2)]
    rollup = Finding("op_progress_mismatch", "error", "…", "OP.01", "progress_2025", "68.7", "70.1", page=2)
    other = Finding("op_progress_mismatch", "error", "…", "OP.02", "progress_2025", "96.3", "90.0", page=2)
    repaired = _repair("IOP.01.01", "obtained_2023", "§57.4%", "57.4%")
    flagged, kept = flag_doubtful([rollup, other, repaired], [_ocr_page()], rows)[:2]
    assert flagged.severity == "warning" and "IOP.01.01 obtained_2023" in flagged.message
    assert kept == other, "an objective whose indicators were read as printed stays an error"


def test_a_finding_about_no_figure_is_not_excused_by_a_repaired_figure() -> None:
    orphan = Finding("expectation_failed", "error", "parent__present", "IOP.03.01", "parent", page=2)
    repaired = _repair("IOP.03.01", "expected_2021", "“47", "47")
    assert flag_doubtful([orphan, repaired], [_ocr_page()])[0] == orphan


def test_a_repair_on_a_text_layer_page_casts_no_doubt() -> None:
    mismatch = Finding("progress_mismatch", "error", "…", "ISS.01.01", "progress_2025", "54.6", "56.6", page=2)
    repaired = _repair("ISS.01.01", "obtained_2022", "70.6.", "70.6")
    text_page = PageContent(2, 842.0, 595.0, [], source="text")
    assert flag_doubtful([mismatch, repaired], [text_page, _ocr_page(3)])[0] == mismatch


def _names(names: list[str], *, ocr: bool) -> list[str]:
    raws = [_coded("OP.01", "Mejorar el acceso"), _coded("LN.01.01", "Ampliar la oferta")]
    raws += [_coded(f"SS.01.01.{i + 1:02d}", name) for i, name in enumerate(names)]
    raws = [replace(raw, source="ocr" if ocr else "text") for raw in raws]
    rows, _ = rp.repair(raws, load_rules("policy-matrix"), ocr_pages={1} if ocr else ())
    return [r.get("name") for r in rows[2:]]


def test_a_digit_inside_a_word_off_an_image_is_the_letter_the_document_prints_there() -> None:
    names = ["5ervicio de atención en el 4rea rural", "Servicio de traslado del área rural",
             "Servicio de 5 equipos", "Servicio de telesalud (razón 6n)"]
    assert _names(names, ocr=True)[:3] == ["Servicio de atención en el área rural",
                                           "Servicio de traslado del área rural", "Servicio de 5 equipos"]
    # a word the document never prints elsewhere is read back only to a word the language's list
    # holds: "Raz6n" is "Razón"; "Tuk6n" is no word however its digit is read
    assert _names(["Raz6n de mortalidad", "Servicio de salud"], ocr=True)[0] == "Razón de mortalidad"
    assert _names(["Tuk6n de mortalidad", "Servicio de salud"], ocr=True)[0] == "Tuk6n de mortalidad"
    # a text layer's characters are what its producer wrote
    assert _names(names, ocr=False)[0] == "5ervicio de atención en el 4rea rural"


def test_specks_beside_a_function_word_off_an_image_are_dropped_and_print_stays() -> None:
    names = ["Servicio de-la población rural del área: rural de.36 meses y personal'de salud",
             "Servicio de salud de la población rural del área rural y personal de salud",
             "Servicio de vigilancia CDC-MINSA de salud rural",
             "Servicio de salud rural del personal de la población del área",
             "Servicio de “Programa Juntos” de salud rural",
             "Servicio-de agentes de-salud:en situación .de pobreza"]
    fixed = _names(names, ocr=True)
    assert fixed[5] == "Servicio de agentes de salud en situación de pobreza"
    assert fixed[0] == "Servicio de la población rural del área rural de 36 meses y personal de salud"
    assert fixed[2] == names[2], "a hyphen between two content words is print"
    assert fixed[4] == names[4], "a pair of quotes is punctuation"
    assert _names(names, ocr=False)[0] == names[0], "a text layer's marks are its author's"
    # trata s157, s185: a body's name read "Ministerio de Trabajo y. Promoción del: Empleo"; no
    # sentence ends on a function word, whatever the word after it; an initial ("A.") may
    bodies = ["Servicio del Ministerio de Trabajo y. Promoción del: Empleo", "Servicio de Juan A. Pérez"]
    assert _names(bodies, ocr=True) == ["Servicio del Ministerio de Trabajo y Promoción del Empleo", bodies[1]]


def _figures(rows: list[dict[str, str]], *, ocr: bool = True) -> list[Row]:
    raws = [_band(f"IOP.01.{i + 1:02d}", "Número de personas", baseline_year="2020", **cells)
            for i, cells in enumerate(rows)]
    out, _ = rp.repair(raws, load_rules("policy-matrix"), ocr_pages={1} if ocr else ())
    return out


def test_specks_apart_after_a_scanned_code_go_and_a_code_cell_of_a_few_letters_is_no_code() -> None:
    """salud s182: the code cell of LN.03.03 read "(N.03.03 | '", a rule's sliver and a speck
    after the code; the last line of the name above, "regiones", had "ol" in its code cell. The
    first is LN.03.03, the second the previous row's name going on. A band of values keeps its
    row whatever its code cell reads."""
    values = {"baseline_year": "2020", "baseline_value": "12.0", "expected_2021": "14.0", "obtained_2021": "13.0"}
    raws = [_band("LN.03.02", "Desarrollar las competencias"),
            _band("SS.03.02.03", "Servicio de residentado médico"),
            _band("ISS.03.02.03.01", "Número de médicos residentes con sede docente en", **values),
            _band("ol", "regiones", page=2),
            _band("(N.03.03 | '", "Mejorar las condiciones de habitabilidad", page=2),
            _band("OP.04", "Mejorar la gobernanza", page=2),
            _band("IOP.04.01", "Porcentaje de gobiernos regionales", page=2, **values),
            _band("ol", "Porcentaje de gobiernos locales", page=2, **values)]
    rows, _ = rp.repair(raws, load_rules("policy-matrix"), ocr_pages={1, 2})
    assert [r.code for r in rows][:5] == ["LN.03.02", "SS.03.02.03", "ISS.03.02.03.01", "LN.03.03", "OP.04"]
    assert rows[2].get("name").endswith("sede docente en regiones")
    assert "stray:(N.03.03 | '->(N.03.03" in rows[3].repairs
    assert len(rows) == 7, "the band of values is a row of its own"
    text, _ = rp.repair(raws, load_rules("policy-matrix"))
    assert len(text) == 8, "a text layer's code cell is what was typed"
    # a sliver a scan reads for a digit ("|", "l" for 1) after a code whose last group is not whole
    # may be that group's end: it stays
    from extractor.repair.cells import _speck_after_code
    from extractor.repair.config import RepairConfig
    from extractor.rules import load_ocr_confusions

    cfg, specks = RepairConfig.from_rules(load_rules("policy-matrix")), load_ocr_confusions().code_specks
    assert _speck_after_code("|", "(N.03.03", specks, cfg) and _speck_after_code("'", "LN.03.0", specks, cfg)
    assert not _speck_after_code("|", "ISS.03.02.03.0", specks, cfg)
    assert not _speck_after_code("1", "ISS.03.02.03.01", specks, cfg), "a digit is print"


def test_a_lost_thousands_separator_is_put_back_the_way_the_document_groups_its_numbers() -> None:
    rows = [{"expected_2021": "1,141", "expected_2022": "1,197", "obtained_2021": "1084"},
            {"expected_2021": "2,039", "expected_2022": "2,548", "obtained_2021": "930"}]
    first = _figures(rows)[0]
    assert first.get("obtained_2021") == "1,084" and "ocr_value:1084->1,084" in first.repairs
    assert first.get("baseline_year") == "2020", "a year is no number in thousands"
    # a report that prints its numbers ungrouped (trata: "1221") keeps them so
    plain = [{"expected_2021": "1221", "expected_2022": "1,332"}, {"expected_2021": "1443"}]
    assert _figures(plain)[0].get("expected_2021") == "1221"
    assert _figures(rows, ocr=False)[0].get("obtained_2021") == "1084", "a text layer is what was typed"


def test_a_point_read_for_a_thousands_comma_is_the_comma_where_the_document_groups_with_commas() -> None:
    """s176 (150 dpi bitonal): a whole row read "2.039 2.548 2.281" for 2,039 …, and "1.750" beside
    "420 499": the row's separators cannot tell, the document can. An index that prints three
    decimals of its own ("0.587"), a document that prints three decimals often, or a row whose
    other figures put the figure as read in their scale keep what was read."""
    grouped = [{"expected_2021": "1,141", "expected_2022": "1,197", "obtained_2021": "1,084"},
               {"expected_2021": "3,282", "expected_2022": "3,494", "obtained_2021": "12,167"}]
    misread = {"baseline_value": "8,966", "expected_2021": "2.039", "expected_2022": "2.548", "obtained_2021": "930"}
    out = _figures([*grouped, misread, {"baseline_value": "1.750", "expected_2021": "420", "expected_2022": "499"}])
    assert [out[2].get("expected_2021"), out[2].get("expected_2022"), out[3].get("baseline_value")] == [
        "2,039", "2,548", "1,750"]
    assert "ocr_value:2.039->2,039" in out[2].repairs
    index = {"baseline_value": "1.250", "expected_2021": "1.18", "expected_2022": "1.31", "obtained_2021": "1.22"}
    assert _figures([*grouped, index])[2].get("baseline_value") == "1.250", "its row puts 1.250 in scale"
    assert _figures([*grouped, {"expected_2021": "0.587"}])[2].get("expected_2021") == "0.587"
    thousandths = [{"expected_2021": t} for t in ("0.512", "0.533", "0.547")]
    assert _figures([*grouped, *thousandths, misread])[-1].get("expected_2021") == "2.039", (
        "a document printing three decimals may mean them")
    assert _figures([*grouped, misread], ocr=False)[2].get("expected_2021") == "2.039", "a text layer is what was typed"


def test_a_year_later_than_every_year_reported_is_the_column_year_one_digit_away() -> None:
    rows = [{"expected_2021": "10%"}, {"expected_2021": "12%"}, {"expected_2021": "13%"}]
    raws = [_band(f"IOP.01.{i + 1:02d}", "Número de personas", baseline_year=year, **cells)
            for i, (year, cells) in enumerate(zip(["2020", "2029", "2021", "2020"], [*rows, {}], strict=True))]
    out, _ = rp.repair(raws, load_rules("policy-matrix"), ocr_pages={1})
    assert [r.get("baseline_year") for r in out] == ["2020", "2020", "2021", "2020"], "2021 may be a baseline"
    assert "ocr_value:2029->2020" in out[1].repairs
    text, _ = rp.repair(raws, load_rules("policy-matrix"))
    assert text[1].get("baseline_year") == "2029", "a text layer's year is what was typed"


def test_a_lost_decimal_point_is_put_back_where_the_column_prints_one_way() -> None:
    """scan21: progress "885" and "1,366" in a column printed "68.7" … "113.6" (88.5, 136.6)."""
    printed = ["68.7", "91.9", "113.6", "45.5", "102.4", "99.0", "87.2", "110.1", "76.3", "120.0", "64.8", "93.3"]
    rows = [{"progress_2025": p} for p in [*printed, "885", "1366", "310"]]
    out = _figures(rows)
    assert [r.get("progress_2025") for r in out[-3:]] == ["88.5", "136.6", "310"], (
        "310 is within the column's scale: no reading tells it from 31.0")
    assert "ocr_value:885->88.5" in out[-3].repairs
    # a column printed in whole numbers keeps them (trata prints progress "1300", "714")
    whole = [{"progress_2025": p} for p in ["100", "714", "1300", "95", "80"]]
    assert [r.get("progress_2025") for r in _figures(whole)] == ["100", "714", "1300", "95", "80"]
    assert _figures(rows, ocr=False)[-3].get("progress_2025") == "885", "a text layer is what was typed"


def test_a_lost_point_in_a_series_is_put_back_from_the_rows_own_series() -> None:
    """scan21: "574%" among the indicator's "45.4% 48.6% 51.9%"; a whole 100% among 97.5% stays."""
    series = {"obtained_2021": "45.4%", "obtained_2022": "48.6%", "obtained_2023": "574%", "obtained_2024": "55.2%",
              "obtained_2025": "58.4%"}
    whole = {"obtained_2021": "97.5%", "obtained_2022": "98.1%", "obtained_2023": "100%", "obtained_2024": "99.2%"}
    out = _figures([series, whole])
    assert out[0].get("obtained_2023") == "57.4%" and "ocr_value:574%->57.4%" in out[0].repairs
    assert out[1].get("obtained_2023") == "100%"


def test_a_percent_sign_read_as_a_digit_in_a_series_of_whole_percentages_goes() -> None:
    """salud s152, s171, s183: "711%", "717%" among a series of 61% 66% 71% 75%; s21: "579" for
    57% (the sign read as a 9, nothing read for it). A figure within the series' scale ("150%"
    among 50% 60% 70%) is what was printed; a text layer too."""
    targets = {"expected_2021": "61%", "expected_2022": "66%", "expected_2023": "711%", "expected_2024": "75%",
               "expected_2025": "80%", "obtained_2021": "60.2%"}
    bare = {"expected_2021": "49%", "expected_2022": "52%", "expected_2023": "54%", "expected_2024": "579"}
    out = _figures([targets, bare, {"expected_2021": "50%", "expected_2022": "60%", "expected_2023": "70%",
                                    "expected_2024": "150%"}])
    assert [out[0].get("expected_2023"), out[1].get("expected_2024")] == ["71%", "57%"]
    assert "ocr_value:711%->71%" in out[0].repairs
    assert out[2].get("expected_2024") == "150%"
    assert _figures([targets], ocr=False)[0].get("expected_2023") == "711%"


def test_a_percent_sign_lost_at_a_cells_end_is_put_back_when_the_row_prints_it() -> None:
    """scan21: "48.2" baseline among the row's "51.9% 55.2% …"; a row of counts gains none."""
    shares = {"baseline_value": "48.2", "expected_2021": "51.9%", "expected_2022": "55.2%", "obtained_2021": "50.1%"}
    counts = {"baseline_value": "5,323", "expected_2021": "6,657", "expected_2022": "7,101", "obtained_2021": "6,775"}
    bare = {"progress_2025": "104.2", "expected_2021": "12%", "expected_2022": "14%", "obtained_2021": "13%"}
    other = {"baseline_value": "40.0%", "expected_2021": "41%", "expected_2022": "42%", "expected_2023": "43%"}
    # s174 (toner dropout 0.94): three of a row's eleven figures lost their "%"
    worn = {"baseline_value": "48.3%", "expected_2021": "38", "expected_2022": "43", "expected_2023": "47",
            "expected_2024": "52%", "expected_2025": "56%", "obtained_2021": "41.6%", "obtained_2022": "45.0%",
            "obtained_2023": "49.1%", "obtained_2024": "51.0%", "obtained_2025": "53.3%"}
    out = _figures([shares, counts, bare, other, worn])
    assert [out[4].get(f"expected_{y}") for y in (2021, 2022, 2023)] == ["38%", "43%", "47%"]
    assert out[0].get("baseline_value") == "48.2%" and "ocr_value:48.2->48.2%" in out[0].repairs
    assert out[1].get("baseline_value") == "5,323"
    assert out[2].get("progress_2025") == "104.2", "a column never printed with % gains none"
    assert _figures([shares], ocr=False)[0].get("baseline_value") == "48.2"


def test_a_context_code_is_not_given_against_the_legible_digits_of_the_print() -> None:
    """Seed 34 (267 dpi bitonal, heavy dropout): "1SS.03.02.02.01" was given ISS.03.01.02.03, the
    sibling the rows above expected, which contradicts three of the print's legible digits; the
    character likeness of two codes of one level (separators, zeros) had counted for it."""
    values = {"baseline_year": "2020", "baseline_value": "12.0", "expected_2021": "14.0", "obtained_2021": "13.0"}
    raws = [
        _band("OP.03", "Fortalecer la disponibilidad"),
        _band("IOP.03.01", "Densidad de recursos humanos", **values),
        _band("LN.03.01", "Incrementar la dotación"),
        _band("SS.03.01.01", "Servicio de asignación de plazas"),
        _band("ISS.03.01.01.01", "Número de plazas", **values),
        _band("SS.03.01.02", "Servicio de incentivos"),
        _band("ISS.03.01.02.01", "Porcentaje de personal", **values),
        _band("ISS.03.01.02.02", "Tasa de rotación", **values),
        _band("1SS.03.02.02.01", "Número de agentes comunitarios", **values),
    ]
    rows, _ = rp.repair(raws, load_rules("policy-matrix"), ocr_pages={1})
    assert rows[-1].code != "ISS.03.01.02.03"
    assert rows[-1].code in ("ISS.03.02.02.01", "1SS.03.02.02.01"), "read as printed, or kept as printed"


def test_legible_codes_under_an_erased_service_are_read_as_printed() -> None:
    """Seed 34 (267 dpi bitonal, heavy dropout), its last page as read: legible indicator codes
    ("1§S.04.02.01.01") under a service whose code dropout erased stayed as printed, because the
    codes the rows above expected, two and more digits off the print, still looked 75% alike to
    it and scored within the margin."""
    values = {"baseline_year": "2020", "baseline_value": "12.0", "expected_2021": "14.0", "obtained_2021": "13.0"}
    raws = [
        _band("LN.03.03", "Me orartas condiciones de habitabilidad"),
        _band("0P.04", "Mejorar la gobernanza y la articulación"),
        _band("10P.04.01", "Putientar e juniernos regionales que imp", **values),
        _band("¿5 94.01", "Forta.». +\" ys espacios de articulación"),
        _band("55.04.01.01", "Servicio de asistencia técnica a q: e no"),
        _band("(SS.04.01.01.01", "Porcentaje de gobiernos fe: oca... asist", **values),
        _band("§5.04.01.02", "Servicio de vigilancia cos:..:*::*.:\":."),
        _band("18.04.01 2 UL", "Número de comités comu” «te vigilancia e", **values),
        _band("LN Os 62", "“n4e.07ar los sistemas de info\"=» ación", baseline_value="1"),
        _band("/95Ud 02 C1", "ers de implementación de la historia clí"),
        _band("1§S.04.02.01.01", "Porcentaje de establecimientos de salud", **values),
        _band("1SS.04.02.01.02", "Número de est.:?..:»mientos de salu: «.1", **values),
    ]
    rows, _ = rp.repair(raws, load_rules("policy-matrix"), ocr_pages={1})
    assert [r.code for r in rows[-2:]] == ["ISS.04.02.01.01", "ISS.04.02.01.02"]


def test_a_point_read_as_a_gap_or_a_comma_is_the_point_the_column_prints() -> None:
    """s117: progress "91 9", "140 5", "97,1" in a column printed "68.7" … "113.6"; a gap or a comma
    before three digits groups thousands, and a column printed in whole numbers keeps its gaps."""
    printed = ["68.7", "91.9", "113.6", "45.5", "102.4", "99.0", "87.2", "110.1", "76.3", "120.0"]
    rows = [{"progress_2025": p} for p in [*printed, "91 9", "140 5", "97,1", "1 234"]]
    out = _figures(rows)
    assert [r.get("progress_2025") for r in out[-4:]] == ["91.9", "140.5", "97.1", "1 234"]
    assert "ocr_value:91 9->91.9" in out[-4].repairs
    # salud s247: the gap after the point ("16. 0%"), or before it
    spaced = _figures([{"progress_2025": p} for p in [*printed, "16. 0", "16 .0"]])
    assert [r.get("progress_2025") for r in spaced[-2:]] == ["16.0", "16.0"]
    whole = [{"progress_2025": p} for p in ["100", "714", "1300", "95", "80", "97,1"]]
    assert _figures(whole)[-1].get("progress_2025") == "97,1"
    # a report printing its decimals with a comma keeps them
    commas = [{"progress_2025": p} for p in ["68,7", "91,9", "113,6", "45,5", "70.2", "71.3", "72.4"]]
    assert [r.get("progress_2025") for r in _figures(commas)][:4] == ["68,7", "91,9", "113,6", "45,5"]
    assert _figures(rows, ocr=False)[-4].get("progress_2025") == "91 9", "a text layer is what was typed"


def test_an_ocr_word_no_list_holds_is_read_back_to_the_word_it_looks_like() -> None:
    from extractor.repair.words import Lexicon, fix_text

    cfg = rp.RepairConfig.from_rules(load_rules("policy-matrix"))
    lexicon = Lexicon.build(["Número de médicos y del médico de familia", "Porcentaje de servicios",
                             "Porcentaje de servicios", "Número de establecimientos"], cfg)

    def read_back(word: str, first: bool = False) -> str:
        return lexicon.look_alike_word(word, first=first)

    # round glyphs, a lost thin glyph, "rn" for "m", "ri" for "n", a "d" without its ascender;
    # "establecimientas" is as near, a form the list's endings make: the document prints "-os"
    assert read_back("establecimientes") == "establecimientos"
    assert read_back("mplementan") == "implementan"
    assert read_back("hernoglobina") == "hemoglobina"
    assert read_back("Prevalericia", first=True) == "Prevalencia"
    assert read_back("conectividac") == "conectividad"
    # a short word only to a word the document prints ("médico"), never to one only the list
    # holds (a fragment "domic" of "domic liarias" is no "comic")
    assert read_back("médicc") == "médico"
    assert read_back("domic") == ""
    # left as read: a word of the list ("niñas", "dosaje": s and p do not look alike), a form of
    # one ("reembolsadas"), capitals inside a name (an acronym, a proper noun), a word printed twice
    for word in ("niñas", "dosaje", "reembolsadas", "SERUMS", "Telesalud", "servicios"):
        assert read_back(word) == "", word
    # two list words as near and neither printed: no guess ("médicc": "médico" or "médica")
    assert Lexicon.build(["Porcentaje"], cfg).look_alike_word("médicc", first=False) == ""
    # the text layer's words are the producer's: only a page image's are read back
    text = "Porcentaje de establecimientes con conectividac"
    assert fix_text(text, lexicon, read_by_ocr=True)[0] == "Porcentaje de establecimientos con conectividad"
    assert fix_text(text, lexicon, read_by_ocr=False)[0] == text
    # a digit read among letters is its letter where that makes a listed word, printed elsewhere or
    # not: "6" an "ó" before an "o" (the rules' order), "4" an "á"; a lone figure is no word
    assert fix_text("Raz6n de la 4rea", lexicon, read_by_ocr=True)[0] == "Razón de la área"
    assert lexicon.listed_digit_reading("Raz6n") == "Razón" and lexicon.listed_digit_reading("2024") == ""
    assert fix_text("Raz6n de la 4rea", lexicon, read_by_ocr=False)[0] == "Raz6n de la 4rea"
    # three letters one look-alike step from a function word the document prints four times as
    # often: "cor" con, "dei" del (a glyph for a glyph before a thin one lost), "cle" de, "lia" la
    common = Lexicon.build(["con la salud del personal de la zona de salud por la salud"] * 4, cfg)
    assert fix_text("cor la sede dei área cle salud lia zona", common, read_by_ocr=True)[0] == (
        "con la sede del área de salud la zona")
    assert fix_text("los dos sus", common, read_by_ocr=True)[0] == "los dos sus"
    # an acronym tesseract read alone in lower case ("sis" in the responsible column, every row
    # alike) where the document prints its capitals; a word among others needs them four times
    bodies = Lexicon.build(["Población afiliada al SIS", "sis", "sis", "el sis"], cfg)
    assert fix_text("sis", bodies, read_by_ocr=True)[0] == "SIS"
    assert fix_text("afiliada al sis", bodies, read_by_ocr=True)[0] == "afiliada al sis"
    assert fix_text("sis", bodies, read_by_ocr=False)[0] == "sis"
    # "ce" and "Je" for "de" on a few rows each: the other misreadings near "de" are no rivals of it
    misreads = Lexicon.build(["Servicio de salud"] * 12 + ["salas ce salud"] * 3 + ["salas je salud"] * 3, cfg)
    assert fix_text("salas Je acogida ce las", misreads, read_by_ocr=True)[0] == "salas de acogida de las"
    # a misreading made alike on several rows is read back only to a word the document prints four
    # times as often ("Porcertaje" thrice, "Porcentaje" 12 times); an author's second spelling
    # printed that often is the author's (trata: "Publico" 7 rows, "Público" 4)
    rows = ["Porcentaje de casos"] * 12 + ["Porcertaje de casos"] * 3 + ["Ministerio Publico"] * 7
    alike = Lexicon.build(rows + ["Ministerio Público"] * 4, cfg)
    assert fix_text("Porcertaje de casos", alike, read_by_ocr=True)[0] == "Porcentaje de casos"
    assert fix_text("Ministerio Publico", alike, read_by_ocr=True)[0] == "Ministerio Publico"
    # a stroke glued after a word is an "l" whose foot the scan lost where the document prints the
    # word with it ("contro!", "de!"), else a speck after a word it knows ("rural!")
    strokes = Lexicon.build(["Servicio de control del área rural", "área rural", "área rural"], cfg)
    assert fix_text("el contro! de! área rural! y", strokes, read_by_ocr=True)[0] == "el control del área rural y"
    assert fix_text("el contro! de!", strokes, read_by_ocr=False)[0] == "el contro! de!"
    # a word a gap split, joined where the list holds it or the word it looks like; two words stay
    gapped = "Comités de vig laricia y visitas domic liarias en salud intercultu ral de la sede"
    assert fix_text(gapped, lexicon, read_by_ocr=True)[0] == (
        "Comités de vigilancia y visitas domiciliarias en salud intercultural de la sede")


def test_without_a_word_list_no_word_is_read_back() -> None:
    from dataclasses import replace as changed

    from extractor.repair.words import Lexicon

    cfg = changed(rp.RepairConfig.from_rules(load_rules("policy-matrix")), word_list=None)
    assert Lexicon.build(["Porcentaje"], cfg).look_alike_word("establecimientes", first=False) == ""


def test_an_ending_always_accented_gets_back_the_accent_a_scan_lost() -> None:
    from extractor.repair.words import Lexicon, fix_text

    cfg = rp.RepairConfig.from_rules(load_rules("policy-matrix"))
    # printed bare on many rows: a scan loses accents on every row alike
    lexicon = Lexicon.build(["la poblacion"] * 5 + ["Promocion y gestion"], cfg)
    text = "Promocion de la gestion y prevencion en la poblacion"
    assert fix_text(text, lexicon, read_by_ocr=True)[0] == "Promoción de la gestión y prevención en la población"
    # capitals, a plural, a word that only ends in "ion" and a word the list holds bare stay as read;
    # so does a text layer's word
    for word in ("POBLACION", "poblaciones", "ion", "victimas", "Publico"):
        assert lexicon.with_lost_accents(word, first=False) == "", word
    assert fix_text(text, lexicon, read_by_ocr=False)[0] == text


def test_a_progress_column_printed_bare_gains_no_percent_from_one_misread_cell() -> None:
    """trata s234 (150 dpi bitonal): one progress cell of 53 read "38.9%"; the column counted as
    one that prints "%", and 43 progress figures of rows whose targets print "%" gained one. A
    column prints "%" when more than MISREAD_SHARE of its figures do."""
    row = {"expected_2021": "12%", "expected_2022": "14%", "obtained_2021": "13%", "obtained_2022": "15%"}
    rows = [row | {"progress_2025": p} for p in ["104.2", "96.1", "88.0", "101.5", "77.3", "93.0", "110.4",
                                                  "99.9", "85.5", "120.2", "102.3", "91.1", "66.6", "100.0",
                                                  "97.7", "95.5", "103.3", "89.9", "108.8", "38.9%"]]
    out = _figures(rows)
    assert [r.get("progress_2025") for r in out[:3]] == ["104.2", "96.1", "88.0"]
    assert not any("->104.2%" in rep for rep in out[0].repairs)
