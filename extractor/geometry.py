"""Page geometry shared by every reader: boxes, ruling edges, the cells they close, text lines.

The text layer (`pdf.py`), OCR (`ocr/`), `layout.py`, `blocks.py` and `debug.py` all speak in
these terms. Nothing here knows a unit: the readers work in PDF points, OCR also in image
pixels, and `scaled` moves a shape from one to the other. Coordinates have their origin at the
top-left (pdfplumber's convention): ``top`` grows downwards.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

Orientation = Literal["h", "v"]
LineRule = Literal["overlap", "middle"]

# open lines an OCR word may join (rule "middle"): enough for table rows of different heights
# read side by side, where a word of the taller row sorts after the next line of the shorter one
MIDDLE_LOOKBACK = 8


class Extent:
    """Centre of anything with x0, x1, top and bottom (words, boxes, fills)."""

    __slots__ = ()
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def xmid(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def ymid(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class Box(Extent):
    """A rectangle on the page: a cell, a table's extent, a crop of a page image."""

    x0: float
    x1: float
    top: float
    bottom: float

    @classmethod
    def around(cls, items: Iterable[Extent]) -> Box:
        """The smallest box holding every item (words of a label, cells of a row)."""
        boxes = list(items)
        return cls(
            min(b.x0 for b in boxes), max(b.x1 for b in boxes), min(b.top for b in boxes), max(b.bottom for b in boxes)
        )

    @classmethod
    def from_bbox(cls, bbox: tuple[float, float, float, float]) -> Box:
        """A box from pdfplumber's (x0, top, x1, bottom) order."""
        x0, top, x1, bottom = bbox
        return cls(x0, x1, top, bottom)

    def contains(self, item: Extent) -> bool:
        """Whether the centre of `item` (a word) lies in the box."""
        return self.x0 <= item.xmid <= self.x1 and self.top <= item.ymid <= self.bottom

    def scaled(self, factor: float) -> Box:
        return Box(self.x0 * factor, self.x1 * factor, self.top * factor, self.bottom * factor)


@dataclass(frozen=True, slots=True)
class Edge:
    """A ruling line segment: a stroked line, one side of a drawn rectangle, a rule in a scan.

    Stored as its extent like pdfplumber's edges; `pos` (across the line) and `start`..`end`
    (along it) read it the way line-finding thinks of it.
    """

    orientation: Orientation
    x0: float
    x1: float
    top: float
    bottom: float

    @classmethod
    def along(cls, orientation: Orientation, pos: float, start: float, end: float) -> Edge:
        """A line at `pos` across it, from `start` to `end` along it."""
        if orientation == "h":
            return cls("h", start, end, pos, pos)
        return cls("v", pos, pos, start, end)

    @property
    def pos(self) -> float:
        return self.top if self.orientation == "h" else self.x0

    @property
    def start(self) -> float:
        return self.x0 if self.orientation == "h" else self.top

    @property
    def end(self) -> float:
        return self.x1 if self.orientation == "h" else self.bottom

    def scaled(self, factor: float) -> Edge:
        return Edge(self.orientation, self.x0 * factor, self.x1 * factor, self.top * factor, self.bottom * factor)


# ---- the grid the edges close -----------------------------------------------------------------


def grid_cells(
    edges: Sequence[Edge], *, snap: float | None = None, tolerance: float = 1.0, min_size: float = 0.0
) -> list[Box]:
    """The smallest rectangles the edges close (pdfplumber's edges → intersections → cells).

    `snap`: edges this close are first snapped together and collinear pieces this close joined
    (pdfplumber's `merge_edges`; None when the reader merged its lines already). `tolerance`: an
    edge ending this short of a crossing one still meets it. `min_size`: thinner cells are
    slivers (between the two strokes of a double rule).
    """
    if len(edges) < 4:  # fewer sides than one cell has
        return []
    from pdfplumber.table import edges_to_intersections, intersections_to_cells, merge_edges

    objs = [_as_pdfplumber_edge(e) for e in edges]
    if snap is not None:
        objs = merge_edges(objs, snap, snap, snap, snap)
    cells = intersections_to_cells(edges_to_intersections(objs, tolerance, tolerance))
    return [
        Box.from_bbox(bbox) for bbox in cells if bbox[2] - bbox[0] >= min_size and bbox[3] - bbox[1] >= min_size
    ]


def _as_pdfplumber_edge(edge: Edge) -> dict[str, object]:
    return {
        "orientation": edge.orientation,
        "x0": edge.x0,
        "x1": edge.x1,
        "top": edge.top,
        "bottom": edge.bottom,
        "width": edge.x1 - edge.x0,
        "height": edge.bottom - edge.top,
    }


W = TypeVar("W", bound=Extent)


class ExtentIndex(Generic[W]):
    """Extents sorted by their vertical centre: the ones inside a box without testing each one.

    A ruled matrix page has hundreds of grid cells and thousands of words; testing every pair
    was most of the layout stage's time.
    """

    def __init__(self, items: Iterable[W]) -> None:
        self._items = sorted(items, key=lambda e: e.ymid)
        self._mids = [e.ymid for e in self._items]

    def inside(self, box: Box) -> list[W]:
        """The extents whose centre is in `box`, top to bottom."""
        lo = bisect.bisect_left(self._mids, box.top)
        hi = bisect.bisect_right(self._mids, box.bottom)
        return [e for e in self._items[lo:hi] if box.contains(e)]


# ---- text lines -------------------------------------------------------------------------------


def text_lines(words: Iterable[W], rule: LineRule = "overlap") -> list[list[W]]:
    """Words grouped into visual lines, lines top to bottom, each left to right.

    Two rules decide whether a word joins a line, one per kind of reader:
    - "overlap" (a text layer, whose glyph boxes on one line share their top and bottom): the
      word overlaps the line's extent by half the smaller height; only the last line is open.
    - "middle" (OCR, whose word boxes vary with their letters): each one's vertical middle lies
      within the other's band (the line's band being its words' mean top and bottom), and any
      of the last MIDDLE_LOOKBACK lines may take the word. A tall blob, such as a stamp read
      as text, then cannot swallow the two text lines beside it.
    """
    order, joins, lookback = _LINE_RULES[rule]
    lines: list[list[W]] = []
    for word in sorted(words, key=order):
        line = next((ln for ln in reversed(lines[-lookback:]) if joins(ln, word)), None)
        if line is None:
            lines.append([word])
        else:
            line.append(word)
    ordered = [sorted(line, key=lambda w: w.x0) for line in lines]
    return sorted(ordered, key=lambda ln: min(w.top for w in ln))


def _overlaps(line: Sequence[Extent], word: Extent) -> bool:
    top = min(w.top for w in line)
    bottom = max(w.bottom for w in line)
    overlap = min(bottom, word.bottom) - max(top, word.top)
    return overlap > 0.5 * min(bottom - top, word.bottom - word.top)


def _middles_within(line: Sequence[Extent], word: Extent) -> bool:
    top = sum(w.top for w in line) / len(line)
    bottom = sum(w.bottom for w in line) / len(line)
    line_middle = (top + bottom) / 2
    return top <= word.ymid <= bottom and word.top <= line_middle <= word.bottom


_LINE_RULES: dict[str, tuple[Callable[[Extent], object], Callable[[Sequence[Extent], Extent], bool], int]] = {
    "overlap": (lambda w: (w.top, w.x0), _overlaps, 1),
    "middle": (lambda w: w.ymid, _middles_within, MIDDLE_LOOKBACK),
}
