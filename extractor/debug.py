"""`--debug DIR`: each matrix page drawn with what the extraction saw.

Like pdfplumber's `debug_tablefinder()`: ruling edges (grey), header columns with their roles
(blue), the top of each raw row's span (green) with the code cell as printed (red when empty: a
continuation).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from extractor.geometry import Box
from extractor.layout import find_headers
from extractor.model import PageContent, RawRow
from extractor.rules import Rules

SCALE = 2.0  # pixels per point


def draw_pages(
    pdf_path: Path, pages: Sequence[PageContent], raw_rows: Sequence[RawRow], rules: Rules, out_dir: Path
) -> list[Path]:
    """Write one PNG per page that holds matrix rows; return their paths."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        for page in pages:
            rows = [r for r in raw_rows if r.page == page.number]
            if not rows:
                continue
            image = doc[page.number - 1].render(scale=SCALE, rotation=page.rotation).to_pil().convert("RGB")
            draw = ImageDraw.Draw(image)
            _draw_edges(draw, page)
            _draw_headers(draw, page, rules)
            _draw_rows(draw, rows)
            path = out_dir / f"page-{page.number:03d}.png"
            image.save(path)
            written.append(path)
    finally:
        doc.close()
    return written


def _xy(*values: float) -> list[float]:
    return [v * SCALE for v in values]


def _corners(box: Box) -> list[float]:
    return _xy(box.x0, box.top, box.x1, box.bottom)


def _draw_edges(draw, page: PageContent) -> None:
    for e in page.edges:
        draw.line(_xy(e.x0, e.top, e.x1, e.bottom), fill=(170, 170, 170), width=1)


def _draw_headers(draw, page: PageContent, rules: Rules) -> None:
    for header in find_headers(page, rules):
        for col in header.columns:
            cell = Box(col.x0, col.x1, header.box.top, header.box.bottom)
            draw.rectangle(_corners(cell), outline=(30, 90, 220), width=2)
            draw.text(_xy(col.x0 + 1, header.box.top - 7), col.role, fill=(30, 90, 220))


def _draw_rows(draw, rows: Sequence[RawRow]) -> None:
    for row in rows:
        draw.line(_xy(0, row.top, 2000, row.top), fill=(0, 160, 0), width=1)
        code = row.cells.get("code", "").strip()
        draw.text(_xy(2, row.top + 1), code or "(continues)", fill=(0, 120, 0) if code else (210, 0, 0))
