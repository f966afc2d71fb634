"""Columns of a header printed as text alone, found from its own table's body (textheader.py)."""

from __future__ import annotations

from extractor.geometry import Box
from extractor.layout import TableHeader, carried_over
from extractor.model import Column, Word
from extractor.textheader import widen_to_body

HEIGHT = 7.0


def _word(text: str, x0: float, x1: float, top: float) -> Word:
    return Word(text, x0, x1, top, top + HEIGHT)


def test_figures_of_neighbouring_cells_a_little_apart_are_no_running_text() -> None:
    # two values right-aligned in their cells, closer than a word space: the cells meet
    # between them, not half-way between the labels (which falls inside the first value)
    labels = [Column("progress_2024", 100.0, 118.0), Column("progress_2025", 122.0, 140.0)]
    body = [w for top in (20.0, 40.0) for w in (_word("12.50", 100.0, 121.0, top), _word("33.00", 122.4, 140.0, top))]
    first, second = widen_to_body(labels, [(labels, body)])
    assert 121.0 <= first.x1 == second.x0 <= 122.4


def test_a_sentence_across_the_columns_is_still_running_text() -> None:
    labels = [Column("progress_2024", 100.0, 118.0), Column("progress_2025", 122.0, 140.0)]
    body = [_word("DE", 90.0, 99.0, 10.0), _word("LA", 100.5, 119.5, 10.0), _word("SOCIEDAD.", 121.0, 150.0, 10.0)]
    body += [w for top in (20.0, 40.0) for w in (_word("12.50", 100.0, 118.5, top), _word("33.00", 125.0, 140.0, top))]
    first, _ = widen_to_body(labels, [(labels, body)])
    assert 118.5 <= first.x1 <= 125.0  # the heading's words are no cell's


def test_two_cells_lines_a_word_space_apart_are_no_running_text() -> None:
    # cells printed without padding: the unit's wrapped "GEOFISICO DEL" ends a word space before
    # the next cell's "GEOFÍSICAS", which starts where that cell's first line "05.04-REDES" does
    labels = [Column("executing_unit", 145.0, 152.0), Column("responsible_unit", 168.0, 200.0)]
    body = [_word("000084-", 130.0, 145.0, 10.0), _word("INSTITUTO", 130.0, 150.0, 18.0)]
    body += [_word("05.04-REDES", 163.7, 190.0, 18.0), _word("GEOFISICO", 130.0, 150.0, 26.0)]
    body += [_word("DEL", 152.0, 162.0, 26.0), _word("GEOFÍSICAS", 163.7, 188.0, 26.0)]
    body += [_word("PERU", 130.0, 140.0, 34.0)]
    unit, _ = widen_to_body(labels, [(labels, body)])
    assert 162.0 <= unit.x1 <= 163.7  # "DEL" is the unit's


def _foot_header() -> TableHeader:
    """A header at a page's foot with no row under it: a figure column and the executing unit
    ("UE", a short label centred over a wide cell whose text is left-aligned)."""
    labels = [Column("progress_2022", 100.0, 118.0), Column("executing_unit", 140.0, 150.0)]
    columns = widen_to_body(labels, [(labels, [])])
    return TableHeader(
        Box(columns[0].x0, columns[-1].x1, 0.0, 10.0), columns, assumptions=["header_year"], labels=labels,
        bodies=[(labels, [])],
    )


def test_a_header_at_a_page_foot_takes_its_columns_from_the_rows_on_the_next_page() -> None:
    header = _foot_header()
    assert header.column("executing_unit").x0 > 124.0  # from its labels alone: half-way
    rows = []
    for top in (20.0, 50.0):  # "ND" right-aligned; the unit wrapped, every line at the cell's left
        rows += [_word("ND", 108.0, 118.0, top), _word("000084-", 124.0, 150.0, top - 8)]
        rows += [_word("GEOFISICO", 124.0, 160.0, top), _word("DEL", 124.0, 136.0, top + 8)]
    carried = carried_over(header, rows, _b7_rules())
    unit = carried.column("executing_unit")
    assert 118.0 <= unit.x0 <= 124.0
    assert carried.column("progress_2022").x1 == unit.x0
    assert header.column("executing_unit").x0 > 124.0  # the previous page's header is left as read
    assert carried.assumptions == ["header_year"]  # how the header was completed goes on with it


def test_a_header_with_painted_or_ruled_cells_keeps_its_columns() -> None:
    columns = [Column("progress_2022", 90.0, 120.0), Column("executing_unit", 120.0, 170.0)]
    header = TableHeader(Box(90.0, 170.0, 0.0, 10.0), columns)
    assert carried_over(header, [_word("DEL", 110.0, 122.0, 20.0)], _b7_rules()) is header


def _b7_rules():
    from extractor.rules import load_rules

    return load_rules("pei-b7")


def _code_length(text: str) -> int:
    from extractor.layout import _cell_code_length

    return _cell_code_length(_b7_rules())(text)


CODE_NAME = [Column("code", 38.0, 64.0), Column("name", 160.0, 200.0)]


def test_a_code_glued_to_its_name_in_a_one_row_table_ends_its_cell_where_the_grammar_ends_it() -> None:
    # one row, the name glued to the code: the word spaces of the name are wider than the cut
    # estimated in the glued word, and nothing else shows where the code cell ends
    body = _line(20.0, ("IND.01.AEI.03.01porcentaje", 30.0, 113.1), ("de", 115.0, 122.5), ("peligros", 124.4, 148.2),
                 ("de", 150.1, 157.6), ("origen", 159.5, 178.5), ("geofisico", 180.4, 207.1))  # fmt: skip
    code, name = widen_to_body(CODE_NAME, [(CODE_NAME, body)], _code_length)
    assert 78.0 <= code.x1 == name.x0 <= 82.0
    without_grammar, _ = widen_to_body(CODE_NAME, [(CODE_NAME, body)])
    assert without_grammar.x1 > 100.0  # the case the grammar is for


def test_a_code_touching_its_name_ends_its_cell() -> None:
    body = _line(20.0, ("IND.02.OEI.01", 30.0, 75.6), ("Numero", 75.7, 98.0), ("de", 100.0, 107.5),
                 ("adaptacion", 109.5, 140.0), ("de", 142.0, 149.5), ("peligros", 151.5, 175.0))  # fmt: skip
    code, _ = widen_to_body(CODE_NAME, [(CODE_NAME, body)], _code_length)
    assert 75.6 <= code.x1 <= 75.7


def test_a_code_centred_between_its_names_wrapped_lines_touching_them_ends_its_cell() -> None:
    body = _line(17.0, ("porcentaje", 81.1, 113.1), ("de", 115.0, 122.5), ("dias", 124.4, 136.6), ("de", 138.5, 146.0))
    body += _line(20.0, ("IND.01.AEI.04.01", 30.0, 81.0))
    body += _line(24.0, ("ionosferico", 81.1, 113.9), ("y", 115.8, 119.3), ("de", 121.2, 128.7))
    code, _ = widen_to_body(CODE_NAME, [(CODE_NAME, body)], _code_length)
    assert 81.0 <= code.x1 <= 81.1


def test_a_table_whose_cells_are_sized_otherwise_lends_no_rows() -> None:
    # two tables sized by their own content (an HTML printout): the labels, centred in their
    # cells, stand 2.5 pt apart; the other table's names start further right and must not
    # pull this table's code/name edge past its own wrapped name ("a" under the name's start)
    other = [Column("code", 41.9, 67.1), Column("name", 86.7, 122.9)]
    mine = [Column("code", 39.3, 64.6), Column("name", 86.7, 122.9)]
    theirs = [w for top in (20.0, 30.0, 40.0) for w in _line(top, ("IND.01.AEI.02.03", 30.0, 79.5),
                                                              ("numero", 82.2, 104.0), ("de", 106.0, 113.0))]
    body = _line(60.0, ("IND.01.OEI.03", 32.3, 72.3), ("ciencias", 77.4, 100.3), ("de", 102.1, 109.3))
    body += _line(67.0, ("a", 77.4, 80.8), ("las", 82.7, 90.7), ("entidades", 92.5, 120.6))
    code, _ = widen_to_body(mine, [(mine, body), (other, theirs)], _code_length)
    assert 72.3 <= code.x1 <= 77.4


def test_a_block_headings_code_is_no_code_cells() -> None:
    # a heading bar across the columns, its code glued to its title, further right than the codes
    body = _line(10.0, ("AEI.04.02INVESTIGACIONES", 61.5, 145.0), ("EN", 146.9, 155.2), ("CIENCIAS", 157.1, 185.2))
    body += _line(20.0, ("IND.01.AEI.04.02", 30.0, 81.0), ("porcentaje", 85.0, 117.0), ("de", 119.0, 126.5),
                  ("dias", 128.5, 141.0), ("de", 143.0, 150.5), ("operacion", 152.5, 182.0))  # fmt: skip
    code, _ = widen_to_body(CODE_NAME, [(CODE_NAME, body)], _code_length)
    assert 81.0 <= code.x1 <= 85.0


def _line(top: float, *words: tuple[str, float, float]) -> list[Word]:
    return [_word(text, x0, x1, top) for text, x0, x1 in words]


def test_a_text_header_cut_by_a_page_break_is_read_from_both_pages() -> None:
    from extractor.layout import find_continued_header
    from extractor.model import PageContent
    from extractor.rules import load_rules

    # the foot of one page: the header's first line
    carried = _line(560.0, ("COD.", 40, 58), ("INDICADOR", 100, 140), ("PARAMETRO", 170, 212), ("LOGRO", 250, 272),
                    ("ESPERADO", 274, 310), ("AVANCE", 350, 378), ("(%)", 380, 390), ("UE", 425, 433),
                    ("UNIDAD", 470, 498), ("ORGANICA", 500, 538))  # fmt: skip
    # the next page: the header's rest, then a row
    here = _line(30.0, ("DE", 172, 182), ("MEDICION", 184, 212), ("2024", 250, 268), ("2025", 290, 308),
                 ("2024", 345, 363), ("2025", 372, 390), ("RESPONSABLE", 480, 530))  # fmt: skip
    here += _line(50.0, ("IND.01.AEI.01.01", 36, 92), ("Porcentaje", 96, 138), ("Porcentaje", 166, 206),
                  ("12.00", 249, 269), ("14.00", 289, 309), ("ND", 353, 363), ("ND", 380, 390),
                  ("000084-INSTITUTO", 405, 466), ("02.01-PRESIDENCIA", 470, 530))  # fmt: skip
    page = PageContent(2, 842.0, 595.0, here)
    header = find_continued_header(page, load_rules("pei-b7"), here, carried, 0.0, 595.0)
    assert header is not None
    roles = [c.role for c in header.columns]
    assert roles == ["code", "name", "measure", "expected_2024", "expected_2025", "progress_2024",
                     "progress_2025", "executing_unit", "responsible_unit"]  # fmt: skip
    assert header.column("measure").label == "PARAMETRO DE MEDICION"
    assert header.column("responsible_unit").label == "UNIDAD ORGANICA RESPONSABLE"
    # the row under it shows where the unit's cell starts (its text, left-aligned, wider than "UE")
    assert header.column("executing_unit").x0 <= 405 and header.column("progress_2025").x1 >= 390
    assert header.box.bottom < 50.0


def _b7_header_and_row() -> list[Word]:
    words = _line(30.0, ("COD.", 40, 58), ("INDICADOR", 100, 140), ("PARAMETRO", 170, 212), ("LOGRO", 250, 272),
                  ("ESPERADO", 274, 310), ("AVANCE", 350, 378), ("(%)", 380, 390), ("UE", 425, 433),
                  ("UNIDAD", 470, 498), ("ORGANICA", 500, 538))  # fmt: skip
    words += _line(40.0, ("DE", 172, 182), ("MEDICION", 184, 212), ("2024", 250, 268), ("2025", 290, 308),
                   ("2024", 345, 363), ("2025", 372, 390), ("RESPONSABLE", 480, 530))  # fmt: skip
    words += _line(70.0, ("IND.01.AEI.01.01", 36, 92), ("Porcentaje", 96, 138), ("Porcentaje", 166, 206),
                   ("12.00", 249, 269), ("14.00", 289, 309), ("ND", 353, 363), ("ND", 380, 390),
                   ("000084-INSTITUTO", 405, 466), ("02.01-PRESIDENCIA", 470, 530))  # fmt: skip
    return words


def test_a_header_band_in_ruled_cells_is_not_read_as_text_alone() -> None:
    # a scan whose ruled header cells were misread (here: cells that do not part its labels)
    # still prints its labels as text; a header read from that text alone hid the header the
    # table's other pages lend the page (salud-2025-scan10 page 1: six columns, the last one
    # reaching the table's right edge, so the figures became stray text)
    from extractor.geometry import Edge
    from extractor.layout import find_headers
    from extractor.model import PageContent
    from extractor.rules import load_rules

    rules = load_rules("pei-b7")
    plain = PageContent(1, 842.0, 595.0, _b7_header_and_row())
    assert [h.column("code") is not None for h in find_headers(plain, rules)] == [True]
    xs, ys = (30.0, 300.0, 545.0), (25.0, 50.0)
    edges = [Edge("h", xs[0], xs[-1], y, y) for y in ys] + [Edge("v", x, x, ys[0], ys[-1]) for x in xs]
    ruled = PageContent(1, 842.0, 595.0, _b7_header_and_row(), edges=edges)
    assert find_headers(ruled, rules) == []


def test_a_block_heading_under_a_text_header_is_no_row_of_its_columns() -> None:
    # the next OEI/AEI's bar ends its text ("(Prioridad:1)") between two labels: taken for a
    # cell, it covered the point where a figure's and the unit's cells meet (B-7 seed 332)
    from extractor.layout import find_headers
    from extractor.model import Fill, PageContent
    from extractor.rules import load_rules

    bar = _line(90.0, ("AEI.01.02INVESTIGACIONES", 40, 120), ("SOCIEDAD.", 330, 362), ("(Prioridad:1)", 364, 400))
    fill = Fill(30.0, 545.0, 89.0, 98.0, (0.2, 0.4, 0.6))
    page = PageContent(1, 842.0, 595.0, [*_b7_header_and_row(), *bar], fills=[fill])
    (header,) = find_headers(page, load_rules("pei-b7"))
    body = {w.text for _, words in header.bodies for w in words}
    assert "000084-INSTITUTO" in body and not body & {"SOCIEDAD.", "(Prioridad:1)"}


def test_a_figure_glued_to_a_one_line_unit_shows_where_the_cells_meet() -> None:
    # a table of one row whose unit fits on one line, its cells printed without padding: "ND"
    # glued to the unit's text, a word space to the next cell. The glued cut shows where the
    # cells meet; the unit's word spaces are inside its cell (B-7 seed 332, page 2)
    labels = [Column("progress_2026", 546.5, 563.2), Column("executing_unit", 623.4, 632.4)]
    body = _line(166.2, ("ND", 536.2, 545.3), ("ND000084-INSTITUTO", 555.4, 621.5), ("GEOFISICO", 623.4, 656.2),
                 ("DEL", 658.1, 669.9), ("PERU", 671.8, 687.7))  # fmt: skip
    progress, unit = widen_to_body(labels, [(labels, body)])
    assert 563.5 <= progress.x1 == unit.x0 <= 566.0

