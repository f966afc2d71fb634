"""Errors of a scanned report that rest on cells the scan leaves in doubt become warnings that
say which reading; an error whose readings are sure stays an error, and a text layer is never
in doubt. Each case is built twice: once with the doubtful reading, once without it.
"""

from __future__ import annotations

import pickle
from dataclasses import replace

from extractor.confidence import LOW_CONFIDENCE_NOTE, flag_doubtful
from extractor.model import Box, CellBox, Finding, PageContent, Row, Word
from extractor.reconcile.counts import recount_text

MATRIX, TEXT = 2, 9  # the matrix page and a narrative page


def _page(number: int, words: list[Word], source: str = "ocr") -> PageContent:
    return PageContent(number, 842.0, 595.0, words, source=source)  # type: ignore[arg-type]


def _row(code: str, progress: str, conf: float, top: float) -> tuple[Row, Word]:
    word = Word(progress, 700, 730, top, top + 8, conf)
    box = CellBox(MATRIX, 690, top - 2, 740, top + 10)
    row = Row(code, "ISS", "SS", {"progress_2025": progress}, page=MATRIX, boxes={"progress_2025": [box]})
    return row, word


def _grammar(code: str, page: int = MATRIX) -> Finding:
    message = f"expect_column_values_to_be_in_set on code__grammar: the code must follow …; offending rows: {code}"
    return Finding("expectation_failed", "error", message, code, "code", code, "", page)


def test_the_texts_figure_against_a_doubtful_matrix_cell_is_a_warning() -> None:
    row, word = _row("ISS.04.01.02.01", "27", 12.0, 300)
    claim = Finding(
        "narrative_mismatch", "error", "The text says 102% for ISS.04.01.02.01 progress_2025", "ISS.04.01.02.01",
        "progress_2025", "102%", "27", page=TEXT,
    )
    pages = [_page(MATRIX, [word]), _page(TEXT, [Word("102%", 100, 120, 50, 58, 96.0)])]
    (flagged,) = flag_doubtful([claim], pages, [row])
    assert flagged.severity == "warning" and "ISS.04.01.02.01: '27', 12%" in flagged.message
    sure = Word("27", 700, 730, 300, 308, 95.0)
    assert flag_doubtful([claim], [_page(MATRIX, [sure]), pages[1]], [row]) == [claim]


def test_a_cell_that_breaks_its_columns_format_on_a_scan_is_in_doubt() -> None:
    finding = _grammar("IsS.Ui0 201")
    (flagged,) = flag_doubtful([finding], [_page(MATRIX, [])])
    assert flagged.severity == "warning" and "'IsS.Ui0 201' breaks its column's format" in flagged.message
    assert flag_doubtful([finding], [_page(MATRIX, [], source="text")]) == [finding]


def test_a_missing_parent_may_be_a_row_the_scan_left_unreadable() -> None:
    message = "expect_column_values_to_be_in_set on parent__present: every row …; offending rows: SS.02.01.01"
    missing = Finding("expectation_failed", "error", message, "SS.02.01.01", "parent", "LN.02.01", "", MATRIX)
    flagged = flag_doubtful([missing, _grammar("LN paa")], [_page(MATRIX, [])])[0]
    assert flagged.severity == "warning" and "LN paa" in flagged.message
    assert flag_doubtful([missing], [_page(MATRIX, [])]) == [missing], "no unreadable code: the parent is missing"


def test_a_count_off_by_no_more_than_the_doubtful_rows_is_a_warning() -> None:
    weak, weak_word = _row("ISS.01.01.02.02", "885", 30.0, 300)
    sure, sure_word = _row("ISS.01.01.03.01", "110.0", 96.0, 330)
    pages = [_page(MATRIX, [weak_word, sure_word])]
    message = f"The text counts 20 …; {recount_text('ISS', 2025)} 21."
    count = Finding("narrative_mismatch", "error", message, "", "Indicadores de servicios.high_95", "20", "21", TEXT)
    (flagged,) = flag_doubtful([count], pages, [weak, sure])
    assert flagged.severity == "warning" and "ISS.01.01.02.02 progress_2025 '885'" in flagged.message
    other_level = replace(count, message=f"The text counts 20 …; {recount_text('IOP', 2025)} 21.")
    assert flag_doubtful([other_level], pages, [weak, sure]) == [other_level], "the weak row is not counted there"
    off_by_two = Finding(count.rule, "error", count.message, "", count.field, "20", "22", page=TEXT)
    assert flag_doubtful([off_by_two], pages, [weak, sure]) == [off_by_two], "more than the doubtful rows explain"
    sure_pages = [_page(MATRIX, [replace(weak_word, conf=95.0), sure_word])]
    assert flag_doubtful([count], sure_pages, [weak, sure]) == [count], "every counted reading is sure"
    unread, unread_word = _row("ISS.04.01.02.01", "e", 91.0, 360)  # "27" read as no value at all
    flagged = flag_doubtful([count], [_page(MATRIX, [sure_word, unread_word])], [sure, unread])[0]
    assert flagged.severity == "warning" and "ISS.04.01.02.01 progress_2025 'e'" in flagged.message


def test_a_count_of_rows_is_in_doubt_only_through_unreadable_codes() -> None:
    count = Finding("narrative_mismatch", "error", "The text counts 30 ISS rows", "", "ISS.count", "30", "28", TEXT)
    pages = [_page(MATRIX, [])]
    assert flag_doubtful([count], pages) == [count]
    flagged = flag_doubtful([count, _grammar("os 994.01"), _grammar("185.0 03.01")], pages)[0]
    assert flagged.severity == "warning" and "os 994.01" in flagged.message


def test_a_unit_found_by_its_number_is_in_doubt_past_unreadable_codes() -> None:
    claim = Finding(
        "narrative_mismatch", "error", "The text says 239% for S.21 (ISS.04.01.01.01) progress_2025: …",
        "ISS.04.01.01.01", "progress_2025", "239%", "101.7", page=TEXT,
    )
    pages = [_page(MATRIX, []), _page(TEXT, [])]
    assert flag_doubtful([claim], pages) == [claim]
    flagged = flag_doubtful([claim, _grammar("LN paa")], pages)[0]
    assert flagged.severity == "warning" and "S.21 is counted in row order" in flagged.message
    assert LOW_CONFIDENCE_NOTE in flagged.message


def test_a_count_is_in_doubt_when_the_scan_shows_no_column_of_the_counted_progress() -> None:
    """scan41: a binding shadow hid the progress column of the matrix page, so every row reads
    blank there and the summary table's "≥ 95%: 20" recounts as 0 — the print is not at fault."""
    message = f"Summary table, Indicadores de servicios / ≥ 95%: printed 2; {recount_text('ISS', 2025)} 0"
    count = Finding("summary_count_mismatch", "error", message, "", "Indicadores de servicios.high_95", "2", "0", 1)
    other = {"obtained_2025": [CellBox(MATRIX, 650, 300, 690, 310)]}
    hidden = [Row(f"ISS.01.01.0{n}.01", "ISS", "SS", {}, page=MATRIX, boxes=other) for n in (1, 2)]
    pages = [_page(1, []), _page(MATRIX, [])]
    (flagged,) = flag_doubtful([count], pages, hidden)
    assert flagged.severity == "warning" and "no such column read on page 2" in flagged.message
    blank = {**other, "progress_2025": [CellBox(MATRIX, 690, 300, 740, 310)]}
    shown = [replace(r, boxes=blank) for r in hidden]
    assert flag_doubtful([count], pages, shown) == [count], "the column was read and is blank: a sure count"
    assert flag_doubtful([count], [_page(1, [], "text"), _page(MATRIX, [], "text")], hidden) == [count]


def _blacked_page(number: int, *areas: Box) -> PageContent:
    page = _page(number, [])
    page.blacked = list(areas)
    return page


def test_a_count_resting_on_cells_the_scan_blacked_out_is_a_warning_that_says_so() -> None:
    """scan103: a photocopy burnt the semaphore-coloured progress cells solid black, so they read
    blank, and the summary's "ND: 2" recounts as more. Every progress cell of the page reads
    blank, so nothing else puts them in doubt: only the area the OCR stage found solid does."""
    message = f"Summary table, Indicadores de servicios / ND: printed 0; {recount_text('ISS', 2025)} 2"
    count = Finding("summary_count_mismatch", "error", message, "", "Indicadores de servicios.nd", "0", "2", 1)
    boxes = [{"progress_2025": [CellBox(MATRIX, 690, top, 740, top + 12)]} for top in (300, 320)]
    rows = [Row(f"ISS.01.01.0{n}.01", "ISS", "SS", {}, page=MATRIX, boxes=b) for n, b in enumerate(boxes, 1)]
    column = Box(692, 738, 296, 334)  # the progress column's fills, burnt black
    (flagged,) = flag_doubtful([count], [_page(1, []), _blacked_page(MATRIX, column)], rows)
    assert flagged.severity == "warning" and "cell blacked out in the scan, page 2" in flagged.message
    assert flag_doubtful([count], [_page(1, []), _page(MATRIX, [])], rows) == [count], "read and blank: sure"
    beside = Box(600, 660, 296, 334)  # a solid area elsewhere on the page does not hide the cells
    assert flag_doubtful([count], [_page(1, []), _blacked_page(MATRIX, beside)], rows) == [count]
    read = [replace(r, fields={"progress_2025": "ND"}) for r in rows]  # the cells were read after all
    assert flag_doubtful([count], [_page(1, []), _blacked_page(MATRIX, column)], read) == [count]


def test_a_figure_computed_from_a_blacked_out_cell_is_a_warning_and_a_read_one_stays_an_error() -> None:
    obtained = {"obtained_2025": [CellBox(MATRIX, 650, 300, 690, 312)]}
    child = Row("ISS.01.01.01.01", "ISS", "SS.01.01.01", {}, page=MATRIX, boxes=obtained)
    parent = Row("OP.01", "OP", "", {"progress_2025": "40.0"}, page=MATRIX)
    child = replace(child, parent="OP.01")
    blacked = [_blacked_page(MATRIX, Box(640, 700, 290, 320))]
    rollup = Finding("rollup_mismatch", "error", "OP.01 progress_2025 …", "OP.01", "progress_2025", "40.0", "55.0",
                     MATRIX)
    (flagged,) = flag_doubtful([rollup], blacked, [parent, child])
    assert flagged.severity == "warning"
    assert "ISS.01.01.01.01 obtained_2025: cell blacked out in the scan, page 2" in flagged.message
    own = Finding("progress_mismatch", "error", "…", "ISS.01.01.01.01", "progress_2025", "90.0", "0.0", MATRIX)
    assert flag_doubtful([own], blacked, [parent, child])[0].severity == "warning"
    sure = replace(child, fields={"obtained_2025": "51.2"})
    assert flag_doubtful([rollup, own], blacked, [parent, sure]) == [rollup, own], "every cell was read"


def test_a_count_the_text_writes_as_a_word_is_in_doubt_past_unreadable_codes() -> None:
    count = Finding("narrative_mismatch", "error", "The text counts cuatro OP rows", "", "OP.count", "cuatro", "3",
                    TEXT)
    pages = [_page(MATRIX, [])]
    words = {"tres": 3, "cuatro": 4}
    flagged = flag_doubtful([count, _grammar("LN paa")], pages, number_words=words)[0]
    assert flagged.severity == "warning" and "LN paa" in flagged.message
    assert flag_doubtful([count], pages, number_words=words) == [count], "no unreadable code: a sure count"


def test_a_page_pickled_before_the_blacked_areas_were_kept_loads_with_none() -> None:
    page = _blacked_page(MATRIX, Box(1, 2, 3, 4))
    state = page.__reduce_ex__(2)[2]
    old = PageContent.__new__(PageContent)
    old.__setstate__((state[0], {k: v for k, v in state[1].items() if k != "blacked"}))
    assert old.blacked == [] and old.number == MATRIX
    assert pickle.loads(pickle.dumps(page)).blacked == [Box(1, 2, 3, 4)]


def _matrix_row(code: str, parent: str, top: float) -> Row:
    box = CellBox(MATRIX, 40, top, 120, top + 10)
    return Row(code, code.split(".")[0], parent, {}, page=MATRIX, boxes={"code": [box]})


def test_a_missing_parent_may_be_a_code_of_its_level_the_scan_read_twice() -> None:
    message = "expect_column_values_to_be_in_set on parent__present: every row …; offending rows: SS.01.01.02"
    missing = Finding("expectation_failed", "error", message, "SS.01.01.02", "parent", "LN.01.01", "", MATRIX)
    twice = [_matrix_row("LN.01.02", "OP.01", 100), _matrix_row("SS.01.01.02", "LN.01.01", 130),
             _matrix_row("LN.01.02", "OP.01", 160)]
    (flagged,) = flag_doubtful([missing], [_page(MATRIX, [])], twice)
    assert flagged.severity == "warning" and "'LN.01.02' read twice" in flagged.message
    once = [twice[0], twice[1], _matrix_row("LN.01.03", "OP.01", 160)]
    assert flag_doubtful([missing], [_page(MATRIX, [])], once) == [missing], "each code read once"
    other_level = [twice[1], _matrix_row("SS.01.03.01", "LN.01.03", 100), _matrix_row("SS.01.03.01", "LN.01.03", 160)]
    assert flag_doubtful([missing], [_page(MATRIX, [])], other_level) == [missing], "a twin of another level"
    assert flag_doubtful([missing], [_page(MATRIX, [], source="text")], twice) == [missing], "print is not in doubt"


def test_a_unit_found_by_its_number_is_in_doubt_past_codes_read_twice() -> None:
    claim = Finding(
        "narrative_mismatch", "error", "The text says 114% for S.04 (ISS.01.02.02.01) progress_2025: …",
        "ISS.01.02.02.01", "progress_2025", "114%", "101.7", page=TEXT,
    )
    pages = [_page(MATRIX, []), _page(TEXT, [])]
    rows = [_matrix_row("SS.01.02.01", "LN.01.02", 100), _matrix_row("SS.01.02.01", "LN.01.02", 160)]
    flagged = flag_doubtful([claim], pages, rows)[0]
    assert flagged.severity == "warning" and "past codes the scan read twice: 'SS.01.02.01'" in flagged.message
    assert flag_doubtful([claim], pages, rows[:1]) == [claim]


def test_the_texts_figure_one_scan_slip_from_the_matrix_is_a_warning_however_sure_the_reading() -> None:
    row, word = _row("OP.01", "67.3", 96.0, 300)

    def claim(said: str, page_source: str = "ocr") -> Finding:
        found = Finding("narrative_mismatch", "error", f"The text says {said} for OP.01 progress_2025", "OP.01",
                        "progress_2025", said, "67.3%", page=TEXT)
        pages = [_page(MATRIX, [word]), _page(TEXT, [Word(said, 100, 120, 50, 58, 95.0)], page_source)]
        return flag_doubtful([found], pages, [row])[0]

    lost_edge, one_glyph = claim("3%."), claim("67.8%")
    assert lost_edge.severity == one_glyph.severity == "warning"
    assert "one OCR slip from the matrix's '67.3%'" in lost_edge.message
    assert claim("45.0%").severity == "error"  # no slip of a scan turns 67.3 into 45.0
    assert claim("3%.", page_source="text").severity == "error"  # a text layer reads what is printed


def test_the_index_is_in_doubt_when_a_cell_of_the_objectives_indicators_is() -> None:
    objective = Row("OP.01", "OP", "", {"progress_2025": "70.6"}, page=MATRIX)
    indicator, word = _row("IOP.01.01", "91.9", 12.0, 300)
    indicator = replace(indicator, level="IOP", parent="OP.01")
    index = Finding("index_mismatch", "error", "índice progress_2025 = mean of …", "", "progress_2025", "70.6",
                    "69.6", MATRIX)

    def flagged(conf: float) -> Finding:
        pages = [_page(MATRIX, [replace(word, conf=conf)])]
        return flag_doubtful([index], pages, [objective, indicator])[0]

    assert flagged(12.0).severity == "warning"
    assert "IOP.01.01 progress_2025 '91.9'" in flagged(12.0).message
    assert flagged(96.0).severity == "error"


def test_a_progress_one_commonly_confused_digit_from_agreeing_is_a_warning() -> None:
    cells = {"expected_2025": "52.4%", "obtained_2025": "73.5%", "progress_2025": "117.8"}
    word = Word("117.8", 700, 730, 300, 308, 96.0)
    row = Row("ISS.02.01.02.02", "ISS", "SS.02.01.02", cells, page=MATRIX)
    mismatch = Finding("progress_mismatch", "error", "ISS.02.01.02.02 progress_2025 …", "ISS.02.01.02.02",
                       "progress_2025", "117.8", "140.3", MATRIX)

    def flagged(confusions: list[tuple[str, str]], printed: str = "117.8") -> Finding:
        pages = [_page(MATRIX, [replace(word, text=printed)])]
        return flag_doubtful([replace(mismatch, printed=printed)], pages, [row], None, confusions)[0]

    expected_misread = flagged([("5", "6")])  # 73.5 / 62.4 = 117.8: the expected value read 6 → 5
    assert expected_misread.severity == "warning"
    assert "expected_2025 '52.4%' may be '62.4%' misread" in expected_misread.message
    assert flagged([("1", "7")]).severity == "error"  # no 1/7 misread explains it
    assert flagged([("4", "7")], printed="170.3").severity == "warning"  # the printed 140.3 read 170.3


def test_a_progress_one_digit_lost_at_a_figures_edge_from_agreeing_is_a_warning() -> None:
    """Seed 161: the obtained 61.7% read "1.7%" with full confidence; 56.7 / 1.7 gives 3335.3 for
    a printed 91.9. With its first digit back (56.7 / 61.7) the row agrees: a warning that says
    so. An error no lost or added digit explains stays an error."""
    cells = {"expected_2025": "61.7%", "obtained_2025": "56.7%", "progress_2025": "91.9"}
    word = Word("91.9", 700, 730, 300, 308, 96.0)
    row = Row("IOP.01.01", "IOP", "OP.01", cells | {"expected_2025": "1.7%"}, page=MATRIX)
    mismatch = Finding("progress_mismatch", "error", "IOP.01.01 progress_2025 …", "IOP.01.01", "progress_2025",
                       "91.9", "3335.3", MATRIX)
    flagged = flag_doubtful([mismatch], [_page(MATRIX, [word])], [row])[0]
    assert flagged.severity == "warning" and "expected_2025 '1.7%' may be '61.7%' misread" in flagged.message
    real = replace(row, fields=cells | {"obtained_2025": "46.7%"})  # 46.7 / 61.7 = 75.7: no slip gives 91.9
    wrong = replace(mismatch, recomputed="75.7")
    assert flag_doubtful([wrong], [_page(MATRIX, [word])], [real])[0].severity == "error"
    # trata s402: an obtained 22.5% read "2.5%"; the finding's rounded 16.7 × 9 is 150.3 of a
    # printed 150.0, within the rounding the scale carries
    lost = Row("IOP.03.01", "IOP", "OP.03", {"expected_2024": "15%", "obtained_2024": "2.5%",
                                             "progress_2024": "150.0"}, page=MATRIX)
    off = Finding("progress_mismatch", "error", "IOP.03.01 progress_2024 …", "IOP.03.01", "progress_2024",
                  "150.0", "16.7", MATRIX)
    (scaled,) = flag_doubtful([off], [_page(MATRIX, [replace(word, text="150.0")])], [lost])
    assert scaled.severity == "warning" and "obtained_2024 '2.5%' may be '22.5%' misread" in scaled.message


def test_an_index_printed_one_edge_digit_from_agreeing_on_a_scan_is_a_warning() -> None:
    # trata s408: the index row's 70.6 read "0.6", its first digit lost, with full confidence
    objective = Row("OP.01", "OP", "", {"progress_2024": "70.6"}, page=MATRIX)
    word = Word("0.6", 700, 730, 300, 308, 96.0)
    index = Finding("index_mismatch", "error", "índice progress_2024 = mean of …", "", "progress_2024", "0.6",
                    "70.6", MATRIX)
    (flagged,) = flag_doubtful([index], [_page(MATRIX, [word])], [objective])
    assert flagged.severity == "warning" and "printed '0.6' may be '70.6' misread" in flagged.message
    far = replace(index, printed="30.6")  # no one slip gives 70.6
    assert flag_doubtful([far], [_page(MATRIX, [replace(word, text="30.6")])], [objective])[0].severity == "error"
    text = _page(MATRIX, [word], source="text")  # a text layer prints what it prints
    assert flag_doubtful([index], [text], [objective])[0].severity == "error"


def test_a_row_before_its_parent_whose_code_one_digit_misread_alike_goes_on_from_a_sibling_is_a_warning() -> None:
    # trata s412 (156 dpi bitonal): SS.01.01.08 read "SS.02.02.08", a thin 1 read 2 twice, after
    # SS.01.01.07; its parent LN.02.02 comes pages later
    rows = [_matrix_row("SS.01.01.07", "LN.01.01", 100), _matrix_row("SS.02.02.08", "LN.02.02", 130),
            _matrix_row("LN.02.02", "OP.02", 160)]
    message = ("expect_column_values_to_be_in_set on parent__precedes: a row must follow its parent …; "
               "offending rows: SS.02.02.08")
    early = Finding("expectation_failed", "error", message, "SS.02.02.08", "parent", "LN.02.02", "", MATRIX)
    (flagged,) = flag_doubtful([early], [_page(MATRIX, [])], rows)
    assert flagged.severity == "warning" and "may be 'SS.01.01.08' read with one digit misread" in flagged.message
    printed = [rows[0], _matrix_row("SS.01.01.08", "LN.01.01", 120), *rows[1:]]  # that code is printed
    assert flag_doubtful([early], [_page(MATRIX, [])], printed)[0].severity == "error"
    assert flag_doubtful([early], [_page(MATRIX, [], source="text")], rows)[0].severity == "error"


def test_a_gap_in_the_header_years_a_scan_read_is_a_warning() -> None:
    row, word = _row("ISS.01.01.01.01", "91.9", 96.0, 300)
    message = ("expect_column_values_to_be_in_set on printed__step: the printed years must be contiguous; "
               "a gap means a year column was lost; offending rows: 2025")
    gap = Finding("expectation_failed", "error", message, "", "expected_2025, obtained_2025", "", "", 0)
    scanned = flag_doubtful([gap], [_page(MATRIX, [word])], [row])[0]
    assert scanned.severity == "warning" and "the header's year columns as the scan of page 2" in scanned.message
    assert flag_doubtful([gap], [_page(MATRIX, [word], source="text")], [row])[0].severity == "error"
    grammar = _grammar("ISS.01.01.01.O1", page=0)  # not about the header's years
    assert flag_doubtful([grammar], [_page(MATRIX, [word])], [row])[0].severity == "error"


def test_a_missing_parent_may_be_a_row_merged_into_one_whose_code_cell_reads_its_code_too() -> None:
    """Trata seed 157: the scan lost the rule over OP.02's row, which went into the row above;
    that row's code cell reads "SS.01.06.01.01 (P02": the parent of LN.02.01 is there."""
    message = "expect_column_values_to_be_in_set on parent__present: every row …; offending rows: LN.02.01"
    missing = Finding("expectation_failed", "error", message, "LN.02.01", "parent", "OP.02", "", MATRIX)
    merged = replace(_matrix_row("ISS.01.06.01.01", "SS.01.06.01", 100),
                     repairs=["code_ocr:SS.01.06.01.01 (P02->ISS.01.06.01.01"])
    rows = [merged, _matrix_row("LN.02.01", "OP.02", 130)]
    (flagged,) = flag_doubtful([missing], [_page(MATRIX, [])], rows)
    assert flagged.severity == "warning" and "ISS.01.06.01.01 ('(P02')" in flagged.message
    other = replace(missing, code="LN.03.01", printed="OP.03")
    assert flag_doubtful([other], [_page(MATRIX, [])], rows) == [other], "the leftover reads another code"
    # salud s182: OP.03's code came out in two pieces a gap cut apart, "o." and "03"
    pieces = replace(merged, repairs=["code_ocr:‘1SS.02.03.03.01 o. 03->ISS.02.03.03.01"])
    (cut,) = flag_doubtful([other], [_page(MATRIX, [])], [pieces, rows[1]])
    assert cut.severity == "warning" and "('o.03')" in cut.message
    spaced = replace(merged, repairs=["code_ocr:10P 01 02->IOP.01.02"])  # a code's own groups apart
    first = replace(missing, printed="OP.01")
    assert flag_doubtful([first], [_page(MATRIX, [])], [spaced, rows[1]]) == [first], "no second code there"
    # trata s246 (150 dpi, dropout): "ISS.02 .07,02.01 OP.0:", OP.03's last digit cut at the band's edge
    clipped = replace(merged, repairs=["code_ocr:ISS.02 .07,02.01 OP.0:->ISS.02.07.02.01"])
    (half,) = flag_doubtful([other], [_page(MATRIX, [])], [clipped, rows[1]])
    assert half.severity == "warning" and "('OP.0:')" in half.message
    lone = replace(merged, repairs=["code_ocr:ISS.02 .07,02.01 LN.0:->ISS.02.07.02.01"])
    assert flag_doubtful([other], [_page(MATRIX, [])], [lone, rows[1]]) == [other], "another level's prefix"


def test_a_summary_line_one_slip_from_adding_up_makes_its_findings_warnings() -> None:
    """s175 (179 dpi, bitonal): "Indicadores de servicios" read 47 · 4 · 19 · 3 for a total of
    30; "47" is a 4 and a speck, and the line adds up with it. The failed total and the count of
    that cell rest on the misread; the line's other counts, read right, stay errors."""
    from extractor.model import SummaryRow

    SUMMARY = 1
    line = SummaryRow("Indicadores de servicios",
                      {"low_0_75": "47", "mid_75_95": "4", "high_95": "19", "nd": "3", "total": "30"}, SUMMARY)
    total = Finding("expectation_failed", "error", "the printed Total must equal the sum …; offending rows: "
                    "Indicadores de servicios", "", "total", "30", "73", SUMMARY)
    low = Finding("summary_count_mismatch", "error", "Summary table, Indicadores de servicios / [0-75%>: printed 47",
                  "", "Indicadores de servicios.low_0_75", "47", "3", SUMMARY)
    mid = Finding("summary_count_mismatch", "error", "Summary table, Indicadores de servicios / [75-95%>: printed 4",
                  "", "Indicadores de servicios.mid_75_95", "4", "3", SUMMARY)
    scan = [_page(SUMMARY, [])]
    flagged = flag_doubtful([total, low, mid], scan, [], summary=[line], total_column="total")
    assert [f.severity for f in flagged] == ["warning", "warning", "error"]
    assert "reading '47' as 4" in flagged[0].message and LOW_CONFIDENCE_NOTE in flagged[1].message
    # a line that adds up as read, one no slip explains, or a text layer's: nothing in doubt
    adds_up = replace(line, counts={**line.counts, "low_0_75": "4"})
    far = replace(line, counts={**line.counts, "low_0_75": "60"})
    for other, pages in ((adds_up, scan), (far, scan), (line, [_page(SUMMARY, [], source="text")])):
        assert flag_doubtful([total, low], pages, [], summary=[other], total_column="total") == [total, low]


def test_a_texts_unit_number_whose_quote_names_another_unit_may_be_misread() -> None:
    """Trata s202: "El servicio 23. Denominado "Servicio de ejecución de actos especiales …"": the
    name is S.21's, its "21" read "23", and S.23's progress seemed to contradict the text. On a
    scan that is a warning naming the unit the words name; where the quote names the unit its
    number found, or the text is a text layer, the error stands."""
    names = {"SS.02.04.03": "Servicio de ejecución de actos especiales de investigación del delito de trata",
             "SS.02.05.02": "Servicio de promoción del fortalecimiento de capacidades de los operadores"}
    rows = [Row(code, "SS", "LN.02.04", {"name": name}, page=MATRIX) for code, name in names.items()]
    rows.append(Row("ISS.02.05.02.01", "ISS", "SS.02.05.02", {"name": "Porcentaje de eventos de capacitación"},
                    page=MATRIX))
    quote = ('"El servicio 23. Denominado "Servicio de ejecución de actos especiales de invest… […] Este '
             'servicio tiene un cumplimiento del 131%"')
    message = f"The text says 131% for S.23 (ISS.02.05.02.01) progress_2024: {quote}; the matrix prints 100.0"
    mismatch = Finding("narrative_mismatch", "error", message, "ISS.02.05.02.01", "progress_2024", "131%",
                       "100.0", TEXT)
    scanned = [_page(MATRIX, []), _page(TEXT, [])]
    (flagged,) = flag_doubtful([mismatch], scanned, rows)
    assert flagged.severity == "warning" and "names SS.02.04.03" in flagged.message
    own = replace(mismatch, message=message.replace("actos especiales de invest", "fortalecimiento de capac")
                  .replace("ejecución de", "promoción del"))
    assert flag_doubtful([own], scanned, rows) == [own], "the quote names its own unit"
    typed = [_page(MATRIX, [], source="text"), _page(TEXT, [], source="text")]
    assert flag_doubtful([mismatch], typed, rows) == [mismatch], "a text layer's number is what was typed"


def test_a_matrix_figure_that_is_the_texts_with_its_first_digit_lost_is_a_warning() -> None:
    """salud s237 (200 dpi, JPEG q44, dropout): ISS.03.02.01.01's printed progress "112.1" read
    "12.1"; the text states "112%". The claim against the matrix rests on the scan's reading of
    the matrix: a warning that names it. Not where no lost first digit explains it, nor on a
    matrix read from a text layer."""
    row, word = _row("ISS.03.02.01.01", "12.1", 96.0, 300)

    def claim(said: str, matrix_source: str = "ocr") -> Finding:
        found = Finding("narrative_mismatch", "error", f"The text says {said} for S.19 progress_2025",
                        "ISS.03.02.01.01", "progress_2025", said, "12.1", page=TEXT)
        pages = [_page(MATRIX, [word], matrix_source), _page(TEXT, [Word(said, 100, 120, 50, 58, 95.0)])]
        return flag_doubtful([found], pages, [row])[0]

    lost = claim("112%")
    assert lost.severity == "warning" and "with its first digit lost" in lost.message
    assert claim("150%").severity == "error"
    assert claim("112%", matrix_source="text").severity == "error"


def test_two_figures_an_ocr_text_states_for_one_count_are_both_in_doubt() -> None:
    """salud s223 (200 dpi bitonal, dropout 0.98): a garbled sentence bound the services' "20"
    to the objectives' indicators at ≥ 95%, beside the "4" the next sentence states for them:
    the recount (6) disagrees with both, and neither claim is sure. One claim alone, or two
    read off a text layer, stay errors."""
    def claim(said: str) -> Finding:
        return Finding("narrative_mismatch", "error", f"The text counts {said} Indicadores de objetivos …", "",
                       "Indicadores de objetivos prioritarios.high_95", said, "6", page=TEXT)

    pages = [_page(MATRIX, []), _page(TEXT, [])]
    both = flag_doubtful([claim("20"), claim("4")], pages, [])
    assert [f.severity for f in both] == ["warning", "warning"]
    assert "states '20', '4' for it" in both[0].message
    assert flag_doubtful([claim("20")], pages, [])[0].severity == "error"
    layer = [_page(MATRIX, []), _page(TEXT, [], source="text")]
    assert [f.severity for f in flag_doubtful([claim("20"), claim("4")], layer, [])] == ["error", "error"]
