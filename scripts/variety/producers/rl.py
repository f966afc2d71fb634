"""Producer: reportlab platypus, laid out unlike scripts/make_samples.py.

Cells are Paragraphs in a platypus `Table` (reportlab wraps and splits rows itself), the page
furniture is drawn by the page
template (on every page or the first only), and the table header repeats or not (`repeatRows`).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from variety.document import SEMAPHORE, Document, Layout, unmerged

FONT_FILES = {
    "Liberation Sans": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "Liberation Serif": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "Liberation Sans Narrow": "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf",
    "DejaVu Sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "DejaVu Serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "DejaVu Sans Condensed": "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
    "Carlito": "/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf",
}
FALLBACK = "DejaVu Sans"


def available() -> bool:
    try:
        import reportlab  # noqa: F401
    except ImportError:
        return False
    return Path(FONT_FILES[FALLBACK]).exists()


def font_name(family: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = FONT_FILES.get(family)
    if not path or not Path(path).exists():
        family, path = FALLBACK, FONT_FILES[FALLBACK]
    name = "V-" + family.replace(" ", "")
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, path))
    return name


def text_width(text: str, family: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, font_name(family), size)


def render(doc: Document, layout: Layout, out: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = font_name(layout.font)
    cell = ParagraphStyle("cell", fontName=font, fontSize=layout.size, leading=layout.size * 1.2)
    value = ParagraphStyle("value", parent=cell, alignment=1 if layout.values_align == "center" else 2)
    head = ParagraphStyle("head", parent=cell, fontSize=layout.header_size, alignment=1)
    group = ParagraphStyle("group", parent=cell, alignment=1 if layout.summary_labels == "center" else 0)
    text = ParagraphStyle("text", fontName=font, fontSize=layout.text_size, leading=layout.text_size * 1.35,
                          spaceAfter=layout.text_size * 0.6)
    heading = ParagraphStyle("heading", parent=text, fontSize=layout.text_size + 1.5, spaceBefore=6)

    def para(s: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape(s), style)

    width, height = layout.page_size
    usable = width - 2 * layout.margin
    header = doc.header if layout.merged_header else unmerged(doc.header)
    grid: list[list[object]] = [["" for _ in doc.roles] for _ in (0, 1)]
    spans = []
    for h in header:
        grid[h.row][h.col] = para(h.text, head)
        if h.colspan > 1 or h.rowspan > 1:
            spans.append(("SPAN", (h.col, h.row), (h.col + h.colspan - 1, h.row + h.rowspan - 1)))
    body = [[para(t, cell if role in ("code", "name", "responsible") else value) for role, t in
             zip(doc.roles, row, strict=True)] for row in doc.body]
    widths = column_widths(doc, layout, usable)
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#333333")),
             ("BACKGROUND", (0, 0), (-1, 1), colors.HexColor("#cfd9ea")),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("TOPPADDING", (0, 0), (-1, -1), layout.padding), ("BOTTOMPADDING", (0, 0), (-1, -1), layout.padding),
             ("LEFTPADDING", (0, 0), (-1, -1), layout.padding), ("RIGHTPADDING", (0, 0), (-1, -1), layout.padding),
             *spans]
    progress_cols = [i for i, r in enumerate(doc.roles) if r.startswith("progress_")]
    for i, (level, band) in enumerate(zip(doc.levels, doc.bands, strict=True), start=2):
        if level == "OP" and layout.shade_objectives:
            style.append(("BACKGROUND", (0, i), (progress_cols[0] - 1, i), colors.HexColor("#e3e3e3")))
        if band:
            for c in progress_cols:
                if doc.body[i - 2][c]:
                    style.append(("BACKGROUND", (c, i), (c, i), colors.HexColor(SEMAPHORE[band])))
    # rows never split here: platypus' splitInRow draws the rest of a split row off the page's
    # left edge (negative x), so the page would not show what the truth says it prints
    matrix = Table(grid + body, colWidths=widths, repeatRows=2 if layout.header_repeats else 0)
    matrix.setStyle(TableStyle(style))

    summary = Table([[para(t, head if r == 0 or c else group) for c, t in enumerate(line)]
                     for r, line in enumerate(doc.summary)], colWidths=summary_widths(doc, layout), hAlign="LEFT")
    summary.setStyle(TableStyle([("GRID", (1, 0), (-1, -1), 0.5, colors.black),
                                 ("GRID", (0, 1), (0, -1), 0.5, colors.black),
                                 *[("BACKGROUND", (c, 0), (c, 0), colors.HexColor(list(SEMAPHORE.values())[c - 1]))
                                   for c in range(1, 5)]]))
    furniture_h = 3 * (layout.size + 4) + 6
    top_h = furniture_h + (len(doc.summary) * (layout.size * 1.2 + 5) + 6 if layout.summary_position == "beside" else 0)

    def draw_furniture(canvas, _doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        y = height - layout.margin - layout.size - 1
        indent = max(canvas.stringWidth(label, font, layout.size + 1) for label, _ in doc.furniture) + 8
        for label, val in doc.furniture:
            canvas.setFont(font, layout.size + 1)
            canvas.drawString(layout.margin, y, label)
            canvas.drawString(layout.margin + indent, y, val)
            y -= layout.size + 4
        if layout.summary_position == "beside":
            _, h = summary.wrapOn(canvas, usable, height)
            summary.drawOn(canvas, width - layout.margin - sum(summary_widths(doc, layout)), height - layout.margin - h)
        canvas.restoreState()

    story: list[object] = []
    first_pad = top_h if layout.summary_position == "beside" else furniture_h
    story.append(Spacer(1, max(first_pad - (top_h if layout.furniture_every_page else 0), 0)))
    if layout.summary_position == "above":
        story += [summary, Spacer(1, 8)]
    story.append(matrix)
    if layout.summary_position == "below":
        story += [Spacer(1, 8), summary]
    story.append(PageBreak())
    for block in doc.narrative:
        if block.kind == "table":
            t = Table([[para(c, cell) for c in row] for row in block.rows], hAlign="LEFT")
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
            story += [t, Spacer(1, 8)]
        else:
            story.append(para(block.text, heading if block.kind == "heading" else text))
    top_margin = layout.margin + (top_h if layout.furniture_every_page else 0)
    pdf = SimpleDocTemplate(str(out), pagesize=(width, height), leftMargin=layout.margin,
                            rightMargin=layout.margin, topMargin=top_margin, bottomMargin=layout.margin)
    if layout.furniture_every_page:
        pdf.build(story, onFirstPage=draw_furniture, onLaterPages=draw_furniture)
    else:
        pdf.build(story, onFirstPage=draw_furniture)


def column_widths(doc: Document, layout: Layout, usable: float) -> list[float]:
    """Every column at least as wide as its longest word (as a spreadsheet's autofit would make
    it); what is left is shared by weight, the name column taking its share."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = font_name(layout.font)
    header_words: dict[int, list[str]] = {}
    for h in doc.header:
        if h.colspan == 1:
            header_words.setdefault(h.col, []).extend(h.text.split())
    need = []
    for c, _role in enumerate(doc.roles):
        words = [w for row in doc.body for w in row[c].split()]
        widest = max((stringWidth(w, font, layout.size) for w in words), default=0.0)
        head = max((stringWidth(w, font, layout.header_size) for w in header_words.get(c, [])), default=0.0)
        need.append(max(widest, head) + 2 * layout.padding + 2)
    weights = [0.0 if r == "name" else 1.7 if r in ("responsible", "indicator_type") else
               1.5 if r in ("code", "direction", "aggregation") else 1.0 for r in doc.roles]
    name_col = doc.roles.index("name")
    name_width = max(usable * layout.name_share, need[name_col])
    rest = usable - name_width
    total = sum(weights)
    widths = [max(rest * w / total, n) for w, n in zip(weights, need, strict=True)]
    widths[name_col] = name_width
    spare = usable - sum(widths)
    if spare < 0:  # too wide: take it from the name column
        widths[name_col] = max(need[name_col], widths[name_col] + spare)
    return widths


def summary_widths(doc: Document, layout: Layout) -> list[float]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = font_name(layout.font)
    # platypus pads every cell by 6 pt on each side unless told otherwise
    first = max(stringWidth(line[0], font, layout.size) for line in doc.summary) + 16
    rest = [max(stringWidth(line[c], font, layout.header_size) for line in doc.summary) + 16
            for c in range(1, len(doc.summary[0]))]
    return [first, *rest]
