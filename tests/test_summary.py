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


# ---- the table read from word positions ------------------------------------------------------
# A spreadsheet export (LibreOffice) beside the header block: "Indicadores de objetivos
# prioritarios" wraps in its cell, the counts centred beside its two lines. Coordinates as
# printed; each label line is (x0, x1, top, words).

COUNT_X = [683.9, 709.4, 734.9, 760.3, 785.8]
HEADER = [("[0-75%>", 678.5, 691.1), ("[75-95%>", 703.1, 717.5), ("≥", 730.5, 733.8), ("95%", 734.7, 741.1),
          ("ND", 758.9, 763.6), ("Total", 783.0, 790.5)]
BLOCK = [("Sector:", 36.5, 38.0), ("07:", 265.0, 39.2), ("INTERIOR", 271.4, 39.2), ("Tipo:", 36.5, 53.3),
         ("MULTISECTORIAL", 265.0, 54.5)]


def _words(
    labels: list[tuple[float, float, list[str]]], counts: list[tuple[float, list[str]]], count_x: list[float] = COUNT_X
) -> list:
    from extractor.model import Word

    words = [Word(t, x0, x1, 36.9, 41.4) for t, x0, x1 in HEADER]
    words += [Word(t, x, x + 6.0 * len(t), top, top + 4.0) for t, x, top in BLOCK]
    for x0, top, texts in labels:
        x = x0
        for text in texts:
            words.append(Word(text, x, x + 1.7 * len(text), top, top + 3.3))
            x += 1.7 * len(text) + 1.0
    for top, values in counts:
        words += [Word(v, x, x + 1.8 * len(v), top, top + 3.4) for x, v in zip(count_x, values, strict=True)]
    return words


def _centred(width: float, axis: float) -> float:
    return axis - width / 2


def _line(texts: list[str]) -> float:
    return sum(1.7 * len(t) + 1.0 for t in texts) - 1.0


CENTRED_LABELS = [["Objetivos", "prioritarios"], ["Indicadores", "de", "objetivos"], ["prioritarios"],
                  ["Indicadores", "de", "servicios"]]
LABEL_TOPS = [45.7, 51.8, 55.1, 61.1]
COUNTS = [(45.7, ["2", "1", "0", "0", "3"]), (53.3, ["2", "1", "3", "0", "6"]), (61.0, ["7", "3", "34", "0", "44"])]
GROUPS = ["Objetivos prioritarios", "Indicadores de objetivos prioritarios", "Indicadores de servicios"]


def _summary(words: list) -> list[tuple[str, str]]:
    from extractor.summary import find_summary

    columns = [(c.name, c.labels) for c in RULES.summary_columns]
    return [(line.group, line.counts["total"]) for line in find_summary(words, columns, GROUPS)]


def test_group_labels_centred_in_their_column_are_read_whole() -> None:
    axis = 646.6
    labels = [(_centred(_line(t), axis), top, t) for t, top in zip(CENTRED_LABELS, LABEL_TOPS, strict=True)]
    assert _summary(_words(labels, COUNTS)) == list(zip(GROUPS, ["3", "6", "44"], strict=True))


def test_centred_group_labels_of_unequal_widths_are_read_whole() -> None:
    # one line each: the longest label starts well left of the others
    axis, one_line = 638.0, [GROUPS[0].split(), GROUPS[1].split(), GROUPS[2].split()]
    labels = [(_centred(_line(t), axis), top, t) for t, top in zip(one_line, [45.7, 53.3, 61.1], strict=True)]
    assert _summary(_words(labels, COUNTS)) == list(zip(GROUPS, ["3", "6", "44"], strict=True))


def test_group_labels_left_aligned_in_their_column_are_read_whole() -> None:
    labels = [(627.0, top, t) for t, top in zip(CENTRED_LABELS, LABEL_TOPS, strict=True)]
    assert _summary(_words(labels, COUNTS)) == list(zip(GROUPS, ["3", "6", "44"], strict=True))


def test_a_table_cut_by_a_page_break_goes_on_at_the_top_of_the_next_page() -> None:
    from extractor.model import Word
    from extractor.rows import read_summary_table

    labels = [(627.0, top, t) for t, top in zip(CENTRED_LABELS[:3], LABEL_TOPS[:3], strict=True)]
    page = _words(labels, COUNTS[:2])
    furniture = [Word("Sector:", 36.5, 49.1, 20.0, 25.0), Word("CONSTRUCCION", 640.0, 700.0, 20.0, 25.0)]
    rest = furniture + _words([(627.0, 61.1, CENTRED_LABELS[3])], COUNTS[2:])[len(HEADER) + len(BLOCK):]
    assert [r.group for r in read_summary_table(page, RULES, 3)] == GROUPS[:2]
    rows = read_summary_table(page, RULES, 3, next_words=rest)
    assert [(r.group, r.get("total"), r.page) for r in rows] == [(GROUPS[0], "3", 3), (GROUPS[1], "6", 3),
                                                                (GROUPS[2], "44", 4)]
    # figures printed under those columns before it (a matrix page) are no continuation
    matrix_row = [Word("12", 684.0, 688.0, 40.0, 44.0), Word("Otro", 627.0, 640.0, 40.0, 44.0)]
    assert len(read_summary_table(page, RULES, 3, next_words=matrix_row + rest)) == 2


def _placed(text: str, x: float, y: float, size: float = 7.0) -> list:
    """The words of `text` from x on a line at y (a 0.55 em advance per character)."""
    from extractor.model import Word

    out = []
    for word in text.split():
        width = len(word) * size * 0.55
        out.append(Word(word, x, x + width, y - size * 0.8, y + size * 0.2))
        x += width + size * 0.3
    return out


def _summary_words(alignment: str) -> list:
    """A summary whose middle label wraps in a narrow cell; its counts stand beside the label's
    first line (cells aligned to the top), its last line (bottom) or between them (centre).
    Rows follow each other closer than the lines of one cell (as LibreOffice Writer printed a
    summary): the wrapped line lies nearer the other row's counts than its own."""
    xs = [150, 180, 210, 240, 270]
    words = _placed("[0-75%>", xs[0], 10) + _placed("[75-95%>", xs[1], 10) + _placed("≥95%", xs[2], 10)
    words += _placed("ND", xs[3], 10) + _placed("Total", xs[4], 10)
    pitch = 9.0
    label_lines = {0: ["Objetivos prioritarios"], 1: ["Indicadores de objetivos", "prioritarios"],
                   2: ["Indicadores de servicios"]}
    counts = {0: "0 1 1 0 2", 1: "1 0 2 1 4", 2: "1 6 19 6 32"}
    y = 20.0
    for row, lines in label_lines.items():
        for i, text in enumerate(lines):
            words += _placed(text, 10, y + i * pitch)
        offset = {"top": 0, "bottom": len(lines) - 1, "centre": (len(lines) - 1) / 2}[alignment]
        for x, n in zip(xs, counts[row].split(), strict=True):
            words += _placed(n, x + 5, y + offset * pitch)
        y += (len(lines) - 1) * pitch + 8.0  # rows closer than lines: a wrapped line is nearer the next row
    return words


def test_a_wrapped_group_label_belongs_to_its_own_row_however_the_cell_aligns() -> None:
    from extractor.rows import read_summary_table

    for alignment in ("top", "centre", "bottom"):
        found = read_summary_table(_summary_words(alignment), RULES, page=1)
        assert [(r.group, r.counts["total"]) for r in found] == [
            ("Objetivos prioritarios", "2"), ("Indicadores de objetivos prioritarios", "4"),
            ("Indicadores de servicios", "32")], alignment


def test_counts_aligned_right_in_wide_cells_belong_to_the_nearest_label() -> None:
    # further from their label's centre than half the gap between two labels, nearer to it
    # than to the next one
    labels = [(627.0, top, t) for t, top in zip(CENTRED_LABELS, LABEL_TOPS, strict=True)]
    right = [x + shift for x, shift in zip(COUNT_X, [11.5, 6.0, 6.0, 9.0, 5.0], strict=True)]
    assert _summary(_words(labels, COUNTS, right)) == list(zip(GROUPS, ["3", "6", "44"], strict=True))


def test_a_column_label_wrapped_around_the_header_line_still_heads_its_column() -> None:
    # "[75-" above and "95%>" below the line of the other labels (a narrow spreadsheet cell)
    from extractor.model import Word

    labels = [(627.0, top + 6.0, t) for t, top in zip(CENTRED_LABELS, LABEL_TOPS, strict=True)]
    words = [w for w in _words(labels, [(top + 6.0, c) for top, c in COUNTS]) if w.text != "[75-95%>"]
    words += [Word("[75-", 704.0, 712.0, 32.0, 36.5), Word("95%>", 703.5, 712.5, 41.8, 46.3)]
    assert _summary(words) == list(zip(GROUPS, ["3", "6", "44"], strict=True))
