"""Block headings: families whose matrix is a run of small tables, each under its own heading.

The PEI "Anexo B-7" printouts open every objective and action with a coloured bar
("OEI.01 AEI.01.02 INVESTIGACIONES … (Prioridad:1)") followed by its own column header and its
indicator rows. The `blocks:` section of a family's rules says how such a heading reads; this
module finds the headings on a page and turns each into a `RawRow` whose cells are the named
groups of the heading pattern (`code`, `name`, `priority`, …). Nothing here knows a family.

    blocks:
      start: <regex>      how the text of a heading begins (tells a heading from anything else)
      pattern: <regex>    the whole heading text; its named groups become the row's cells
      bar: required       headings sit on a filled bar (`optional`: a bare text line also counts)
      bar_min_width: 0.5  a bar spans at least this share of the page width
      continue_without_header: true   a page may open with the rest of the previous page's
                                      table (or of its header) without repeating the header
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from extractor.celltext import join_cell_text, line_text
from extractor.geometry import text_lines
from extractor.model import Fill, PageContent, RawRow, Word
from extractor.rules import Rules

BAR_ROW_TOLERANCE = 1.0  # fills of one bar share their top and bottom within this (points)


@dataclass(frozen=True, slots=True)
class BlockSpec:
    """The `blocks:` rules section, compiled."""

    start: re.Pattern[str]
    pattern: re.Pattern[str]
    bar_required: bool = True
    bar_min_width: float = 0.5
    continue_without_header: bool = False
    join_hyphen_wraps: bool = False

    @classmethod
    def from_rules(cls, rules: Rules) -> BlockSpec | None:
        spec = rules.spec.blocks
        if spec is None:
            return None
        return cls(
            start=re.compile(spec.start),
            pattern=re.compile(spec.pattern),
            bar_required=spec.bar == "required",
            bar_min_width=spec.bar_min_width,
            continue_without_header=spec.continue_without_header,
            join_hyphen_wraps=rules.spec.text.join_hyphen_wraps,
        )


@dataclass(slots=True)
class Heading:
    """One block heading found on a page."""

    page: int
    top: float
    bottom: float
    text: str
    cells: dict[str, str]
    words: list[Word] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.cells.get("code", "")

    def raw_row(self) -> RawRow:
        return RawRow(self.page, self.top, self.bottom, dict(self.cells), block=self.code)


def find_headings(page: PageContent, words: Sequence[Word], spec: BlockSpec) -> list[Heading]:
    """Every block heading on the page, top to bottom: bars first, then bare lines if allowed."""
    headings = []
    for top, bottom, cells in _bars(page.fills, page.width * spec.bar_min_width):
        on_bar = [w for w in words if top - 0.5 <= w.ymid <= bottom + 0.5]
        text = _bar_text(on_bar, cells, spec.join_hyphen_wraps)
        if on_bar and spec.start.search(text):
            headings.append(Heading(page.number, top, bottom, text, heading_cells(text, spec), on_bar))
    if not spec.bar_required:
        headings += _line_headings(page.number, words, headings, spec)
    return sorted(headings, key=lambda h: h.top)


def heading_cells(text: str, spec: BlockSpec) -> dict[str, str]:
    """Cells of a heading row: the pattern's named groups (or code and rest, if it fails)."""
    m = spec.pattern.search(text)
    if m:
        return {k: " ".join(v.split()) for k, v in m.groupdict().items() if v}
    # keep what can be read: the start (the code) and the rest as the name; validation flags it
    start = spec.start.search(text)
    assert start is not None  # only headings whose text matches `start` get here
    code = start.groupdict().get("code") or start.group(0).strip()
    return {"code": code, "name": text[start.end():].strip()}


def _bars(fills: Sequence[Fill], min_width: float) -> list[tuple[float, float, list[Fill]]]:
    """Wide filled rectangles with the narrower fills beside them (a bar's cells), top to bottom."""
    def same_row(f: Fill, top: float, bottom: float) -> bool:
        return abs(f.top - top) <= BAR_ROW_TOLERANCE and abs(f.bottom - bottom) <= BAR_ROW_TOLERANCE

    bars: list[tuple[float, float, list[Fill]]] = []
    for wide in sorted((f for f in fills if f.x1 - f.x0 >= min_width), key=lambda f: f.top):
        if not any(same_row(wide, top, bottom) for top, bottom, _ in bars):
            bars.append((wide.top, wide.bottom, [f for f in fills if same_row(f, wide.top, wide.bottom)]))
    return bars


def _bar_text(words: Sequence[Word], cells: Sequence[Fill], join_hyphen_wraps: bool) -> str:
    """The bar's text cell by cell, left to right.

    Joining per cell keeps a wrapped name in reading order even when the code beside it is
    centred between the two lines (a page-wide line grouping would interleave them). Words on
    no cell (a code printed in the bar's colour, left of it) form one group of their own.
    """
    groups: dict[int, list[Word]] = {}
    for w in words:
        idx = next((i for i, c in enumerate(cells) if c.x0 - 0.5 <= w.xmid <= c.x1 + 0.5), -1)
        groups.setdefault(idx, []).append(w)
    ordered = sorted(groups.values(), key=lambda ws: min(w.x0 for w in ws))
    return " ".join(join_cell_text(ws, join_hyphen_wraps) for ws in ordered)


def _line_headings(
    page: int, words: Sequence[Word], found: Sequence[Heading], spec: BlockSpec
) -> list[Heading]:
    """Headings printed as a plain text line (no bar): the whole line must match `pattern`."""
    taken = {id(w) for h in found for w in h.words}
    out = []
    for line in text_lines(w for w in words if id(w) not in taken):
        text = line_text(line)
        if spec.start.search(text) and spec.pattern.search(text):
            top, bottom = min(w.top for w in line), max(w.bottom for w in line)
            out.append(Heading(page, top, bottom, text, heading_cells(text, spec), list(line)))
    return out
