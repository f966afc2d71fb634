"""Codes the image lost, restored from the rows around them (repair/context.py), and service
numbers that follow the codes rather than a running count.

Rows are made up: a lost row is a `Draft` whose code pass 1 could not read (`unrepaired` set), with
the printed garble the scans give. Each test fails if the context logic guesses where it must not,
or misses the one code the context proves.
"""

from __future__ import annotations

import re
from functools import cache

from extractor import repair as rp
from extractor.confidence import flag_doubtful
from extractor.model import Finding, PageContent, RawRow, Row
from extractor.repair.codes import head_levels
from extractor.repair.config import RepairConfig
from extractor.repair.context import CONTEXT_ASSUMPTION, restore_from_context, successors
from extractor.repair.numbering import number_rows
from extractor.repair.records import Draft
from extractor.rows import _opens_code
from extractor.rules import load_rules

FIGURES = {"baseline_value": "12%", "expected_2021": "13%", "obtained_2021": "14%"}
LOST = "no confident reading"


@cache
def cfg() -> RepairConfig:
    return RepairConfig.from_rules(load_rules("policy-matrix"))


def _draft(code: str, name: str = "Fila", *, values: bool = False, printed: str | None = None) -> Draft:
    """A row read as `code`; with `printed`, a row whose code pass 1 could not read."""
    cells = {"name": name, **({k: v for k, v in FIGURES.items()} if values else {})}
    draft = Draft(1, 1, cells, {}, code_texts=[printed if printed is not None else code])
    if printed is not None:
        draft.code, draft.unrepaired = printed, LOST
        return draft
    parsed = cfg().rules.parse_code(code)
    assert parsed, code
    draft.code, draft.level, draft.parent = code, parsed.level, parsed.parent
    return draft


def _restored(drafts: list[Draft]) -> list[str]:
    restore_from_context(drafts, cfg())
    return [d.code for d in drafts]


def _head() -> list[Draft]:
    return [_draft("OP.01", "Mejorar algo"), _draft("IOP.01.01", "Porcentaje de algo", values=True),
            _draft("LN.01.01", "Ampliar algo")]


# ---- the document order the grammar gives -------------------------------------------------------


def test_successors_follow_the_grammar_document_order() -> None:
    after = successors("ISS.01.01.05.01", cfg())
    assert {"ISS.01.01.05.02", "SS.01.01.06", "LN.01.02", "OP.02"} <= after
    assert "SS.01.01.07" not in after and "ISS.01.01.06.01" not in after
    assert {"SS.01.02.01", "IOP.01.02", "LN.01.01"} & successors("OP.01", cfg()) == {"LN.01.01"}
    assert successors("", cfg()) == {"OP.01"}


# ---- restored ------------------------------------------------------------------------------------


def test_a_gap_of_one_between_siblings_is_the_lost_code() -> None:
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"), _draft("ISS.01.01.01.01", "Número de a", values=True),
            _draft("", "Servicio de b", printed="55.91 01.02"),
            _draft("SS.01.01.03", "Servicio de c")]
    assert _restored(rows)[5] == "SS.01.01.02"
    assert rows[5].level == "SS" and rows[5].parent == "LN.01.01" and not rows[5].unrepaired
    assert any(a.startswith(f"{CONTEXT_ASSUMPTION}:SS.01.01.02") for a in rows[5].assumptions)


def test_a_run_of_lost_codes_is_restored_when_one_sequence_fits() -> None:
    """A service and its indicator both lost (trata scan 8): the service's content says it is no
    indicator, so it cannot be a second indicator of the service above."""
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"), _draft("ISS.01.01.01.01", "Número de a", values=True),
            _draft("", "Servicio de b", printed="55.91 01.02"),
            _draft("", "Número de b", values=True, printed="Tr '1SS.01.01.02.01."),
            _draft("SS.01.01.03", "Servicio de c")]
    assert _restored(rows)[5:7] == ["SS.01.01.02", "ISS.01.01.02.01"]


def test_a_first_child_is_restored_from_its_parent_above_and_its_child_below() -> None:
    rows = [*_head(), _draft("", "Servicio de a", printed="OLO1"), _draft("ISS.01.01.01.01", "Número", values=True)]
    assert _restored(rows)[3] == "SS.01.01.01"


def test_a_last_child_with_no_next_row_is_restored_when_only_one_code_follows() -> None:
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"),
            _draft("", "Número de a", values=True, printed="185.0 03.01")]
    # an indicator after a service: its first indicator (IOP.01.01, the other indicator level
    # that could follow, is taken above)
    assert _restored(rows)[4] == "ISS.01.01.01.01"


# ---- no guess ------------------------------------------------------------------------------------


def test_a_gap_of_two_for_one_lost_row_is_no_guess() -> None:
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"), _draft("", "Servicio de b", printed="55.9"),
            _draft("SS.01.01.04", "Servicio de d")]
    assert _restored(rows)[4] == "55.9" and rows[4].unrepaired and not rows[4].assumptions


def test_an_ambiguous_level_is_no_guess() -> None:
    """Nothing below, and a row whose content and print name no level: a next service, a next
    guideline and a next objective all fit."""
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"), _draft("ISS.01.01.01.01", "Número", values=True),
            _draft("", "xx yy", printed="%%")]
    assert _restored(rows)[5] == "%%" and rows[5].unrepaired


def test_the_surviving_prefix_vetoes_a_code_of_another_level() -> None:
    """The gap is a service's, but the print still reads "LN": the row is not what the gap says."""
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"), _draft("", "", printed="LN paa"),
            _draft("SS.01.01.03", "Servicio de c")]
    assert _restored(rows)[4] == "LN paa"


def test_a_print_that_still_reads_two_groups_away_is_another_code() -> None:
    """Two indicators fit the gap, but the second prints "1SS.01.01.02.02": that is not
    ISS.01.01.01.03 with one group misread (a row was lost between them, not a code)."""
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"), _draft("ISS.01.01.01.01", "Número", values=True),
            _draft("", "Número", values=True, printed=""), _draft("", "Número", values=True, printed="1SS.01.01.02.02"),
            _draft("SS.01.01.02", "Servicio de b")]
    assert _restored(rows)[5:7] == ["", "1SS.01.01.02.02"]


def test_a_print_legible_as_another_level_vetoes_the_code() -> None:
    """Nothing below: after a service either its first indicator or the objective's next
    indicator may follow, but the print still reads as a service's indicator."""
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"),
            _draft("", "Número", values=True, printed="1SS.01.01.01.02")]
    assert _restored(rows)[4] == "ISS.01.01.01.01"


def test_the_rows_values_veto_a_level() -> None:
    """A gap of one at a service's place, but the row fills values like an indicator."""
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"), _draft("", "", values=True, printed="§§"),
            _draft("SS.01.01.03", "Servicio de c")]
    assert _restored(rows)[4] == "§§"


def test_never_a_code_another_row_holds() -> None:
    """The only code the gap allows is printed on a later row (a misprint): no second row gets it."""
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"), _draft("", "Servicio de b", printed="55.9"),
            _draft("LN.01.02", "Ampliar otra"), _draft("SS.01.01.02", "Servicio de x")]
    assert _restored(rows)[4] == "55.9"


def test_a_clean_matrix_through_the_whole_stage_gets_no_context_assumption() -> None:
    printed = ["OP.01", "IOP.01.01", "LN.01.01", "SS.01.01.01", "ISS.01.01.01.01", "SS.01.01.02"]
    raws = [RawRow(1, 0.0, 1.0, {"code": c, "name": f"Fila {i}", **(FIGURES if c.startswith(("IOP", "ISS")) else {})})
            for i, c in enumerate(printed)]
    rows, findings = rp.repair(raws, load_rules("policy-matrix"))
    assert [r.code for r in rows] == printed
    assert not any(CONTEXT_ASSUMPTION in f.message for f in findings)


# ---- service numbers from the codes --------------------------------------------------------------


def _numbers(drafts: list[Draft]) -> list[str]:
    number_rows(drafts, cfg())
    return [d.cells.get("service_no", "") for d in drafts]


def test_a_lost_service_row_shifts_no_number_after_it() -> None:
    """The second service's row is unread; its indicator names it, and the third stays 3."""
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"), _draft("", "Servicio de b", printed="55.9"),
            _draft("ISS.01.01.02.01", "Número", values=True), _draft("SS.01.01.03", "Servicio de c"),
            _draft("ISS.01.01.03.01", "Número", values=True)]
    assert _numbers(rows)[3:] == ["1", "", "2", "3", "3"]


def test_a_service_lost_with_its_indicators_still_counts_by_the_gap_it_leaves() -> None:
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"), _draft("", "Servicio de b", printed="55.9"),
            _draft("", "Número", values=True, printed="%%"), _draft("SS.01.01.03", "Servicio de c"),
            _draft("LN.01.02", "Ampliar"), _draft("SS.01.02.01", "Servicio de d")]
    assert _numbers(rows)[3:] == ["1", "", "", "3", "", "4"]


def test_a_gap_with_no_lost_row_is_the_document_s_own_and_not_filled() -> None:
    """A report that skips a number prints no service there: numbers stay 1..N as printed."""
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"), _draft("SS.01.01.03", "Servicio de c"),
            _draft("ISS.01.01.03.01", "Número", values=True)]
    assert _numbers(rows)[3:] == ["1", "2", "2"]


# ---- findings resting on a restored code ---------------------------------------------------------


def test_an_error_on_a_row_whose_code_came_from_context_is_a_warning_naming_it() -> None:
    note = f"{CONTEXT_ASSUMPTION}:IOP.03.01 (printed 'lOP.030° 5.'; between OP.03 and LN.03.02)"
    rows = [Row("OP.03", "OP", "", {}, 2), Row("IOP.03.01", "IOP", "OP.03", {}, 2, assumptions=[note]),
            Row("OP.04", "OP", "", {}, 2), Row("IOP.04.01", "IOP", "OP.04", {}, 2)]
    own = Finding("progress_mismatch", "error", "…", "IOP.03.01", "progress_2024", "70", "71", page=2)
    rollup = Finding("op_progress_mismatch", "error", "…", "OP.03", "progress_2024", "68.7", "70.1", page=2)
    other = Finding("op_progress_mismatch", "error", "…", "OP.04", "progress_2024", "96.3", "90.0", page=2)
    page = PageContent(2, 842.0, 595.0, [], source="ocr")
    flagged = flag_doubtful([own, rollup, other], [page], rows)
    assert [f.severity for f in flagged] == ["warning", "warning", "error"]
    assert all(note in f.message for f in flagged[:2])


def test_a_row_printing_a_clean_code_is_never_recoded_from_context() -> None:
    """A code printed cleanly but held by another row (a report's own duplicate) is not lost:
    the gap it stands in is no licence to give it another code."""
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"), _draft("", "Servicio de b", printed="SS.01.01.01"),
            _draft("SS.01.01.03", "Servicio de c")]
    assert _restored(rows)[4] == "SS.01.01.01" and not rows[4].assumptions
    assert _numbers(rows)[5] == "2"  # the duplicate is no lost service: no gap is filled


# ---- the rows around a lost row, through the whole stage -----------------------------------------


def _band(code: str, name: str) -> RawRow:
    figures = FIGURES if name.startswith(("Número", "Porcentaje")) else {}
    return RawRow(1, 0.0, 1.0, {"code": code, "name": name, **figures}, source="ocr")


def test_the_hierarchy_parts_no_tie_just_after_a_lost_row_and_the_context_restores_both() -> None:
    """"1SS.01.01.02.02" right after an unread row: the unread row may be its .01, so the
    hierarchy cannot prefer .01 (salud scan 76 took .01 and lost .02); the run is restored whole."""
    printed = ["OP.01", "IOP.01.01", "LN.01.01", "SS.01.01.01", "ISS.01.01.01.01", "SS.01.01.02",
               "1SS-01.01.02.01", "1SS.01.01.02.02", "SS.01.01.03"]
    names = ["Mejorar a", "Porcentaje de a", "Ampliar b", "Servicio de c", "Número de c", "Servicio de d",
             "Número de d", "Porcentaje de d", "Servicio de e"]
    rows, findings = rp.repair([_band(c, n) for c, n in zip(printed, names, strict=True)],
                               load_rules("policy-matrix"), ocr_pages={1})
    assert [r.code for r in rows][6:8] == ["ISS.01.01.02.01", "ISS.01.01.02.02"]
    assert not any("code_by_hierarchy" in f.message for f in findings)


def test_a_degree_speck_beside_a_code_still_cuts_a_span_at_it() -> None:
    """Two rows in one ruled span whose rule dropout took ("LN.03.03" over "OP.04°", salud scan 76)."""
    rules = load_rules("policy-matrix")
    token = re.compile(rules.spec.codes.token or "")
    assert _opens_code("OP.04°", rules, token, ocr=True)
    # trata scan 167: "!OP.03" under "(S5.02.07.02.01", a rule's sliver read as "!" ("¡" in Spanish)
    assert _opens_code("!OP.03", rules, token, ocr=True) and _opens_code("¡OP.01.01", rules, token, ocr=True)
    assert not _opens_code("!!", rules, token, ocr=True)


def test_an_accent_ocr_put_on_a_head_word_does_not_hide_it() -> None:
    """"Sérvicio de control …" at a page's foot, its code lost: a service row of its own, not
    the tail of the indicator above (salud scan 76)."""
    assert head_levels("Sérvicio de control de crecimiento", cfg()) == frozenset({"SS"})
    assert head_levels("Número de familias", cfg()) == head_levels("Numero de familias", cfg())
    assert head_levels("Área de salud", cfg()) is None


def test_a_neighbour_keeping_a_code_outside_the_grammar_anchors_nothing() -> None:
    """The row below kept its print ("‘SS.01.01.03", a duplicate band's mark): it is no end of
    the matrix, so the gap above it is not read as one."""
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"), _draft("", "Servicio de b", printed="55.9"),
            _draft("", "Servicio de c", printed="‘SS.01.01.03")]
    assert _restored(rows)[4] == "55.9"


def _lost_service(name: str = "Servicio de x", printed: str = "OLO1") -> Draft:
    draft = _draft("", name, printed=printed)
    draft.level = "SS"  # pass 1 could not read the code but every reading it weighed was a service
    return draft


def test_an_unread_service_row_counts_and_gets_its_number() -> None:
    """An unread row known to be a service (trata scan 8's "OLO1") under a guideline whose other
    services follow: it is a service of its own, and the next guideline's services keep theirs."""
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"), _draft("LN.01.02", "Ampliar"), _lost_service(),
            _draft("LN.01.03", "Ampliar"), _draft("SS.01.03.01", "Servicio de c")]
    assert _numbers(rows)[3:] == ["1", "", "2", "", "3"]


def test_an_unread_service_row_named_by_its_indicator_is_counted_once() -> None:
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"), _lost_service(),
            _draft("ISS.01.01.02.01", "Número", values=True), _draft("SS.01.01.03", "Servicio de c")]
    assert _numbers(rows)[3:] == ["1", "2", "2", "3"]


def test_a_gap_counts_no_more_services_than_unread_rows_stand_in_it() -> None:
    """.01 then .04 with one unread row between: one service was lost there, not two."""
    rows = [*_head(), _draft("SS.01.01.01", "Servicio de a"), _lost_service(), _draft("SS.01.01.04", "Servicio de d")]
    assert _numbers(rows)[3:] == ["1", "2", "3"]


# ---- a code read twice: one copy is its neighbour's code misread ---------------------------------


def _scanned(draft: Draft, printed: str | None = None, assumption: str = "") -> Draft:
    draft.read_by_ocr = True
    if printed is not None:
        draft.code_texts = [printed]
    if assumption:
        draft.assumptions.append(assumption)
    return draft


def _read_twice() -> list[Draft]:
    """s114's opening: "LN.01.01" read "LN.01.02", and the hierarchy vote moved the service below
    ("§S.01.01.01") to fit it; the rows further down read their codes legibly."""
    head = [_scanned(d) for d in _head()[:2]]
    vote = "code_by_hierarchy:SS.01.02.01 over SS.01.01.01"
    return [*head, _scanned(_draft("LN.01.02", "Ampliar algo")),
            _scanned(_draft("SS.01.02.01", "Servicio de a"), "§S.01.01.01", vote),
            _scanned(_draft("ISS.01.01.01.01", "Número", values=True)),
            _scanned(_draft("SS.01.01.02", "Servicio de b")),
            _scanned(_draft("ISS.01.01.02.01", "Número", values=True)),
            _scanned(_draft("LN.01.02", "Ampliar otra")), _scanned(_draft("SS.01.02.01", "Servicio de c")),
            _scanned(_draft("ISS.01.02.01.01", "Número", values=True))]


def test_a_code_read_twice_is_the_missing_code_its_rows_below_name() -> None:
    rows = _read_twice()
    codes = _restored(rows)
    assert codes[2:4] == ["LN.01.01", "SS.01.01.01"] and codes[7:9] == ["LN.01.02", "SS.01.02.01"]
    assert any("'LN.01.02'" in a and "LN.01.01" in a for a in rows[2].assumptions)
    assert [r.render() for r in rows[2].repairs] == ["code_ocr:LN.01.02->LN.01.01"]
    assert [r.render() for r in rows[3].repairs] == ["code_ocr:§S.01.01.01->SS.01.01.01"]
    assert not any(a.startswith("code_by_hierarchy") for a in rows[3].assumptions), "the vote was overruled"
    assert _numbers(rows)[3:9] == ["1", "1", "2", "2", "", "3"]


def test_a_code_read_twice_stays_when_its_rows_below_name_no_missing_code() -> None:
    rows = _read_twice()
    rows[4:7] = [_scanned(_draft("ISS.01.02.01.01", "Número", values=True))]
    assert _restored(rows)[2] == "LN.01.02", "the rows below name the copy's own code"


def test_a_code_printed_twice_is_the_report_s_own_when_the_print_is_a_text_layer() -> None:
    rows = _read_twice()
    for row in rows:
        row.read_by_ocr = False
    assert _restored(rows)[2] == "LN.01.02"


def test_a_clean_code_printed_twice_is_the_sibling_the_row_under_the_first_names() -> None:
    """trata s230 (252 dpi bitonal): LN.02.01 read "LN.02.02", and LN.02.02 printed cleanly
    further down; the rows under the first name LN.02.01 their parent. The first is LN.02.01
    (`code_by_hierarchy`), and the rows below keep their codes instead of all moving up one.
    A code printed once, or a row under it naming a parent two digits away, stays as printed."""
    printed = ["OP.01", "IOP.01.01", "LN.01.02", "§S.01.01.01", "1SS.01.01.01.01", "LN.01.02", "§S.01.02.01",
               "ISS.01.02.01.01", "LN.01.03"]
    names = ["Mejorar a", "Porcentaje de a", "Fortalecer b", "Servicio de c", "Número de c", "Mejorar d",
             "Servicio de e", "Número de e", "Desarrollar f"]
    rows, findings = rp.repair([_band(c, n) for c, n in zip(printed, names, strict=True)],
                               load_rules("policy-matrix"), ocr_pages={1})
    assert [r.code for r in rows] == ["OP.01", "IOP.01.01", "LN.01.01", "SS.01.01.01", "ISS.01.01.01.01",
                                      "LN.01.02", "SS.01.02.01", "ISS.01.02.01.01", "LN.01.03"]
    assert any(f.message == "code_by_hierarchy:LN.01.01 over LN.01.02" for f in findings)
    once = [*printed[:5], "LN.01.03", "§S.01.03.01", "ISS.01.03.01.01", "LN.01.04"]
    rows, _ = rp.repair([_band(c, n) for c, n in zip(once, names, strict=True)], load_rules("policy-matrix"),
                        ocr_pages={1})
    assert rows[2].code == "LN.01.02"


def test_a_clean_code_leaping_past_the_sequence_is_the_sibling_the_row_under_it_names() -> None:
    """salud s237 (200 dpi, JPEG q44, dropout): OP.02 read "OP.07" after OP.01's rows, IOP.02.01
    under it; OP.02 is what the sequence expects there and what the row under it names: the
    objective is OP.02, not an objective missing its indicators' parent (three parent__present
    errors the printed report does not have). Where the row under it names another code, the
    print stands."""
    printed = ["OP.01", "IOP.01.01", "LN.01.01", "OP.07", "1OP.02.01", "LN.02.01"]
    names = ["Mejorar a", "Porcentaje de a", "Fortalecer b", "Reducir c", "Porcentaje de c", "Fortalecer d"]
    rows, findings = rp.repair([_band(c, n) for c, n in zip(printed, names, strict=True)],
                               load_rules("policy-matrix"), ocr_pages={1})
    assert [r.code for r in rows] == ["OP.01", "IOP.01.01", "LN.01.01", "OP.02", "IOP.02.01", "LN.02.01"]
    assert any(f.message == "code_by_hierarchy:OP.02 over OP.07" for f in findings)
    rows, _ = rp.repair([_band(c, n) for c, n in zip([*printed[:4], "1OP.07.01", "LN.07.01"], names, strict=True)],
                        load_rules("policy-matrix"), ocr_pages={1})
    assert rows[3].code == "OP.07"


def test_a_service_whose_group_numbers_read_ten_past_its_own_takes_the_sequences_code() -> None:
    """trata s232 (300 dpi bitonal): SS.01.01.07 read "SS.01 61 47", two first digits misread;
    it parsed as SS.01.61.47, a service under a lineamiento no row holds, and the next service
    was numbered one on. A numbering leaps an item or two, never ten: the print's prefix reads
    whole, so those digits are misreads and the sequence's SS.01.01.02 stands, inferred."""
    printed = ["OP.01", "IOP.01.01", "LN.01.01", "SS.01.01.01", "1SS.01.01.01.01", "SS.01 61 42",
               "1SS.01.01.02.01", "SS.01.01.03"]
    names = ["Mejorar a", "Porcentaje de a", "Fortalecer b", "Servicio de c", "Porcentaje de c", "Servicio de d",
             "Porcentaje de d", "Servicio de e"]
    rows, _ = rp.repair([_band(c, n) for c, n in zip(printed, names, strict=True)], load_rules("policy-matrix"),
                        ocr_pages={1})
    assert rows[5].code == "SS.01.01.02"
    assert any(a.startswith("code_from_context:SS.01.01.02") for a in rows[5].assumptions)
    assert rows[6].fields["service_no"] == rows[5].fields["service_no"] == "2"


def test_a_code_with_one_digit_misread_alike_in_two_groups_takes_the_sequences_code() -> None:
    """salud s247, trata s232 (bitonal): ISS.02.01.01.01 read "1SS.02.01.02.02", a thinned "1"
    read "2" twice; its parent SS.02.01.02 comes further down. One glyph misread alike is one
    misreading: the sequence's first indicator stands, not ISS.02.01.01.02 past a lost row.
    Two different misreadings ("03.02") still veto it."""
    def coded(print_: str) -> str:
        printed = ["OP.01", "IOP.01.01", "LN.01.01", "SS.01.01.01", print_, "SS.01.01.02", "1SS.01.01.02.01",
                   "LN.01.02"]
        names = ["Mejorar a", "Porcentaje de a", "Fortalecer b", "Servicio de c", "Porcentaje de c", "Servicio de d",
                 "Porcentaje de d", "Fortalecer e"]
        rows, _ = rp.repair([_band(c, n) for c, n in zip(printed, names, strict=True)],
                            load_rules("policy-matrix"), ocr_pages={1})
        return rows[4].code

    assert coded("1SS.01.01.02.02") == "ISS.01.01.01.01"
    assert coded("1SS.01.01.03.02") != "ISS.01.01.01.01"


def test_a_clean_code_whose_parent_none_holds_but_for_a_zero_read_nine_is_the_sequences() -> None:
    """trata s246 (150 dpi, dropout 0.95): SS.01.01.08 read a clean "SS.91.01.08" past rows the
    scan left unreadable; LN.91 is no row's, LN.01 is: the "9" is a 0 misread, and the sequence
    gives the row SS.01.01.08, inferred (before, it stood, and every service below was numbered
    one on). A parent no row holds either way leaves the print as it is."""
    def repaired(print_: str) -> list[Row]:
        printed = ["OP.01", "IOP.01.01", "LN.01.01", "SS.01.01.01", "1SS.01.01.01.01", "¿¿ |", "¿ |", "¿¿ |",
                   "¿ |", print_, "1SS.01,91.04,01", "LN.01.02"]
        names = ["Mejorar a", "Porcentaje de a", "Fortalecer b", "Servicio de c", "Porcentaje de c", "Servicio de d",
                 "Porcentaje de d", "Servicio de e", "Porcentaje de e", "Servicio de f", "Porcentaje de f",
                 "Fortalecer g"]
        rows, _ = rp.repair([_band(c, n) for c, n in zip(printed, names, strict=True)],
                            load_rules("policy-matrix"), ocr_pages={1})
        return rows

    rows = repaired("SS.91.01.04")
    assert rows[9].code == "SS.01.01.04" and rows[9].fields["service_no"] == "4"
    assert any(a.startswith("code_from_context:SS.01.01.04") for a in rows[9].assumptions)
    assert repaired("SS.91.03.04")[9].code == "SS.91.03.04"  # LN.01.03 is no row's either


def test_a_parent_is_the_code_most_rows_under_it_name_not_only_the_first() -> None:
    """trata s302 (150 dpi bitonal, dropout 0.91): a toner streak down the page misread the same
    digit of LN.03.03 and of its first service ("LN, 03.04", "55, 03.04.01"); the rows further
    under it read SS.03.03.01.01, SS.03.03.02…, and the real LN.03.04 came later. The parent is
    what most of its rows name; where they are split, or only one names another, the print stands."""
    def coded(rows_under: list[str]) -> list[str]:
        printed = ["OP.03", "IOP.03.01", "LN.03.02", "§S.03.02.01", "1SS.03.02.01.01", "LN, 03.04", "55, 03.04.01",
                   *rows_under, "LN.03.04", "§S.03.04.01"]
        under = ["Servicio de h" if len(c.split(".")) == 4 else "Porcentaje de h" for c in rows_under]
        names = ["Mejorar a", "Porcentaje de a", "Fortalecer b", "Servicio de c", "Porcentaje de c", "Optimizar d",
                 "Servicio de e", *under, "Incrementar f", "Servicio de g"]
        rows, _ = rp.repair([_band(c, n) for c, n in zip(printed, names, strict=True)],
                            load_rules("policy-matrix"), ocr_pages={1})
        return [r.code for r in rows]

    got = coded(["SS.03.03.01.01", "55. 03.03.02", "1SS.03.03.02.01"])
    assert got[5:8] == ["LN.03.03", "SS.03.03.01", "ISS.03.03.01.01"]
    assert got[-2:] == ["LN.03.04", "SS.03.04.01"]
    assert coded(["SS.03.04.01.01"])[5] == "LN.03.04"  # its rows name it: a numbering gap, as printed
