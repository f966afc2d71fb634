"""Open a PDF and read each page's text layer: words, ruling edges and fills.

pypdfium2 reads a page's characters and paths in milliseconds (pdfminer, under pdfplumber,
takes ~0.25 s a page on these dense matrices), so the born-digital path uses it directly.
Pages without a usable text layer are handed to `extractor/ocr/` by the pipeline.
"""

from __future__ import annotations

import ctypes
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractor.model import Edge, Fill, PageContent, SourceInfo, Word

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_PAGES = 5000
MAX_PAGE_SIDE_PT = 14400  # PDF's own limit (200 inches): anything larger is not a report page
MIN_TEXT_CHARS = 20  # fewer real characters than this: treat the page as image-only

PDFIUM_LINE_END_HYPHEN = 0x02  # pdfium's code for a hyphen it judges to split a word at a line end

EDGE_MAX_THICKNESS = 2.0  # a filled rectangle thinner than this is a ruling line
EDGE_MIN_LENGTH = 2.0


class InputError(Exception):
    """The input cannot be read as a report; the message is one line for the user."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_readable_file(path: Path) -> None:
    """Reject what is not a plausible PDF file before any parser sees it."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: empty file")
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"{path}: {size / 2**20:.0f} MiB is larger than the {MAX_FILE_BYTES // 2**20} MiB limit"
        )
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise InputError(f"{path}: not a PDF (no %PDF header)")


@contextmanager
def open_pdf(path: Path, password: str | None = None) -> Iterator[pdfium.PdfDocument]:
    """Open a PDF with pdfium, turning its failures into one-line InputErrors."""
    check_readable_file(path)
    try:
        doc = pdfium.PdfDocument(str(path), password=password)
    except pdfium.PdfiumError as exc:
        raise InputError(f"{path}: {_describe_pdfium_error(exc)}") from None
    try:
        n = len(doc)
        if n == 0:
            raise InputError(f"{path}: the PDF has no pages")
        if n > MAX_PAGES:
            raise InputError(f"{path}: {n} pages is more than the {MAX_PAGES}-page limit")
        yield doc
    finally:
        doc.close()


def _describe_pdfium_error(exc: Exception) -> str:
    text = str(exc).lower()
    if "password" in text:
        return "the PDF is encrypted (password protected); decrypt it first, e.g. `qpdf --decrypt`"
    if "format" in text or "corrupt" in text or "file" in text:
        return "the PDF is corrupt or truncated and cannot be parsed"
    return f"cannot open the PDF ({exc})"


def source_info(path: Path, pages: int) -> SourceInfo:
    return SourceInfo(path=str(path), sha256=sha256_of(path), pages=pages)


def read_page(doc: pdfium.PdfDocument, index: int) -> PageContent:
    """Words, ruling edges and fills of one page's text layer (coordinates: top-left origin)."""
    page = doc[index]
    try:
        width, height = page.get_size()
        if width > MAX_PAGE_SIDE_PT or height > MAX_PAGE_SIDE_PT:
            raise InputError(f"page {index + 1}: {width:.0f}×{height:.0f} pt is not a report page")
        textpage = page.get_textpage()
        try:
            words = words_from_textpage(textpage, height)
            text = textpage.get_text_range()
        finally:
            textpage.close()
        edges, fills = paths_of_page(page, height)
        coverage = largest_image_coverage(page, width * height)
    finally:
        page.close()
    return PageContent(
        index + 1,
        width,
        height,
        words,
        edges,
        fills,
        text=text.replace("\r\n", "\n"),
        image_coverage=coverage,
    )


def largest_image_coverage(page: pdfium.PdfPage, page_area: float) -> float:
    best = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        left, bottom, right, top = obj.get_bounds()
        best = max(best, (right - left) * (top - bottom) / page_area)
    return min(best, 1.0)


def looks_scanned(page: PageContent) -> bool:
    """A page image with no vector rules: its text layer, if any, is an OCR layer."""
    return page.image_coverage > 0.8 and len(page.edges) < 4


def has_text_layer(page: PageContent) -> bool:
    return sum(len(w.text) for w in page.words) >= MIN_TEXT_CHARS


# ---- characters → words -----------------------------------------------------------------------


def _char_box(textpage: pdfium.PdfTextPage, i: int) -> tuple[float, float, float, float]:
    """Loose box (ascent to descent) so every glyph of a line shares one top and bottom."""
    rect = pdfium_c.FS_RECTF()
    pdfium_c.FPDFText_GetLooseCharBox(textpage.raw, i, rect)
    return rect.left, rect.top, rect.right, rect.bottom


def words_from_textpage(textpage: pdfium.PdfTextPage, page_height: float) -> list[Word]:
    """Group characters into words: a space, a line change or a gap ends a word.

    Many producers (Chrome's print-to-PDF among them) write no space characters at all and
    only position the words apart, so the gap between glyphs decides, measured in ems:
    kerning stays under 0.09 em, the narrowest word space seen in real reports is 0.12 em.
    Words also fall apart at the gaps between cells that a producer glued ("10091.4394.74").
    """
    words: list[Word] = []
    chars: list[_Glyph] = []

    def flush() -> None:
        if chars:
            words.append(
                Word(
                    "".join(c.ch for c in chars),
                    min(c.x0 for c in chars),
                    max(c.x1 for c in chars),
                    min(c.top for c in chars),
                    max(c.bottom for c in chars),
                )
            )
            chars.clear()

    raw = textpage.raw
    for i in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            # pdfium guesses spaces from kerning ("Sec tor"); our own gap test decides instead
            continue
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        # pdfium reports a printed hyphen that ends a line after a letter ("geo-" wrapped
        # before "espacio") as U+0002; the page shows "-", so the text must too
        ch = "-" if code == PDFIUM_LINE_END_HYPHEN else chr(code) if code else ""
        if not ch or ch.isspace() or ch in "\ufffe\ufeff\u00ad":
            flush()
            continue
        left, top, right, bottom = _char_box(textpage, i)
        size = pdfium_c.FPDFText_GetFontSize(raw, i)
        # pdfium's y grows upwards; ours grows downwards like pdfplumber's
        glyph = _Glyph(ch, left, right, page_height - top, page_height - bottom, size)
        if chars and _starts_new_word(chars[-1], glyph):
            flush()
        chars.append(glyph)
    flush()
    return words


@dataclass(frozen=True, slots=True)
class _Glyph:
    ch: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def em(self) -> float:
        # some producers scale a 1-pt font with the text matrix: fall back to the box height
        return self.size if self.size > 1.5 else (self.bottom - self.top) * 0.8


WORD_GAP_EM = 0.11


def _starts_new_word(prev: _Glyph, cur: _Glyph) -> bool:
    height = max(prev.bottom - prev.top, 1.0)
    same_line = abs((prev.top + prev.bottom) / 2 - (cur.top + cur.bottom) / 2) < height * 0.5
    gap = cur.x0 - prev.x1
    return not same_line or gap > prev.em * WORD_GAP_EM or gap < -prev.em * 0.5


# ---- paths → ruling edges and fills ------------------------------------------------------------


def paths_of_page(page: pdfium.PdfPage, page_height: float) -> tuple[list[Edge], list[Fill]]:
    """Straight stroked segments and thin filled rectangles become edges; filled boxes, fills."""
    edges: list[Edge] = []
    fills: list[Fill] = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=4):
        fill_mode, stroked = _draw_mode(obj)
        left, bottom, right, top = obj.get_bounds()
        box = (left, page_height - top, right, page_height - bottom)
        w, h = right - left, top - bottom
        if fill_mode and (w <= EDGE_MAX_THICKNESS or h <= EDGE_MAX_THICKNESS):
            edge = _edge_from_box(*box)
            if edge:
                edges.append(edge)
            continue
        if fill_mode and w > EDGE_MAX_THICKNESS and h > EDGE_MAX_THICKNESS:
            color = _fill_color(obj)
            if color is not None and color != (1.0, 1.0, 1.0):
                fills.append(Fill(box[0], box[2], box[1], box[3], color=color))
        if stroked:
            edges.extend(_segments_as_edges(obj, page_height))
    return edges, fills


def _draw_mode(obj: pdfium.PdfObject) -> tuple[int, bool]:
    fill_mode = ctypes.c_int()
    stroke = ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill_mode, stroke)
    return fill_mode.value, bool(stroke.value)


def _fill_color(obj: pdfium.PdfObject) -> tuple[float, float, float] | None:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetFillColor(obj.raw, r, g, b, a):
        return None
    return (round(r.value / 255, 3), round(g.value / 255, 3), round(b.value / 255, 3))


def _edge_from_box(x0: float, top: float, x1: float, bottom: float) -> Edge | None:
    if x1 - x0 >= bottom - top and x1 - x0 >= EDGE_MIN_LENGTH:
        y = (top + bottom) / 2
        return Edge("h", x0, x1, y, y)
    if bottom - top >= EDGE_MIN_LENGTH:
        x = (x0 + x1) / 2
        return Edge("v", x, x, top, bottom)
    return None


def _segments_as_edges(obj: pdfium.PdfObject, page_height: float) -> list[Edge]:
    """Every straight, axis-aligned segment of a stroked path (grids are often one path)."""
    matrix = obj.get_matrix()
    edges: list[Edge] = []
    start: tuple[float, float] | None = None
    prev: tuple[float, float] | None = None
    for i in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj.raw, i)
        x, y = ctypes.c_float(), ctypes.c_float()
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        point = matrix.on_point(x.value, y.value)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = point
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO and prev is not None:
            edges.extend(_axis_edge(prev, point, page_height))
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
            edges.extend(_axis_edge(point, start, page_height))
        prev = point
    return edges


def _axis_edge(a: tuple[float, float], b: tuple[float, float], page_height: float) -> list[Edge]:
    (xa, ya), (xb, yb) = a, b
    if abs(ya - yb) < 0.5 and abs(xa - xb) >= EDGE_MIN_LENGTH:
        y = page_height - ya
        return [Edge("h", min(xa, xb), max(xa, xb), y, y)]
    if abs(xa - xb) < 0.5 and abs(ya - yb) >= EDGE_MIN_LENGTH:
        x = xa
        return [Edge("v", x, x, page_height - max(ya, yb), page_height - min(ya, yb))]
    return []
