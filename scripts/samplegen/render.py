"""Drawing a report: the matrix pages on a canvas, call-outs, then the narrative flowables."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, NextPageTemplate, PageTemplate

from samplegen.flowables import narrative_flowables
from samplegen.fonts import register_fonts
from samplegen.layout import (
    Geometry,
    PagePlan,
    Segment,
    band_height,
    build_geometry,
    header_label_lines,
    layout_row,
    name_font,
    note_box_height,
    note_lines,
    place_notes,
    plan_pages,
)
from samplegen.model import NoteGroup, ReportData
from samplegen.printed import band
from samplegen.style import (
    HEADER_SHADE,
    LEFT_ALIGNED,
    NARRATIVE_MARGINS,
    NARRATIVE_PAGE,
    NOTE_GAP,
    NOTE_LEADING,
    NOTE_SIZE,
    NOTE_TAG,
    NOTE_TAG_W,
    NOTE_WIDTH,
    OP_SHADE,
    RGB,
    SEMAPHORE,
    SUMMARY_HEADER,
    SUMMARY_HEADER_FILLS,
    SUMMARY_ROW_H,
    SUMMARY_WIDTHS,
    MatrixStyle,
)


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


# ----- the document --------------------------------------------------------------------------------

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
