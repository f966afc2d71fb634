"""Layout on scans whose rules toner dropout broke (extractor/layout.py, rows.py, matrix_columns.py)."""

from __future__ import annotations

import re

from extractor.layout import split_spans_at_codes
from extractor.model import Column, Word

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
