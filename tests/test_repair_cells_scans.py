"""Cells of bitonal and small-print scans nobody tuned for (issue 8, branch cellfix): label cells
read as the column's labels, figures read by their column's format. Made-up rows; each misread
is one the seeded scan variants of salud-2025 and trata-2024 gave."""

from __future__ import annotations

from dataclasses import replace

from extractor import repair as rp
from extractor.confidence import LOW_CONFIDENCE_NOTE, flag_doubtful
from extractor.model import Finding, PageContent, RawRow, Row
from extractor.repair.labels import nearest_label
from extractor.rules import load_rules

ROLES = ["code", "name", "responsible", "indicator_type", "direction", "aggregation", "baseline_year",
         "baseline_value", "expected_2021", "expected_2022", "obtained_2021", "obtained_2022", "progress_2022"]


def _indicators(cells: list[dict[str, str]], *, ocr: bool = True) -> list[Row]:
    """One indicator row per dict, under one objective, on page 1 (read by OCR or from a text layer)."""
    raws = [RawRow(1, 0.0, 1.0, {r: "" for r in ROLES} | {"code": "OP.01", "name": "Mejorar el acceso"})]
    raws += [RawRow(1, 0.0, 1.0, {r: "" for r in ROLES} | {"code": f"IOP.01.{i + 1:02d}",
                                                            "name": "Porcentaje de hogares"} | c)
             for i, c in enumerate(cells)]
    raws = [replace(raw, source="ocr" if ocr else "text") for raw in raws]
    rows, _ = rp.repair(raws, load_rules("policy-matrix"), ocr_pages={1} if ocr else ())
    return rows[1:]


def _labelled(role: str, printed: list[str], *, ocr: bool = True) -> list[str]:
    return [r.get(role) for r in _indicators([{role: p} for p in printed], ocr=ocr)]


def test_a_label_cell_misread_is_the_label_its_column_prints_over_and_over() -> None:
    printed = ["Cobertura", "Cobertura", "Calidad", "Calidad", "Cobartura", "Co!.ertura", "-Calidad", "Cobe tura"]
    assert _labelled("indicator_type", printed) == ["Cobertura"] * 2 + ["Calidad"] * 2 + [
        "Cobertura", "Cobertura", "Calidad", "Cobertura"]
    rows = _indicators([{"aggregation": a} for a in ["no acumulado", "no acumulado", "acumulado", "acumulado",
                                                      "o acumulado", "no acumulado."]])
    assert [r.get("aggregation") for r in rows[-2:]] == ["no acumulado", "no acumulado"]
    assert "ocr_label:o acumulado->no acumulado" in rows[-2].repairs, "the repair is listed on its row"
    assert _labelled("indicator_type", printed, ocr=False)[4] == "Cobartura", "a text layer is what was typed"


def test_a_label_cell_that_may_be_two_labels_or_names_another_stays_as_read() -> None:
    # "umulado" is a piece of "acumulado" and of "no acumulado" alike
    aggregation = ["no acumulado", "no acumulado", "acumulado", "acumulado", "umulado"]
    assert _labelled("aggregation", aggregation)[-1] == "umulado"
    # a body printed once ("Gobiernos Locales") is no misread of the one printed over and over
    bodies = ["Gobiernos Regionales", "Gobiernos Regionales", "Gobiernos Locales", "Locales del sector"]
    assert _labelled("responsible", bodies)[2] == "Gobiernos Locales"
    # an acronym one letter from another is another body: only marks and case may differ
    acronyms = ["INEI", "INEI", "INEN", "INEI.", "Inei"]
    assert _labelled("responsible", acronyms)[2:] == ["INEN", "INEI", "INEI"]


def test_nearest_label_needs_a_clear_winner_within_a_third_of_its_letters() -> None:
    labels = ["ascendente", "descendente"]
    assert nearest_label("ascendernie", labels) == "ascendente"
    assert nearest_label("e Le", labels) == ""
    assert nearest_label("scendente", labels) == "", "as near to both: no winner"


def test_a_progress_computed_with_a_label_read_this_way_is_a_warning_that_names_it() -> None:
    page = PageContent(2, 842.0, 595.0, [], source="ocr")
    mismatch = Finding("progress_mismatch", "error", "…", "IOP.01.01", "progress_2025", "91.9", "11.3", page=2)
    label = Finding("repair", "info", "ocr_label: 'ascendernie' -> 'ascendente'", "IOP.01.01", "direction",
                    "ascendernie", "ascendente", 2)
    body = Finding("repair", "info", "ocr_label: 'MRE.' -> 'MRE'", "IOP.01.02", "responsible", "MRE.", "MRE", 2)
    other = replace(mismatch, code="IOP.01.02")
    flagged, kept = flag_doubtful([mismatch, other, label, body], [page])[:2]
    assert flagged.severity == "warning" and LOW_CONFIDENCE_NOTE in flagged.message
    assert "'ascendernie'" in flagged.message
    assert kept == other, "a responsible body read as a label takes no part in the arithmetic"


def _names(names: list[str], *, ocr: bool = True) -> list[str]:
    raws = [RawRow(1, 0.0, 1.0, {"code": "OP.01", "name": "Mejorar el acceso de la población rural"}),
            RawRow(1, 0.0, 1.0, {"code": "LN.01.01", "name": "Ampliar la oferta de servicios"})]
    raws += [RawRow(1, 0.0, 1.0, {"code": f"SS.01.01.{i + 1:02d}", "name": n}) for i, n in enumerate(names)]
    raws = [replace(raw, source="ocr" if ocr else "text") for raw in raws]
    rows, _ = rp.repair(raws, load_rules("policy-matrix"), ocr_pages={1} if ocr else ())
    return [r.get("name") for r in rows[2:]]


def test_a_word_no_document_prints_one_glyph_from_a_word_it_prints_is_that_word() -> None:
    known = ["Servicio de traslado de pacientes rurales", "Servicio de traslado de emergencia en zonas rurales"]
    read = _names([*known, "Servicio de trastado de emergencia en comunidades rurzles"])
    assert read[-1] == "Servicio de traslado de emergencia en comunidades rurales"
    assert _names([*known, "Servicio de trastado"], ocr=False)[-1] == "Servicio de trastado", "a text layer is typed"


def test_a_word_printed_once_is_not_turned_into_another_inflection_or_word() -> None:
    known = ["Servicio de atención del parto en zonas rurales", "Servicio de atención del parto y afines",
             "Servicio de registro de afines"]
    # "partos" and "fines" are words of their own, one letter from the document's "parto", "afines"
    read = _names([*known, "Servicio de partos y fines de atención"])
    assert read[-1] == "Servicio de partos y fines de atención"
    # "salut" is one glyph from "salud" and from "salus" alike: no one word to read it as
    twice = ["Servicio de salud rural", "Servicio de salud urbana", "Servicio salus rural", "Servicio salus urbana"]
    assert _names([*twice, "Servicio de salut rural"])[-1] == "Servicio de salut rural"


def _figure_rows(rows: list[dict[str, str]]) -> list[Row]:
    raws = [RawRow(1, 0.0, 1.0, {"code": f"IOP.01.{i + 1:02d}", "name": "Número de personas",
                                 "baseline_year": "2020"} | cells) for i, cells in enumerate(rows)]
    out, _ = rp.repair(raws, load_rules("policy-matrix"), ocr_pages={1})
    return out


def test_a_lost_point_is_put_back_from_the_indicators_own_figures_when_its_series_is_short() -> None:
    """s42: "440" among the row's "45.4% 48.6% 51.9% … 56.8% 56.7%": its obtained series holds
    two figures only, its targets and baseline tell the way and the scale."""
    row = {"baseline_value": "45.4%", "expected_2021": "48.6%", "expected_2022": "51.9%", "obtained_2021": "ND",
           "obtained_2022": "440", "obtained_2023": "56.8%"}
    counts = {"baseline_value": "45", "expected_2021": "48", "expected_2022": "52", "obtained_2022": "440"}
    shares = {"obtained_2022": "61.2%"}  # the column prints "%" elsewhere
    first, second, _ = _figure_rows([row, counts, shares])
    assert first.get("obtained_2022") == "44.0%" and "ocr_value:440->44.0" in first.repairs
    assert second.get("obtained_2022") == "440", "a row of whole numbers prints no point"


def test_a_digit_read_for_the_percent_sign_goes_where_the_column_prints_one_decimal_throughout() -> None:
    """s21, s42: "48.29", "48.21%" and "53.3%6" in a column printed "47.2%" … "58.4%"."""
    column = ["47.2%", "50.1%", "51.9%", "55.2%", "58.4%", "61.7%", "44.0%", "57.4%", "56.8%", "56.7%"]
    read = ["48.29", "48.21%", "53.3%6"]
    out = _figure_rows([{"obtained_2021": t} for t in column + read])
    assert [r.get("obtained_2021") for r in out[-3:]] == ["48.2%", "48.2%", "53.3%"]
    # a column that mixes its decimals ("7.20%" beside "7.8%") keeps a second decimal as read
    mixed = _figure_rows([{"obtained_2021": t} for t in ["7.20%", "7.8%", "8.35%", "8.9%", "9.5%", "10.30%"]])
    assert [r.get("obtained_2021") for r in mixed] == ["7.20%", "7.8%", "8.35%", "8.9%", "9.5%", "10.30%"]


def test_a_dash_or_a_rule_sliver_in_a_scans_value_cell_is_a_speck() -> None:
    """s43: a service row read "—" and "1" in two value cells (rule slivers); the "—" taken for a
    not-available mark made it fill two values, read as an indicator, and lose its code."""
    nd = [{"expected_2021": "ND", "obtained_2021": "ND"}, {"expected_2021": "ND", "expected_2022": "12%"}]
    rows = _indicators([*nd, {"expected_2021": "—", "expected_2022": "12%"}])
    assert rows[-1].get("expected_2021") == "" and "stray:—->" in rows[-1].repairs
    dashes = [{"expected_2021": "—", "obtained_2021": "—"}, {"expected_2021": "—", "expected_2022": "12%"}]
    assert _indicators(dashes)[0].get("expected_2021") == "—", "a document printing dashes keeps them"
    assert _indicators([*nd, {"expected_2021": "—"}], ocr=False)[-1].get("expected_2021") == "—"
    # s42: a rule's sliver read "l" in a service row's value cell; a digit "1" may be print
    slivers = _indicators([*nd, {"expected_2021": "l", "expected_2022": "1"}])
    assert (slivers[-1].get("expected_2021"), slivers[-1].get("expected_2022")) == ("", "1")


def test_a_count_resting_on_a_blank_cell_among_figures_read_on_its_page_is_a_warning() -> None:
    """s43: four progress tiles read as nothing on a page whose other progress cells read, and the
    summary's "ND: 0" recounts as 4; a page whose column reads blank throughout stays sure."""
    from extractor.model import CellBox
    from extractor.reconcile.counts import recount_text

    message = f"Summary table, Indicadores de objetivos prioritarios / ND: printed 0; {recount_text('IOP', 2025)} 1"
    count = Finding("summary_count_mismatch", "error", message, "", "Indicadores de objetivos prioritarios.nd",
                    "0", "1", 1)
    box = {"progress_2025": [CellBox(2, 690, 300, 740, 310)]}
    read = Row("IOP.01.01", "IOP", "OP.01", {"progress_2025": "91.9"}, page=2, boxes=box)
    blank = Row("IOP.01.02", "IOP", "OP.01", {}, page=2, boxes=box)
    pages = [PageContent(1, 842.0, 595.0, [], source="ocr"), PageContent(2, 842.0, 595.0, [], source="ocr")]
    (flagged,) = flag_doubtful([count], pages, [read, blank])
    assert flagged.severity == "warning" and "IOP.01.02 progress_2025 (nothing read" in flagged.message
    assert flag_doubtful([count], pages, [blank]) == [count], "a column blank on the whole page is printed blank"


def test_a_function_word_with_a_speck_read_as_an_accent_is_the_function_word() -> None:
    names = ["Servicio de salud rural", "Servicio de agua rural"]
    assert _names([*names, "Servicio dé agua cón salud en lá zona"])[-1] == "Servicio de agua con salud en la zona"
    assert _names([*names, "Servicio dé agua"], ocr=False)[-1] == "Servicio dé agua", "a text layer is typed"


def test_a_speck_between_two_words_the_document_prints_parts_them() -> None:
    names = ["Servicio de salud para zonas rurales", "Servicio de salud en zonas rurales y altas",
             "Servicio de CDC-MINSA", "Servicio de CDC-MINSA y 1.5 zonas"]
    read = _names([*names, "Servicio de salud.para zonas:rurales con CDC-MINSA y 1.5 zonas"])
    assert read[-1] == "Servicio de salud para zonas rurales con CDC-MINSA y 1.5 zonas"
    assert _names([*names, "Servicio de salud.para"], ocr=False)[-1] == "Servicio de salud.para"


def test_specks_read_as_short_words_after_a_names_last_word_are_dropped() -> None:
    """s117/s21/s8: "… rurales E", "… dispersas INES", "… rurales zo", "… programadas ALAN 2",
    "… vivos) o" were specks right of the name; an acronym the document prints, a figure, a
    bracket and a lower-case word of four letters printed once are print."""
    names = ["Servicio de vigilancia en centros poblados rurales E", "Servicio de salud en comunidades dispersas INES",
             "Servicio de parto en establecimientos rurales zo", "Servicio de casas respecto a las programadas ALAN 2",
             "Servicio de traslado (minutos) o", "Servicio de plazas de los quintiles 1 y 2",
             "Servicio de afiliación al SIS", "Servicio de reembolso del SIS", "Servicio de controles para su edad",
             "Servicio de registro en el módulo (RETA)", "Servicio de plazas de pobreza 23"]
    read = _names(names)
    assert read[:5] == ["Servicio de vigilancia en centros poblados rurales",
                        "Servicio de salud en comunidades dispersas", "Servicio de parto en establecimientos rurales",
                        "Servicio de casas respecto a las programadas",
                        "Servicio de traslado (minutos)"]
    assert read[5:] == names[5:]
    row = rp.repair([RawRow(1, 0.0, 1.0, {"code": "SS.01.01.01", "name": names[0]}, source="ocr")],
                    load_rules("policy-matrix"), ocr_pages={1})[0][0]
    assert "stray:E->" in row.repairs
    assert _names(names, ocr=False)[0] == names[0], "a text layer is typed"


def test_a_final_stop_is_a_speck_only_where_the_document_ends_its_names_bare() -> None:
    bare = [f"Servicio de salud rural número {i}" for i in range(9)]
    assert _names([*bare, "Servicio de salud del ámbito rural."])[-1] == "Servicio de salud del ámbito rural"
    assert _names([*bare, "Servicio de salud del ámbito rural."], ocr=False)[-1].endswith("rural.")
    # trata ends a third of its names with a stop: a stop there is print
    stops = [f"Servicio de salud rural número {i}." for i in range(4)] + bare[:5]
    assert _names([*stops, "Servicio de salud del ámbito rural."])[-1] == "Servicio de salud del ámbito rural."
    # an abbreviation keeps its stop
    assert _names([*bare, "Servicio de salud etc."])[-1] == "Servicio de salud etc."


def test_a_full_stop_inside_a_name_before_a_lower_case_word_is_a_speck() -> None:
    """s117: "área. rural", "originarias. que"; "aprox. el" (an abbreviation) stays."""
    names = ["Servicio del área rural", "Servicio de salud del área. rural", "Servicio aprox. el ámbito"]
    assert _names(names)[1:] == ["Servicio de salud del área rural", "Servicio aprox. el ámbito"]


def test_a_label_misread_alike_on_several_rows_is_the_label_the_vocabulary_lists() -> None:
    """s117: "ascencente" three times on one page (the same glyph misread) beside 29 "ascendente";
    s102: "INEi" twice beside "INEI". A label printed often that the vocabulary does not list
    ("no acumulado" is listed; a body like "MINSA" is never a misread of another) stays."""
    directions = ["ascendente"] * 12 + ["descendente"] * 2 + ["ascencente"] * 3
    read = _labelled("direction", directions)
    assert read == ["ascendente"] * 12 + ["descendente"] * 2 + ["ascendente"] * 3
    assert "ocr_label:ascencente->ascendente" in _indicators([{"direction": d} for d in directions])[-1].repairs
    assert _labelled("responsible", ["INEI", "INEi", "INEi", "MINSA", "MINSA"]) == ["INEI"] * 3 + ["MINSA"] * 2
    assert _labelled("responsible", ["MINSA", "MINSA", "MINSA", "MIMSA", "MIMSA"])[3:] == ["MIMSA"] * 2
    assert _labelled("direction", directions, ocr=False)[-1] == "ascencente", "a text layer is what was typed"
    # trata prints "Ministerio Publico" 7 times and "Ministerio Público" once: the author's spelling
    bodies = ["Ministerio Publico"] * 3 + ["Ministerio Público"]
    assert _labelled("responsible", bodies) == bodies
    # an acronym printed once, its stroke glyphs read one for another (s152, s175: "INEl", "INE]"
    # for INEI); acronyms a letter tells apart, or only a stroke, stay as read
    assert _labelled("responsible", ["INEI", "INEl", "INE]", "MINSA", "MINSA"]) == ["INEI"] * 3 + ["MINSA"] * 2
    assert _labelled("responsible", ["INEN", "INEI", "MINSA"]) == ["INEN", "INEI", "MINSA"]
    assert _labelled("responsible", ["INEI", "INEl"], ocr=False) == ["INEI", "INEl"]
    # s176 (150 dpi, bitonal): "n> acumulado" on six rows is no label however often, a glyph glued
    # to a mark; "na acumulado" twice is as near to it as to "no acumulado" but is read as the
    # listed label; "ro acumulado" three times is rare beside the 19 cells that read "no acumulado"
    # one way or another (11 of them right); a spelling printed more than a quarter as often as
    # those cells stays as read
    aggregation = (["no acumulado"] * 11 + ["n> acumulado"] * 6 + ["na acumulado"] * 2 + ["acumulado"] * 3
                   + ["ro acumulado"] * 3)
    assert _labelled("aggregation", aggregation) == ["no acumulado"] * 19 + ["acumulado"] * 3 + ["no acumulado"] * 3
    often = aggregation[:-3] + ["ro acumulado"] * 6
    assert _labelled("aggregation", often)[-6:] == ["ro acumulado"] * 6
    # trata s185, s186: specks read after a body's name, "PNP oo", "… de Migraciones Ll"; a word
    # the label lacks ("y Locales") or a body the column never prints ("ARE o") stays as read
    bodies = ["PNP", "PNP oo", "MINSA", "MINSA E", "Superintendencia Nacional de Migraciones",
              "Superintendencia Nacional de Migraciones Ll", "ARE o", "Gobiernos Regionales",
              "Gobiernos Regionales y Locales"]
    assert _labelled("responsible", bodies) == ["PNP", "PNP", "MINSA", "MINSA", *[bodies[4]] * 2, "ARE o",
                                                "Gobiernos Regionales", "Gobiernos Regionales y Locales"]
    assert _labelled("responsible", bodies, ocr=False) == bodies
    # a label printed as often with a speck as without: the spelling without ("MRE." once, "MRE" once)
    assert _labelled("responsible", ["MRE.", "MRE", "PNP", "PNP"]) == ["MRE", "MRE", "PNP", "PNP"]


def test_a_glyph_a_scan_lost_to_a_gap_inside_a_word_is_put_back_when_one_glyph_makes_a_known_word() -> None:
    """s102 (150 dpi): "sa ud", "pr mer", "vigil ncia", "implementac ón"; two words stay apart."""
    known = ["Servicio de salud del primer nivel", "Servicio de salud y vigilancia del primer nivel",
             "Servicio de vigilancia de la implementación", "Servicio de implementación rural"]
    read = _names([*known, "Servicio de sa ud del pr mer nivel", "Servicio de vigil ncia y implementac ón",
                   "Servicio de salud la rural"])
    assert read[-3:] == ["Servicio de salud del primer nivel", "Servicio de vigilancia y implementación",
                         "Servicio de salud la rural"]
    assert _names([*known, "Servicio de sa ud"], ocr=False)[-1] == "Servicio de sa ud", "a text layer is typed"


def test_a_function_word_with_a_speck_read_alike_on_a_few_rows_is_still_the_function_word() -> None:
    """s117/s42: "dé" on two or three rows of a scan that prints "de" on every row."""
    names = [f"Servicio de salud de la zona {i}" for i in range(8)] + ["Servicio dé salud", "Servicio dé agua"]
    assert _names(names)[-2:] == ["Servicio de salud", "Servicio de agua"]


def test_a_long_word_two_glyphs_off_inside_is_the_word_the_document_prints() -> None:
    """s117: "demiastrativas" (printed "demostrativas" twice); s21 "gestarites" ("ri" for "n");
    "desarrollados" is another form of a printed "desarrollando", not a misreading of it."""
    known = ["Servicio de sesiones demostrativas", "Número de sesiones demostrativas de gestantes",
             "Servicio de gestantes", "Desarrollando capacidades", "Servicio desarrollando capacidades"]
    read = _names([*known, "Servicio de sesiones demiastrativas", "Servicio para gestarites",
                   "Servicio de planes desarrollados"])
    assert read[-3:] == ["Servicio de sesiones demostrativas", "Servicio para gestantes",
                         "Servicio de planes desarrollados"]


def test_two_words_a_scan_glued_are_parted_where_the_document_prints_them() -> None:
    """s117 "deasistencia", "institucioneseducativas"; s8 "docenteen"; a verb with its pronoun
    ("fortalecerla") is one word."""
    known = ["Servicio de asistencia técnica", "Servicio de asistencia en instituciones educativas",
             "Servicio docente de instituciones educativas", "Servicio docente rural", "Fortalecer la asistencia",
             "Fortalecer la salud"]
    read = _names([*known, "Servicio deasistencia rural", "Servicio en institucioneseducativas",
                   "Servicio docenteen salud", "Servicio para fortalecerla"])
    assert read[-4:] == ["Servicio de asistencia rural", "Servicio en instituciones educativas",
                         "Servicio docente en salud", "Servicio para fortalecerla"]


def test_a_quote_with_no_partner_and_a_mark_glued_to_a_function_word_are_specks() -> None:
    """s117: "“Garantizar … al' Seguro" and "a' un … «de atención" hold no pair of quotes; s21/s8:
    "de.incentivos", "las-condiciones"; a pair of quotes is punctuation."""
    names = ["Garantizar el acceso al seguro", "Servicio de la atención y el seguro",
             "“Garantizar el acceso al' seguro", "Servicio de.incentivos y las-condiciones a' la «de atención",
             "Servicio de “Programa Juntos” al' seguro"]
    read = _names(names)
    assert read[2:] == ["Garantizar el acceso al seguro", "Servicio de incentivos y las condiciones a la de atención",
                        names[4]]


def test_a_label_a_scan_cut_at_one_end_is_the_one_label_it_starts_or_ends_like() -> None:
    """s42 (bitonal, toner dropout): "no acum:.", "noacun", "ascend: o", "Cober* 3"; a piece two
    labels share, or too short a piece, stays as read."""
    assert nearest_label("no acum:.", ["no acumulado", "acumulado"]) == "no acumulado"
    assert nearest_label("ascend: o", ["ascendente", "descendente"]) == "ascendente"
    assert nearest_label("Cober* 3", ["Cobertura", "Calidad"]) == "Cobertura"
    assert nearest_label("Cobo", ["Cobertura", "Calidad"]) == ""
    assert nearest_label("acumul", ["no acumulado", "acumulado"]) == ""
    assert nearest_label("MIN", ["MINSA", "MIMP"]) == "", "an acronym cut is another acronym's start"


def test_a_mark_read_inside_a_word_stands_for_a_glyph_of_the_one_known_word_it_allows() -> None:
    """s102/s106: "Servi:io", "salu:", "rural:=s", "pobla-:ión", ":onas", "Integra!" (a glyph
    dropout broke, read as marks); a hyphen between words and a known word's speck stay."""
    known = ["Servicio de salud en zonas rurales", "Servicio de salud de la población rural",
             "Servicio Integral de salud en zonas rurales", "Servicio de población integral"]
    read = _names([*known, "Servi:io de salu: en :onas rural:=s", "Servicio de la pobla-:ión Integra!",
                   "Servicio socio-cultural de salud", "Servicio de sal:vo"])
    assert read[-4:] == ["Servicio de salud en zonas rurales", "Servicio de la población Integral",
                         "Servicio socio-cultural de salud", "Servicio de sal:vo"]
    row = _names([*known, "Servi:io de salud"])
    assert row[-1] == "Servicio de salud"
    assert _names([*known, "Servi:io de salud"], ocr=False)[-1] == "Servi:io de salud", "a text layer is typed"


def test_a_named_row_with_a_speck_before_its_name_is_still_that_row() -> None:
    """s106: the index row read "¡ Índice de gestión …" was taken for the name of the row above
    going on, and its 86.4 dropped as a stray."""
    raws = [RawRow(1, 0.0, 1.0, {r: "" for r in ROLES} | {"code": "IOP.01.01", "name": "Porcentaje de hogares",
                                                          "progress_2022": "91.0"}),
            RawRow(1, 0.0, 1.0, {r: "" for r in ROLES} | {"name": "¡ Índice de gestión de la política nacional",
                                                          "progress_2022": "86.4"})]
    rows, _ = rp.repair([replace(r, source="ocr") for r in raws], load_rules("policy-matrix"), ocr_pages={1})
    assert [(r.level, r.get("name"), r.get("progress_2022")) for r in rows] == [
        ("IOP", "Porcentaje de hogares", "91.0"), ("INDEX", "Índice de gestión de la política nacional", "86.4")]
    # s43: "Ínclice de gestión …", the "d" read as "cl" (a letter confusion of _ocr.yaml)
    misread = replace(raws[1], cells=raws[1].cells | {"name": "Ínclice de gestión de la política nacional"})
    rows, _ = rp.repair([replace(r, source="ocr") for r in (raws[0], misread)], load_rules("policy-matrix"),
                        ocr_pages={1})
    assert [(r.level, r.get("progress_2022")) for r in rows] == [("IOP", "91.0"), ("INDEX", "86.4")]
    rows, _ = rp.repair([raws[0], misread], load_rules("policy-matrix"))
    assert [r.level for r in rows] == ["IOP"], "a text layer's name is what was typed"
    # trata s186: "Indice: de gestión …", a speck read as a colon after its first word
    marked = replace(raws[1], cells=raws[1].cells | {"name": "Indice: de gestión de la política niacional"})
    rows, _ = rp.repair([replace(r, source="ocr") for r in (raws[0], marked)], load_rules("policy-matrix"),
                        ocr_pages={1})
    assert [(r.level, r.get("progress_2022")) for r in rows] == [("IOP", "91.0"), ("INDEX", "86.4")]


def test_a_two_letter_word_no_text_prints_is_the_function_word_the_document_prints_most_near_it() -> None:
    """s102/s135/s21: "ce", "Je" for "de" printed on most rows; a word the document prints
    ("se" in its text), one letter, three letters ("dos") or a cell of one word stay."""
    known = [f"Servicio de salud de la zona {i}" for i in range(24)] + ["Servicio que se presta en la zona"] * 2
    read = _names([*known, "Servicio ce salud Je la zona", "Servicio que se presta", "Servicio de dos e tres"])
    assert read[-3:] == ["Servicio de salud de la zona", "Servicio que se presta", "Servicio de dos e tres"]
    assert _labelled("indicator_type", ["Calidad", "Calidad", "lu"])[-1] == "lu"
    assert _names([*known, "Servicio ce salud"], ocr=False)[-1] == "Servicio ce salud", "a text layer is typed"


def test_a_speck_read_as_a_digit_goes_where_the_figure_is_out_of_its_series_scale_without_it() -> None:
    """s21, s43: "291.0%", "1017.9", "717%" among series of 29.0%, 107.9, 77% (a speck or a rule's
    sliver read as "1"); a figure within its series' scale, or with two ways to drop one, stays."""
    rows = [{"obtained_2021": "27.5%", "obtained_2022": "28.1%", "obtained_2023": "291.0%", "obtained_2024": "30.2%"},
            {"obtained_2021": "112.3", "obtained_2022": "1017.9", "obtained_2023": "106.4", "obtained_2024": "86.9"},
            {"obtained_2021": "73%", "obtained_2022": "75%", "obtained_2023": "717%", "obtained_2024": "79%"},
            {"obtained_2021": "73%", "obtained_2022": "75%", "obtained_2023": "117%", "obtained_2024": "79%"},
            {"obtained_2021": "7%", "obtained_2022": "8%", "obtained_2023": "711%", "obtained_2024": "9%"},
            {"obtained_2021": "383", "obtained_2022": "450", "obtained_2023": "1750", "obtained_2024": "348"}]
    out = _figure_rows(rows)
    assert [r.get("obtained_2023") for r in out[:3]] == ["29.0%", "106.4", "77%"]
    assert out[1].get("obtained_2022") == "107.9" and "ocr_value:1017.9->107.9" in out[1].repairs
    assert out[3].get("obtained_2023") == "117%", "within its series' scale: a figure as printed"
    assert out[4].get("obtained_2023") == "711%", "71% and 71% again: out of scale either way"
    assert out[5].get("obtained_2023") in ("1750", "1,750"), "s102: a figure opens with print, not a speck"


def test_a_digit_read_for_the_percent_sign_goes_where_its_series_prints_one_decimal_and_the_document_not_two() -> None:
    """s21: "39.69%", "45.48%" in series printed "35.8% 41.8% 43.9%" in columns that mix whole and
    one-decimal figures; a document that prints two decimals often (trata) keeps them."""
    series = {"expected_2021": "35.8%", "expected_2022": "39.69%", "expected_2023": "41.8%", "expected_2024": "43.9%"}
    whole = [{"expected_2021": f"{n}%", "expected_2022": f"{n + 2}%", "expected_2023": f"{n + 4}.5%"}
             for n in range(10, 40)]
    out = _figure_rows([series, *whole])
    assert out[0].get("expected_2022") == "39.6%" and "ocr_value:39.69%->39.6%" in out[0].repairs
    twos = [{"expected_2021": f"{n}.25%", "expected_2022": f"{n + 2}.5%"} for n in range(10, 20)]
    out = _figure_rows([series, *whole, *twos])
    assert out[0].get("expected_2022") == "39.69%", "a document printing two decimals often prints them"


def test_a_long_word_split_by_a_gap_with_a_glyph_misread_is_the_one_known_word_that_near() -> None:
    """s102, s106, s8: "Surv cio", "esta olecimientos", "Sery cio", "ater ciones" (a glyph lost to
    the gap, another misread); a short word ("sah d") or two words ("pre natal") stay."""
    known = ["Servicio de atenciones en establecimientos de salud", "Servicio de establecimientos rurales",
             "Número de atenciones"]
    known += ["Servicio oportuno de promedio", "Servicio oportuno", "Tiempo promedio"]
    read = _names([*known, "Surv cio de atenciones en esta olecimientos", "Sery cio de ater ciones",
                   "Servicio de sah d pre natal", "Servicio oportuna a la zona", "Tier po promedio"])
    assert read[-5:] == ["Servicio de atenciones en establecimientos", "Servicio de atenciones",
                         "Servicio de sah d pre natal", "Servicio oportuna a la zona", "Tier po promedio"]
    assert _names([*known, "Surv cio de salud"], ocr=False)[-1] == "Surv cio de salud", "a text layer is typed"


def test_a_label_a_gap_split_into_another_known_word_is_not_read_as_the_columns_label() -> None:
    """s102: "Gobiernos Loca es" (the "l" lost to a gap) was read as "Gobiernos Regionales", the
    column's label; joined, it is "Gobiernos Locales", a body of its own. A cell whose misread
    letter makes a known word ("Oport Jnidad") is still the label."""
    bodies = ["Gobiernos Regionales", "Gobiernos Regionales", "Gobiernos Locales", "Gobiernos Loca es"]
    assert _labelled("responsible", bodies)[-1] == "Gobiernos Locales"
    # s174: "Cobert ira", "Cobert wa": the label cut by gaps, "ira" a word but no piece of its own;
    # a whole word near the label ("Cantidad", printed once) names another type
    types = ["Cobertura", "Cobertura", "Calidad", "Calidad", "Cobert ira", "Cobert wa", "Cantidad"]
    assert _labelled("indicator_type", types)[4:] == ["Cobertura", "Cobertura", "Cantidad"]
    from extractor.repair.labels import _split_label

    assert _split_label("Cobert ira", "Cobertura") and _split_label("Cobert wa", "Cobertura")
    assert not _split_label("Gobiernos Loca es", "Gobiernos Regionales") and not _split_label("Cantidad", "Calidad")
    kinds = ["Oportunidad", "Oportunidad", "Calidad", "Oport Jnidad"]
    assert _labelled("indicator_type", [*kinds, "Unidad de medida"])[3] == "Oportunidad"


def test_a_word_read_with_other_accents_than_the_spelling_the_document_prints_most_is_that_spelling() -> None:
    """trata s8: "personás" (a speck read as an accent) and "victimas" (the accent lost) where the
    document prints "personas" and "víctimas" on most rows; trata's own "Publico" (7 rows) and
    "Público" (4) are the author's spellings and stay."""
    known = [f"Servicio de atención a personas víctimas número {i}" for i in range(20)]
    # read alike on three rows, so that the misread itself looks like a word the document prints
    read = _names([*known, *[f"Servicio de personás y victimas {i}" for i in range(3)]])
    assert read[-3:] == [f"Servicio de personas y víctimas {i}" for i in range(3)]
    bodies = ["Servicio del Ministerio Publico"] * 7 + ["Servicio del Ministerio Público"] * 4
    assert _names(bodies) == bodies
    assert _names([*known, "Servicio de personás"], ocr=False)[-1] == "Servicio de personás", "a text layer is typed"


def test_a_closed_columns_value_cut_by_gaps_is_that_value_however_often_so_read() -> None:
    """salud s223 (200 dpi bitonal): a broken "n" split "ascendente" into "ascender te" on three
    rows and "descendente" into "descender te" on two, each word one of the language: as the
    rules close the column (`validate.allowed`), each is the value it was cut from, even where
    the column prints that value right once only. A glyph more or less is no cut ("9 acumulado")."""
    directions = ["ascendente"] * 10 + ["ascender te"] * 3 + ["descendente"] + ["descender te"] * 2
    assert _labelled("direction", directions) == ["ascendente"] * 13 + ["descendente"] * 3
    aggregation = ["no acumulado"] * 10 + ["9 acumulado"]
    assert _labelled("aggregation", aggregation)[-1] != "acumulado"
    assert _labelled("direction", directions, ocr=False)[10] == "ascender te", "a text layer is what was typed"


def test_a_short_label_printed_in_capitals_is_an_acronym_however_often_read_otherwise() -> None:
    """salud s247 (200 dpi bitonal): "SIS" read "Sis" on two rows and "SIS" on one: the
    capitals are the acronym's, the title case a scan's; a long label keeps its usual casing."""
    assert _labelled("responsible", ["Sis", "Sis", "SIS", "MINSA", "MINSA"]) == ["SIS"] * 3 + ["MINSA"] * 2
    assert _labelled("indicator_type", ["Cobertura", "Cobertura", "COBERTURA"]) == ["Cobertura"] * 3
