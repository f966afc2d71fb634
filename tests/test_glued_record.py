"""A word glued across cells and cut apart (glued.py) is recorded on the row that holds its
pieces, and its pieces keep everything else the word carried (an OCR'd word's confidence)."""

from __future__ import annotations

from functools import cache

from extractor import repair as rp
from extractor.geometry import Box
from extractor.glued import split_glued_words
from extractor.layout import TableHeader
from extractor.model import Column, PageContent, Word
from extractor.rows import read_page_tables
from extractor.rules import Rules, load_rules

# a year right-aligned against its cell's edge, a value glued to it on the right: the text
# layer reads `201912.00`, whose cut between the two falls on the columns' boundary (230)
COLUMNS = [
    Column("code", 10.0, 80.0),
    Column("name", 80.0, 200.0),
    Column("baseline_year", 200.0, 229.5),
    Column("baseline_value", 230.5, 260.0),
]
GLUED = "201912.00"


@cache
def _rules() -> Rules:
    return load_rules("policy-matrix")


def _glued_word(top: float, conf: float | None = None) -> Word:
    # "2019" is 4 digit widths, "12.00" 4.5 (a point is half a digit): the cut sits at 4/8.5
    x0, x1 = 205.0, 257.0
    return Word(GLUED, x0, x1, top, top + 8.0, conf=conf)


def _page(words: list[Word]) -> PageContent:
    return PageContent(1, 300.0, 200.0, words)


def _header() -> TableHeader:
    return TableHeader(Box(10.0, 260.0, 10.0, 30.0), list(COLUMNS))


def _row_words(code: str, top: float) -> list[Word]:
    return [Word(code, 12.0, 70.0, top, top + 8.0), Word("Porcentaje", 82.0, 120.0, top, top + 8.0)]


def test_a_cut_keeps_every_other_field_of_the_word() -> None:
    word = _glued_word(50.0, conf=41.0)
    pieces = split_glued_words([word], COLUMNS)
    assert [p.text for p in pieces] == ["2019", "12.00"]
    assert [p.conf for p in pieces] == [41.0, 41.0]  # a doubtful reading stays doubtful in each piece
    assert all(p.glued_from == word and (p.top, p.bottom) == (word.top, word.bottom) for p in pieces)


def test_a_word_left_whole_remembers_no_cut() -> None:
    whole = Word("2019", 205.0, 228.0, 50.0, 58.0, conf=88.0)
    assert split_glued_words([whole], COLUMNS) == [whole]


def test_a_glued_word_s_cut_is_recorded_once_on_the_row_that_holds_its_pieces() -> None:
    words = [*_row_words("ISS.01.01.01.01", 50.0), _glued_word(50.0)]
    words += [*_row_words("ISS.01.01.01.02", 80.0), Word("2020", 205.0, 228.0, 80.0, 88.0)]
    tables = read_page_tables(_page(words), _rules(), headers=[_header()])
    first, second = tables.raw_rows
    assert (first.cells["baseline_year"], first.cells["baseline_value"]) == ("2019", "12.00")
    assert [(c.word, c.pieces, c.role) for c in first.glued_cuts] == [(GLUED, ("2019", "12.00"), "baseline_year")]
    assert second.glued_cuts == []  # the row below holds no piece of it

    rows, findings = rp.repair(tables.raw_rows, _rules())
    assert rows[0].repairs == ["glued_split:201912.00->2019|12.00"]
    assert rows[1].repairs == []
    recorded = [f for f in findings if f.rule == "repair" and f.code == "ISS.01.01.01.01"]
    assert [(f.severity, f.field, f.printed, f.recomputed, f.page) for f in recorded] == [
        ("info", "baseline_year", GLUED, "2019|12.00", 1)
    ]

