"""Layout on scans whose rules toner dropout broke (extractor/layout.py, rows.py, matrix_columns.py)."""

from __future__ import annotations

import re

from extractor.geometry import Box, Edge
from extractor.layout import TableHeader, split_spans_at_codes
from extractor.matrix_columns import header_on_page, place_headers
from extractor.model import Column, PageContent, Word

CODE = re.compile(r"(?:[A-Z0-9]{1,3}[.,])?\d{2}(?:[.,]\d{2}){0,4}")


def is_code(text: str) -> bool:
    return len(text) >= 5 and CODE.fullmatch(text) is not None


def word(text: str, x0: float, top: float) -> Word:
    return Word(text, x0, x0 + 5 * len(text), top, top + 7)


def test_a_span_holding_two_rows_is_cut_between_their_codes() -> None:
    code_col = Column("code", 14, 63)
    words = [
        word("ISS.02.03.03.02", 16, 202), word("Porcentaje", 70, 202), word("de", 130, 202), word("hogares", 70, 211),
        word("87.2", 700, 206),
        word("OP.03", 16, 226), word("Fortalecer", 70, 226), word("la", 130, 226), word("gobernanza", 70, 235),
    ]
    spans = split_spans_at_codes(words, code_col, [(200, 246)], is_code)
    assert len(spans) == 2
    (a_top, a_bottom), (b_top, b_bottom) = spans
    assert (a_top, b_bottom) == (200, 246) and a_bottom == b_top
    assert 218 < a_bottom < 226  # in the white between "hogares" and "OP.03"


def test_a_row_with_one_code_and_a_wrapped_name_stays_whole() -> None:
    code_col = Column("code", 14, 63)
    words = [word("ISS.01.01.02.01", 16, 150), word("Número", 70, 150), word("de", 70, 159), word("2021", 30, 168)]
    assert split_spans_at_codes(words, code_col, [(148, 180)], is_code) == [(148, 180)]



def test_codes_dropout_damaged_still_cut_the_span_on_ocr_pages_only() -> None:
    from extractor.rows import _opens_code
    from extractor.rules import load_rules

    rules = load_rules("policy-matrix")
    token = re.compile(rules.spec.codes.token or "")
    # what a bitonal scan with worn toner made of ISS.02.07.02.01 and OP.03 (trata, seed 8)
    for damaged in ("155.0.", "oP.03"):
        assert _opens_code(damaged, rules, token, ocr=True), damaged
        assert not _opens_code(damaged, rules, token), damaged  # a text layer prints its codes whole
    for value in ("2021", "87.2", "ND", "o.", "¡RON"):
        assert not _opens_code(value, rules, token, ocr=True), value
    # salud s175, s182: OP.04 read "0>.04" and OP.03 "o.03", the prefix misread whole; a wrapped
    # code's tail too short for a code ("1.01", ".01") opens nothing
    for misread in ("0>.04", "O?.04", "o.03"):
        assert _opens_code(misread, rules, token, ocr=True), misread
        assert not _opens_code(misread, rules, token), misread
    for tail in ("1.01", ".01", "1,01"):
        assert not _opens_code(tail, rules, token, ocr=True), tail
    # salud s174, s194: a 0 broken into halves or opened, inside a group ("LN.(3.03", "OP.()4",
    # "OP.c4"); a bracket after a code or before a word opens nothing more than it did
    for broken in ("LN.(3.03", "OP.()4", "OP.c4"):
        assert _opens_code(broken, rules, token, ocr=True), broken
        assert not _opens_code(broken, rules, token), broken
    for other in ("c.4", "OP.(c", "(ascendente)"):
        assert not _opens_code(other, rules, token, ocr=True), other
    # trata s304: OP.03 read "OP.3." under an indicator's code, a level's prefix whole and its
    # group cut short; letters that are no level's prefix, or no digit after it, open nothing
    for clipped in ("OP.3.", "ln,3", "SS.0"):
        assert _opens_code(clipped, rules, token, ocr=True), clipped
        assert not _opens_code(clipped, rules, token), clipped
    for other in ("OB.3", "OP.", "LN.x3"):
        assert not _opens_code(other, rules, token, ocr=True), other
    code_col = Column("code", 14, 63)
    words = [
        word("155.0.", 16, 202), word("7.02:01", 40, 202), word("Porcentaje", 70, 202), word("de", 70, 211),
        word("oP.03", 16, 230), word("Fortalecer", 70, 226), word("la", 70, 235),
    ]
    spans = split_spans_at_codes(words, code_col, [(200, 246)], lambda t: _opens_code(t, rules, token, ocr=True))
    assert len(spans) == 2 and 218 < spans[0][1] < 226


# ---- a page whose header was not found: the other pages' header placed on it -----------------

LABELS = {"code": ["Código"], "name": ["Indicador"], "responsible": ["Responsable"], "direction": ["Sentido esperado"]}
DONOR = TableHeader(
    Box(14, 495, 106, 142),
    [Column("code", 14, 63, "Código"), Column("name", 63, 321, "Indicador"),
     Column("responsible", 321, 375, "Responsable"), Column("direction", 375, 421, "Sentido esperado"),
     Column("expected_2021", 421, 458, "2021"), Column("expected_2022", 458, 495, "2022")],
    {"expected_{year}": [2021, 2022]},
)


def sheet(shift: float, labels: bool, number: int = 1) -> PageContent:
    """A page whose header rules and first row's rules are lost: only its column rules and the
    table's top rule are left, the whole sheet `shift` pt to the right and 3 pt lower."""
    xs = [14, 63, 321, 375, 421, 458, 495]
    edges = [Edge.along("v", x + shift, 109, 400) for x in xs] + [Edge.along("h", 109, 14 + shift, 495 + shift)]
    words = [word("OP.01", 16 + shift, 150), word("Mejorar", 70 + shift, 150)]
    if labels:
        words += [word("Código", 20 + shift, 120), word("Indicador", 150 + shift, 120),
                  word("Responsable", 323 + shift, 120), word("Sentido", 380 + shift, 115),
                  word("esperado", 380 + shift, 124), word("2021", 428 + shift, 132), word("2022", 465 + shift, 132)]
    return PageContent(number, 842, 595, words, edges, source="ocr")


def test_a_page_printing_the_headers_labels_gets_the_header_placed_by_its_rules() -> None:
    placed = header_on_page(sheet(6.0, labels=True), DONOR, LABELS)
    assert placed is not None
    assert [(c.role, round(c.x0, 1), round(c.x1, 1)) for c in placed.columns] == [
        (c.role, c.x0 + 6, c.x1 + 6) for c in DONOR.columns]
    assert (round(placed.box.top, 1), round(placed.box.bottom, 1)) == (109, 145)  # the sheet lies 3 pt lower
    assert placed.years == DONOR.years


def test_a_page_without_the_labels_gets_no_header() -> None:
    assert header_on_page(sheet(6.0, labels=False), DONOR, LABELS) is None
    page = sheet(0.0, labels=False, number=2)
    assert place_headers([page], [[]], LABELS) == [[]]


def test_the_placed_header_names_the_page_it_came_from() -> None:
    donor_page, page = sheet(0.0, labels=True, number=3), sheet(4.0, labels=True, number=2)
    placed = place_headers([page, donor_page], [[], [DONOR]], LABELS)[0]
    assert len(placed) == 1 and placed[0].assumptions == ["header_from_page:3"]


# ---- header sub-cells and the table's foot where rules were lost ------------------------------


def test_a_sub_cell_reading_two_years_or_two_labels_is_cut_at_the_rule_between_them() -> None:
    from extractor.header import HeaderCell, split_subs

    years = [word("2021", 676, 133), word("2022", 703, 133)]
    cell = HeaderCell(Box(672, 724, 131, 142), "2021 2022", years)
    cut = split_subs([cell], {"years": "obtained_{year}"}, rules_x=[698.0, 750.0])
    assert [(c.text, c.box.x0, c.box.x1) for c in cut] == [("2021", 672, 698), ("2022", 698, 724)]
    pair = [word("Año", 508, 133), word("|", 525, 131), word("valor", 531, 133)]
    cell = HeaderCell(Box(504, 552, 131, 142), "Año | valor", pair)
    group = {"sub": {"baseline_year": ["Año"], "baseline_value": ["valor"]}}
    cut = split_subs([cell], group, rules_x=[])  # no rule left: midway between the labels
    assert [c.text for c in cut] == ["Año", "valor"] and cut[0].box.x1 == cut[1].box.x0 == (523 + 531) / 2
    one = HeaderCell(Box(552, 576, 131, 142), "2021", [word("2021", 556, 133)])
    assert split_subs([one], {"years": "expected_{year}"}, rules_x=[]) == [one]


def test_the_table_ends_where_most_column_rules_end_not_at_a_break_in_the_left_border() -> None:
    from extractor.layout import ruled_table_bottom

    header = Box(14, 200, 106, 142)
    broken_left = [Edge.along("v", 14, 106, 374), Edge.along("v", 14, 377, 488)]
    others = [Edge.along("v", x, 106, 565) for x in (63, 120, 200)]
    assert ruled_table_bottom(broken_left + others, header) == 488  # the left border alone
    assert ruled_table_bottom(broken_left + others, header, [14, 63, 120, 200]) == 565
    note_box = [Edge.along("v", 14, 575, 600), Edge.along("v", 63, 575, 600)]  # a call-out under it
    assert ruled_table_bottom(broken_left + others + note_box, header, [14, 63, 120, 200]) == 565


def test_the_one_year_group_no_cell_reads_is_found_by_its_place_among_the_groups() -> None:
    from extractor.header import HeaderCell, groups_by_order

    groups = [{"labels": ["Línea base"], "sub": {}}, {"labels": ["Logros esperados"], "years": "expected_{year}"},
              {"labels": ["Valores obtenidos"], "years": "obtained_{year}"}]
    row = [HeaderCell(Box(504, 552, 106, 131), "Línea base"), HeaderCell(Box(552, 672, 106, 131), "Lugano S882 ss"),
           HeaderCell(Box(672, 802, 106, 131), "Valores obtenidos"),
           *(HeaderCell(Box(552 + 24 * k, 576 + 24 * k, 131, 142), str(2021 + k)) for k in range(5))]
    read = {0: row[0].box, 2: row[2].box}
    assert groups_by_order(row, {0, 2}, groups, read) == [(1, 1)]
    assert groups_by_order(row, {0, 2}, groups, {0: row[0].box}) == []  # two year groups unread, one cell: no guess
    years_gone = row[:3]  # no years under the misread cell: not a year group
    assert groups_by_order(years_gone, {0, 2}, groups, read) == []


def test_two_year_groups_no_cell_reads_take_the_two_cells_between_the_groups_read_in_order() -> None:
    """Both year groups' labels garbled ("Layrus o, ms", "Maoras"), the baseline and progress
    groups read: the two cells with years under them between those take the groups in print order."""
    from extractor.header import HeaderCell, groups_by_order

    groups = [{"labels": ["Línea base"], "sub": {}}, {"labels": ["Logros esperados"], "years": "expected_{year}"},
              {"labels": ["Valores obtenidos"], "years": "obtained_{year}"},
              {"labels": ["Avance Tipo 1 (%)"], "years": "progress_{year}"}]
    years = [HeaderCell(Box(552 + 24 * k, 576 + 24 * k, 131, 142), str(2021 + k % 5)) for k in range(10)]
    row = [HeaderCell(Box(504, 552, 106, 131), "Línea base"), HeaderCell(Box(552, 672, 106, 131), "Layrus o, ms"),
           HeaderCell(Box(672, 792, 106, 131), "Maoras"), HeaderCell(Box(792, 830, 106, 131), "Avance Tipo 1 (%)"),
           *years, HeaderCell(Box(800, 824, 131, 142), "2025")]
    read = {0: row[0].box, 3: row[3].box}
    assert groups_by_order(row, {0, 3}, groups, read) == [(1, 1), (2, 2)]
    one_gone = row[:9] + row[14:]  # no years under "Maoras"
    assert groups_by_order(one_gone, {0, 3}, groups, read) == []  # two groups, one cell with years: no guess
    assert groups_by_order(row, {0, 3}, groups, {0: row[0].box}) == []  # three groups unread, two cells


def broken_header_page() -> PageContent:
    """A ruled header whose dropout erased the rule between "Código" and the name's label and,
    over those two columns, the rule under the header: the grid gives one cell from the code's
    label to the body's first row."""
    xs = [14, 63, 321, 375, 421, 461, 504, 600]
    edges = [Edge.along("v", x, 106, 220) for x in xs if x != 63] + [Edge.along("v", 63, 180, 220)]
    edges += [Edge.along("h", y, 14, 600) for y in (106, 180, 220)] + [Edge.along("h", 142, 321, 600)]
    edges += [Edge.along("h", 124, 504, 600), Edge.along("v", 552, 124, 220)]  # "Logros esperados" over 2 years
    words = [word("Código", 24, 120), word("Objetivo", 80, 112), word("prioritario", 125, 112), word("/", 182, 112),
             word("Lineamiento", 190, 112), word("/", 248, 112), word("Servicio", 80, 121), word("/", 124, 121),
             word("Indicador", 130, 121),
             word("Responsable", 323, 112), word("de", 323, 121), word("indicador", 323, 130),
             word("Tipo", 377, 112), word("de", 377, 121), word("indicador", 377, 130),
             word("Logros", 506, 112), word("esperados", 540, 112), word("2021", 510, 130), word("2022", 560, 130),
             word("Sentido", 423, 112), word("esperado", 423, 121), word("Tipo", 463, 112), word("de", 463, 121),
             word("agregación", 463, 130),
             word("OP.01", 16, 160), word("Mejorar", 70, 160), word("MINSA", 323, 160), word("Ascendente", 423, 160)]
    return PageContent(1, 842, 595, words, edges, source="ocr")


def test_a_header_whose_rules_dropout_broke_is_read_with_its_cells_mended_from_the_text() -> None:
    from extractor.layout import find_headers
    from extractor.rules import load_rules

    rules = load_rules("policy-matrix")
    assert find_headers(broken_header_page(), rules) == []  # the grid alone: the code's cell holds the name's label
    headers = find_headers(broken_header_page(), rules, mend=True)
    assert len(headers) == 1
    columns = {c.role: (c.x0, c.x1) for c in headers[0].columns}
    code_x0, code_x1 = columns["code"]
    assert code_x0 == 14 and 55 < code_x1 < 80  # cut between "Código" and "Objetivo", not at x = 321
    assert columns["responsible"] == (321, 375) and columns["aggregation"] == (461, 504)
    assert headers[0].box.bottom < 160  # the body's first row is not part of the header
    assert "header_cells_mended_from_text" in headers[0].assumptions


def test_mending_joins_a_label_a_rule_fragment_cut_and_ignores_the_rules_specks() -> None:
    from extractor.brokengrid import header_labels, label_scorer, mended_header_cells
    from extractor.rules import load_rules

    score = label_scorer(header_labels(load_rules("policy-matrix").header))
    cells = [Box(14, 63, 106, 142), Box(63, 190, 106, 142), Box(190, 321, 106, 142), Box(321, 421, 106, 142)]
    words = [word("Código", 24, 120), word("Objetivo", 80, 112), word("prioritario", 122, 112), word("/", 178, 112),
             word("Linea", 160, 121), word("miento", 191, 121), word("/", 224, 121), word("Servicio", 230, 121),
             word("/", 192, 130), word("Indicador", 198, 130),
             word("Responsable", 323, 112), word("de", 323, 121), word("indicador", 323, 130),
             Word(":", 384, 385, 121, 128),  # what dropout left of the rule between the two labels
             word("Tipo", 392, 112), word("de", 392, 121), word("indicador", 392, 130)]
    mended = mended_header_cells(cells, words, words[0], score, rules_x=[14, 63, 321, 386, 421])
    assert mended is not None
    assert sorted((round(c.x0), round(c.x1)) for c in mended) == [(14, 63), (63, 321), (321, 386), (386, 421)]


def test_a_sub_cell_run_into_the_body_through_a_lost_rule_does_not_stretch_the_header() -> None:
    """The rule under the progress year was lost: its sub cell reaches down over the first body
    row. The header ends where the other groups' sub cells end, so that row stays a body row."""
    from extractor.header import HeaderCell, header_from_anchor

    header_rules = {
        "columns": {"code": ["Código"], "name": ["Objetivo prioritario"]},
        "groups": [{"labels": ["Logros esperados"], "years": "expected_{year}"},
                   {"labels": ["Avance Tipo 1 (%)"], "years": "progress_{year}"}],
    }
    code = HeaderCell(Box(14, 63, 106, 142), "Código")
    cells = [code, HeaderCell(Box(63, 235, 106, 142), "Objetivo prioritario"),
             HeaderCell(Box(466, 646, 106, 131), "Logros esperados"),
             *(HeaderCell(Box(466 + 30 * k, 496 + 30 * k, 131, 142), str(2019 + k)) for k in range(6)),
             HeaderCell(Box(802, 828, 106, 131), "Avance Tipo 1 (%)"),
             HeaderCell(Box(802, 828, 131, 191), "2024 67.3")]  # the progress year and OP.01's progress
    header = header_from_anchor(code, cells, header_rules, 0.5)
    assert header is not None and header.box.bottom == 142


def test_a_year_groups_label_cell_cut_by_a_stray_rule_takes_the_year_columns_under_the_cut_off_part() -> None:
    """s174 (150 dpi, toner dropout 0.94): a rule drawn up through "Valores obtenidos" cut its
    cell at the 2025 column; the cut-off part reads nothing, or a scrap ("Mi"), and the column of
    2025 ("025" as read) under it is the group's all the same. Never toward a group no cell
    places: a cell there may be that group's label, misread."""
    from extractor.header import HeaderCell, header_from_anchor

    header_rules = {
        "columns": {"code": ["Código"], "name": ["Objetivo prioritario"]},
        "groups": [{"labels": ["Valores obtenidos"], "years": "obtained_{year}"},
                   {"labels": ["Avance Tipo 1 (%)"], "years": "progress_{year}"}],
    }
    code = HeaderCell(Box(14, 63, 106, 142), "Código")

    def cells(scrap: str, last_year: str, progress: str) -> list[HeaderCell]:
        return [code, HeaderCell(Box(63, 235, 106, 142), "Objetivo prioritario"),
                HeaderCell(Box(672, 776, 106, 131), "Valores obtenidos"), HeaderCell(Box(776, 802, 106, 131), scrap),
                *(HeaderCell(Box(672 + 26 * k, 698 + 26 * k, 131, 142), str(2021 + k)) for k in range(4)),
                HeaderCell(Box(776, 802, 131, 142), last_year),
                HeaderCell(Box(802, 828, 106, 131), progress), HeaderCell(Box(802, 828, 131, 142), "2025")]

    def roles(header) -> list[str]:
        return [c.role for c in header.columns if c.role.startswith(("obtained", "progress"))]

    whole = [f"obtained_{y}" for y in range(2021, 2026)] + ["progress_2025"]
    for scrap, last_year in (("", "2025"), ("Mi", "025")):
        header = header_from_anchor(code, cells(scrap, last_year, "Avance Tipo 1 (%)"), header_rules, 0.5)
        assert header is not None and roles(header) == whole
        assert "header_group_widened:Valores obtenidos" in header.assumptions
    # a scrap under which the years do not go on ("2021" again), or a cell reading a label: no widening
    for scrap, last_year in (("", "2021"), ("Avance Tipo 1 (%)", "2025")):
        header = header_from_anchor(code, cells(scrap, last_year, "Avance Tipo 1 (%)"), header_rules, 0.5)
        assert header is not None and "obtained_2025" not in roles(header)
    # the progress label misread: the cell beside "Valores obtenidos" may be the progress group's
    header = header_from_anchor(code, cells("", "2025", "Avanze T1po"), header_rules, 0.5)
    assert header is not None and "obtained_2025" not in roles(header)


# ---- a bitonal scan whose thin rules broke into dashes (seed 112) -----------------------------


def test_a_header_whose_group_labels_place_no_column_is_too_few_for_the_family() -> None:
    """The rules under the group labels were lost, so no year or sub cell stands under them: the
    labels were read, but the header places none of their columns. Counted as the family's
    header, it would stop the mending paths for a header of 4 columns out of 20 (seed 112)."""
    from extractor.header import HeaderCell, header_from_anchor, places_enough
    from extractor.rules import load_rules

    rules = load_rules("policy-matrix")
    code = HeaderCell(Box(14, 63, 106, 142), "Código")
    named = [code, HeaderCell(Box(63, 321, 106, 142), "Indicador"),
             HeaderCell(Box(321, 375, 106, 142), "Responsable de indicador"),
             HeaderCell(Box(421, 461, 106, 142), "Sentido esperado"),
             HeaderCell(Box(461, 504, 106, 142), "Tipo de agregación")]
    groups = [HeaderCell(Box(504, 552, 106, 142), "Línea base"),
              HeaderCell(Box(552, 672, 106, 142), "Logros esperados"),
              HeaderCell(Box(672, 802, 106, 142), "Valores obtenidos"),
              HeaderCell(Box(802, 828, 106, 142), "Avance Tipo 1 (%)")]
    min_share = rules.spec.header.min_share
    poor = header_from_anchor(code, named + groups, rules.header, min_share)
    assert poor is not None and not places_enough(poor, rules.header, min_share)
    years = [HeaderCell(Box(552 + 24 * k, 576 + 24 * k, 131, 142), str(2021 + k)) for k in range(5)]
    years += [HeaderCell(Box(672 + 26 * k, 698 + 26 * k, 131, 142), str(2021 + k)) for k in range(5)]
    with_years = [*named, HeaderCell(Box(552, 672, 106, 131), "Logros esperados"),
                  HeaderCell(Box(672, 802, 106, 131), "Valores obtenidos"), *years]
    header = header_from_anchor(code, with_years, rules.header, min_share)
    assert header is not None and places_enough(header, rules.header, min_share)
    assert header.years == {"expected_{year}": [2021, 2022, 2023, 2024, 2025],
                                                    "obtained_{year}": [2021, 2022, 2023, 2024, 2025]}


def test_a_code_whose_dots_the_scan_lost_still_cuts_the_span() -> None:
    """Thresholding dropped the code's dots: OCR reads its groups as words ("ISS 02 01 03 01")."""
    code_col = Column("code", 14, 63)
    words = [word("ISS", 16, 202), word("02", 34, 202), word("01", 46, 202), word("03", 58, 202),
             word("01", 16, 211), word("Porcentaje", 70, 202), word("de", 70, 211),
             word("OP", 16, 230), word("03", 30, 230), word("Fortalecer", 70, 230), word("la", 70, 239)]
    words[3:5] = [Word("03", 46, 52, 202, 209), Word("01", 54, 60, 202, 209)]
    spans = split_spans_at_codes(words, code_col, [(200, 250)], is_code)
    assert len(spans) == 2 and 211 < spans[0][1] < 230
    alone = [w for w in words if w.top < 220]  # one code alone keeps its span
    assert split_spans_at_codes(alone, code_col, [(200, 250)], is_code) == [(200, 250)]


def test_a_lost_rule_between_two_labels_is_placed_where_the_body_text_aligns() -> None:
    """No stretch of the rule between "Código" and the name's label is left, in the header or the
    body: the cells meet where the body's codes end and its names begin, not midway between the
    two labels (which are centred in cells of very different widths)."""
    from extractor.brokengrid import header_labels, label_scorer, mended_header_cells
    from extractor.rules import load_rules

    score = label_scorer(header_labels(load_rules("policy-matrix").header))
    cells = [Box(14, 321, 106, 142), Box(321, 375, 106, 142)]
    words = [Word("Código", 24, 50, 120, 127), Word("Indicador", 150, 185, 120, 127),
             Word("Responsable", 323, 370, 120, 127)]
    for k, code in enumerate(("OP.01", "IOP.01.01", "ISS.01.01.01.01", "SS.01.01.01")):
        top, bottom = 150 + 20 * k, 157 + 20 * k
        words += [Word(code, 16, 16 + 3 * len(code), top, bottom), Word("Porcentaje", 66, 100, top, bottom),
                  Word("de", 102, 110, top, bottom), Word("establecimientos", 112 + 9 * k, 190 + 9 * k, top, bottom)]
    mended = mended_header_cells(cells, words, words[0], score, rules_x=[14, 321, 375])
    assert mended is not None
    code_cell = min(mended, key=lambda c: c.x0)
    assert code_cell.x0 == 14 and 16 + 3 * 15 <= code_cell.x1 <= 66  # midway between the labels would be 100


def test_a_page_whose_top_rule_was_lost_gets_the_header_where_its_labels_are_printed() -> None:
    """The table's top rule is gone; the rule under the header's first body row lies within
    reach and would pass for it, putting the header one row low where no label is printed."""
    page = sheet(0.0, labels=True)
    page.edges = [e for e in page.edges if e.orientation == "v"] + [Edge.along("h", 142, 14, 495)]
    placed = header_on_page(page, DONOR, LABELS)
    assert placed is not None and abs(placed.box.top - DONOR.box.top) < 1


def test_a_year_groups_garbled_or_blank_years_take_their_place_in_the_run() -> None:
    """s176/s174 (150 dpi, dropout): "221", "2073", "2028" or nothing under "Logros esperados";
    the years read agree on one run, one a column, so each cell takes its year in it."""
    from extractor.header import HeaderCell, group_columns

    group = {"labels": ["Logros esperados"], "years": "expected_{year}"}

    def cells(*texts: str, wide: int = -1) -> list[HeaderCell]:
        out, x = [], 500.0
        for k, text in enumerate(texts):
            width = 48.0 if k == wide else 24.0
            out.append(HeaderCell(Box(x, x + width, 130, 140), text))
            x += width
        return out

    def years(subs: list[HeaderCell]) -> tuple[list[str], list[str]]:
        notes: list[str] = []
        return [c.role for c in group_columns(group, subs, {}, notes)], notes

    roles, notes = years(cells("221", "2022", "2073", "", "2025"))
    assert roles == [f"expected_{y}" for y in range(2021, 2026)]
    assert len(notes) == 3 and notes[0].startswith("header_years_in_sequence:expected_2021")
    # as read where the run is not sure: one year read, a year read off its place (a cell lost),
    # a cell as wide as two columns
    assert years(cells("221", "2022", "", ""))[0] == ["expected_2022"]
    # a cell the scan left unread is no cell: those after it keep their places (salud s197)
    gap = [c for k, c in enumerate(cells("2021", "222", "2023", "2024", "2025")) if k != 2]
    assert years(gap)[0] == ["expected_2021", "expected_2022", "expected_2024", "expected_2025"]
    assert years(cells("2021", "2022", "2024", "2025", "2026"))[0] == [f"expected_{y}" for y in (2021, 2022, 2024,
                                                                                                  2025, 2026)]
    assert years(cells("221 | 2022", "2023", "2028", "2025", wide=0))[0] == ["expected_2023", "expected_2028",
                                                                              "expected_2025"]


def test_a_label_cut_in_two_cells_by_a_stray_rule_is_read_as_one() -> None:
    """salud s223 (200 dpi bitonal, dropout 0.98): the column rule between "Año" and "valor" ran
    up through "Línea base", and its two halves read "Line" | "a base", neither a label: joined,
    they place the baseline columns. Halves that read labels of their own stay apart."""
    from extractor.header import HeaderCell, header_from_anchor

    header_rules = {
        "columns": {"code": ["Código"], "name": ["Objetivo prioritario"]},
        "groups": [{"labels": ["Línea base"], "sub": {"baseline_year": ["Año"], "baseline_value": ["Valor"]}},
                   {"labels": ["Logros esperados"], "years": "expected_{year}"}],
    }
    code = HeaderCell(Box(14, 63, 106, 142), "Código")

    def cells(left: str, right: str) -> list[HeaderCell]:
        return [code, HeaderCell(Box(63, 321, 106, 142), "Objetivo prioritario"),
                HeaderCell(Box(504, 525, 106, 131), left), HeaderCell(Box(525, 552, 106, 131), right),
                HeaderCell(Box(504, 525, 131, 142), "Ano"), HeaderCell(Box(525, 552, 131, 142), "[valor |"),
                HeaderCell(Box(552, 672, 106, 131), "Logros esperados"),
                *(HeaderCell(Box(552 + 24 * k, 576 + 24 * k, 131, 142), str(2021 + k)) for k in range(5))]

    header = header_from_anchor(code, cells("Line", "a base"), header_rules, 0.5)
    assert header is not None
    assert [(c.role, c.x0) for c in header.columns if c.role.startswith("baseline")] == [
        ("baseline_year", 504), ("baseline_value", 525)]
    assert "header_label_rejoined:Line a base" in header.assumptions
    header = header_from_anchor(code, cells("Código", "a base"), header_rules, 0.5)
    assert header is None or not any(c.role.startswith("baseline") for c in header.columns)


def test_the_last_year_group_whose_label_cell_was_lost_takes_the_years_right_of_the_groups_read() -> None:
    """salud s223: a faint patch took the header's top rule over "Valores obtenidos" and "Avance
    Tipo 1 (%)"; mended, the first reads again, the progress label's cell stays open. Its year's
    cell, right of every group read, is the last group's; never when the group before it is unread
    too (the year cells there may be either's)."""
    from extractor.header import HeaderCell, header_from_anchor

    header_rules = {
        "columns": {"code": ["Código"], "name": ["Objetivo prioritario"]},
        "groups": [{"labels": ["Logros esperados"], "years": "expected_{year}"},
                   {"labels": ["Valores obtenidos"], "years": "obtained_{year}"},
                   {"labels": ["Avance Tipo 1 (%)"], "years": "progress_{year}"}],
    }
    code = HeaderCell(Box(14, 63, 106, 142), "Código")

    def cells(obtained: str) -> list[HeaderCell]:
        return [code, HeaderCell(Box(63, 321, 106, 142), "Objetivo prioritario"),
                HeaderCell(Box(552, 672, 106, 131), "Logros esperados"),
                *(HeaderCell(Box(552 + 24 * k, 576 + 24 * k, 131, 142), str(2021 + k)) for k in range(5)),
                HeaderCell(Box(672, 802, 106, 131), obtained),
                *(HeaderCell(Box(672 + 26 * k, 698 + 26 * k, 131, 142), str(2021 + k)) for k in range(5)),
                HeaderCell(Box(802, 828, 131, 142), "2025")]

    header = header_from_anchor(code, cells("Valores obtenidos"), header_rules, 0.5)
    assert header is not None and header.column("progress_2025") is not None
    assert header.column("progress_2025").x0 == 802  # type: ignore[union-attr]
    assert "header_group_by_place:Avance Tipo 1 (%)" in header.assumptions
    header = header_from_anchor(code, cells("Vxl#res 0bt"), header_rules, 0.5)
    assert header is None or header.column("progress_2025") is None


def test_a_rule_stopping_short_of_a_grid_rules_open_end_is_carried_on_to_it() -> None:
    """The header's top rule faded past x=672; the verticals at 802 and 828 still start at its
    level, open: the rule is carried on to the nearest (802). A vertical closed at its top by a
    rule of its own, or with no rule at its level within reach, changes nothing."""
    from extractor.ocr.grid import bridge_broken_lines

    h = [Edge.along("h", 106, 14, 672), Edge.along("h", 131, 504, 828), Edge.along("h", 160, 14, 828)]
    v = [Edge.along("v", x, 106, 400) for x in (14, 63, 504, 672, 802)] + [Edge.along("v", 828, 131, 400)]
    lines = bridge_broken_lines(h + v, tolerance=2.5, max_gap=150, long=40)
    top = [ln for ln in lines if ln.orientation == "h" and ln.pos == 106]
    assert [(ln.start, ln.end) for ln in top] == [(14, 802)]
    assert [(ln.start, ln.end) for ln in lines if ln.orientation == "h" and ln.pos == 131] == [(504, 828)]
    far = bridge_broken_lines([Edge.along("h", 106, 14, 400), Edge.along("h", 160, 14, 828),
                               *(Edge.along("v", x, 106, 400) for x in (14, 400, 802))], tolerance=2.5, max_gap=150,
                              long=40)
    assert [(ln.start, ln.end) for ln in far if ln.orientation == "h" and ln.pos == 106] == [(14, 400)]
