"""Producer: a spreadsheet (XLSX, written with openpyxl) exported to PDF by LibreOffice Calc.

Calc lays the sheet out with its own metrics, scales it to the page width, wraps text at cell
borders, repeats the header rows when they are print titles, and puts the narrative sheet on
pages of its own. Cell texts are written as text, so what is printed is exactly the truth.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from variety.document import SEMAPHORE, Document, Layout, unmerged

SOFFICE = ["soffice", "libreoffice"]
TIMEOUT = 180
PAPER = {"A4": 9, "Letter": 1, "Legal": 5, "A3": 8}  # openpyxl / OOXML paper size codes


def soffice() -> str | None:
    return next((s for s in SOFFICE if shutil.which(s)), None)


def available() -> bool:
    return has_component("sc")


def has_component(prefix: str) -> bool:
    """Whether the office suite holds a component (`sc` Calc, `sw` Writer): each is a package of
    its own (libreoffice-calc-nogui, libreoffice-writer-nogui) beside the shared `soffice`."""
    exe = soffice()
    if exe is None:
        return False
    program = Path(shutil.which(exe) or exe).resolve().parent
    return any(program.glob(f"*{prefix}lo.*"))


def convert(source: Path, out: Path) -> None:
    """Convert with a private LibreOffice profile: parallel runs must not share one."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("no LibreOffice found (apt-get install libreoffice-calc-nogui)")
    with tempfile.TemporaryDirectory(prefix="variety-lo-") as profile:
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
               "--outdir", str(source.parent), str(source)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=TIMEOUT)
    produced = source.with_suffix(".pdf")
    if not produced.exists():
        raise RuntimeError(f"LibreOffice wrote no PDF for {source.name}")
    shutil.move(produced, out)


def render_calc(doc: Document, layout: Layout, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="variety-xlsx-") as tmp:
        source = Path(tmp) / "report.xlsx"
        workbook(doc, layout).save(source)
        convert(source, out)


def _fill(color: str):  # type: ignore[no-untyped-def]
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor=color.lstrip("#").upper())


def workbook(doc: Document, layout: Layout):  # type: ignore[no-untyped-def]
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "Matriz"
    thin = Side(style="thin", color="333333")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name=layout.font, size=layout.size)
    bold = Font(name=layout.font, size=layout.header_size, bold=True)
    wrap = Alignment(wrap_text=True, vertical="center")
    group_align = Alignment(wrap_text=True, vertical="center", horizontal=layout.summary_labels)
    centre = Alignment(wrap_text=True, vertical="center", horizontal=layout.values_align)
    n = doc.n_columns

    row = 1
    summary_col = 1 if layout.summary_position != "beside" else max(4, n - 6)
    for label, value in doc.furniture:
        ws.cell(row, 1, label).font = Font(name=layout.font, size=layout.size + 1, bold=True)
        ws.cell(row, 3, value).font = Font(name=layout.font, size=layout.size + 1)
        row += 1

    def put_summary(first: int, col: int) -> int:
        for r, line in enumerate(doc.summary):
            for c, text in enumerate(line):
                cell = ws.cell(first + r, col + c + (1 if c else 0), text)  # the label spans two columns
                cell.font = bold if r == 0 else font
                if text or c:
                    cell.border = box
                cell.alignment = centre if c else group_align
                if r == 0 and 1 <= c <= 4:
                    cell.fill = _fill(list(SEMAPHORE.values())[c - 1])
            if line[0]:
                ws.merge_cells(start_row=first + r, start_column=col, end_row=first + r, end_column=col + 1)
        return first + len(doc.summary)

    if layout.summary_position == "beside":
        put_summary(1, summary_col)
        row = max(row, 1 + len(doc.summary)) + 1
    elif layout.summary_position == "above":
        row = put_summary(row + 1, 1) + 1
    else:
        row += 1

    header_top = row
    cells = doc.header if layout.merged_header else unmerged(doc.header)
    for cell in cells:
        c = ws.cell(header_top + cell.row, cell.col + 1, cell.text)
        c.font, c.fill = bold, _fill("#cfd9ea")
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        if cell.colspan > 1 or cell.rowspan > 1:
            ws.merge_cells(start_row=header_top + cell.row, start_column=cell.col + 1,
                           end_row=header_top + cell.row + cell.rowspan - 1, end_column=cell.col + cell.colspan)
    for r in (header_top, header_top + 1):
        for c in range(1, n + 1):
            ws.cell(r, c).border = box
            ws.cell(r, c).fill = _fill("#cfd9ea")
    row = header_top + 2
    for cells_, level, band in zip(doc.body, doc.levels, doc.bands, strict=True):
        for c, (role, text) in enumerate(zip(doc.roles, cells_, strict=True), start=1):
            cell = ws.cell(row, c, text if text else None)
            cell.font = Font(name=layout.font, size=layout.size, bold=level in ("OP", "INDEX"))
            cell.border = box
            cell.alignment = wrap if role in ("code", "name", "responsible") else centre
            if role.startswith("progress_") and text and band:
                cell.fill = _fill(SEMAPHORE[band])
            elif level == "OP" and layout.shade_objectives:
                cell.fill = _fill("#e3e3e3")
        row += 1
    if layout.summary_position == "below":
        put_summary(row + 1, 1)

    widths = column_widths(doc, layout)
    from openpyxl.utils import get_column_letter

    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    header_heights(ws, cells, widths, header_top, layout)
    # Calc does not always grow a row to its wrapped text on import and then clips the cell:
    # every body row gets the height its tallest cell needs
    for r, cells_ in enumerate(doc.body, start=header_top + 2):
        lines = max(wrapped_lines(t, w, layout) for t, w in zip(cells_, widths, strict=True))
        ws.row_dimensions[r].height = lines * layout.size * 1.25 + 2 * layout.padding + 2
    page_setup(ws, layout)
    if layout.header_repeats:
        ws.print_title_rows = f"{header_top}:{header_top + 1}"
    narrative_sheet(wb, doc, layout)
    return wb


CHAR_PT = 5.0  # a column width unit ("characters" of the default font) in points, a little narrow


def header_heights(ws, cells: list, widths: list[float], top: int, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    """The two header rows get the height their wrapped labels need: Calc keeps the default
    height of an imported row and lets a label of three lines spill over the rows around it."""
    def needed(cell) -> float:  # type: ignore[no-untyped-def]
        width = sum(widths[cell.col : cell.col + cell.colspan])
        return wrapped_lines(cell.text, width, layout, layout.header_size) * layout.header_size * 1.25 + 6

    heights = [max((needed(c) for c in cells if c.row == r and c.rowspan == 1), default=12.0) for r in (0, 1)]
    spanning = max((needed(c) for c in cells if c.rowspan == 2), default=0.0)
    heights[0] = max(heights[0], spanning - heights[1])
    for r, height in enumerate(heights):
        ws.row_dimensions[top + r].height = height


def wrapped_lines(text: str, width_chars: float, layout: Layout, size: float | None = None) -> int:
    """How many lines `text` takes in a column (greedy wrap, the font's own metrics; a word wider
    than the column is broken over as many lines as it needs)."""
    if not text:
        return 1
    from variety.producers.rl import text_width

    size = size or layout.size
    room = width_chars * CHAR_PT - 4
    lines, current = 1, 0.0
    space = text_width(" ", layout.font, size)
    for word in text.split():
        w = text_width(word, layout.font, size)
        if w > room:
            lines += (1 if current else 0) + int(w // room)
            current = w % room
        elif current and current + space + w > room:
            lines, current = lines + 1, w
        else:
            current += (space if current else 0) + w
    return lines


def column_widths(doc: Document, layout: Layout) -> list[float]:
    """Widths in characters; the name column gets its share of the table."""
    base = []
    for role in doc.roles:
        if role == "name":
            base.append(0.0)
        elif role in ("responsible", "indicator_type"):
            base.append(14.0)
        elif role in ("code", "direction", "aggregation"):
            base.append(13.0)
        else:
            base.append(9.0)
    rest = sum(base)
    name = rest * layout.name_share / (1 - layout.name_share)
    return [name if w == 0 else w for w in base]


def page_setup(ws, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    ws.page_setup.orientation = "landscape" if layout.landscape else "portrait"
    ws.page_setup.paperSize = PAPER[layout.page]
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    margin = layout.margin / 72
    ws.page_margins.left = ws.page_margins.right = margin
    ws.page_margins.top = ws.page_margins.bottom = margin


def narrative_sheet(wb, doc: Document, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.styles import Alignment, Border, Font, Side

    ws = wb.create_sheet("Narrativa")
    thin = Side(style="thin", color="333333")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.column_dimensions["A"].width = 42
    for col in "BCDEFG":
        ws.column_dimensions[col].width = 12
    row = 1
    text_font = Font(name=layout.font, size=layout.text_size)
    for block in doc.narrative:
        if block.kind == "table":
            for line in block.rows:
                for c, text in enumerate(line, start=1):
                    cell = ws.cell(row, c, text)
                    cell.font, cell.border = text_font, box
                    cell.alignment = Alignment(wrap_text=True, vertical="center")
                row += 1
            row += 1
            continue
        cell = ws.cell(row, 1, block.text)
        cell.font = Font(name=layout.font, size=layout.text_size, bold=block.kind == "heading")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        # a merged cell does not grow with its text: give the row the height the text needs
        chars_per_line = 110 * 10 / layout.text_size
        lines = max(1, -(-len(block.text) // int(chars_per_line)))
        ws.row_dimensions[row].height = lines * layout.text_size * 1.3 + 4
        row += 2
    page_setup(ws, layout)
    ws.page_setup.orientation = "portrait"
