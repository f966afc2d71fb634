"""The text of a table cell: its words joined line by line, wrapped lines run together."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from extractor.geometry import text_lines
from extractor.model import Word


def line_text(line: Sequence[Word]) -> str:
    return " ".join(w.text for w in line)


def join_cell_text(words: Iterable[Word], join_hyphen_wraps: bool = False) -> str:
    """The text of one cell: wrapped lines joined with single spaces.

    With `join_hyphen_wraps`, a line ending in a hyphen glued to a word ("000084-") runs on
    into the next line without a space, as the producer wrapped after the hyphen.
    """
    out = ""
    for line in text_lines(words):
        out = join_wrapped(out, line_text(line), join_hyphen_wraps)
    return out


def join_wrapped(head: str, tail: str, join_hyphen_wraps: bool = False) -> str:
    """Two pieces of one wrapped text (lines of a cell, or a cell's parts across a page break)."""
    if not head or not tail:
        return head or tail
    if join_hyphen_wraps and head.endswith("-") and len(head) > 1 and head[-2] != " ":
        return head + tail
    return f"{head} {tail}"
