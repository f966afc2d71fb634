"""Open a PDF and read each page's text layer: words, ruling edges and fills.

pypdfium2 reads a page's characters and paths in milliseconds (pdfminer, under pdfplumber,
takes ~0.25 s a page on these dense matrices), so the born-digital path uses it directly.
Pages without a usable text layer are handed to `extractor/ocr/` by the pipeline.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import itertools
import mmap
import re
import stat
import sys
import unicodedata
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractor.model import Edge, Fill, PageContent, SourceInfo, Word

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_PAGES = 5000
MAX_PAGE_SIDE_PT = 14400  # PDF's own limit (200 inches): anything larger is not a report page
# A compressed stream that inflates beyond this is a decompression bomb: pdfium inflates a
# page's content in memory (a 0.25 MB file inflating to 256 MB took 650 MB). 320 MiB holds a
# 100 M pixel RGB scan (raster.MAX_IMAGE_PIXELS).
MAX_INFLATED_BYTES = 320 * 2**20
INFLATE_CHUNK = 1 << 20
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
    try:
        info = path.stat()
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise InputError(f"{path}: {_describe_os_error(path, exc)}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: not a file")
    if info.st_size == 0:
        raise InputError(f"{path}: empty file")
    if info.st_size > MAX_FILE_BYTES:
        raise InputError(
            f"{path}: {info.st_size / 2**20:.0f} MiB is larger than the {MAX_FILE_BYTES // 2**20} MiB limit"
        )
    if b"%PDF-" not in head:
        raise InputError(f"{path}: not a PDF (no %PDF header)")
    check_inflation(path)


STREAM_START = re.compile(rb"stream\r?\n")


def check_inflation(path: Path) -> None:
    """Refuse a file with a flate stream that inflates beyond `MAX_INFLATED_BYTES`.

    Every place a stream may start is tried as a zlib stream, inflated piece by piece and
    dropped; nothing else is parsed (streams of other filters fail zlib's header check at once).
    """
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        for match in STREAM_START.finditer(data):
            size = _inflated_size(data, match.end())
            if size > MAX_INFLATED_BYTES:
                raise InputError(
                    f"{path}: a compressed stream at byte {match.end()} inflates to more than "
                    f"{MAX_INFLATED_BYTES // 2**20} MiB (a decompression bomb); refused"
                )


def _inflated_size(data: mmap.mmap, start: int) -> int:
    """How many bytes the zlib stream at `start` inflates to, counted up to just past the limit."""
    inflater = zlib.decompressobj()
    total, at, pending = 0, start, b""
    try:
        while not inflater.eof and total <= MAX_INFLATED_BYTES:
            if not pending and at < len(data):
                pending = data[at : at + INFLATE_CHUNK]
                at += len(pending)
            piece = inflater.decompress(pending, INFLATE_CHUNK * 4)  # bounded: never the whole bomb
            total += len(piece)
            pending = inflater.unconsumed_tail
            if not piece and not pending and at >= len(data):
                break
    except zlib.error:
        pass  # not flate data, or damaged: pdfium stops where zlib does
    return total


def _describe_os_error(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link that loops back on itself; it leads to no file"
    if exc.errno == errno.ENOENT:
        return "a symbolic link to a file that does not exist" if path.is_symlink() else "no such file"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied; the file cannot be opened for reading"
    if exc.errno == errno.EISDIR:
        return "not a file"
    return f"cannot be opened ({exc.strerror or exc})"


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
    except InputError as exc:
        # page-level reasons ("page 3: …") are raised without the file: every message names it
        if str(exc).startswith(f"{path}:"):
            raise
        raise InputError(f"{path}: {exc}") from None
    finally:
        doc.close()


def _describe_pdfium_error(exc: Exception) -> str:
    text = str(exc).lower()
    if "password" in text:
        return "the PDF is encrypted (password protected); decrypt it first, e.g. `qpdf --decrypt`"
    if "security" in text or "handler" in text:
        return "the PDF is encrypted with an unsupported security handler; decrypt it first"
    if "success" in text or "page" in text:
        # pdfium loads the file, finds no page tree it can use, and reports no error of its own
        return "the PDF has no pages that can be read (its page tree is empty, missing or broken)"
    if "format" in text or "corrupt" in text or "file" in text:
        return "the PDF is corrupt or truncated and cannot be parsed"
    return f"cannot open the PDF ({exc})"


def source_info(path: Path, pages: int) -> SourceInfo:
    return SourceInfo(path=str(path), sha256=sha256_of(path), pages=pages)


def read_page(doc: pdfium.PdfDocument, index: int) -> PageContent:
    """Words, ruling edges and fills of one page's text layer (coordinates: top-left origin)."""
    try:
        page = doc[index]
    except pdfium.PdfiumError:
        raise InputError(
            f"page {index + 1} cannot be loaded (the PDF's page tree is broken); repair the file, "
            "e.g. `qpdf input.pdf repaired.pdf`"
        ) from None
    try:
        width, height = page.get_size()
        if not (0 < width <= MAX_PAGE_SIDE_PT and 0 < height <= MAX_PAGE_SIDE_PT):
            raise InputError(
                f"page {index + 1}: {width:.0f}×{height:.0f} pt is not a report page "
                f"(sides must be between 0 and {MAX_PAGE_SIDE_PT} pt, PDF's own limit)"
            )
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
        text=clean_text(text.replace("\r\n", "\n")),
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
    only position the words apart, so the gap between glyphs decides. It is measured in ems of
    the glyph's font and against the spacing this page actually uses between the letters of a
    word (its letter spacing): a word space is at least `WORD_GAP_EM` wider than that. Lines
    are told apart by the glyphs' baselines, not their boxes (a comma's box is not a digit's).
    Words also fall apart at the gaps between cells that a producer glued ("10091.4394.74").
    """
    runs = glyph_runs(textpage, page_height)
    spacing = letter_spacing(runs)
    words: list[Word] = []
    for run in runs:
        start = 0
        for i in range(1, len(run) + 1):
            if i == len(run) or _starts_new_word(run[i - 1], run[i], spacing, run[i - 2] if i > 1 else None):
                words.append(_word(run[start:i]))
                start = i
    return words


def glyph_runs(textpage: pdfium.PdfTextPage, page_height: float) -> list[list[_Glyph]]:
    """The page's glyphs in text order, cut at the space characters the producer wrote."""
    runs: list[list[_Glyph]] = [[]]
    raw = textpage.raw
    for i in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            # pdfium guesses spaces from kerning ("Sec tor"); our own gap test decides instead
            continue
        ch = _char_text(pdfium_c.FPDFText_GetUnicode(raw, i))
        if not ch or ch.isspace() or ch in "\ufffe\ufeff\u00ad":
            if runs[-1]:
                runs.append([])
            continue
        left, top, right, bottom = _char_box(textpage, i)
        size = pdfium_c.FPDFText_GetFontSize(raw, i)
        ox, oy = ctypes.c_double(), ctypes.c_double()
        pdfium_c.FPDFText_GetCharOrigin(raw, i, ctypes.byref(ox), ctypes.byref(oy))
        # pdfium's y grows upwards; ours grows downwards like pdfplumber's
        runs[-1].append(_Glyph(ch, left, right, page_height - top, page_height - bottom, size, page_height - oy.value))
    return [r for r in runs if r]


def _word(glyphs: Sequence[_Glyph]) -> Word:
    return Word(
        "".join(g.ch for g in glyphs),
        min(g.x0 for g in glyphs),
        max(g.x1 for g in glyphs),
        min(g.top for g in glyphs),
        max(g.bottom for g in glyphs),
    )


def _char_text(code: int) -> str:
    """The character pdfium read, as the page shows it; "" for what is never printed."""
    if code == PDFIUM_LINE_END_HYPHEN:
        # pdfium reports a printed hyphen that ends a line after a letter ("geo-" wrapped
        # before "espacio") as U+0002; the page shows "-", so the text must too
        return "-"
    if not code or code > sys.maxunicode:
        return ""
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"  # half a surrogate pair (a broken ToUnicode map): no UTF-8 file can hold it
    ch = chr(code)
    if unicodedata.category(ch) == "Cc" and not ch.isspace():
        return ""  # control codes from a broken font map are not printed
    return ch


def clean_text(text: str) -> str:
    """Page text as files can hold it: broken surrogates marked, control codes dropped."""
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) != "Cc")


@dataclass(frozen=True, slots=True)
class _Glyph:
    ch: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    baseline: float

    @property
    def em(self) -> float:
        # some producers scale a 1-pt font with the text matrix: fall back to the box height
        return self.size if self.size > 1.5 else (self.bottom - self.top) * 0.8


# A word space is at least this much wider than the page's own letter spacing: kerning stays
# under 0.09 em, the narrowest word space seen in real reports is 0.12 em.
WORD_GAP_EM = 0.11
# Letter spacing is the typical gap inside words; a page with fewer gaps than this keeps 0.
MIN_GAPS_FOR_SPACING = 20
# Gaps inside words spread over ±0.08 em with kerning alone (real PEI printouts: median +0.03,
# narrowest word space 0.12 em); only a page whose median gap is past this is tracked (letter
# spacing set by its producer), and only then is the word gap measured from its median.
TRACKING_EM = 0.05
# A separator inside a number ("98.0", "1,850") may stand further from the next digit than
# letters do (spreadsheet digit alignment): such a gap splits only past twice the word gap.
NUMBER_GAP_FACTOR = 2.0
BASELINE_TOLERANCE_EM = 0.3  # glyphs whose baselines differ by less sit on one line
# … and glyphs of one word share their baseline: a code centred beside a wrapped name sits a
# fraction of a line off the name's first line, and touching it is still another cell
WORD_BASELINE_EM = 0.15


def _gap_em(prev: _Glyph, cur: _Glyph) -> float:
    return (cur.x0 - prev.x1) / max(prev.em, 0.1)


def _same_line(prev: _Glyph, cur: _Glyph) -> bool:
    return abs(prev.baseline - cur.baseline) < max(prev.em, cur.em) * BASELINE_TOLERANCE_EM


def letter_spacing(runs: Sequence[Sequence[_Glyph]]) -> float:
    """The page's letter spacing in ems: the median gap between neighbouring glyphs when the
    page is tracked, else 0.

    Most neighbouring glyphs are letters of one word (words have several letters), so the
    median is the letter spacing whether or not the producer writes space characters."""
    gaps = sorted(
        gap
        for run in runs
        for a, b in itertools.pairwise(run)
        if _same_line(a, b) and -0.5 < (gap := _gap_em(a, b)) < 1.0
    )
    if len(gaps) < MIN_GAPS_FOR_SPACING:
        return 0.0
    median = gaps[len(gaps) // 2]
    return min(median, 0.3) if median > TRACKING_EM else 0.0


def _starts_new_word(prev: _Glyph, cur: _Glyph, spacing: float, before: _Glyph | None) -> bool:
    if abs(prev.baseline - cur.baseline) >= max(prev.em, cur.em) * WORD_BASELINE_EM:
        return True
    if cur.x0 < prev.x0 - prev.em * 0.5:
        return True  # the text went back: another column or line (a ligature's parts share a box)
    gap = _gap_em(prev, cur) - spacing
    limit = WORD_GAP_EM
    if prev.ch in ".," and cur.ch.isdigit() and before is not None and before.ch.isdigit():
        limit *= NUMBER_GAP_FACTOR
    return gap > limit


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
