"""Matrix page geometry and pagination: columns, header, row bands, page breaks, call-outs.

Coordinates are pdfplumber's (points, origin top-left), like the extractor's.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from samplegen.fonts import text_width, wrap_text
from samplegen.model import Note, NoteGroup, ReportData
from samplegen.style import (
    FIXED_WIDTHS,
    NOTE_GAP,
    NOTE_LEADING,
    NOTE_SIZE,
    NOTE_WIDTH,
    SINGLE_LABELS,
    SUMMARY_ROW_H,
    MatrixStyle,
)


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    x0: float
    x1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0


@dataclass(frozen=True, slots=True)
class HeaderCell:
    label: str
    x0: float
    x1: float
    row0: int  # 0 = group row, 1 = year row
    row1: int


@dataclass(slots=True)
class Geometry:
    """Where everything sits on a matrix page (pdfplumber coordinates: top grows downwards)."""

    style: MatrixStyle
    columns: list[Column]
    header: list[HeaderCell]
    header_top: float
    group_row_h: float
    sub_row_h: float
    summary_top: float
    body_top: float

    @property
    def body_bottom(self) -> float:
        return self.style.page[1] - self.style.margin_bottom

    @property
    def capacity(self) -> float:
        return self.body_bottom - self.body_top

    @property
    def table_x0(self) -> float:
        return self.columns[0].x0

    @property
    def table_x1(self) -> float:
        return self.columns[-1].x1

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def value_width(texts: Iterable[str], style: MatrixStyle, minimum: float = 22.0) -> float:
    widest = max((text_width(t, style.font, style.size) for t in texts if t), default=0.0)
    return max(minimum, math.ceil(widest + style.min_text_gap + 0.5))


def build_geometry(data: ReportData, style: MatrixStyle) -> Geometry:
    """Column positions from the data, and the page furniture heights."""
    widths: dict[str, float] = dict(FIXED_WIDTHS)
    for prefix, years in (("expected", data.years), ("obtained", data.years),
                          ("progress", data.progress_years)):
        keys = [f"{prefix}_{y}" for y in years]
        w = value_width((r.get(k, "") for r in data.rows for k in keys), style,
                        minimum=26.0 if prefix == "progress" else 22.0)
        widths.update(dict.fromkeys(keys, w))
    usable = style.page[0] - style.margin_left - style.margin_right
    widths["name"] = usable - sum(widths.values())
    # printed columns: code and name, then everything after name in rows.csv order
    order = ["code", "name", *data.columns[data.columns.index("name") + 1:]]
    columns, x = [], style.margin_left
    for key in order:
        columns.append(Column(key, x, x + widths[key]))
        x += widths[key]
    header = header_cells(columns, data)
    group_h, sub_h = header_heights(header, style)
    summary_top = style.margin_top + 3 * (style.furniture_size + 3.5) + 6
    header_top = summary_top + 4 * SUMMARY_ROW_H + 9
    return Geometry(style, columns, header, header_top, group_h, sub_h, summary_top,
                    header_top + group_h + sub_h)


def header_cells(columns: list[Column], data: ReportData) -> list[HeaderCell]:
    by_key = {c.key: c for c in columns}
    cells = [HeaderCell(label, by_key[k].x0, by_key[k].x1, 0, 1)
             for k, label in SINGLE_LABELS.items()]
    groups = [
        ("Línea base", ["baseline_year", "baseline_value"], ["Año", "valor"]),
        ("Logros esperados", [f"expected_{y}" for y in data.years], [str(y) for y in data.years]),
        ("Valores obtenidos", [f"obtained_{y}" for y in data.years], [str(y) for y in data.years]),
        ("Avance Tipo 1 (%)", [f"progress_{y}" for y in data.progress_years],
         [str(y) for y in data.progress_years]),
    ]
    for label, keys, subs in groups:
        cells.append(HeaderCell(label, by_key[keys[0]].x0, by_key[keys[-1]].x1, 0, 0))
        cells.extend(HeaderCell(s, by_key[k].x0, by_key[k].x1, 1, 1) for k, s in zip(keys, subs, strict=True))
    return cells


def header_label_lines(cell: HeaderCell, style: MatrixStyle) -> list[str]:
    return wrap_text(cell.label, style.bold, style.header_size, cell.x1 - cell.x0 - 2 * style.pad_x)


def header_heights(cells: list[HeaderCell], style: MatrixStyle) -> tuple[float, float]:
    """Heights of the group row and the year row; single labels span both and wrap inside."""
    lead = style.header_size * 1.2

    def height(n_lines: int) -> float:
        return n_lines * lead + 2 * style.pad_y + 1

    sub_h = height(1)
    group_h = max(height(len(header_label_lines(c, style))) for c in cells if c.row1 == 0)
    single_h = max(height(len(header_label_lines(c, style))) for c in cells if c.row0 != c.row1)
    return max(group_h, single_h - sub_h), sub_h


# ----- rows → printed bands → pages -------------------------------------------------------------

@dataclass(slots=True)
class RowLayout:
    index: int
    row: dict[str, str]
    cells: dict[str, list[str]]  # wrapped lines per column key

    @property
    def name_lines(self) -> int:
        return len(self.cells.get("name", []))

    @property
    def other_lines(self) -> int:
        return max((len(v) for k, v in self.cells.items() if k != "name"), default=0)

    @property
    def n_lines(self) -> int:
        return max(1, self.name_lines, self.other_lines)

    @property
    def has_values(self) -> bool:
        """An indicator row: something printed besides its code and name."""
        return any(k not in ("code", "name") for k in self.cells)


@dataclass(slots=True)
class Segment:
    """The part of a row printed on one page: name lines [start, stop)."""

    layout: RowLayout
    start: int
    stop: int
    first: bool  # carries the code and the values
    n_lines: int

    @property
    def last(self) -> bool:
        return self.stop >= self.layout.name_lines


@dataclass(slots=True)
class PagePlan:
    segments: list[Segment] = field(default_factory=list)
    notes: list[NoteGroup] = field(default_factory=list)
    notes_top: float = 0.0
    matrix: bool = True  # False for a page holding only call-out notes


def name_font(row: dict[str, str], style: MatrixStyle) -> str:
    return style.bold if row["level"] in ("OP", "INDEX") else style.font


def layout_row(index: int, row: dict[str, str], geo: Geometry) -> RowLayout:
    style = geo.style
    cells: dict[str, list[str]] = {}
    for col in geo.columns:
        text = row.get(col.key, "").strip()
        if not text:
            continue
        font = name_font(row, style) if col.key == "name" else style.font
        cells[col.key] = wrap_text(text, font, style.size, col.width - 2 * style.pad_x)
    return RowLayout(index, row, cells)


def band_height(n_lines: int, style: MatrixStyle) -> float:
    return n_lines * style.leading + 2 * style.pad_y


def split_point(layout: RowLayout, room_lines: int, forced: bool) -> int:
    """How many name lines of a row go on this page, or 0 when the row must move whole.

    The first part carries the code and every value (as real reports print them), so it needs
    at least as many lines as the tallest other cell, and the continuation needs at least one.
    A forced split keeps about half of the name on this page.
    """
    lo = max(1, layout.other_lines)
    hi = min(room_lines, layout.name_lines - 1)
    if hi < lo:
        return 0
    return max(lo, min(hi, layout.name_lines // 2)) if forced else hi


def paginate(layouts: list[RowLayout], geo: Geometry, forced: set[int]) -> list[PagePlan]:
    """Fill pages with row bands; a row that does not fit is split if it can be, else moved."""
    style = geo.style
    pages = [PagePlan()]
    used = 0.0
    for lay in layouts:
        height = band_height(lay.n_lines, style)
        force = lay.index in forced and bool(pages[-1].segments)
        if used + height <= geo.capacity + 0.01 and not force:
            pages[-1].segments.append(Segment(lay, 0, lay.name_lines, True, lay.n_lines))
            used += height
            continue
        room_lines = int((geo.capacity - used - 2 * style.pad_y) // style.leading)
        cut = split_point(lay, room_lines, force) if pages[-1].segments else 0
        if cut:
            pages[-1].segments.append(Segment(lay, 0, cut, True, cut))
            pages.append(PagePlan())
            rest = lay.name_lines - cut
            pages[-1].segments.append(Segment(lay, cut, lay.name_lines, False, rest))
            used = band_height(rest, style)
            continue
        pages.append(PagePlan())
        pages[-1].segments.append(Segment(lay, 0, lay.name_lines, True, lay.n_lines))
        used = height
    return pages


MAX_FORCED_PUSH = 0.15  # share of a page's rows that a forced split may push to the next page


def split_rows(pages: list[PagePlan]) -> list[int]:
    return [seg.layout.index for page in pages for seg in page.segments if not seg.first]


def plan_pages(layouts: list[RowLayout], geo: Geometry, min_splits: int) -> list[PagePlan]:
    """Paginate naturally, then force splits until ``min_splits`` rows break across pages and
    one of them is an indicator row (values on the first part, the rest of its name on the
    next page), as far as the page breaks allow.

    A forced split ends a page early inside a multi-line row near the foot of a page whose break
    fell between rows, exactly what a row that "allows breaking across pages" looks like.
    """
    forced: set[int] = set()
    pages = paginate(layouts, geo, forced)
    for _ in range(len(layouts)):
        split = split_rows(pages)
        if len(split) >= min_splits and any(layouts[i].has_values for i in split):
            break
        candidate = forced_split_candidate(pages, geo)
        if candidate is None:
            break
        forced.add(candidate)
        pages = paginate(layouts, geo, forced)
    return pages


def forced_split_candidate(pages: list[PagePlan], geo: Geometry) -> int | None:
    """The row to split at the first page break that splits none: an indicator row if any.

    Only rows near the foot of the page qualify, so the page does not end with a blank area
    no real report would leave.
    """
    for page, following in itertools.pairwise(pages):
        if following.segments and not following.segments[0].first:
            continue  # this page break already splits a row
        splittable, below = [], 0.0
        for seg in reversed(page.segments[1:]):
            lay = seg.layout
            if below > MAX_FORCED_PUSH * geo.capacity:
                break
            if seg.first and seg.last and lay.name_lines >= 2 and lay.other_lines < lay.name_lines:
                splittable.append(lay)
            below += band_height(seg.n_lines, geo.style)
        if splittable:
            with_values = [lay for lay in splittable if lay.has_values]
            return (with_values or splittable)[0].index
    return None


# ----- call-out notes under the table -------------------------------------------------------------

def note_lines(note: Note) -> list[str]:
    return wrap_text(note.text, "Sans", NOTE_SIZE, NOTE_WIDTH - 8)


def note_box_height(note: Note) -> float:
    return len(note_lines(note)) * NOTE_LEADING + 6


def notes_height(groups: Sequence[NoteGroup]) -> float:
    total = 0.0
    for g in groups:
        total += (NOTE_LEADING + 3 if g.heading else 0) + 4
        total += sum(note_box_height(n) + NOTE_GAP for n in g.notes)
    return total



def place_notes(pages: list[PagePlan], notes: list[NoteGroup], geo: Geometry) -> None:
    """Call-outs go under the table on the last matrix page; groups that do not fit there go
    on a landscape page of their own after it."""
    last = pages[-1]
    used_bottom = geo.body_top + sum(band_height(s.n_lines, geo.style) for s in last.segments)
    last.notes_top = used_bottom + 14
    fitting = 0
    while fitting < len(notes) and (
            last.notes_top + notes_height(notes[:fitting + 1]) <= geo.body_bottom):
        fitting += 1
    last.notes = notes[:fitting]
    if fitting < len(notes):
        pages.append(PagePlan(notes=notes[fitting:], notes_top=geo.style.margin_top,
                              matrix=False))
