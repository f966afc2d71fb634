"""Producer: an HTML page printed to PDF by a browser (Debian's chromium, headless).

The browser chooses glyph positions, line breaks and page breaks itself; the page furniture and
the summary sit above (or beside, or below) the matrix, the column header repeats on every page
or not (`thead` vs. plain rows), groups are merged (`colspan`) or repeated per column.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path

from variety.document import SEMAPHORE, Document, Layout, unmerged

BROWSERS = ["chromium", "chromium-browser", "google-chrome"]
TIMEOUT = 120


def available() -> bool:
    return browser() is not None


def browser() -> str | None:
    return next((b for b in BROWSERS if shutil.which(b)), None)


def render(doc: Document, layout: Layout, out: Path) -> None:
    exe = browser()
    if exe is None:
        raise RuntimeError("no chromium found (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="variety-html-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html_document(doc, layout), encoding="utf-8")
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
               f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", page.as_uri()]
        subprocess.run(cmd, check=True, capture_output=True, timeout=TIMEOUT)
    if not out.exists():
        raise RuntimeError(f"chromium wrote no PDF for {out.name}")


def css(layout: Layout) -> str:
    w, h = layout.page_size
    split = "auto" if layout.rows_may_split else "avoid"
    return f"""
@page {{ size: {w:.1f}pt {h:.1f}pt; margin: {layout.margin}pt; }}
body {{ font-family: '{layout.font}'; font-size: {layout.text_size}pt; letter-spacing: {layout.letter_spacing}em;
        -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
table {{ border-collapse: collapse; }}
table.matrix {{ width: 100%; table-layout: auto; font-size: {layout.size}pt; }}
table.matrix td, table.matrix th {{ border: 0.6pt solid #333; padding: {layout.padding}pt; vertical-align: middle; }}
table.matrix th {{ background: #cfd9ea; font-size: {layout.header_size}pt; }}
table.matrix td.v {{ text-align: {layout.values_align}; }}
table.matrix tr {{ break-inside: {split}; }}
tr.OP td {{ {"background: #e3e3e3; font-weight: bold;" if layout.shade_objectives else "font-weight: bold;"} }}
tr.INDEX td {{ font-weight: bold; }}
table.summary {{ font-size: {layout.size + 0.5}pt; margin: 6pt 0; }}
table.summary td {{ border: 0.6pt solid #333; padding: 1pt 4pt; text-align: center; }}
table.summary td:first-child {{ text-align: {layout.summary_labels}; }}
.furniture td {{ padding: 1pt 8pt 1pt 0; font-size: {layout.size + 1}pt; }}
.top {{ display: flex; gap: 24pt; align-items: flex-start; }}
.narrative {{ break-before: page; }}
.narrative table td {{ border: 0.6pt solid #333; padding: 2pt 6pt; }}
p {{ text-align: justify; margin: 0 0 6pt 0; }}
"""


def furniture_html(doc: Document) -> str:
    rows = "".join(f"<tr><td><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>" for k, v in doc.furniture)
    return f'<table class="furniture">{rows}</table>'


def summary_html(doc: Document) -> str:
    out = []
    for r, row in enumerate(doc.summary):
        cells = []
        for c, text in enumerate(row):
            style = ""
            if r == 0 and 1 <= c <= 4:
                style = f' style="background:{list(SEMAPHORE.values())[c - 1]}"'
            content = f"<b>{escape(text)}</b>" if r == 0 else escape(text)
            cells.append(f"<td{style}>{content}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="summary">{"".join(out)}</table>'


def header_rows(doc: Document, layout: Layout) -> str:
    cells = doc.header if layout.merged_header else unmerged(doc.header)
    rows = []
    for r in (0, 1):
        row = sorted((c for c in cells if c.row == r), key=lambda c: c.col)
        rows.append("<tr>" + "".join(
            f'<th colspan="{c.colspan}" rowspan="{c.rowspan}">{escape(c.text)}</th>' for c in row) + "</tr>")
    return "".join(rows)


def colgroup(doc: Document, layout: Layout) -> str:
    weights = []
    for role in doc.roles:
        if role == "name":
            weights.append(0.0)
        elif role in ("responsible", "indicator_type"):
            weights.append(1.6)
        elif role in ("code", "direction", "aggregation"):
            weights.append(1.4)
        else:
            weights.append(1.0)
    rest = 1 - layout.name_share
    total = sum(weights)
    shares = [layout.name_share if w == 0 else rest * w / total for w in weights]
    return "<colgroup>" + "".join(f'<col style="width:{s * 100:.2f}%">' for s in shares) + "</colgroup>"


def body_rows(doc: Document) -> str:
    out = []
    for cells, level, band in zip(doc.body, doc.levels, doc.bands, strict=True):
        tds = []
        for role, text in zip(doc.roles, cells, strict=True):
            cls = "" if role in ("code", "name", "responsible") else ' class="v"'
            style = f' style="background:{SEMAPHORE[band]}"' if role.startswith("progress_") and text and band else ""
            tds.append(f"<td{cls}{style}>{escape(text)}</td>")
        out.append(f'<tr class="{level}">' + "".join(tds) + "</tr>")
    return "".join(out)


def matrix_html(doc: Document, layout: Layout) -> str:
    head = header_rows(doc, layout)
    if layout.header_repeats:
        inner = f"<thead>{head}</thead><tbody>{body_rows(doc)}</tbody>"
    else:
        inner = f"<tbody>{head}{body_rows(doc)}</tbody>"
    return f'<table class="matrix">{colgroup(doc, layout)}{inner}</table>'


def narrative_html(doc: Document) -> str:
    out = ['<div class="narrative">']
    for block in doc.narrative:
        if block.kind == "heading":
            out.append(f"<h3>{escape(block.text)}</h3>")
        elif block.kind == "paragraph":
            out.append(f"<p>{escape(block.text)}</p>")
        else:
            rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in block.rows)
            out.append(f"<table>{rows}</table><p></p>")
    out.append("</div>")
    return "".join(out)


def html_document(doc: Document, layout: Layout) -> str:
    if layout.summary_position == "beside":
        top = f'<div class="top">{furniture_html(doc)}{summary_html(doc)}</div>'
    elif layout.summary_position == "above":
        top = furniture_html(doc) + summary_html(doc)
    else:
        top = furniture_html(doc)
    bottom = summary_html(doc) if layout.summary_position == "below" else ""
    return (f'<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><style>{css(layout)}</style></head>'
            f"<body>{top}{matrix_html(doc, layout)}{bottom}{narrative_html(doc)}</body></html>")
