"""Producer: a word-processor document (DOCX, written with python-docx) exported by LibreOffice Writer.

Writer lays the Word table out with its own metrics: it wraps cells inside their margins, repeats
the rows marked as header rows on every page, lets a row break across pages unless it is marked
"can't split", and draws merged cells (`gridSpan` / `vMerge`) as one box. The page furniture sits
in the page header (every page) or in the body (first page only); the summary is a table of its
own above or below the matrix, or beside the furniture in a borderless layout table. Fonts may be
named as an office user names them ("Arial", "Calibri"), which Writer substitutes by metric
twins. Every text is written as a run of text, so what is printed is exactly the truth.

Some choices only a word processor has are drawn from the layout itself (so a seed still gives
one document): table alignment, fixed or automatic column widths, cell margins per side, the
narrative's paragraph spacing and alignment, furniture in the page header or the body.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from variety.document import SEMAPHORE, Document, HeaderCell, Layout, unmerged
from variety.producers import office

# metric-compatible twins Writer substitutes for the names an office user picks
OFFICE_NAMES = {"Liberation Sans": "Arial", "Liberation Serif": "Times New Roman", "Carlito": "Calibri",
                "Liberation Sans Narrow": "Arial Narrow"}
HEADER_FILL = "CFD9EA"
OBJECTIVE_FILL = "E3E3E3"
TWIPS = 20  # per point


def available() -> bool:
    if not office.has_component("sw"):
        return False
    try:
        import docx  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class WordLook:
    """What a word processor lets its user choose besides the shared layout."""

    font_name: str
    furniture_in_header: bool
    table_centred: bool
    fixed_widths: bool
    side_margin: float  # pt, left and right cell margins (the layout's padding is top and bottom)
    justify: bool
    space_after: float  # pt after each narrative paragraph
    summary_bold_head: bool


def draw_look(layout: Layout) -> WordLook:
    rng = random.Random(f"writer:{layout!r}")
    name = OFFICE_NAMES.get(layout.font, layout.font) if rng.random() < 0.6 else layout.font
    return WordLook(
        font_name=name, furniture_in_header=layout.furniture_every_page and rng.random() < 0.7,
        table_centred=rng.random() < 0.5, fixed_widths=rng.random() < 0.6,
        side_margin=rng.choice([layout.padding, layout.padding + 1.0, 5.4]), justify=rng.random() < 0.7,
        space_after=rng.choice([0.0, 4.0, 8.0]), summary_bold_head=rng.random() < 0.5,
    )  # fmt: skip


def render(doc: Document, layout: Layout, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="variety-docx-") as tmp:
        source = Path(tmp) / "report.docx"
        look = draw_look(layout)
        document(doc, fitted(doc, layout, look), look).save(str(source))
        office.convert(source, out)


# ---- OOXML helpers: what python-docx has no property for ----------------------------------------


def _el(tag: str, **attrs: str):  # type: ignore[no-untyped-def]
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), value)
    return el


def _child(parent, tag: str):  # type: ignore[no-untyped-def]
    """The child `tag` of `parent`, made if missing (schema order is forgiving in Writer)."""
    from docx.oxml.ns import qn

    found = parent.find(qn(tag))
    if found is None:
        found = _el(tag)
        parent.append(found)
    return found


def shade(cell, fill: str) -> None:  # type: ignore[no-untyped-def]
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.append(_el("w:shd", val="clear", color="auto", fill=fill.lstrip("#").upper()))


def cell_margins(table, top: float, side: float) -> None:  # type: ignore[no-untyped-def]
    margins = _child(table._tbl.tblPr, "w:tblCellMar")
    for edge, pt in (("top", top), ("bottom", top), ("left", side), ("right", side)):
        margins.append(_el(f"w:{edge}", w=str(round(pt * TWIPS)), type="dxa"))


def row_flags(row, header: bool, cant_split: bool) -> None:  # type: ignore[no-untyped-def]
    tr_pr = row._tr.get_or_add_trPr()
    if cant_split:
        tr_pr.append(_el("w:cantSplit"))
    if header:
        tr_pr.append(_el("w:tblHeader"))


def no_borders(table) -> None:  # type: ignore[no-untyped-def]
    borders = _child(table._tbl.tblPr, "w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(_el(f"w:{edge}", val="nil"))


def fixed_layout(table) -> None:  # type: ignore[no-untyped-def]
    table._tbl.tblPr.append(_el("w:tblLayout", type="fixed"))


# ---- text ---------------------------------------------------------------------------------------


def write(cell, text: str, size: float, layout: Layout, bold: bool = False, align: str = "left") -> None:  # type: ignore[no-untyped-def]
    """One paragraph of one run in a cell, no space around it (Word's default adds 8 pt after)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    para = cell.paragraphs[0]
    para.paragraph_format.space_after = Pt(0)
    para.paragraph_format.space_before = Pt(0)
    para.paragraph_format.line_spacing = 1.0
    para.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                      "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    if not text:
        return
    run = para.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    if layout.letter_spacing:
        run._r.get_or_add_rPr().append(_el("w:spacing", val=str(round(layout.letter_spacing * size * TWIPS))))


def base_style(word, layout: Layout, look: WordLook) -> None:  # type: ignore[no-untyped-def]
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = word.styles["Normal"]
    normal.font.name = look.font_name
    normal.font.size = Pt(layout.text_size)
    fonts = normal.element.rPr.rFonts
    for attr in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attr), look.font_name)


def page_setup(word, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    section = word.sections[0]
    width, height = layout.page_size
    section.orientation = WD_ORIENT.LANDSCAPE if layout.landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Pt(width), Pt(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Pt(layout.margin))
    section.header_distance = Pt(max(layout.margin / 2, 6))


# ---- the document -------------------------------------------------------------------------------


def document(doc: Document, layout: Layout, look: WordLook):  # type: ignore[no-untyped-def]
    from docx import Document as Word

    word = Word()
    base_style(word, layout, look)
    page_setup(word, layout)
    if layout.summary_position == "beside":  # printed once: never in the page header
        furniture_beside_summary(word, doc, layout, look)
    else:
        furniture_table(word.sections[0].header if look.furniture_in_header else word, doc, layout)
        if layout.summary_position == "above":
            summary_table(word, doc, layout, look)
            spacer(word)
    matrix_table(word, doc, layout, look)
    if layout.summary_position == "below":
        spacer(word)
        summary_table(word, doc, layout, look)
    narrative(word, doc, layout, look)
    return word


def spacer(word) -> None:  # type: ignore[no-untyped-def]
    from docx.shared import Pt

    para = word.add_paragraph()
    para.paragraph_format.space_after = Pt(0)


def furniture_table(parent, doc: Document, layout: Layout):  # type: ignore[no-untyped-def]
    """Label and value side by side in a borderless table (a tab stop is not one cell per text)."""
    from docx.shared import Pt

    table = parent.add_table(rows=len(doc.furniture), cols=2, **_width(parent, layout))
    no_borders(table)
    usable = layout.page_size[0] - 2 * layout.margin
    label_width = max(len(label) for label, _ in doc.furniture) * (layout.size + 1) * 0.6 + 12
    for c, width in enumerate((label_width, usable - label_width)):
        table.columns[c].width = Pt(width)
        for cell in table.columns[c].cells:
            cell.width = Pt(width)
    for row, (label, value) in zip(table.rows, doc.furniture, strict=True):
        write(row.cells[0], label, layout.size + 1, layout, bold=True)
        write(row.cells[1], value, layout.size + 1, layout)
    return table


def _width(parent, layout: Layout) -> dict:  # type: ignore[no-untyped-def]
    """A header's add_table needs the width python-docx cannot take from the page for it."""
    from docx.section import _Header
    from docx.shared import Pt

    if isinstance(parent, _Header):
        return {"width": Pt(layout.page_size[0] - 2 * layout.margin)}
    return {}


def furniture_beside_summary(parent, doc: Document, layout: Layout, look: WordLook) -> None:  # type: ignore[no-untyped-def]
    """A borderless two-cell layout table: furniture on the left, the summary nested on the right."""
    from docx.shared import Pt

    usable = layout.page_size[0] - 2 * layout.margin
    outer = parent.add_table(rows=1, cols=2, **_width(parent, layout))
    no_borders(outer)
    left, right = outer.rows[0].cells
    left.width, right.width = Pt(usable * 0.45), Pt(usable * 0.55)
    for label, value in doc.furniture:
        para = left.add_paragraph() if left.paragraphs[0].text else left.paragraphs[0]
        para.paragraph_format.space_after = Pt(0)
        para.add_run(label + " ").bold = True
        para.add_run(value)
        for run in para.runs:
            run.font.size = Pt(layout.size + 1)
    inner = right.add_table(rows=len(doc.summary), cols=len(doc.summary[0]))
    fill_summary(inner, doc, layout, look)


def summary_table(word, doc: Document, layout: Layout, look: WordLook) -> None:  # type: ignore[no-untyped-def]
    table = word.add_table(rows=len(doc.summary), cols=len(doc.summary[0]))
    fill_summary(table, doc, layout, look)


def fill_summary(table, doc: Document, layout: Layout, look: WordLook) -> None:  # type: ignore[no-untyped-def]
    from docx.shared import Pt

    table.style = "Table Grid"
    size = layout.size + 0.5
    widths = [Pt(max(len(line[0]) for line in doc.summary) * size * 0.55 + 8)] + [Pt(size * 5)] * 5
    for r, (row, line) in enumerate(zip(table.rows, doc.summary, strict=True)):
        for c, (cell, text) in enumerate(zip(row.cells, line, strict=True)):
            cell.width = widths[c]
            align = "center" if c else layout.summary_labels
            write(cell, text, size, layout, bold=r == 0 and look.summary_bold_head, align=align)
            if r == 0 and 1 <= c <= 4:
                shade(cell, list(SEMAPHORE.values())[c - 1])
    for c, w in enumerate(widths):
        table.columns[c].width = w


def matrix_table(word, doc: Document, layout: Layout, look: WordLook) -> None:  # type: ignore[no-untyped-def]
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.shared import Pt

    n = doc.n_columns
    table = word.add_table(rows=2 + len(doc.body), cols=n)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER if look.table_centred else WD_TABLE_ALIGNMENT.LEFT
    table.autofit = not look.fixed_widths
    if look.fixed_widths:
        fixed_layout(table)
    cell_margins(table, layout.padding, look.side_margin)
    widths = [Pt(w) for w in column_widths(doc, layout, look)]
    for c, w in enumerate(widths):
        table.columns[c].width = w
    rows = table.rows
    for r, row in enumerate(rows):
        row_flags(row, header=r < 2 and layout.header_repeats, cant_split=not layout.rows_may_split)
        for c, cell in enumerate(row.cells):
            cell.width = widths[c]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    header_cells(table, doc.header if layout.merged_header else unmerged(doc.header), layout)
    for r, (line, level, band) in enumerate(zip(doc.body, doc.levels, doc.bands, strict=True), start=2):
        cells = rows[r].cells
        for c, (role, text) in enumerate(zip(doc.roles, line, strict=True)):
            align = "left" if role in ("code", "name", "responsible") else layout.values_align
            write(cells[c], text, layout.size, layout, bold=level in ("OP", "INDEX"), align=align)
            if role.startswith("progress_") and text and band:
                shade(cells[c], SEMAPHORE[band])
            elif level == "OP" and layout.shade_objectives:
                shade(cells[c], OBJECTIVE_FILL)


def header_cells(table, cells: list[HeaderCell], layout: Layout) -> None:  # type: ignore[no-untyped-def]
    for r in (0, 1):
        for cell in table.rows[r].cells:
            shade(cell, HEADER_FILL)
    for h in cells:
        target = table.cell(h.row, h.col)
        if h.colspan > 1 or h.rowspan > 1:
            target = target.merge(table.cell(h.row + h.rowspan - 1, h.col + h.colspan - 1))
        write(target, h.text, layout.header_size, layout, bold=True, align="center")


BOLD_WIDER = 1.1  # bold glyphs are up to ~10% wider than the regular metrics measured


def column_widths(doc: Document, layout: Layout, look: WordLook) -> list[float]:
    """Points, as Word's autofit leaves them: every column at least as wide as its longest word
    (Writer, unlike Word, breaks a word that does not fit, and the page would no longer print the
    truth); what is left is shared by weight, the name column taking its share."""
    usable = layout.page_size[0] - 2 * layout.margin
    need = [widest_word(doc, c, layout) + 2 * look.side_margin + 2 for c in range(doc.n_columns)]
    weights = [0.0 if r == "name" else 1.6 if r in ("responsible", "indicator_type") else
               1.4 if r in ("code", "direction", "aggregation") else 1.0 for r in doc.roles]
    name_col = doc.roles.index("name")
    name_width = max(usable * layout.name_share, need[name_col])
    total = sum(weights)
    widths = [max((usable - name_width) * w / total, n) for w, n in zip(weights, need, strict=True)]
    widths[name_col] = name_width
    spare = usable - sum(widths)
    if spare < 0:  # too wide: the name column gives way first, then every column past its need
        widths[name_col] = max(need[name_col], name_width + spare)
    return widths


def widest_word(doc: Document, col: int, layout: Layout, header: list[HeaderCell] | None = None) -> float:
    """The widest word of a column's body and header cells (`header`: as printed, else merged)."""
    from variety.producers.rl import text_width

    def width(word: str, size: float) -> float:
        return (text_width(word, layout.font, size) + layout.letter_spacing * size * len(word)) * BOLD_WIDER

    body = max((width(w, layout.size) for row in doc.body for w in row[col].split()), default=0.0)
    head = max((width(w, layout.header_size) for h in (header or doc.header) if h.colspan == 1 and h.col == col
                for w in h.text.split()), default=0.0)
    return max(body, head)


def fitted(doc: Document, layout: Layout, look: WordLook) -> Layout:
    """The layout with a cell font small enough for the columns' longest words to fit the page,
    as a user shrinks the table's font when it runs off the page."""
    usable = layout.page_size[0] - 2 * layout.margin
    while layout.size > 4.0 and sum(column_widths(doc, layout, look)) > usable + 0.5:
        layout = replace(layout, size=layout.size - 0.5, header_size=layout.header_size - 0.5)
    return layout


def narrative(word, doc: Document, layout: Layout, look: WordLook) -> None:  # type: ignore[no-untyped-def]
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    word.add_page_break()
    for block in doc.narrative:
        if block.kind == "table":
            table = word.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            table.style = "Table Grid"
            for row, line in zip(table.rows, block.rows, strict=True):
                for cell, text in zip(row.cells, line, strict=True):
                    write(cell, text, layout.text_size, layout)
            spacer(word)
            continue
        if block.kind == "heading":
            para = word.add_paragraph()
            run = para.add_run(block.text)
            run.bold, run.font.size = True, Pt(layout.text_size + 1.5)
            para.paragraph_format.space_before = Pt(6)
        else:
            para = word.add_paragraph(block.text)
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if look.justify else WD_ALIGN_PARAGRAPH.LEFT
        para.paragraph_format.space_after = Pt(look.space_after)
