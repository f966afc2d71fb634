"""Where each finding is on the page: the cell(s) involved, or the figure in the text.

A finding about a matrix cell is placed on the box extraction kept for it (its row and column).
A finding about text (a narrative claim, a summary count) is placed on the printed figure,
found in the page's text layer near the words the finding quotes. What cannot be placed more
precisely is marked in the page's margin, so every finding with a page has its mark.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from extractor.model import CellBox, Finding, Report, Row

Placement = Literal["cell", "row", "text", "page"]
CONTEXT_CHARS = 90  # text either side of a hit compared with the finding's quote
MARGIN_MARK = 18.0  # side of the square that marks a finding placed on no cell (points)
QUOTE = re.compile(r"\"([^\"]{6,})\"")
WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Mark:
    """One finding, placed: the rectangle to mark and the row (or line) around it."""

    index: int  # the finding's position in report.findings
    finding: Finding
    box: CellBox
    context: CellBox  # what a crop shows: the whole row, or the text line
    placement: Placement


@dataclass(frozen=True, slots=True)
class PageGeometry:
    width: float
    height: float


def locate(report: Report, pdf_path: Path) -> list[Mark]:
    """A mark for every finding with a page, in the order of report.findings."""
    import pypdfium2 as pdfium

    by_code = _rows_by_code(report.rows)
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        texts = _PageTexts(doc, report.ocr_words)
        marks = []
        for index, finding in enumerate(report.findings):
            if 1 <= finding.page <= len(doc):
                marks.append(_place(index, finding, by_code.get(finding.code), texts))
        texts.close()
        return marks
    finally:
        doc.close()


def page_sizes(pdf_path: Path) -> list[PageGeometry]:
    """Each page's size as pdfium reads it: the frame cell boxes were measured in."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        return [PageGeometry(*doc[i].get_size()) for i in range(len(doc))]
    finally:
        doc.close()


def _rows_by_code(rows: Sequence[Row]) -> dict[str, Row]:
    out: dict[str, Row] = {}
    for row in rows:
        out.setdefault(row.code, row)  # a repeated code keeps its first row, as findings name it
    return out


def _place(index: int, finding: Finding, row: Row | None, texts: _PageTexts) -> Mark:
    """The finding's cell on its page; else its figure in the page's text; else the page margin.

    A finding about text (a narrative claim) names a row printed on another page: its mark goes
    on the figure in the text, on the finding's own page.
    """
    if row is not None:
        cell = cell_box(row, finding.field, finding.page)
        line = row_box(row, finding.page)
        if cell is not None and cell.page == finding.page and line is not None:
            return Mark(index, finding, cell, line, "cell")
        if line is not None and not finding.field:
            return Mark(index, finding, line, line, "row")
    hit = texts.find(finding)
    if hit is not None:
        return Mark(index, finding, hit, texts.line_around(hit), "text")
    if row is not None and (line := row_box(row, finding.page)) is not None:
        return Mark(index, finding, line, line, "row")
    return Mark(index, finding, *[texts.margin_box(finding.page)] * 2, "page")


def cell_box(row: Row, field: str, page: int) -> CellBox | None:
    """The box of a row's cell: on the finding's page if it is printed there, else where it is."""
    boxes = row.boxes.get(field) or []
    on_page = [b for b in boxes if b.page == page]
    return (on_page or boxes or [None])[0]


def row_box(row: Row, page: int) -> CellBox | None:
    """All of a row's cells on one page, as one box."""
    boxes = [b for cells in row.boxes.values() for b in cells if b.page == page]
    if not boxes:
        return None
    out = boxes[0]
    for box in boxes[1:]:
        out = out.union(box)
    return out


class _PageTexts:
    """Text layers of the pages findings point at, opened once each."""

    def __init__(self, doc: Any, ocr_words: Mapping[int, list[tuple[str, CellBox]]]) -> None:
        self._doc = doc  # a pypdfium2.PdfDocument
        self._ocr_words = ocr_words  # a scan's words: its text layer, if any, is not what was read
        self._open: dict[int, tuple[Any, Any, str]] = {}  # page, its text page, its text

    def _page(self, number: int) -> tuple[Any, Any, str]:
        if number not in self._open:
            page = self._doc[number - 1]
            textpage = page.get_textpage()
            self._open[number] = (page, textpage, textpage.get_text_range())
        return self._open[number]

    def find(self, finding: Finding) -> CellBox | None:
        """The printed figure on the finding's page, the hit whose surroundings match its quote."""
        printed = finding.printed.strip()
        if not printed:
            return None
        if finding.page in self._ocr_words:
            return _find_in_words(self._ocr_words[finding.page], printed, finding)
        page, textpage, text = self._page(finding.page)
        hits = list(_standalone_hits(text, printed))
        if not hits:
            return None
        best = max(hits, key=lambda i: _context_score(text, i, len(printed), finding))
        return self._box_of(finding.page, page, textpage, best, len(printed))

    def _box_of(self, number: int, page: Any, textpage: Any, start: int, count: int) -> CellBox | None:
        rects = [textpage.get_rect(i) for i in range(textpage.count_rects(start, count))]
        if not rects:
            return None
        height = page.get_size()[1]
        left, right = min(r[0] for r in rects), max(r[2] for r in rects)
        top, bottom = height - max(r[3] for r in rects), height - min(r[1] for r in rects)
        return CellBox(number, left - 1, top - 1, right + 1, bottom + 1)

    def line_around(self, box: CellBox) -> CellBox:
        """The text line a hit sits in, from the page's left to its right margin."""
        width = self._doc[box.page - 1].get_size()[0]
        return CellBox(box.page, min(box.x0, width * 0.05), box.top, max(box.x1, width * 0.95), box.bottom)

    def margin_box(self, number: int) -> CellBox:
        """A square in the page's top-left margin, inside the page box."""
        width, height = self._doc[number - 1].get_size()
        side = min(MARGIN_MARK, width / 4, height / 4)
        return CellBox(number, side / 2, side / 2, side * 1.5, side * 1.5)

    def close(self) -> None:
        for page, textpage, _ in self._open.values():
            textpage.close()
            page.close()
        self._open.clear()


def _find_in_words(words: Sequence[tuple[str, CellBox]], printed: str, finding: Finding) -> CellBox | None:
    """The printed figure among a page's OCR words (reading order), as the union of its words."""
    text, spans = "", []
    for word, box in words:
        spans.append((len(text), len(text) + len(word), box))
        text += word + " "
    hits = list(_standalone_hits(text, printed))
    if not hits:
        return None
    best = max(hits, key=lambda i: _context_score(text, i, len(printed), finding))
    covered = [box for start, end, box in spans if start < best + len(printed) and end > best]
    out = covered[0]
    for box in covered[1:]:
        out = out.union(box)
    return out


def _standalone_hits(text: str, printed: str) -> Iterator[int]:
    """Where `printed` occurs not as part of a longer number ("33.3" inside "33.30")."""
    for m in re.finditer(re.escape(printed), text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if not before.isalnum() and not (after.isdigit() or (after in ".," and m.end() + 1 < len(text)
                                                              and text[m.end() + 1].isdigit())):
            yield m.start()


def _clues(finding: Finding) -> set[str]:
    """Words that should surround the figure: the finding's quote, else its code and field."""
    quoted = QUOTE.search(finding.message)
    source = quoted.group(1) if quoted else f"{finding.code} {finding.field.replace('.', ' ')}"
    return {w.lower() for w in WORD.findall(source) if len(w) > 2}


def _context_score(text: str, start: int, length: int, finding: Finding) -> tuple[int, int]:
    """How well a hit's surroundings match the finding: the words of its quote that run up to
    and on from the figure, in order; then the quote's words anywhere nearby."""
    window = text[max(0, start - CONTEXT_CHARS): start + length + CONTEXT_CHARS]
    nearby = len(_clues(finding) & {w.lower() for w in WORD.findall(window)})
    quoted = QUOTE.search(finding.message)
    at = quoted.group(1).find(finding.printed.strip()) if quoted else -1
    if at < 0:
        return 0, nearby
    quote = quoted.group(1)
    before = _words(text[max(0, start - CONTEXT_CHARS): start])[::-1]
    after = _words(text[start + length: start + length + CONTEXT_CHARS])
    run = _common_run(before, _words(quote[:at])[::-1]) + _common_run(after, _words(quote[at + length:]))
    return run, nearby


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def _common_run(a: Sequence[str], b: Sequence[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n
