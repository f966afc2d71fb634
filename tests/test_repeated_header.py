"""A header repeated on the next page with a label cut short keeps the previous page's columns."""

from __future__ import annotations

from extractor.geometry import Box
from extractor.layout import TableHeader, completed_from
from extractor.model import Column

FULL = [Column("code", 10, 60), Column("name", 60, 200), Column("responsible", 200, 260),
        Column("expected_2024", 260, 300), Column("progress_2024", 300, 340)]


def header(columns: list[Column], shift: float = 0.0) -> TableHeader:
    moved = [Column(c.role, c.x0 + shift, c.x1 + shift, c.label) for c in columns]
    return TableHeader(Box(moved[0].x0, moved[-1].x1, 50, 70), moved)


def test_an_unread_label_keeps_the_previous_pages_column() -> None:
    cut = header([c for c in FULL if c.role != "name"])
    assert [c.role for c in completed_from(cut, header(FULL)).columns] == [c.role for c in FULL]


def test_another_table_takes_nothing_from_the_previous_page() -> None:
    moved = header([c for c in FULL if c.role != "name"], shift=15.0)
    assert [c.role for c in completed_from(moved, header(FULL)).columns] == [
        "code", "responsible", "expected_2024", "progress_2024"]


def test_a_previous_table_with_other_columns_lends_nothing() -> None:
    previous = header([*FULL[:2], Column("direction", 200, 260), *FULL[3:]])
    cut = header([c for c in FULL if c.role != "name"])
    assert [c.role for c in completed_from(cut, previous).columns] == [
        "code", "responsible", "expected_2024", "progress_2024"]
