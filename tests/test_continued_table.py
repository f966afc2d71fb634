"""A page without a header of its own and without codes continues the previous page's table
only with a row the rules know by its name, aligned with that table's columns (rows.py)."""

from __future__ import annotations

from extractor.geometry import Box
from extractor.layout import TableHeader
from extractor.model import Column, PageContent, Word
from extractor.rows import NAMED_ROW_ASSUMPTION, OpenTable, read_page_tables
from extractor.rules import load_rules

RULES = load_rules("policy-matrix")
HEADER = TableHeader(
    Box(14, 420, 60, 90),
    [Column("code", 14, 63, "Código"), Column("name", 63, 321, "Indicador"),
     Column("responsible", 321, 375, "Responsable"), Column("progress_2024", 375, 420, "2024")],
    {"progress_{year}": [2024]},
)


def line(x0: float, top: float, text: str, width: float = 4.0) -> list[Word]:
    """The words of `text` from `x0`, `width` pt a character and one space between words."""
    words, x = [], x0
    for part in text.split():
        words.append(Word(part, x, x + width * len(part), top, top + 8))
        x += width * (len(part) + 1)
    return words


SUMMARY = [  # printed under the matrix: a group label under the code column, counts under the name column
    *line(150, 90, "[0-75%> [75-95%> ≥ 95% ND Total"),
    *line(20, 102, "Objetivos prioritarios"), *line(160, 102, "2 1 0 0 3"),
]
NARRATIVE = line(20, 140, "El objetivo prioritario 1 presenta un avance de 70.6 por ciento en el año 2024.")


def page_of(words: list[Word]) -> PageContent:
    return PageContent(5, 595, 842, words)


def rows_of(words: list[Word]) -> list:
    return read_page_tables(page_of(words), RULES, OpenTable(HEADER), []).raw_rows


def test_the_index_row_alone_on_a_page_continues_the_table() -> None:
    index = [*line(70, 30, "Índice de gestión de la política nacional"), *line(385, 30, "70.6")]
    result = read_page_tables(page_of(index + SUMMARY + NARRATIVE), RULES, OpenTable(HEADER), [])
    assert len(result.raw_rows) == 1
    row = result.raw_rows[0]
    assert row.cells["name"] == "Índice de gestión de la política nacional"
    assert row.cells["progress_2024"] == "70.6"
    assert NAMED_ROW_ASSUMPTION in row.assumptions
    outside = "\n".join(result.outside_lines)
    assert "Objetivos prioritarios" in outside and "El objetivo prioritario 1" in outside


def test_a_wrapped_index_label_stays_one_row() -> None:
    index = [*line(70, 30, "Índice de gestión de la"), *line(385, 34, "70.6"), *line(70, 39, "política nacional")]
    rows = rows_of(index + SUMMARY)
    assert [r.cells["name"] for r in rows] == ["Índice de gestión de la política nacional"]


def test_narrative_naming_the_index_is_not_a_row() -> None:
    sentence = line(20, 30, "Índice de gestión de la política nacional alcanzó 70.6 por ciento en el año 2024.")
    assert rows_of(sentence + NARRATIVE) == []


def test_the_index_label_without_a_figure_in_a_value_column_is_not_a_row() -> None:
    label = line(70, 30, "Índice de gestión de la política nacional")
    assert rows_of(label + SUMMARY) == []


def test_the_index_row_under_other_text_is_not_taken() -> None:
    index = [*line(70, 60, "Índice de gestión de la política nacional"), *line(385, 60, "70.6")]
    assert rows_of(line(20, 20, "Conclusiones del reporte de cumplimiento") + index) == []


def test_a_summary_table_opening_the_page_is_not_a_row() -> None:
    assert rows_of(SUMMARY + NARRATIVE) == []


def test_a_label_starting_under_the_code_column_wrapped_around_its_figure_is_read() -> None:
    # a merged cell: the label starts left of the name column, its figure sits between its lines
    index = [*line(40, 38, "Índice de gestión de la política", width=3.0), *line(385, 42, "99.2%"),
             *line(40, 46, "nacional", width=3.0)]
    rows = rows_of(index + SUMMARY)
    assert len(rows) == 1 and NAMED_ROW_ASSUMPTION in rows[0].assumptions
