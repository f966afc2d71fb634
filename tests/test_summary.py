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
