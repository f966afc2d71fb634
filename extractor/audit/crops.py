"""PNG crops of the page around each finding, for report.html.

Only the region shown is rendered (pdfium renders a page cut to a rectangle), at a scale that
keeps it within a pixel budget, so memory stays bounded whatever the page size. A crop shows the
finding's row (or text line) with a little of the page above and below, the finding's cell
outlined. A page whose content was read turned (a scan upside down) is cut as stored and the
crop turned upright. Crops are saved as 64-colour PNGs: legible, and a few kB each.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from itertools import groupby
from pathlib import Path

from extractor.audit.locate import Mark
from extractor.model import CellBox

RENDER_SCALE = 2.0  # 144 dpi: small print stays legible in the crop
NOTE_SCALE = 1.25  # repairs and notes (a scan may have a hundred): smaller crops
PIXEL_BUDGET = 2_000_000  # pixels of one crop, at most (~6 MB as RGB)
MARGIN_PT = (8.0, 14.0)  # horizontal, vertical room around the row (points)
MAX_CROP_HEIGHT_PT = 160.0  # a tall row is cut to this much around its cell
PALETTE_COLORS = 64
OUTLINE = {"error": (210, 25, 25), "warning": (235, 150, 0), "info": (70, 130, 230)}


def crop_images(pdf_path: Path, marks: Sequence[Mark], rotations: Mapping[int, int]) -> dict[int, str]:
    """Finding index → a data: URI of its PNG crop."""
    import pypdfium2 as pdfium

    out: dict[int, str] = {}
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        ordered = sorted(marks, key=lambda m: m.box.page)
        for number, on_page in groupby(ordered, key=lambda m: m.box.page):
            page = doc[number - 1]
            try:
                for mark in on_page:
                    crop = _render_crop(page, mark)
                    out[mark.index] = _data_uri(_upright(crop, rotations.get(number, 0)))
            finally:
                page.close()
    finally:
        doc.close()
    return out


def _render_crop(page, mark: Mark):
    """The region around a mark, rendered as stored (the frame of the cell boxes), cell outlined."""
    from PIL import ImageDraw

    stored_rotation = page.get_rotation()
    width, height = page.get_size()
    if stored_rotation in (90, 270):  # pdfium gives the size as displayed; boxes are as stored
        width, height = height, width
    x0, top, x1, bottom = _region(mark.box, mark.context, width, height)
    wanted = NOTE_SCALE if mark.finding.severity == "info" else RENDER_SCALE
    scale = min(wanted, (PIXEL_BUDGET / max((x1 - x0) * (bottom - top), 1.0)) ** 0.5)
    bitmap = page.render(
        scale=scale,
        rotation=(360 - stored_rotation) % 360,
        crop=(x0, height - bottom, width - x1, top),
        rev_byteorder=True,
        may_draw_forms=False,
    )
    image = bitmap.to_pil().convert("RGB")
    cell = mark.box
    outline = [
        (cell.x0 - x0) * scale - 2,
        (cell.top - top) * scale - 2,
        (cell.x1 - x0) * scale + 2,
        (cell.bottom - top) * scale + 2,
    ]
    ImageDraw.Draw(image).rectangle(outline, outline=OUTLINE[mark.finding.severity], width=3)
    return image


def _region(cell: CellBox, context: CellBox, width: float, height: float) -> tuple[float, float, float, float]:
    """The row around the cell, with some page above and below, a tall row cut around the cell;
    kept on the page."""
    mx, my = MARGIN_PT
    x0, x1 = min(cell.x0, context.x0) - mx, max(cell.x1, context.x1) + mx
    top, bottom = min(cell.top, context.top) - my, max(cell.bottom, context.bottom) + my
    if bottom - top > MAX_CROP_HEIGHT_PT:
        middle = (cell.top + cell.bottom) / 2
        top = max(top, middle - MAX_CROP_HEIGHT_PT / 2)
        bottom = top + MAX_CROP_HEIGHT_PT
    x0, top = max(0.0, min(x0, width - 2)), max(0.0, min(top, height - 2))
    return x0, top, min(width, max(x1, x0 + 2)), min(height, max(bottom, top + 2))


def _upright(crop, rotation: int):
    """Turn a crop clockwise by the degrees its page's content needed to read upright."""
    from PIL import Image

    turns = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
    turn = turns.get(rotation % 360)
    return crop.transpose(turn) if turn else crop


def _data_uri(image) -> str:
    from PIL import Image

    buffer = io.BytesIO()
    image.quantize(PALETTE_COLORS, method=Image.Quantize.FASTOCTREE).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
