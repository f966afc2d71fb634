#!/usr/bin/env python3
"""Render realistic CEPLAN-format sample reports (PDF) from data, with their expected outputs.

Two samples:

* ``trata-2024`` — the real "Reporte de Cumplimiento 2024" of the Política Nacional frente a la
  Trata de Personas, rendered from the gold reference (``../shared/reference/trata-2024``) and
  the narrative of the text dump it was read from (``../shared/seed``).
* ``salud-2025`` — a fictitious policy generated from a fixed seed so that every printed figure
  agrees with the CEPLAN methodology (``../shared/notes/ceplan-methodology.md``).

Each sample is written as ``samples/<name>.pdf`` plus ``samples/<name>/expected/`` (``rows.csv``,
``summary.csv``, ``metadata.json``). ``--scanned`` writes degraded copies into
``samples/scanned/``: ``<name>-ocr.pdf`` (rasterised, tilted, noisy, OCR'd by ocrmypdf) and
``<name>-image.pdf`` (the same pages without a text layer, some upside down).

Tests build data with :func:`load_trata` / :func:`make_salud_data`, change figures, and call
:func:`render_report`, which returns the page of every row, so they know the expected output of
the PDF they made.

Usage::

    .venv/bin/python scripts/make_samples.py              # born-digital samples (seconds)
    .venv/bin/python scripts/make_samples.py --scanned    # degraded variants (minutes; ocrmypdf)
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "tests" / "data"
TRATA_DIR = GOLD / "reference" / "trata-2024"
SEED = GOLD / "seed" / "000_b64721556806a4d1.txt"
SAMPLES = REPO / "samples"

RGB = tuple[float, float, float]

# ---------------------------------------------------------------------------------------------
# Data handed to the renderer
# ---------------------------------------------------------------------------------------------

BlockKind = Literal[
    "title", "heading", "paragraph", "service", "bullet", "footnote", "rule", "label", "table"
]


@dataclass(slots=True)
class Block:
    """One piece of narrative: a paragraph-like text or a ruled table.

    Text may carry ``**bold**`` markers (as the seed dump does). A table is a grid of cell
    texts; ``spans`` are ``((col0, row0), (col1, row1))`` merges, ``header_rows`` are shaded
    and repeated when the table breaks across pages, ``widths`` are relative column widths, and
    the first ``left_columns`` columns are left-aligned (the others centred, like figures).
    """

    kind: BlockKind
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    header_rows: int = 0
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    left_columns: int = 1


@dataclass(slots=True)
class Note:
    """A call-out box printed near the matrix (e.g. "El servicio 27 … tiene un avance de 17%")."""

    text: str
    tag: str = ""  # small label printed beside the box, e.g. "S 27"


@dataclass(slots=True)
class NoteGroup:
    heading: str
    notes: list[Note]


@dataclass(slots=True)
class ReportData:
    """Everything printed in one report: matrix rows, page furniture and narrative.

    ``rows`` are dicts keyed by the contract's rows.csv column names (without ``page`` and
    ``repairs``); every value is the text exactly as printed.
    """

    name: str
    title: str
    sector: str
    conductor_ministry: str
    tipo: str
    years: list[int]
    progress_years: list[int]
    rows: list[dict[str, str]]
    summary: list[dict[str, str]]
    notes: list[NoteGroup] = field(default_factory=list)
    narrative: list[Block] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return row_columns(self.years, self.progress_years)


SUMMARY_COLUMNS = ["group", "low_0_75", "mid_75_95", "high_95", "nd", "total"]
SUMMARY_GROUPS = [
    "Objetivos prioritarios",
    "Indicadores de objetivos prioritarios",
    "Indicadores de servicios",
]
SUMMARY_LEVELS = {"OP": SUMMARY_GROUPS[0], "IOP": SUMMARY_GROUPS[1], "ISS": SUMMARY_GROUPS[2]}


def row_columns(years: Sequence[int], progress_years: Sequence[int]) -> list[str]:
    """The rows.csv columns of the policy-matrix family, without ``page`` and ``repairs``."""
    return [
        "code", "level", "parent", "service_no", "name", "responsible", "indicator_type",
        "direction", "aggregation", "baseline_year", "baseline_value",
        *(f"expected_{y}" for y in years),
        *(f"obtained_{y}" for y in years),
        *(f"progress_{y}" for y in progress_years),
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Numbers as printed
# ---------------------------------------------------------------------------------------------


def parse_number(text: str) -> float | None:
    """A printed cell as a number: '1,795' → 1795, '6.39%' → 6.39, 'ND' / '' → None.

    The samples print thousands with ',' and decimals with '.', so that is all this reads.
    """
    t = text.strip().rstrip("%").replace(",", "")
    try:
        return float(t)
    except ValueError:
        return None


def band(printed: str) -> str:
    """Summary column of a printed progress value: low / mid / high (ranges of the report) or nd."""
    value = parse_number(printed)
    if value is None:
        return "nd"
    if value < 75:
        return "low"
    return "mid" if value < 95 else "high"


def round_half_up(value: float, decimals: int = 0) -> Decimal:
    """Round the way people do (and Excel prints): 0.5 goes up, unlike Python's round()."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def fmt_fixed(value: float, decimals: int) -> str:
    return f"{round_half_up(value, decimals):.{decimals}f}"


def compute_summary(rows: Iterable[dict[str, str]], progress_col: str) -> list[dict[str, str]]:
    """The summary-counts table, counted from the printed progress of OP, IOP and ISS rows."""
    counts = {g: {"low": 0, "mid": 0, "high": 0, "nd": 0} for g in SUMMARY_GROUPS}
    for row in rows:
        group = SUMMARY_LEVELS.get(row["level"])
        if group:
            counts[group][band(row[progress_col])] += 1
    return [
        {
            "group": g,
            "low_0_75": str(c["low"]),
            "mid_75_95": str(c["mid"]),
            "high_95": str(c["high"]),
            "nd": str(c["nd"]),
            "total": str(sum(c.values())),
        }
        for g, c in counts.items()
    ]


# ---------------------------------------------------------------------------------------------
# Fonts
# ---------------------------------------------------------------------------------------------

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# DejaVu has every Spanish accent and "≥", and reportlab embeds it without ligatures, so the text
# layer reads back exactly as written (Helvetica has no "≥").
FONT_FILES = {
    "Sans": "DejaVuSans.ttf",
    "Sans-Bold": "DejaVuSans-Bold.ttf",
    "Sans-Oblique": "DejaVuSans-Oblique.ttf",
    "Sans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
    "Cond": "DejaVuSansCondensed.ttf",
    "Cond-Bold": "DejaVuSansCondensed-Bold.ttf",
}
_fonts_ready = False


def register_fonts() -> None:
    global _fonts_ready
    if _fonts_ready:
        return
    missing = [f for f in FONT_FILES.values() if not (FONT_DIR / f).exists()]
    if missing:
        sys.exit(f"fonts missing in {FONT_DIR}: {missing}; install them: apt-get install fonts-dejavu-core")
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    pdfmetrics.registerFontFamily(
        "Sans", normal="Sans", bold="Sans-Bold", italic="Sans-Oblique",
        boldItalic="Sans-BoldOblique",
    )  # fmt: skip
    _fonts_ready = True


def text_width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap into lines no wider than ``width``, as a spreadsheet cell wraps.

    A word longer than the cell is broken between characters (that is what Excel prints).
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if text_width(trial, font, size) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        while len(word) > 1 and text_width(word, font, size) > width:
            cut = longest_fitting_prefix(word, font, size, width)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def longest_fitting_prefix(word: str, font: str, size: float, width: float) -> int:
    """Characters of ``word`` that fit in ``width`` (at least one, so wrapping always advances)."""
    cut = 1
    while cut < len(word) and text_width(word[: cut + 1], font, size) <= width:
        cut += 1
    return cut


# ---------------------------------------------------------------------------------------------
# Matrix geometry
# ---------------------------------------------------------------------------------------------

RED: RGB = (0.98, 0.76, 0.76)
YELLOW: RGB = (1.0, 0.92, 0.58)
GREEN: RGB = (0.75, 0.91, 0.75)
GREY: RGB = (0.86, 0.86, 0.86)
OP_SHADE: RGB = (0.89, 0.92, 0.97)
HEADER_SHADE: RGB = (0.80, 0.85, 0.93)
NOTE_TAG: RGB = (0.80, 0.12, 0.12)

SEMAPHORE = {"low": RED, "mid": YELLOW, "high": GREEN, "nd": GREY}

SINGLE_LABELS = {
    "code": "Código",
    "name": "Objetivo prioritario / Lineamiento / Servicio / Indicador",
    "responsible": "Responsable de indicador",
    "indicator_type": "Tipo de indicador / Estándar de cumplimiento",
    "direction": "Sentido esperado",
    "aggregation": "Tipo de agregación",
}
# Widths (pt) of the fixed columns; each fits its widest usual word at 6 pt. The value columns
# are sized from the data (like Excel's autofit) and the name column takes what is left.
FIXED_WIDTHS = {
    "code": 49.0,
    "responsible": 54.0,
    "indicator_type": 46.0,
    "direction": 40.0,
    "aggregation": 43.0,
    "baseline_year": 21.0,
    "baseline_value": 27.0,
}
LEFT_ALIGNED = {"code", "name", "responsible"}


@dataclass(frozen=True, slots=True)
class MatrixStyle:
    page: tuple[float, float] = landscape(A4)
    margin_left: float = 14.0
    margin_right: float = 14.0
    margin_top: float = 18.0
    margin_bottom: float = 18.0
    font: str = "Cond"
    bold: str = "Cond-Bold"
    size: float = 6.0  # cell text
    leading: float = 7.1
    pad_x: float = 2.0
    pad_y: float = 1.6
    header_size: float = 5.8
    furniture_size: float = 7.5
    rule: float = 0.45
    # a gap wider than pdfplumber's default x_tolerance (3 pt) between texts of adjacent cells
    min_text_gap: float = 4.5


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


# ---------------------------------------------------------------------------------------------
# Rows → printed bands → pages
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Drawing the matrix pages
# ---------------------------------------------------------------------------------------------

SUMMARY_ROW_H = 10.0
SUMMARY_WIDTHS = [176.0, 44.0, 44.0, 44.0, 36.0, 36.0]
SUMMARY_HEADER = ["", "[0-75%>", "[75-95%>", "≥ 95%", "ND", "Total"]
SUMMARY_HEADER_FILLS: list[RGB | None] = [None, RED, YELLOW, GREEN, GREY, None]


class Painter:
    """Canvas drawing in pdfplumber coordinates (origin top-left), so layout maths read naturally."""

    def __init__(self, canvas: Canvas, page_height: float, rule: float) -> None:
        self.c = canvas
        self.h = page_height
        self.rule = rule

    def fill(self, x0: float, top: float, x1: float, bottom: float, color: RGB) -> None:
        self.c.setFillColorRGB(*color)
        self.c.rect(x0, self.h - bottom, x1 - x0, bottom - top, stroke=0, fill=1)
        self.c.setFillColorRGB(0, 0, 0)

    def hline(self, x0: float, x1: float, top: float) -> None:
        self.c.setLineWidth(self.rule)
        self.c.line(x0, self.h - top, x1, self.h - top)

    def vline(self, x: float, top: float, bottom: float) -> None:
        self.c.setLineWidth(self.rule)
        self.c.line(x, self.h - top, x, self.h - bottom)

    def box(self, x0: float, top: float, x1: float, bottom: float) -> None:
        self.hline(x0, x1, top)
        self.hline(x0, x1, bottom)
        self.vline(x0, top, bottom)
        self.vline(x1, top, bottom)

    def text(self, x: float, baseline: float, text: str, font: str, size: float,
             align: str = "left") -> None:
        self.c.setFont(font, size)
        y = self.h - baseline
        if align == "center":
            self.c.drawCentredString(x, y, text)
        elif align == "right":
            self.c.drawRightString(x, y, text)
        else:
            self.c.drawString(x, y, text)

    def lines_in_box(self, lines: Sequence[str], x0: float, x1: float, top: float,
                     bottom: float, font: str, size: float, leading: float, pad_x: float,
                     align: str) -> None:
        """Lines centred vertically in a box, left-aligned or centred horizontally."""
        block = len(lines) * leading
        first_top = top + (bottom - top - block) / 2
        for i, line in enumerate(lines):
            baseline = first_top + i * leading + (leading - size) / 2 + size * 0.8
            if align == "center":
                self.text((x0 + x1) / 2, baseline, line, font, size, "center")
            else:
                self.text(x0 + pad_x, baseline, line, font, size)


def draw_furniture(p: Painter, data: ReportData, geo: Geometry) -> None:
    """Header block (Sector / Ministerio conductor / Tipo) and the summary-counts table."""
    style = geo.style
    x = style.margin_left
    step = style.furniture_size + 3.5
    for i, (label, value) in enumerate((("Sector:", data.sector),
                                        ("Ministerio conductor:", data.conductor_ministry),
                                        ("Tipo:", data.tipo))):
        baseline = style.margin_top + i * step + style.furniture_size
        p.text(x, baseline, label, "Sans-Bold", style.furniture_size)
        p.text(x + 96, baseline, value, "Sans", style.furniture_size)
    rows = [SUMMARY_HEADER] + [[s["group"], s["low_0_75"], s["mid_75_95"], s["high_95"],
                                s["nd"], s["total"]] for s in data.summary]
    top = geo.summary_top
    for r, cells in enumerate(rows):
        cx = x
        for c, (text, width) in enumerate(zip(cells, SUMMARY_WIDTHS, strict=True)):
            color = SUMMARY_HEADER_FILLS[c] if r == 0 else None
            if r == 0 and c > 0 and color is None:
                color = HEADER_SHADE
            if color and not (r == 0 and c == 0):
                p.fill(cx, top, cx + width, top + SUMMARY_ROW_H, color)
            if not (r == 0 and c == 0):
                p.box(cx, top, cx + width, top + SUMMARY_ROW_H)
            font = "Cond-Bold" if r == 0 else "Cond"
            p.lines_in_box([text] if text else [], cx, cx + width, top, top + SUMMARY_ROW_H,
                           font, 6.5, 7.5, 3.0, "left" if c == 0 else "center")
            cx += width
        top += SUMMARY_ROW_H


def draw_column_header(p: Painter, geo: Geometry) -> None:
    style = geo.style
    top = geo.header_top
    rows_top = [top, top + geo.group_row_h]
    rows_bottom = [top + geo.group_row_h, geo.body_top]
    p.fill(geo.table_x0, top, geo.table_x1, geo.body_top, HEADER_SHADE)
    for cell in geo.header:
        t, b = rows_top[cell.row0], rows_bottom[cell.row1]
        p.lines_in_box(header_label_lines(cell, style), cell.x0, cell.x1, t, b, style.bold,
                       style.header_size, style.header_size * 1.2, style.pad_x, "center")
        p.box(cell.x0, t, cell.x1, b)


def segment_cells(seg: Segment) -> dict[str, list[str]]:
    """Cell lines printed in this part of the row: the code and values only on the first part."""
    cells = {"name": seg.layout.cells.get("name", [])[seg.start:seg.stop]}
    if seg.first:
        cells.update({k: v for k, v in seg.layout.cells.items() if k != "name"})
    return cells


def draw_segment(p: Painter, seg: Segment, top: float, geo: Geometry) -> float:
    style = geo.style
    row = seg.layout.row
    bottom = top + band_height(seg.n_lines, style)
    progress_keys = {c.key for c in geo.columns if c.key.startswith("progress_")}
    if row["level"] == "OP":
        # the Avance cells keep only their semaphore fill, so a cell has exactly one colour
        shade_x1 = min(c.x0 for c in geo.columns if c.key in progress_keys)
        p.fill(geo.table_x0, top, shade_x1, bottom, OP_SHADE)
    cells = segment_cells(seg)
    for col in geo.columns:
        lines = cells.get(col.key, [])
        if col.key in progress_keys and lines:
            p.fill(col.x0, top, col.x1, bottom, SEMAPHORE[band(" ".join(lines))])
        font = name_font(row, style) if col.key == "name" else style.font
        align = "left" if col.key in LEFT_ALIGNED else "center"
        p.lines_in_box(lines, col.x0, col.x1, top, bottom, font, style.size, style.leading,
                       style.pad_x, align)
    p.hline(geo.table_x0, geo.table_x1, bottom)
    return bottom


def draw_matrix_page(p: Painter, page: PagePlan, data: ReportData, geo: Geometry) -> None:
    draw_furniture(p, data, geo)
    draw_column_header(p, geo)
    top = geo.body_top
    for seg in page.segments:
        top = draw_segment(p, seg, top, geo)
    for col in geo.columns:
        p.vline(col.x0, geo.body_top, top)
    p.vline(geo.table_x1, geo.body_top, top)
    if page.notes:
        draw_notes(p, page.notes, page.notes_top, geo.style)


# ----- call-out notes ---------------------------------------------------------------------------

NOTE_SIZE = 7.0
NOTE_LEADING = 8.6
NOTE_WIDTH = 470.0
NOTE_TAG_W = 30.0
NOTE_GAP = 5.0


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


def draw_notes(p: Painter, groups: Sequence[NoteGroup], top: float, style: MatrixStyle) -> None:
    """Boxed call-outs, as report authors paste them beside the matrix."""
    x_box = style.margin_left + NOTE_TAG_W + 8
    for group in groups:
        top += 4
        if group.heading:
            p.text(x_box, top + NOTE_SIZE, group.heading, "Sans-Bold", NOTE_SIZE + 0.5)
            top += NOTE_LEADING + 3
        for note in group.notes:
            h = note_box_height(note)
            p.box(x_box, top, x_box + NOTE_WIDTH, top + h)
            p.lines_in_box(note_lines(note), x_box, x_box + NOTE_WIDTH, top, top + h, "Sans",
                           NOTE_SIZE, NOTE_LEADING, 4, "left")
            if note.tag:
                tag_x = style.margin_left
                p.fill(tag_x, top + 1, tag_x + NOTE_TAG_W, top + 12, NOTE_TAG)
                p.c.setFillColorRGB(1, 1, 1)
                p.text(tag_x + NOTE_TAG_W / 2, top + 9, note.tag, "Sans-Bold", 7, "center")
                p.c.setFillColorRGB(0, 0, 0)
            top += h + NOTE_GAP


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


# ---------------------------------------------------------------------------------------------
# Narrative flowables
# ---------------------------------------------------------------------------------------------

NARRATIVE_PAGE = A4
NARRATIVE_MARGINS = (62.0, 62.0, 56.0, 56.0)  # left, right, top, bottom


def paragraph_styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName="Sans", fontSize=9, leading=12.4, alignment=TA_JUSTIFY,
                          spaceAfter=6)
    return {
        "paragraph": body,
        "title": ParagraphStyle("title", parent=body, fontName="Sans-Bold", fontSize=12,
                                leading=15, alignment=TA_CENTER, spaceAfter=12),
        "heading": ParagraphStyle("heading", parent=body, fontName="Sans-Bold", fontSize=9.5,
                                  leading=13, alignment=TA_LEFT, spaceBefore=6, spaceAfter=6),
        "service": ParagraphStyle("service", parent=body, fontName="Sans-Bold"),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=22, firstLineIndent=-12,
                                 spaceAfter=4),
        "footnote": ParagraphStyle("footnote", parent=body, fontSize=7, leading=9,
                                   spaceAfter=4),
        "label": ParagraphStyle("label", parent=body, fontName="Sans-Bold", fontSize=8,
                                leading=10, alignment=TA_LEFT),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=9.6, alignment=TA_LEFT,
                               spaceAfter=0),
        "cell_center": ParagraphStyle("cell_center", parent=body, fontSize=8, leading=9.6,
                                      alignment=TA_CENTER, spaceAfter=0),
        "cell_head": ParagraphStyle("cell_head", parent=body, fontName="Sans-Bold", fontSize=8,
                                    leading=9.6, alignment=TA_CENTER, spaceAfter=0),
    }


def markup(text: str) -> str:
    """Plain text (with the dump's ``**bold**`` markers) → reportlab paragraph markup."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escape(text))


class Rule(Flowable):
    """The short line above a footnote."""

    def __init__(self, width: float = 120.0) -> None:
        super().__init__()
        self.width, self.height = width, 6.0

    def draw(self) -> None:
        self.canv.setLineWidth(0.5)
        self.canv.line(0, 3, self.width, 3)


def table_flowable(block: Block, styles: dict[str, ParagraphStyle], width: float) -> Table:
    n_cols = max(len(r) for r in block.rows)
    rel = block.widths or [1.0] * n_cols
    col_widths = [width * w / sum(rel) for w in rel]
    data = []
    for r, row in enumerate(block.rows):
        cells = []
        for c in range(n_cols):
            text = row[c] if c < len(row) else ""
            style = styles["cell_head"] if r < block.header_rows else (
                styles["cell"] if c < block.left_columns or len(text) > 40
                else styles["cell_center"])
            cells.append(Paragraph(markup(text), style) if text else "")
        data.append(cells)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if block.header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, block.header_rows - 1), HEADER_SHADE))
    commands.extend(("SPAN", a, b) for a, b in block.spans)
    table = Table(data, colWidths=col_widths, repeatRows=block.header_rows, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def narrative_flowables(blocks: Sequence[Block], width: float) -> list[Flowable]:
    styles = paragraph_styles()
    story: list[Flowable] = []
    for block in blocks:
        if block.kind == "table":
            story += [Spacer(1, 4), table_flowable(block, styles, width), Spacer(1, 8)]
        elif block.kind == "rule":
            story.append(Rule())
        elif block.kind == "bullet":
            story.append(Paragraph(markup(block.text), styles["bullet"]))
        else:
            story.append(Paragraph(markup(block.text), styles[block.kind]))
    return story


# ---------------------------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------------------------


class PageFlowable(Flowable):
    """A whole pre-laid-out matrix page, drawn in page coordinates."""

    def __init__(self, draw: Callable[[Canvas], None], page_height: float) -> None:
        super().__init__()
        self._draw = draw
        self._page_height = page_height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # Always the full page: it only fits an empty frame, so each one gets its own page.
        return avail_width, self._page_height

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        self._draw(canvas)


@dataclass(slots=True)
class RenderResult:
    path: Path
    pages: int
    matrix_pages: int
    row_pages: list[int]  # 1-based page where each row's code (or name, for INDEX) is printed
    splits: list[tuple[str, int, int]]  # (code, first page, continuation page)
    seconds: float


def render_report(data: ReportData, path: Path | str, *, style: MatrixStyle | None = None,
                  min_splits: int = 3) -> RenderResult:
    """Render ``data`` as a CEPLAN-style report: matrix pages, call-outs, then the narrative."""
    started = time.perf_counter()
    register_fonts()
    style = style or MatrixStyle()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    geo = build_geometry(data, style)
    layouts = [layout_row(i, row, geo) for i, row in enumerate(data.rows)]
    pages = plan_pages(layouts, geo, min_splits)
    place_notes(pages, data.notes, geo)

    def page_drawer(page: PagePlan) -> Callable[[Canvas], None]:
        def draw(canvas: Canvas) -> None:
            painter = Painter(canvas, style.page[1], style.rule)
            if page.matrix:
                draw_matrix_page(painter, page, data, geo)
            else:
                draw_notes(painter, page.notes, page.notes_top, style)
        return draw

    doc = BaseDocTemplate(str(path), pagesize=style.page, title=data.title,
                          author="ceplan-extractor sample generator", invariant=True)
    nl, nr, nt, nb = NARRATIVE_MARGINS
    nw, nh = NARRATIVE_PAGE
    doc.addPageTemplates([
        PageTemplate("matrix", [Frame(0, 0, *style.page, 0, 0, 0, 0)], pagesize=style.page),
        PageTemplate("narrative", [Frame(nl, nb, nw - nl - nr, nh - nt - nb, 0, 0, 0, 0)],
                     pagesize=NARRATIVE_PAGE),
    ])
    story: list[Flowable] = [PageFlowable(page_drawer(p), style.page[1]) for p in pages]
    if data.narrative:
        story.append(NextPageTemplate("narrative"))
        story += narrative_flowables(data.narrative, nw - nl - nr)
    doc.build(story)

    row_pages = [0] * len(data.rows)
    splits: list[tuple[str, int, int]] = []
    for number, page in enumerate(pages, start=1):
        for seg in page.segments:
            if seg.first:
                row_pages[seg.layout.index] = number
            else:
                splits.append((seg.layout.row["code"], number - 1, number))
    return RenderResult(path, doc.page, sum(p.matrix for p in pages), row_pages, splits,
                        time.perf_counter() - started)


# ---------------------------------------------------------------------------------------------
# Expected outputs
# ---------------------------------------------------------------------------------------------


def expected_rows(data: ReportData, result: RenderResult) -> list[dict[str, str]]:
    return [{**{c: row.get(c, "") for c in data.columns}, "page": str(page), "repairs": ""}
            for row, page in zip(data.rows, result.row_pages, strict=True)]


def expected_metadata(data: ReportData, result: RenderResult) -> dict[str, Any]:
    return {
        "title": data.title,
        "sector": data.sector,
        "conductor_ministry": data.conductor_ministry,
        "tipo": data.tipo,
        "years": data.years,
        "progress_years": data.progress_years,
        "matrix_pages": result.matrix_pages,
    }


def write_csv(path: Path, columns: Sequence[str], records: Iterable[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def write_expected(data: ReportData, result: RenderResult, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "rows.csv", [*data.columns, "page", "repairs"], expected_rows(data, result))
    write_csv(folder / "summary.csv", SUMMARY_COLUMNS, data.summary)
    text = json.dumps(expected_metadata(data, result), ensure_ascii=False, indent=2)
    (folder / "metadata.json").write_text(text + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# trata-2024: the real report, from the gold reference and the seed dump
# ---------------------------------------------------------------------------------------------

# Damaged call-out headings of the dump (their first letters were lost), as we print them.
# The words are inferred from what survived and from the notes under them.
NOTE_HEADINGS = {
    "tarios en rojo:": "Objetivos prioritarios en rojo:",
    "Dijetivos Prioritarios en rojo": "Indicadores de Objetivos Prioritarios en rojo:",
}
OP_LABEL = re.compile(r"^OP\.\d{2}\.$")
SERVICE_HEADING = re.compile(r"^(?:S\.\s?\d{2}\.|\\?\$\.\d{2}\.)\s")
ROMAN_HEADING = re.compile(r"^(?:I|II|III|IV|V)\.\s")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_trata(reference: Path = TRATA_DIR, seed: Path = SEED) -> ReportData:
    """The trata-2024 report: gold matrix cells, printed summary, and the dump's narrative."""
    rows = read_csv(reference / "matrix.csv")
    meta = json.loads((reference / "metadata.json").read_text(encoding="utf-8"))
    columns = list(rows[0].keys())
    years = [int(c.split("_")[1]) for c in columns if c.startswith("expected_")]
    progress_years = [int(c.split("_")[1]) for c in columns if c.startswith("progress_")]
    lines = seed.read_text(encoding="utf-8").splitlines()
    notes, narrative = parse_seed(lines)
    return ReportData(
        name="trata-2024",
        title=meta["title"],
        sector=meta["sector"],
        conductor_ministry=meta["conductor_ministry"],
        tipo=meta["tipo"],
        years=years,
        progress_years=progress_years,
        rows=rows,
        summary=read_csv(reference / "summary.csv"),
        notes=notes,
        narrative=narrative,
    )


def parse_seed(lines: list[str]) -> tuple[list[NoteGroup], list[Block]]:
    """Split the dump after the matrix into call-out notes and narrative blocks."""
    index_at = next(i for i, line in enumerate(lines) if "Indice de gestión" in line)
    title_at = next(i for i in range(index_at + 1, len(lines))
                    if lines[i].startswith("Reporte de Cumplimiento de la Política Nacional"))
    tags = {m.group(1) for line in lines[:index_at] if (m := re.match(r"^S (\d+)$", line.strip()))}
    matrix_notes = [Note(line.strip(), tag_for(line, tags)) for line in lines[:index_at]
                    if line.startswith("El servicio ")]
    groups = [NoteGroup("", matrix_notes)] if matrix_notes else []
    groups += parse_note_groups(lines[index_at + 1:title_at])
    return groups, parse_narrative(lines[title_at:])


def tag_for(line: str, tags: set[str]) -> str:
    m = re.match(r"El servicio (\d+)", line)
    return f"S {m.group(1)}" if m and m.group(1) in tags else ""


def parse_note_groups(lines: list[str]) -> list[NoteGroup]:
    groups: list[NoteGroup] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if line in NOTE_HEADINGS:
            groups.append(NoteGroup(NOTE_HEADINGS[line], []))
            continue
        starts_services = line.startswith("El servicio ") and not (
            groups and groups[-1].notes and groups[-1].notes[-1].text.startswith("El servicio"))
        if not groups or starts_services:
            groups.append(NoteGroup("", []))
        groups[-1].notes.append(Note(line))
    return groups


def parse_narrative(lines: list[str]) -> list[Block]:
    """The dump's narrative as blocks: tab-separated runs are tables, other lines paragraphs."""
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        if "\t" in lines[i]:
            j = i
            while j < len(lines) and "\t" in lines[j]:
                j += 1
            blocks.append(seed_table(lines[i:j]))
            i = j
            continue
        blocks.append(text_block(lines[i], first=not blocks))
        i += 1
    attach_op_labels(blocks)
    return blocks


def text_block(line: str, first: bool = False) -> Block:
    text = line.strip()
    if first:
        return Block("title", text)
    if text.startswith("- "):
        body = text[2:]
        return Block("bullet", body if re.match(r"^(✓|\d+\.)\s", body) else f"• {body}")
    if text[0] in "¹²³⁴⁵":
        return Block("footnote", text)
    if text == "_":
        return Block("rule")
    if OP_LABEL.match(text):
        return Block("label", text)
    if SERVICE_HEADING.match(text):
        # "\$.06." is the dump's markdown-escaped OCR misreading of "S.06."; the claims file
        # attributes that paragraph to S.06, so the born-digital page prints what was meant.
        return Block("service", re.sub(r"^\\?\$", "S", text))
    if is_heading(text):
        return Block("heading", text)
    return Block("paragraph", text)


def is_heading(text: str) -> bool:
    if ROMAN_HEADING.match(text):
        return True
    if len(text) > 110 or not text[0].isupper() or text.endswith((".", ",", ";")):
        return False
    return not text.endswith(":") or len(text) < 40


def seed_cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")]


def trim_columns(rows: list[list[str]]) -> list[list[str]]:
    """Drop trailing columns that are empty in every row (the dump pads with tabs)."""
    width = max((max((i + 1 for i, c in enumerate(r) if c), default=0) for r in rows), default=0)
    return [(r + [""] * width)[:width] for r in rows]


def seed_table(lines: list[str]) -> Block:
    first = seed_cells(lines[0])
    if first[0].startswith("N°"):
        years = seed_cells(lines[1])
        body = [seed_cells(line)[:8] for line in lines[2:]]
        return op_table(years[1:4], years[7:8], body)
    if first[0].startswith("Reporte de cumplimiento de políticas"):
        return seed_form_table(lines)
    rows = trim_columns([seed_cells(line) for line in lines])
    n = len(rows[0])
    return Block("table", rows=rows, header_rows=1, widths=[2.6] + [1.0] * (n - 1))


def op_table(years: Sequence[str], progress_years: Sequence[str],
             body: list[list[str]]) -> Block:
    """The small per-objective table: N° | Logros esperados | Valores obtenidos | Avance."""
    n = 1 + 2 * len(years) + len(progress_years)
    head = ["N°", "Logros esperados", *[""] * (len(years) - 1), "Valores obtenidos",
            *[""] * (len(years) - 1), "Avance Tipo 1 (%)", *[""] * (len(progress_years) - 1)]
    sub = ["", *years, *years, *progress_years]
    k = len(years)
    spans = [((0, 0), (0, 1)), ((1, 0), (k, 0)), ((k + 1, 0), (2 * k, 0)),
             ((2 * k + 1, 0), (n - 1, 0))]
    rows = [head, sub] + [(r + [""] * n)[:n] for r in body]
    return Block("table", rows=rows, header_rows=2, spans=spans,
                 widths=[1.1] + [1.0] * (2 * k) + [1.4] * len(progress_years))


def seed_form_table(lines: list[str]) -> Block:
    """The "Reporte de cumplimiento de políticas nacionales" box: label | value rows.

    The dump repeats the start of some values in a cell of their own ("Mini" | "Ministerio
    del Interior"), a text-extraction artefact that is dropped. A line with an empty label
    continues the value above it (a second paragraph in the same cell).
    """
    title = seed_cells(lines[0])[0]
    pairs: list[tuple[str, list[str]]] = []
    levels: list[str] = []
    for line in lines[1:]:
        cells = seed_cells(line)
        label, rest = cells[0], cells[1:]
        if not label and rest and not rest[0]:
            levels = trim_columns([rest[1:]])[0]  # the Inicial / Intermedio / Avanzado boxes
            continue
        values = [c for i, c in enumerate(rest) if c and not is_prefix_artifact(c, rest[i + 1:])]
        if not label and pairs:
            pairs[-1][1].extend(values)
        else:
            pairs.append((label, values))
    return form_table(title, pairs, levels)


def is_prefix_artifact(cell: str, following: Sequence[str]) -> bool:
    nxt = next((c for c in following if c), "")
    return bool(nxt) and nxt != cell and nxt.startswith(cell)


def form_table(title: str, pairs: Sequence[tuple[str, list[str]]], levels: Sequence[str]) -> Block:
    """Title row, label | value rows, and the implementation-level boxes after the 4th row."""
    n_level = max(len(levels), 1)
    n = 1 + n_level
    rows: list[list[str]] = [[title] + [""] * n_level]
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = [((0, 0), (n - 1, 0))]
    for label, values in pairs:
        if levels and label.startswith("Resumen"):
            rows.append(["", *levels, *[""] * (n_level - len(levels))])
        for k, value in enumerate(values or [""]):
            rows.append([label if k == 0 else "", value] + [""] * (n_level - 1))
            spans.append(((1, len(rows) - 1), (n - 1, len(rows) - 1)))
        if len(values) > 1:
            spans.append(((0, len(rows) - len(values)), (0, len(rows) - 1)))
    return Block("table", rows=rows, header_rows=1, spans=spans, widths=[1.5] + [0.6] * n_level,
                 left_columns=2)


def attach_op_labels(blocks: list[Block]) -> None:
    """Put the floating "OP.0N." label of each per-objective table into its objective row.

    In the dump the label sits just before or just after the table (it is the N° cell of the
    row that carries the objective's progress); the nearest free label within three blocks wins.
    """
    for i, block in enumerate(blocks):
        if block.kind != "table" or block.rows[0][0] != "N°":
            continue
        op_row = next((r for r in block.rows[2:] if not r[0]), None)
        if op_row is None:
            continue
        candidates = [j for j in range(max(0, i - 3), min(len(blocks), i + 4))
                      if blocks[j].kind == "label"]
        if candidates:
            j = min(candidates, key=lambda j: (abs(j - i), j > i))
            op_row[0] = blocks[j].text
            blocks[j].kind = "paragraph"
            blocks[j].text = ""
    blocks[:] = [b for b in blocks if b.kind == "table" or b.text or b.kind == "rule"]


# ---------------------------------------------------------------------------------------------
# salud-2025: a fictitious policy, consistent by construction
# ---------------------------------------------------------------------------------------------

Kind = Literal["pct", "count", "rate"]
# Outcome of the progress year: H high (97-125%), X far above target (130-240%), M intermediate,
# L low, E exactly on target, N not reported (ND).
Outcome = Literal["H", "X", "M", "L", "E", "N"]


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    name: str
    responsible: str
    indicator_type: str
    kind: Kind
    direction: str
    aggregation: str
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    name: str
    indicators: tuple[IndicatorSpec, ...]


@dataclass(frozen=True, slots=True)
class GuidelineSpec:
    name: str
    services: tuple[ServiceSpec, ...]


@dataclass(frozen=True, slots=True)
class ObjectiveSpec:
    name: str
    indicators: tuple[IndicatorSpec, ...]
    guidelines: tuple[GuidelineSpec, ...]


def ind(name: str, responsible: str, indicator_type: str, kind: Kind, outcome: Outcome,
        direction: str = "ascendente", aggregation: str = "no acumulado") -> IndicatorSpec:
    return IndicatorSpec(name, responsible, indicator_type, kind, direction, aggregation, outcome)


def svc(name: str, *indicators: IndicatorSpec) -> ServiceSpec:
    return ServiceSpec(name, indicators)


DESC, ACUM = "descendente", "acumulado"

SALUD_POLICY: tuple[ObjectiveSpec, ...] = (
    ObjectiveSpec(
        "Mejorar el acceso de la población rural a servicios de salud del primer nivel de "
        "atención con pertinencia cultural",
        (
            ind("Porcentaje de la población rural que accede a un establecimiento de salud del "
                "primer nivel de atención en menos de dos horas", "MINSA", "", "pct", "M"),
            ind("Razón de mortalidad materna en el área rural (por 100,000 nacidos vivos)",
                "MINSA", "", "rate", "L", DESC),
        ),
        (
            GuidelineSpec(
                "Ampliar la oferta de servicios de salud itinerantes y de telesalud en "
                "comunidades rurales dispersas",
                (
                    svc("Servicio de atención itinerante de salud en comunidades rurales "
                        "dispersas y de frontera",
                        ind("Número de atenciones brindadas por equipos itinerantes en "
                            "comunidades rurales dispersas", "MINSA", "Cobertura", "count", "H")),
                    svc("Servicio de telemedicina (teleconsulta e interconsulta) para "
                        "establecimientos de salud del primer nivel de atención del ámbito rural",
                        ind("Número de teleconsultas realizadas en establecimientos de salud "
                            "rurales", "MINSA", "Cobertura", "count", "X", aggregation=ACUM),
                        ind("Porcentaje de establecimientos de salud rurales con conectividad "
                            "para telesalud", "MTC", "Cobertura", "pct", "M")),
                    svc("Servicio de traslado de emergencia de pacientes desde comunidades "
                        "rurales hacia establecimientos de mayor capacidad resolutiva",
                        ind("Tiempo promedio de traslado de emergencias desde comunidades "
                            "rurales (minutos)", "Gobiernos Regionales", "Oportunidad", "rate",
                            "H", DESC)),
                ),
            ),
            GuidelineSpec(
                "Adecuar culturalmente la prestación de los servicios de salud en zonas rurales "
                "y amazónicas",
                (
                    svc("Servicio de atención del parto vertical con adecuación intercultural en "
                        "establecimientos de salud rurales",
                        ind("Porcentaje de partos institucionales en gestantes del área rural",
                            "MINSA", "Cobertura", "pct", "H")),
                    svc("Servicio de interpretación en lenguas indígenas u originarias en "
                        "establecimientos de salud",
                        ind("Número de intérpretes y traductores en lenguas indígenas u "
                            "originarias que prestan servicios en establecimientos de salud",
                            "Ministerio de Cultura", "Calidad", "count", "L", aggregation=ACUM)),
                    svc("Servicio de casas maternas (hogares de espera) para gestantes de "
                        "comunidades alejadas",
                        ind("Porcentaje de gestantes de comunidades alejadas alojadas en casas "
                            "maternas respecto a las programadas", "Gobiernos Regionales",
                            "Cobertura", "pct", "X")),
                ),
            ),
            GuidelineSpec(
                "Garantizar el financiamiento de las prestaciones de salud de la población "
                "rural afiliada al Seguro Integral de Salud",
                (
                    svc("Servicio de afiliación al Seguro Integral de Salud para población rural "
                        "en situación de pobreza",
                        ind("Porcentaje de población rural en situación de pobreza afiliada al "
                            "SIS", "SIS", "Cobertura", "pct", "E")),
                    svc("Servicio de reembolso oportuno de prestaciones a establecimientos de "
                        "salud rurales",
                        ind("Porcentaje de prestaciones reembolsadas dentro del plazo "
                            "establecido", "SIS", "Oportunidad", "pct", "N")),
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "Reducir la anemia y la desnutrición crónica infantil en el ámbito rural",
        (
            ind("Prevalencia de anemia en niñas y niños de 6 a 35 meses del área rural", "INEI",
                "", "pct", "H", DESC),
            ind("Prevalencia de desnutrición crónica en niñas y niños menores de 5 años del área "
                "rural", "INEI", "", "pct", "X", DESC),
            ind("Número acumulado de comunidades rurales certificadas como comunidades "
                "saludables", "MINSA", "", "count", "M", aggregation=ACUM),
        ),
        (
            GuidelineSpec(
                "Fortalecer la suplementación con hierro y el control de crecimiento y "
                "desarrollo en menores de 36 meses",
                (
                    svc("Servicio de suplementación preventiva con hierro a niñas y niños de 4 "
                        "a 35 meses del área rural",
                        ind("Porcentaje de niñas y niños de 4 a 11 meses del área rural que "
                            "inician suplementación con hierro", "MINSA", "Cobertura", "pct",
                            "H")),
                    svc("Servicio de control de crecimiento y desarrollo (CRED) completo para "
                        "menores de 36 meses",
                        ind("Porcentaje de niñas y niños menores de 12 meses del área rural con "
                            "controles CRED completos para su edad", "MINSA", "Cobertura", "pct",
                            "M"),
                        ind("Porcentaje de niñas y niños de 6 a 35 meses con dosaje de "
                            "hemoglobina", "MINSA", "Cobertura", "pct", "H")),
                    svc("Servicio de visitas domiciliarias por actores sociales a familias con "
                        "niñas y niños menores de 12 meses",
                        ind("Número de familias rurales visitadas por actores sociales",
                            "Gobiernos Locales", "Cobertura", "count", "X")),
                ),
            ),
            GuidelineSpec(
                "Mejorar el acceso al agua segura y al saneamiento en hogares rurales",
                (
                    svc("Servicio de vigilancia de la calidad del agua para consumo humano en "
                        "centros poblados rurales",
                        ind("Porcentaje de centros poblados rurales con vigilancia de la calidad "
                            "del agua", "DIGESA", "Calidad", "pct", "L")),
                    svc("Servicio de cloración de sistemas de agua en centros poblados rurales",
                        ind("Porcentaje de sistemas de agua rurales con cloro residual adecuado",
                            "MVCS", "Calidad", "pct", "H")),
                ),
            ),
            GuidelineSpec(
                "Promover prácticas saludables de alimentación e higiene en las familias "
                "rurales",
                (
                    svc("Servicio de sesiones demostrativas de preparación de alimentos ricos en "
                        "hierro",
                        ind("Número de sesiones demostrativas realizadas en comunidades rurales",
                            "MIDIS", "Cobertura", "count", "H")),
                    svc("Servicio de alimentación escolar con productos locales en instituciones "
                        "educativas rurales",
                        ind("Porcentaje de instituciones educativas rurales atendidas con "
                            "productos locales", "MIDIS", "Cobertura", "pct", "X")),
                    svc("Servicio de acompañamiento a familias rurales para la adopción de "
                        "prácticas saludables de higiene y alimentación",
                        ind("Tasa de abandono del acompañamiento familiar", "MIDIS", "Calidad",
                            "pct", "M", DESC)),
                ),
            ),
        ),
    ),
    ObjectiveSpec(
        "Fortalecer la disponibilidad y las competencias del personal de salud en zonas rurales "
        "y dispersas",
        (
            ind("Densidad de recursos humanos en salud por 10,000 habitantes en distritos "
                "rurales", "MINSA", "", "rate", "X"),
            ind("Porcentaje de plazas de personal de salud cubiertas en establecimientos rurales "
                "priorizados", "MINSA", "", "pct", "L"),
        ),
        (
            GuidelineSpec(
                "Incrementar la dotación de personal de salud en establecimientos rurales "
                "priorizados",
                (
                    svc("Servicio de asignación de plazas SERUMS remuneradas en establecimientos "
                        "de salud rurales",
                        ind("Número de plazas SERUMS remuneradas asignadas a establecimientos de "
                            "los quintiles 1 y 2 de pobreza", "MINSA", "Cobertura", "count",
                            "H")),
                    svc("Servicio de incentivos económicos al personal de salud que labora en "
                        "zonas alejadas y de frontera",
                        ind("Porcentaje de personal de salud de zonas alejadas que recibe el "
                            "incentivo económico", "MINSA", "Cobertura", "pct", "H"),
                        ind("Tasa de rotación anual del personal de salud en zonas alejadas",
                            "Gobiernos Regionales", "Calidad", "pct", "L", DESC)),
                ),
            ),
            GuidelineSpec(
                "Desarrollar las competencias del personal de salud en atención primaria con "
                "enfoque intercultural",
                (
                    svc("Servicio de capacitación en salud intercultural para el personal de "
                        "salud del primer nivel de atención",
                        ind("Número de trabajadores de salud capacitados en salud "
                            "intercultural", "MINSA", "Cobertura", "count", "H",
                            aggregation=ACUM)),
                    svc("Servicio de formación de agentes comunitarios de salud en comunidades "
                        "rurales",
                        ind("Número de agentes comunitarios de salud formados y acreditados",
                            "Gobiernos Regionales", "Cobertura", "count", "N")),
                    svc("Servicio de residentado médico en medicina familiar y comunitaria con "
                        "sede docente en regiones",
                        ind("Número de médicos residentes en medicina familiar y comunitaria "
                            "con sede docente en regiones", "MINSA", "Cobertura", "count", "X")),
                ),
            ),
            GuidelineSpec(
                "Mejorar las condiciones de habitabilidad del personal de salud en zonas "
                "alejadas",
                (),
            ),
        ),
    ),
    ObjectiveSpec(
        "Mejorar la gobernanza y la articulación intergubernamental e intersectorial de la "
        "salud rural",
        (
            ind("Porcentaje de gobiernos regionales que implementan su plan regional de salud "
                "rural", "MINSA", "", "pct", "H"),
        ),
        (
            GuidelineSpec(
                "Fortalecer los espacios de articulación territorial en salud rural",
                (
                    svc("Servicio de asistencia técnica a gobiernos regionales y locales para "
                        "la implementación de planes de salud rural",
                        ind("Porcentaje de gobiernos regionales con asistencia técnica para la "
                            "implementación del plan de salud rural", "MINSA", "Calidad", "pct",
                            "H")),
                    svc("Servicio de vigilancia comunitaria en salud a cargo de comités "
                        "comunales",
                        ind("Número de comités comunales de vigilancia en salud activos",
                            "Gobiernos Locales", "Cobertura", "count", "L")),
                ),
            ),
            GuidelineSpec(
                "Mejorar los sistemas de información en salud del primer nivel de atención "
                "rural",
                (
                    svc("Servicio de implementación de la historia clínica electrónica en "
                        "establecimientos de salud rurales",
                        ind("Porcentaje de establecimientos de salud rurales que registran "
                            "atenciones en la historia clínica electrónica", "MINSA",
                            "Cobertura", "pct", "M"),
                        ind("Número de establecimientos de salud rurales con equipamiento "
                            "informático renovado", "Gobiernos Regionales", "Cobertura", "count",
                            "X")),
                    svc("Servicio de notificación oportuna a la vigilancia epidemiológica desde "
                        "establecimientos de salud rurales",
                        ind("Porcentaje de establecimientos de salud rurales que notifican "
                            "oportunamente a la vigilancia epidemiológica", "CDC-MINSA",
                            "Oportunidad", "pct", "H")),
                    svc("Servicio de seguimiento y monitoreo de la Política Nacional "
                        "Multisectorial de Salud Rural",
                        ind("Número de reportes de seguimiento publicados", "MINSA", "Calidad",
                            "count", "E")),
                ),
            ),
        ),
    ),
)

SALUD_YEARS = [2021, 2022, 2023, 2024, 2025]
SALUD_PROGRESS_YEAR = 2025
SALUD_SEED = 20250601
OUTCOME_FACTORS: dict[str, tuple[float, float]] = {
    "H": (0.97, 1.25), "X": (1.32, 2.4), "M": (0.78, 0.93), "L": (0.25, 0.70),
    "E": (1.0, 1.0), "N": (1.0, 1.0),
}  # fmt: skip


def fmt_value(value: float, kind: Kind, decimals: int) -> str:
    """A value as these reports print it: '45.2%', '12,430', '68.4'."""
    if kind == "count":
        return f"{round(value):,}"
    text = fmt_fixed(value, decimals)
    return f"{text}%" if kind == "pct" else text


def indicator_series(spec: IndicatorSpec, years: Sequence[int],
                     rng: random.Random) -> dict[str, str]:
    """Baseline, expected and obtained values of one indicator, printed."""
    descending = spec.direction == DESC
    start_year = rng.choice((2020, 2020, 2020, 2021))
    pct_decimals = rng.choice((0, 1, 1))
    if spec.kind == "pct":
        base = rng.uniform(15, 45) if descending else rng.uniform(18, 55)
        step = rng.uniform(1.0, 3.0) if descending else rng.uniform(2.0, 5.0)
    elif spec.kind == "rate":
        base = rng.uniform(60, 130) if descending else rng.uniform(9, 18)
        step = rng.uniform(2.0, 6.0) if descending else rng.uniform(0.4, 1.2)
    else:
        base = math.exp(rng.uniform(math.log(120), math.log(16000)))
        step = base * rng.uniform(0.04, 0.12)
    sign = -1 if descending else 1
    values: dict[str, str] = {"baseline_year": str(start_year)}
    values["baseline_value"] = "ND" if rng.random() < 0.15 else fmt_value(base, spec.kind, 1)
    lo, hi = OUTCOME_FACTORS[spec.outcome]
    last = years[-1]
    for k, year in enumerate(years):
        target = max(base + sign * step * (k + 1), 1.0)
        if spec.kind == "count" and spec.aggregation == ACUM:
            target = base * rng.uniform(0.22, 0.3)  # yearly amounts of an accumulated count
        expected = fmt_value(target, spec.kind, pct_decimals)
        if year < start_year + 1:
            values[f"expected_{year}"] = values[f"obtained_{year}"] = "ND"
            continue
        values[f"expected_{year}"] = expected
        target = parse_number(expected) or target
        if year == last:
            factor = rng.uniform(lo, hi)
            if spec.outcome == "N":
                values[f"obtained_{year}"] = "ND"
                continue
        else:
            if rng.random() < (0.3 if year == years[0] else 0.07):
                values[f"obtained_{year}"] = "ND"
                continue
            factor = rng.uniform(lo, hi) if spec.aggregation == ACUM else rng.uniform(0.8, 1.2)
        obtained = target / factor if descending else target * factor
        if spec.kind == "pct":
            obtained = min(obtained, 100.0)
        values[f"obtained_{year}"] = fmt_value(obtained, spec.kind, 1)
    return values


def indicator_progress(row: dict[str, str], years: Sequence[int], year: int) -> float | None:
    """Avance tipo 1 of an indicator row, from its printed values (see the methodology notes).

    ``acumulado`` uses the sums over the years up to ``year`` in which both values are printed.
    """
    expected = parse_number(row.get(f"expected_{year}", ""))
    obtained = parse_number(row.get(f"obtained_{year}", ""))
    if expected is None or obtained is None:
        return None
    if row["aggregation"] == ACUM:
        pairs = [(parse_number(row[f"expected_{y}"]), parse_number(row[f"obtained_{y}"]))
                 for y in years if y <= year]
        expected = sum(e for e, o in pairs if e is not None and o is not None)
        obtained = sum(o for e, o in pairs if e is not None and o is not None)
    if row["direction"] == DESC:
        return expected / obtained * 100 if obtained else None
    return obtained / expected * 100 if expected else None


def objective_progress(indicators: Sequence[dict[str, str]], years: Sequence[int],
                       year: int) -> float | None:
    """Mean of the objective's indicators' progress, each capped at 100."""
    values = [p for r in indicators if (p := indicator_progress(r, years, year)) is not None]
    return sum(min(v, 100.0) for v in values) / len(values) if values else None


def empty_row(columns: Sequence[str], **cells: str) -> dict[str, str]:
    return {c: cells.get(c, "") for c in columns}


def make_salud_data(seed: int = SALUD_SEED) -> ReportData:
    """The fictitious "Política Nacional Multisectorial de Salud Rural al 2030", report 2025."""
    rng = random.Random(seed)
    years, year = SALUD_YEARS, SALUD_PROGRESS_YEAR
    columns = row_columns(years, [year])
    rows: list[dict[str, str]] = []
    op_values: dict[str, tuple[float | None, float | None]] = {}
    service_no = 0
    for o, objective in enumerate(SALUD_POLICY, start=1):
        op_code = f"OP.{o:02d}"
        op_row = empty_row(columns, code=op_code, level="OP", name=objective.name)
        rows.append(op_row)
        iop_rows = []
        for i, spec in enumerate(objective.indicators, start=1):
            iop = indicator_row(columns, f"IOP.{o:02d}.{i:02d}", "IOP", op_code, "", spec,
                                years, year, rng)
            iop["indicator_type"] = ""  # the report prints no type for objective indicators
            iop_rows.append(iop)
            rows.append(iop)
        op_now = objective_progress(iop_rows, years, year)
        op_values[op_code] = (objective_progress(iop_rows, years, year - 1), op_now)
        op_row[f"progress_{year}"] = fmt_fixed(op_now, 1) if op_now is not None else "ND"
        for g, guideline in enumerate(objective.guidelines, start=1):
            ln_code = f"LN.{o:02d}.{g:02d}"
            rows.append(empty_row(columns, code=ln_code, level="LN", parent=op_code,
                                  name=guideline.name))
            for s, service in enumerate(guideline.services, start=1):
                service_no += 1
                ss_code = f"SS.{o:02d}.{g:02d}.{s:02d}"
                rows.append(empty_row(columns, code=ss_code, level="SS", parent=ln_code,
                                      service_no=str(service_no), name=service.name))
                for k, spec in enumerate(service.indicators, start=1):
                    rows.append(indicator_row(columns, f"ISS.{o:02d}.{g:02d}.{s:02d}.{k:02d}",
                                              "ISS", ss_code, str(service_no), spec, years, year,
                                              rng))
    unrounded = [v for _, v in op_values.values() if v is not None]
    index_value = sum(unrounded) / len(unrounded)
    rows.append(empty_row(columns, level="INDEX", name="Índice de gestión de la política nacional",
                          **{f"progress_{year}": fmt_fixed(index_value, 1)}))
    summary = compute_summary(rows, f"progress_{year}")
    data = ReportData(
        name="salud-2025",
        title="Reporte de Cumplimiento de la Política Nacional Multisectorial de Salud Rural "
              "al 2030",
        sector="11: SALUD",
        conductor_ministry="011: M. DE SALUD",
        tipo="MULTISECTORIAL",
        years=list(years),
        progress_years=[year],
        rows=rows,
        summary=summary,
    )
    data.notes = salud_notes(data)
    data.narrative = salud_narrative(data, op_values, index_value)
    return data


def indicator_row(columns: Sequence[str], code: str, level: str, parent: str, service_no: str,
                  spec: IndicatorSpec, years: Sequence[int], year: int,
                  rng: random.Random) -> dict[str, str]:
    row = empty_row(columns, code=code, level=level, parent=parent, service_no=service_no,
                    name=spec.name, responsible=spec.responsible,
                    indicator_type=spec.indicator_type, direction=spec.direction,
                    aggregation=spec.aggregation)
    row.update(indicator_series(spec, years, rng))
    progress = indicator_progress(row, years, year)
    # most reports print one decimal; a few cells come out of the spreadsheet with none
    decimals = 0 if rng.random() < 0.12 else 1
    row[f"progress_{year}"] = "ND" if progress is None else fmt_fixed(progress, decimals)
    return row


# ----- salud narrative ------------------------------------------------------------------------

NUMBER_WORDS = {1: "un", 2: "dos", 3: "tres", 4: "cuatro", 5: "cinco", 6: "seis"}


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def services(data: ReportData) -> dict[int, dict[str, Any]]:
    """Service number → its SS row and its indicator rows."""
    out: dict[int, dict[str, Any]] = {}
    for row in data.rows:
        if row["level"] == "SS":
            out[int(row["service_no"])] = {"row": row, "indicators": []}
        elif row["level"] == "ISS":
            out[int(row["service_no"])]["indicators"].append(row)
    return out


def salud_notes(data: ReportData) -> list[NoteGroup]:
    """Call-outs for single-indicator services below 75%, as the trata report prints them."""
    col = f"progress_{data.progress_years[-1]}"
    notes = [Note(f"El servicio {n:02d} a cargo de {s['indicators'][0]['responsible']}, tiene un "
                  f"avance de {s['indicators'][0][col]}%. No ha cumplido con la meta del año "
                  f"{data.progress_years[-1]}.", f"S {n:02d}")
             for n, s in services(data).items()
             if len(s["indicators"]) == 1 and band(s["indicators"][0][col]) == "low"]
    return [NoteGroup("Servicios en rojo:", notes)] if notes else []


def count_sentence(total: int, counts: dict[str, str], noun: str, colon: bool) -> str:
    high, mid, low = int(counts["high_95"]), int(counts["mid_75_95"]), int(counts["low_0_75"])
    parts = [
        f"{plural(high, 'indicador tiene', 'indicadores tienen')} un avance alto (igual mayor al 95%)",
        f"{plural(mid, 'indicador tiene', 'indicadores tienen')} un avance intermedio (entre el 75% - 95%)",
        f"{plural(low, 'indicador tiene', 'indicadores tienen')} un avance bajo (entre el 0% - 75%)",
    ]  # fmt: skip
    sep = ":" if colon else ","
    text = f"de los {total} {noun}{sep} {parts[0]}, {parts[1]} y {parts[2]}."
    nd = int(counts["nd"])
    if nd:
        text += (f" Adicionalmente, {plural(nd, 'indicador no cuenta', 'indicadores no cuentan')}"
                 " con información para el año de análisis (ND).")
    return text


def salud_narrative(data: ReportData, op_values: dict[str, tuple[float | None, float | None]],
                    index_value: float) -> list[Block]:
    year = data.progress_years[-1]
    col = f"progress_{year}"
    rows = data.rows
    summary = {s["group"]: s for s in data.summary}
    objectives = [r for r in rows if r["level"] == "OP"]
    n_ln = sum(r["level"] == "LN" for r in rows)
    svc_map = services(data)
    n_iss = sum(r["level"] == "ISS" for r in rows)
    n_iop = sum(r["level"] == "IOP" for r in rows)
    doubles = [n for n, s in svc_map.items() if len(s["indicators"]) > 1]
    entities = sorted({r["responsible"] for r in rows if r["level"] == "ISS"})
    ops_word = NUMBER_WORDS.get(len(objectives), str(len(objectives)))
    blocks = [
        Block("title", data.title),
        Block("heading", "1. Políticas nacionales aprobadas en el marco del Decreto Supremo Nº "
                         "029-2018-PCM"),
        form_table("Reporte de cumplimiento de políticas nacionales", [
            ("Política nacional", ["Política Nacional Multisectorial de Salud Rural al 2030"]),
            ("Ministerio rector o conductor", ["Ministerio de Salud"]),
            ("Problema público", ["Limitado acceso de la población rural a servicios de salud "
                                  "de calidad."]),
            ("Dispositivo legal", ["Decreto Supremo N° 012-2023-SA"]),
            ("Resumen del reporte de cumplimiento", [
                "La Política Nacional Multisectorial de Salud Rural al 2030 orienta la acción del "
                "Estado para cerrar las brechas de acceso, oportunidad y calidad de la atención "
                "de salud de la población que vive en centros poblados rurales y dispersos. El "
                "presente reporte sistematiza la información registrada por las entidades "
                f"responsables de los servicios y de los indicadores para el año {year}."]),
        ], ["Inicial", "", "Intermedio", "X", "Avanzado", ""]),
        Block("paragraph", f"La Política Nacional cuenta con {ops_word} Objetivos Prioritarios:"),
        *[Block("bullet", f"✓ Objetivo Prioritario {i}: {r['name']}.")
          for i, r in enumerate(objectives, start=1)],
        Block("paragraph", f"Para lograr alcanzar las metas establecidas, la Política Nacional "
                           f"cuenta con {n_ln} lineamientos que se operativizan mediante "
                           f"{len(svc_map)} servicios que están siendo provistos por "
                           f"{len(entities)} entidades."),
        Block("paragraph", "Como resultado de dicho proceso de sistematización de la información "
                           "de los indicadores que tiene la Política, se determinó que, " +
              count_sentence(n_iop, summary[SUMMARY_GROUPS[1]],
                             "indicadores de objetivos prioritarios", colon=True)),
        Block("paragraph", "Asimismo, " + count_sentence(n_iss, summary[SUMMARY_GROUPS[2]],
                                                         "indicadores de servicios", colon=False)),
        Block("paragraph", f"El Índice de gestión de la política nacional alcanza "
                           f"{fmt_fixed(index_value, 1)} en el año {year}."),
        Block("heading", "Nivel de avance de los Objetivos Prioritarios"),
        Block("paragraph", f"1. Consistencia del avance tipo1 {year}, comparado con el avance "
                           f"tipo 1 del año {year - 1}."),
        Block("table", rows=[["Objetivo Prioritario", f"Avance tipo 1 {year - 1}",
                              f"Avance tipo 1 {year}"]] +
              [[code, f"{fmt_fixed(prev, 2)}%" if prev is not None else "ND",
                f"{fmt_fixed(now, 2)}%" if now is not None else "ND"]
               for code, (prev, now) in op_values.items()],
              header_rows=1, widths=[2.0, 1.4, 1.4]),
        Block("heading", "Nivel de implementación de los servicios y actividades operativas"),
        Block("paragraph", f"En relación con los servicios de la Política Nacional, se tienen "
                           f"{len(svc_map)} servicios y {n_iss} indicadores, debido a que "
                           f"{NUMBER_WORDS.get(len(doubles), str(len(doubles)))} servicios "
                           f"({join_es([str(n) for n in doubles])}) tienen 2 indicadores cada uno."),
        Block("table", rows=[["", "[0-75%>", "[75-95%>", "≥ 95%", "ND", "Total"],
                             [SUMMARY_GROUPS[2], *(summary[SUMMARY_GROUPS[2]][k] for k in
                                                   SUMMARY_COLUMNS[1:])]],
              header_rows=1, widths=[2.6, 1, 1, 1, 1, 1]),
        Block("heading", "I. Cumplimiento de los objetivos prioritarios de la política nacional"),
    ]
    for o, op in enumerate(objectives, start=1):
        indicators = [r for r in rows if r["level"] == "IOP" and r["parent"] == op["code"]]
        blocks.append(Block("paragraph", (
            f"En relación al objetivo prioritario {o:02d}; \"{op['name'].lower()}\", presenta un "
            f"{op[col]}% de avance tipo 1 en el año {year} (cuenta con "
            f"{plural(len(indicators), 'indicador', 'indicadores')}).")))
        blocks.append(salud_op_table(op, indicators, data.years[-3:], year))
    blocks.append(Block("heading", "II. Situación de las principales actividades que contribuyen "
                                   "al cumplimiento del objetivo de la política nacional y uso "
                                   "de recursos."))
    for o, op in enumerate(objectives, start=1):
        best = [(n, s) for n, s in svc_map.items()
                if s["row"]["code"].startswith(f"SS.{o:02d}.") and len(s["indicators"]) == 1
                and band(s["indicators"][0][col]) == "high"]
        if not best:
            continue
        blocks.append(Block("paragraph", (
            f"En relación al objetivo prioritario {o:02d}, \"{op['name']}\", se presentan los "
            f"servicios implementados que registran mayor avance: "
            f"{', '.join(f'{n:02d}' for n, _ in best)}.")))
        for n, s in best:
            indicator = s["indicators"][0]
            percent = round_half_up(float(indicator[col]))
            blocks.append(Block("service", f"S.{n:02d}. {s['row']['name']}."))
            blocks.append(Block("paragraph", (
                f"{indicator['responsible']} informa que, durante el {year}, el indicador "
                f"\"{indicator['name']}\" registró un valor obtenido de {indicator[f'obtained_{year}']} "
                f"respecto a {indicator[f'expected_{year}']} esperado. Este servicio tiene un "
                f"cumplimiento del {percent}%.")))
    return blocks


def join_es(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} y {items[-1]}"


def salud_op_table(op: dict[str, str], indicators: Sequence[dict[str, str]],
                   years: Sequence[int], year: int) -> Block:
    o = int(op["code"].split(".")[1])
    body = [[f"{op['code']}.", *[""] * (2 * len(years)), op[f"progress_{year}"]]]
    for i, r in enumerate(indicators, start=1):
        body.append([f"{o}.{i}", *(r[f"expected_{y}"] for y in years),
                     *(r[f"obtained_{y}"] for y in years), r[f"progress_{year}"]])
    return op_table([str(y) for y in years], [str(year)], body)


# ---------------------------------------------------------------------------------------------
# Degraded variants (phase 2): scanned images, with and without an OCR text layer
# ---------------------------------------------------------------------------------------------

# Matrix pages need 200 dpi for their 6 pt text to be legible at all; the 9 pt narrative reads
# fine at 150 dpi, which keeps the files smaller (a 200 dpi page is ~350 KB at JPEG quality 60).
MATRIX_DPI = 200
NARRATIVE_DPI = 150
JPEG_QUALITY = 60


@dataclass(frozen=True, slots=True)
class ScanPlan:
    """How one page is damaged; shared by the -ocr and -image variants of a document."""

    dpi: int
    angle: float
    crop_mm: float
    noise_seed: int
    upside_down: bool


def scan_plans(n_pages: int, matrix_pages: int, seed: str) -> list[ScanPlan]:
    rng = random.Random(seed)
    cropped = set(rng.sample(range(matrix_pages), k=max(1, (matrix_pages + 1) // 2)))
    # a third of the matrix pages and a quarter of the narrative pages come out upside down
    narrative = range(matrix_pages, n_pages)
    flipped = set(rng.sample(range(matrix_pages), k=max(1, matrix_pages // 3)))
    flipped |= set(rng.sample(narrative, k=min(len(narrative), max(1, len(narrative) // 4))))
    plans = []
    for i in range(n_pages):
        angle = rng.uniform(0.3, 1.0) * rng.choice((-1, 1))
        # the matrix starts 14 pt (4.9 mm) from the edge: cutting 6-7 mm clips the first
        # characters of the codes, the way "LN.02.06" came out as "N.02.06" in the real report
        crop = rng.uniform(6.0, 7.2) if i in cropped else 0.0
        dpi = MATRIX_DPI if i < matrix_pages else NARRATIVE_DPI
        plans.append(ScanPlan(dpi, angle, crop, rng.getrandbits(32), i in flipped))
    return plans


def rasterise(pdf_path: Path, dpis: Sequence[int]) -> list[Any]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
                for page, dpi in zip(pdf, dpis, strict=True)]
    finally:
        pdf.close()


def degrade(image: Any, plan: ScanPlan, upside_down: bool) -> Any:
    """A clean page image → what a cheap office scanner returns."""
    import numpy as np
    from PIL import Image, ImageFilter

    if plan.crop_mm:
        px = round(plan.crop_mm / 25.4 * plan.dpi)
        shifted = Image.new("L", image.size, 255)
        shifted.paste(image.crop((px, 0, image.width, image.height)), (0, 0))
        image = shifted
    image = image.rotate(plan.angle, resample=Image.Resampling.BICUBIC, expand=False,
                         fillcolor=250)
    image = image.filter(ImageFilter.GaussianBlur(0.45 * plan.dpi / MATRIX_DPI))
    rng = np.random.default_rng(plan.noise_seed)
    pixels = np.asarray(image, dtype=np.float32)
    pixels = pixels * 0.93 + 8  # greyish paper, less than full black ink
    pixels += rng.normal(0, 3.5, pixels.shape)
    specks = rng.random(pixels.shape) < 0.0004
    pixels[specks] = rng.uniform(40, 160, int(specks.sum()))
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    return image.rotate(180) if upside_down else image


def images_to_pdf(jpegs: Sequence[Path], sizes: Sequence[tuple[float, float]], out: Path) -> None:
    """One JPEG per page, embedded as is (reportlab passes JPEG files through unchanged)."""
    from reportlab import rl_config

    a85 = rl_config.useA85
    rl_config.useA85 = 0  # ASCII85 would wrap each JPEG stream and add 25% to the file
    try:
        canvas = Canvas(str(out), invariant=True)
        for jpeg, (w, h) in zip(jpegs, sizes, strict=True):
            canvas.setPageSize((w, h))
            canvas.drawImage(str(jpeg), 0, 0, width=w, height=h)
            canvas.showPage()
        canvas.save()
    finally:
        rl_config.useA85 = a85


def page_sizes(pdf_path: Path) -> list[tuple[float, float]]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return [tuple(page.get_size()) for page in pdf]  # type: ignore[misc]
    finally:
        pdf.close()


def make_scanned(pdf_path: Path, matrix_pages: int, out_dir: Path, name: str) -> list[Path]:
    """Write ``<name>-image.pdf`` and ``<name>-ocr.pdf`` into ``out_dir``."""
    if not shutil.which("ocrmypdf"):
        sys.exit("ocrmypdf is not installed (apt-get install ocrmypdf tesseract-ocr-spa)")
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = page_sizes(pdf_path)
    plans = scan_plans(len(sizes), matrix_pages, seed=f"{name}-scan")
    outputs = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        upright, flipped = [], []
        cleans = rasterise(pdf_path, [p.dpi for p in plans])
        for i, (clean, plan) in enumerate(zip(cleans, plans, strict=True)):
            for upside_down, bucket in ((False, upright), (plan.upside_down, flipped)):
                jpeg = folder / f"p{i:03d}-{int(upside_down)}.jpg"
                if not jpeg.exists():
                    degrade(clean, plan, upside_down).save(
                        jpeg, "JPEG", quality=JPEG_QUALITY, dpi=(plan.dpi, plan.dpi))
                bucket.append(jpeg)
        image_pdf = out_dir / f"{name}-image.pdf"
        images_to_pdf(flipped, sizes, image_pdf)
        upright_pdf = folder / "upright.pdf"
        images_to_pdf(upright, sizes, upright_pdf)
        ocr_pdf = out_dir / f"{name}-ocr.pdf"
        subprocess.run(["ocrmypdf", "-q", "-l", "spa", "--output-type", "pdf", "--optimize", "0",
                        "--jobs", "2", str(upright_pdf), str(ocr_pdf)], check=True)
        outputs += [ocr_pdf, image_pdf]
    return outputs


SCANNED_README = """\
# Degraded samples (OCR path)

Made by `scripts/make_samples.py --scanned` from the born-digital samples in `samples/`.
Every page is rendered in greyscale ({dpi}), cropped {crop} on the left edge of some
matrix pages (so the first characters of codes are cut off, like `N.02.06` in the real report),
turned by 0.3–1° (random sign), blurred slightly, given paper tint, noise and specks, and saved
as JPEG quality {quality}. The random choices use a fixed seed per document, so the files are
reproducible.

- `<name>-ocr.pdf`: those images, then `ocrmypdf -l spa --output-type pdf --optimize 0` (a real,
  naturally damaged Tesseract text layer under each image).
- `<name>-image.pdf`: the same images with no text layer; a third of the matrix pages and a
  quarter of the narrative pages are upside down (turned 180°).

The expected outputs are those of the born-digital files: `samples/<name>/expected/`.
"""


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

BUILDERS: dict[str, Callable[[], ReportData]] = {
    "trata-2024": load_trata,
    "salud-2025": make_salud_data,
}


def make_sample(name: str, out: Path) -> RenderResult:
    data = BUILDERS[name]()
    result = render_report(data, out / f"{name}.pdf")
    write_expected(data, result, out / name / "expected")
    return result


def describe(result: RenderResult) -> str:
    splits = ", ".join(f"{code} p{a}→p{b}" for code, a, b in result.splits)
    return (f"{result.path.name}: {result.pages} pages ({result.matrix_pages} matrix), "
            f"rendered in {result.seconds:.2f} s; split rows: {splits}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scanned", action="store_true",
                        help="make the degraded variants in <out>/scanned/ (slow; needs ocrmypdf)")
    parser.add_argument("--only", choices=sorted(BUILDERS), action="append",
                        help="make only this sample (repeatable)")
    parser.add_argument("--out", type=Path, default=SAMPLES, help="samples folder")
    args = parser.parse_args(argv)
    names = args.only or list(BUILDERS)
    for name in names:
        pdf = args.out / f"{name}.pdf"
        metadata = args.out / name / "expected" / "metadata.json"
        if not args.scanned or not pdf.exists() or not metadata.exists():
            print(describe(make_sample(name, args.out)))
        if args.scanned:
            started = time.perf_counter()
            matrix_pages = json.loads(metadata.read_text(encoding="utf-8"))["matrix_pages"]
            made = make_scanned(pdf, matrix_pages, args.out / "scanned", name)
            sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in made)
            print(f"{name}: {sizes} in {time.perf_counter() - started:.0f} s")
    if args.scanned:
        (args.out / "scanned" / "README.md").write_text(
            SCANNED_README.format(dpi=f"matrix pages {MATRIX_DPI} dpi, narrative {NARRATIVE_DPI} dpi",
                                  crop="6–7.2 mm", quality=JPEG_QUALITY),
            encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
