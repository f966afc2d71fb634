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
            words = words_from_textpage(textpage, height, clipped_text_objects(page))
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


def words_from_textpage(
    textpage: pdfium.PdfTextPage, page_height: float, clipped: Clips | None = None
) -> list[Word]:
    """Group characters into words: a space, a line change or a gap ends a word.

    Many producers (Chrome's print-to-PDF among them) write no space characters at all and
    only position the words apart, so the gap between glyphs decides. It is measured in ems of
    the glyph's font and against the spacing this page actually uses between the letters of a
    word at that font size (its letter spacing, `letter_spacing`): a word space is at least
    `WORD_GAP_EM` wider than that. Lines
    are told apart by the glyphs' baselines, not their boxes (a comma's box is not a digit's).
    Words also fall apart at the gaps between cells that a producer glued ("10091.4394.74").
    """
    return words_from_runs(glyph_runs(textpage, page_height, clipped))


def words_from_runs(runs: Sequence[Sequence[_Glyph]], spacing: Spacing | None = None) -> list[Word]:
    """The words of glyph runs, their gaps judged against `spacing` (measured from the runs)."""
    runs = _compose_accents(runs)
    if spacing is None:
        spacing = letter_spacing(runs)
    words: list[Word] = []
    for run in runs:
        start = 0
        for i in range(1, len(run) + 1):
            if i == len(run) or _starts_new_word(run[i - 1], run[i], spacing, run[i - 2] if i > 1 else None):
                words.append(_word(run[start:i]))
                start = i
    return words


def glyph_runs(
    textpage: pdfium.PdfTextPage, page_height: float, clipped: Clips | None = None
) -> list[list[_Glyph]]:
    """The page's glyphs in text order, cut at the space characters the producer wrote; glyphs
    of `clipped` text objects (`clipped_text_objects`) only where their clip lets them show."""
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
        if clipped and not _shows((left, bottom, right, top), clipped.get(_object_at(raw, i))):
            continue  # clipped away: a cell's overflowing text the page does not show
        size = pdfium_c.FPDFText_GetFontSize(raw, i)
        ox, oy = ctypes.c_double(), ctypes.c_double()
        pdfium_c.FPDFText_GetCharOrigin(raw, i, ctypes.byref(ox), ctypes.byref(oy))
        # pdfium's y grows upwards; ours grows downwards like pdfplumber's
        runs[-1].append(_Glyph(ch, left, right, page_height - top, page_height - bottom, size, page_height - oy.value))
    return [r for r in runs if r]


# Spacing accents a producer may draw over a letter as a glyph of their own (TeX's OT1 fonts
# have no "ú": an acute is placed over a "u"), and the combining mark each one stands for.
SPACING_ACCENTS = {"´": "\u0301", "`": "\u0300", "˜": "\u0303", "^": "\u0302", "ˆ": "\u0302", "¨": "\u0308",
                   "ˇ": "\u030c", "˘": "\u0306", "˚": "\u030a", "¸": "\u0327"}  # fmt: skip
DOTLESS = {"ı": "i", "ȷ": "j"}  # an accent goes over the dotless letter
ACCENT_OVERLAP = 0.5  # share of the narrower one's width where accent and letter overlap
ACCENT_RAISE_EM = 0.6  # an accent over a capital stands up to this much higher than its letter


def _compose_accents(runs: Sequence[Sequence[_Glyph]]) -> list[list[_Glyph]]:
    """A spacing accent drawn over a letter becomes that letter's accented form ("N´umero" →
    "Número"); an accent standing on its own stays. The accent is looked for beside its letter
    first, then over any letter of the page (pdfTeX raises an accent over a capital in a box of
    its own, which the text order puts at the end of the line)."""
    out = [list(run) for run in runs]
    accents = [(r, i) for r, run in enumerate(out) for i, g in enumerate(run) if g.ch in SPACING_ACCENTS]
    if not accents:
        return out
    dropped: set[tuple[int, int]] = set()
    letters: dict[int, list[tuple[int, int]]] | None = None
    for r, i in accents:
        accent = out[r][i]
        beside = [(r, j) for j in (i + 1, i - 1) if 0 <= j < len(out[r])]
        target = _letter_under(accent, beside, out, dropped)
        if target is None:
            letters = letters if letters is not None else _letters_by_line(out)
            nearby = [k for key in range(int(accent.baseline // 8) - 1, int(accent.baseline // 8) + 3)
                      for k in letters.get(key, [])]  # fmt: skip
            target = _letter_under(accent, nearby, out, dropped)
        if target is not None:
            tr, ti = target
            out[tr][ti] = _accented(out[tr][ti], SPACING_ACCENTS[accent.ch]) or out[tr][ti]
            dropped.add((r, i))
    return [[g for i, g in enumerate(run) if (r, i) not in dropped] for r, run in enumerate(out)]


def _letters_by_line(runs: Sequence[Sequence[_Glyph]]) -> dict[int, list[tuple[int, int]]]:
    """Where each letter is, by 8-pt bands of baseline (an accent looks in the bands around it)."""
    index: dict[int, list[tuple[int, int]]] = {}
    for r, run in enumerate(runs):
        for i, g in enumerate(run):
            if g.ch.isalpha():
                index.setdefault(int(g.baseline // 8), []).append((r, i))
    return index


def _letter_under(
    accent: _Glyph, candidates: Sequence[tuple[int, int]], runs: Sequence[Sequence[_Glyph]], dropped: set
) -> tuple[int, int] | None:
    for r, i in candidates:
        letter = runs[r][i]
        if (r, i) not in dropped and _over(accent, letter) and _accented(letter, SPACING_ACCENTS[accent.ch]):
            return (r, i)
    return None


def _over(accent: _Glyph, letter: _Glyph) -> bool:
    overlap = min(accent.x1, letter.x1) - max(accent.x0, letter.x0)
    narrower = min(accent.x1 - accent.x0, letter.x1 - letter.x0)  # an acute is wider than an "ı"
    raised = letter.baseline - accent.baseline  # over a capital the accent is set higher ("Ú")
    return (letter.ch.isalpha() and -BASELINE_TOLERANCE_EM * letter.em < raised < ACCENT_RAISE_EM * letter.em
            and overlap >= narrower * ACCENT_OVERLAP)  # fmt: skip


def _accented(letter: _Glyph, mark: str) -> _Glyph | None:
    composed = unicodedata.normalize("NFC", DOTLESS.get(letter.ch, letter.ch) + mark)
    if len(composed) != 1:
        return None  # no such accented letter: both stay as printed
    return _Glyph(composed, letter.x0, letter.x1, letter.top, letter.bottom, letter.size, letter.baseline)


Box4 = tuple[float, float, float, float]  # left, bottom, right, top in pdfium's page coordinates
Clips = dict[int, Box4]  # a text object's address → the box its clip path leaves visible

# A glyph shows when at least this share of its box lies inside its text object's clip path:
# a line cut by a cell's edge through its middle is not printed text.
MIN_VISIBLE_SHARE = 0.5


def clipped_text_objects(page: pdfium.PdfPage) -> Clips:
    """The page's text objects that reach past their clip path, with the box it leaves visible
    (most pages have none: their glyphs need no check)."""
    cut: Clips = {}
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_TEXT,), max_depth=1):
        clip = _clip_box(obj.raw)
        if clip is None:
            continue
        left, bottom, right, top = obj.get_bounds()
        if left < clip[0] or bottom < clip[1] or right > clip[2] or top > clip[3]:
            cut[_address(obj.raw)] = clip
    return cut


def _address(obj: object) -> int:
    return ctypes.cast(obj, ctypes.c_void_p).value or 0


def _object_at(raw: object, i: int) -> int:
    return _address(pdfium_c.FPDFText_GetTextObject(raw, i))


def _shows(glyph: Box4, clip: Box4 | None) -> bool:
    if clip is None:
        return True
    left, bottom, right, top = glyph
    area = (right - left) * (top - bottom)
    inside = max(0.0, min(right, clip[2]) - max(left, clip[0])) * max(0.0, min(top, clip[3]) - max(bottom, clip[1]))
    return inside >= area * MIN_VISIBLE_SHARE if area > 0 else inside > 0


def _clip_box(obj: ctypes.c_void_p) -> Box4 | None:
    """The box every path of the object's clip path leaves visible (their bounds intersected)."""
    clip = pdfium_c.FPDFPageObj_GetClipPath(obj)
    if not clip:
        return None
    box: Box4 | None = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for p in range(max(pdfium_c.FPDFClipPath_CountPaths(clip), 0)):
        xs, ys = [], []
        for k in range(max(pdfium_c.FPDFClipPath_CountPathSegments(clip, p), 0)):
            segment = pdfium_c.FPDFClipPath_GetPathSegment(clip, p, k)
            if segment and pdfium_c.FPDFPathSegment_GetPoint(segment, x, y):
                xs.append(x.value)
                ys.append(y.value)
        if not xs:
            continue
        bounds = (min(xs), min(ys), max(xs), max(ys))
        box = bounds if box is None else (max(box[0], bounds[0]), max(box[1], bounds[1]),
                                          min(box[2], bounds[2]), min(box[3], bounds[3]))
    return box


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
# Letter spacing is measured per font size from the gaps of that size; a size with fewer gaps
# than this takes the page's, and a page with fewer keeps 0.
MIN_GAPS_FOR_SPACING = 20
# A producer's letter spacing (tracking) moves every gap inside words by the same amount, so the
# gaps' median stands out of their spread (semi-interquartile range) by this factor. Gaps
# measured on glyph outlines instead of advances (some embedded fonts) spread about as far as
# their median lies from 0 (a real PEI printout: median +0.027 em, ratio 1.2-1.3); tracked
# pages of every producer lie 4 (0.02 em of spacing) to 9 (0.05 em) and more spreads out.
# Only tracking is subtracted, and only a positive one: outline gaps or a negative spacing
# subtracted would bring the word limit down into the gaps between letters.
TRACKING_SPREADS = 3.0
MAX_SPACING_EM = 0.3  # wider letter spacing is not text a reader takes for words
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


def _size_key(glyph: _Glyph) -> float:
    return round(glyph.em * 2) / 2  # half-point classes: one style's glyphs share one


@dataclass(frozen=True, slots=True)
class Spacing:
    """A page's letter spacing in ems, per font size; `page` for sizes with too few gaps."""

    by_size: dict[float, float]
    page: float = 0.0

    def of(self, glyph: _Glyph) -> float:
        return self.by_size.get(_size_key(glyph), self.page)


def letter_spacing(runs: Sequence[Sequence[_Glyph]]) -> Spacing:
    """The page's letter spacing per font size: the median gap between neighbouring glyphs of
    that size when it stands out of their spread (`tracked`), else 0.

    Most neighbouring glyphs are letters of one word (words have several letters), so the
    median is the letter spacing whether or not the producer writes space characters."""
    by_size: dict[float, list[float]] = {}
    for run in runs:
        for a, b in itertools.pairwise(run):
            if _same_line(a, b) and -0.5 < (gap := _gap_em(a, b)) < 1.0:
                by_size.setdefault(_size_key(a), []).append(gap)
    pooled = [g for gaps in by_size.values() for g in gaps]
    return Spacing(
        {size: tracked(gaps) for size, gaps in by_size.items() if len(gaps) >= MIN_GAPS_FOR_SPACING},
        tracked(pooled) if len(pooled) >= MIN_GAPS_FOR_SPACING else 0.0,
    )


def tracked(gaps: Sequence[float]) -> float:
    """The letter spacing these gaps show: their median, when it lies `TRACKING_SPREADS` times
    their spread above 0 (tracking shifts them all alike); else 0 (kerning, outline boxes)."""
    ordered = sorted(gaps)
    n = len(ordered)
    median = ordered[n // 2]
    spread = (ordered[(3 * n) // 4] - ordered[n // 4]) / 2  # the semi-interquartile range
    if median <= TRACKING_SPREADS * spread:
        return 0.0
    return min(median, MAX_SPACING_EM)


def _starts_new_word(prev: _Glyph, cur: _Glyph, spacing: Spacing, before: _Glyph | None) -> bool:
    if abs(prev.baseline - cur.baseline) >= max(prev.em, cur.em) * WORD_BASELINE_EM:
        return True
    if cur.x0 < prev.x0 - prev.em * 0.5:
        return True  # the text went back: another column or line (a ligature's parts share a box)
    gap = _gap_em(prev, cur) - spacing.of(prev)
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
