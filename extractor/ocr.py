"""Read a page that has no usable text layer: render it, turn it upright, find its ruled grid, OCR it.

The chain, each step a small pure function on a grayscale numpy image (pdfplumber-style):

    render_page → detect_rotation → turn → estimate_skew / deskew (+ scan_frame) → find_grid
    → ocr_words (erase rules → despeckle → read cells, then the rest of the page)

`ocr_page` runs the chain for one page and returns a `PageContent` like `pdf.py` does for a text
page (``source="ocr"``); `ocr_pages` runs it for many pages in a process pool.

Why it works this way (measured on 6–7 pt CEPLAN-like tables rasterised at 200 dpi):
- Ruling lines are erased before OCR: with them, tesseract reads a ruled table as noise.
- When a grid is found every cell is read on its own (`--psm 6`), the cells pasted one under the
  other into a few tall "mosaic" images: one tesseract call per mosaic, not per cell. Whole-page
  `--psm 6` mixed the lines of wrapped cells with their neighbours and glued values across
  erased lines (81% of cells right); per cell, 100%, and every word lies inside its cell.
- Small print is upscaled 2× before OCR; body text (letters ≥ 4.5 pt) is read at 0.75×, as
  well as at 2× and in less than half the time: a narrative page costs ~3.5 s, a matrix ~6 s.
- Rules cut off by the edge of the scan (a sheet cropped by a few millimetres loses the
  table's outer border) are closed along that edge, or the first column has no cells and the
  header its "Código". The edge is the scan's frame, followed through the deskew.
- Borders of shaded areas stand in for the rules shading printed over (a shaded row's top
  rule comes out a few grey levels dark): without them two rows read as one.
- Lone specks (dust, paper noise) are painted over before reading, and what tesseract still
  makes of specks beside the print (a low-confidence ":" or a dot-sized "letter") is dropped:
  tesseract reads specks as "." ":" "'" glued to words and values ("62.0.").
- Words with digits are read a second time with the English model: "spa" turns code letters
  into digits (ISS.03 → 155.03, IOP → 10P: 13 of 28 codes right), "eng" does not (28 of 28)
  but loses accents, so words without digits keep the Spanish reading. Outside the grid only
  the words with digits are read again, each from its own box.
- A cell whose two readings disagree on a number ("1221" / "221") is read once more alone:
  now and then a mosaic's neighbours mislead tesseract (a tile alone reads right), and so is a
  tile whose reading has a word spanning two of its lines.
- Text outside the grid is read with tesseract's own layout analysis (`--psm 3`), which sets
  logos and halftone banners aside instead of reading them as letters.
- Rotation is judged from the image, not from the page's /Rotate entry (scanners store pages
  upside down and set /Rotate, or don't); /Rotate only breaks a tie.

Coordinates returned are PDF points, origin top-left, in the upright (and deskewed) page.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytesseract
from pdfplumber.table import edges_to_intersections, intersections_to_cells

from extractor.model import Edge, PageContent, Word

DEFAULT_DPI = 200  # what the scans we see are made at; 6–7 pt text is ~13 px high
UPSCALE = 2.0  # 6–7 pt at 200 dpi is too small for tesseract; 2× reads codes, 3× is no better
SMALL_PRINT_PT = 4.5  # median letter height below which text is upscaled: 6.5 pt print is ~3.5
# letter heights tesseract reads best at (measured at 200 dpi: small print 2×, body 0.75×)
SMALL_PRINT_PX = 19.0  # 6.5 pt print (letters ~3.5 pt) at 200 dpi, upscaled 2×
# 11 pt body (letters ~5.5 pt) at 200 dpi read at 0.75×: as well as at 2× (708 vs 705 of 725 words)
# in half the time, so the narrative pages of a report cost little
BODY_PRINT_PX = 11.5
MIN_READING_SCALE, MAX_READING_SCALE = 0.5, 4.0
MIN_DPI, MAX_DPI = 150, 300  # a scan is read at its own resolution, within these
LANG = "spa"
DIGITS_LANG = "eng"  # re-reads words with digits: 28/28 codes right where "spa" got 13/28
# one value as printed ("1221", "1,795", "12.5%"): no letters, at most one decimal separator
PLAIN_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|\d+(?:[.,]\d+)?%?")
DIGITS_BLACKLIST = "$"  # "eng" reads a small "SS." as "$5."; Peruvian reports write soles "S/"
PSM_CELL = 6  # a cell is one block of uniform text
PSM_PAGE = 3  # outside the grid: tesseract's own layout analysis sets logos and banners aside

OSD_MIN_CONFIDENCE = 2.0  # below this tesseract's OSD guesses (a title page gave "Greek", 0.6)
ROTATION_MARGIN = 10.0  # mean-confidence points one orientation must win by
ROTATION_SAMPLE_PX = 1600  # long side of the crop read twice by the OSD fallback

MIN_LINE_PT = 15.0  # shorter runs are letters (an "l" of 11 pt body text is ~8 pt tall)
MAX_LINE_THICKNESS_PT = 2.5  # thicker runs are bold strokes of big titles or shading
SNAP_PT = 2.5  # lines closer than this are one line (double rules, outlined strokes)
JOIN_PT = 3.0  # collinear pieces with a gap up to this are one line (broken scan lines)
CELL_TOLERANCE_PT = 2.5  # a line ending this short of a crossing line still closes the cell
MIN_CELL_PT = 3.0  # thinner "cells" are slivers between double lines
MIN_ROW_PT = 5.0  # crossing lines closer than this bound a letter's stroke, not a table cell
LONG_LINE_PT = 40.0  # a rule this long stands on its own; title strokes are shorter
TEXTURE_INK = 0.35  # ink share beside a run above which it sits in halftone shading
MIN_GRID_CELLS = 4  # fewer cells than this is a box around text, not a table
FILL_STEP = 12  # grey levels between a shaded cell and its neighbour (sample shades: 20-30)
FILL_TEXT_PT = 2.0  # wider than any text stroke or rule: a closing this size leaves only fills
EDGE_REACH_PT = 3.0  # a rule ending this close to the edge of the scan was cut off by it
MAX_BRIDGE_PT = 150.0  # the longest break in a rule mended: a faint patch of the scan ~2 inches wide
MAX_SKEW_DEG = 5.0
LIGHT_STEP_PT = 4.0  # the paper's brightness is measured on a grid this coarse
LIGHT_WINDOW_PT = 60.0  # wider than a shaded header (~40 pt): the paper is the brightest thing within
UNEVEN_LIGHT = 25  # grey levels between the darkest and brightest paper that make a page unevenly lit

LINE_LOOKBACK = 8  # open lines a word may join: enough for table rows of different heights
MIN_INK_PX = 8  # fewer dark pixels than this in a cell is dust, not text
DUST_PT = 1.2  # a speck of ink at most this wide (and high) that stands apart is dust
DUST_CLEARANCE_PT = 2.0  # …apart: no other ink this near; a decimal point sits ~1.4 pt from its digits
SPECK_CONF = 60  # a word of punctuation only read with less confidence than this is a speck
SPECK_HEIGHT = 0.4  # a word less tall than this share of its neighbours' median is a speck
DUST_CONTRAST = 45  # grey levels below the local background that make a mark (paper noise: ±15)
TILE_PAD_PX = 4  # white kept around a tile's ink (1× px) so glyph edges are not cut
MOSAIC_GAP_PX = 40  # white between tiles in a mosaic (upscaled px): more than a line gap
MOSAIC_MARGIN_PX = 20
TALL_WORD = 1.8  # a word this many times the median height spans two lines of its tile
MOSAIC_MAX_HEIGHT_PX = 8000  # several mosaics per page keep tesseract's memory modest

ProgressCallback = Callable[[int, int], None]

# tesseract's OpenMP threads spin against each other on 2 cores: one thread per tesseract run is
# 2.4× faster even for a lone page (1.6 s vs 3.8 s on the test table), and the pool gives the
# parallelism. setdefault: an explicit setting by the user wins.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class OcrUnavailable(RuntimeError):
    """tesseract or its language data is missing."""


@dataclass(frozen=True, slots=True)
class _Line:
    """A ruling line in image pixels: ``pos`` across it, ``start``..``end`` along it."""

    orientation: str  # "h" or "v"
    pos: float
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class _Box:
    """A rectangle in image pixels."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True, slots=True)
class _OcrWord:
    """A word tesseract read, in image pixels of the page it was mapped back to."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float


# --------------------------------------------------------------------------- render and rotation


def render_page(pdf_path: str | Path, page_index: int, dpi: int = DEFAULT_DPI) -> np.ndarray:
    """Render one page as stored (its /Rotate entry not applied) to a grayscale uint8 image."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return _render(pdf[page_index], dpi)
    finally:
        pdf.close()


def _render(page: pdfium.PdfPage, dpi: int) -> np.ndarray:
    # pdfium applies /Rotate itself; undo it so the image is the scan as stored and the
    # rotation we report is the one the content needed.
    undo = (360 - page.get_rotation()) % 360
    bitmap = page.render(scale=dpi / 72, rotation=undo, grayscale=True)
    return np.ascontiguousarray(bitmap.to_numpy().reshape(bitmap.height, bitmap.width))


def detect_rotation(image: np.ndarray, *, prior: int = 0) -> int:
    """Degrees (0/90/180/270, clockwise) to turn the image so its text reads upright."""
    # OSD misjudges quarter-turned 6.5 pt print at 200 dpi (confidence 0.2) but reads it at 2×
    # (10.2); the upscaled try is only paid for when the first one is unsure.
    for factor in (1.0, UPSCALE):
        scaled = image if factor == 1 else cv2.resize(image, None, fx=factor, fy=factor)
        osd = _osd(scaled)
        if osd is not None and osd[1] >= OSD_MIN_CONFIDENCE:
            return osd[0]
    return _rotation_by_confidence(image, prior=prior)


def _osd(image: np.ndarray) -> tuple[int, float] | None:
    """tesseract's orientation guess and its confidence; None when OSD gives up (sparse page)."""
    try:
        report = pytesseract.image_to_osd(image, config="--psm 0")
    except pytesseract.TesseractError:
        return None  # "Too few characters" on near-empty pages
    rotate = re.search(r"Rotate:\s*(\d+)", report)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", report)
    if not rotate or not confidence:
        return None
    return int(rotate.group(1)) % 360, float(confidence.group(1))


def _rotation_by_confidence(image: np.ndarray, *, prior: int) -> int:
    """Pick `prior` or `prior`+180 by the mean word confidence of a quick OCR of each."""
    sample = _rotation_sample(turn(image, prior))
    if sample is None:
        return prior
    upright = _mean_confidence(sample)
    flipped = _mean_confidence(cv2.rotate(sample, cv2.ROTATE_180))
    if flipped > upright + ROTATION_MARGIN:
        return (prior + 180) % 360
    return prior


def _rotation_sample(image: np.ndarray) -> np.ndarray | None:
    """The inked part of the page, shrunk so its long side is at most ROTATION_SAMPLE_PX."""
    box = _ink_box(_ink(image))
    if box is None:
        return None
    crop = image[int(box.top) : int(box.bottom), int(box.x0) : int(box.x1)]
    factor = ROTATION_SAMPLE_PX / max(crop.shape)
    if factor < 1:
        crop = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return crop


def _mean_confidence(image: np.ndarray) -> float:
    """Mean tesseract confidence of the words of 3+ letters or digits (0 when there are none)."""
    words = [w for w in _tesseract(image, psm=PSM_CELL) if len(re.sub(r"\W", "", w.text)) >= 3]
    return sum(w.conf for w in words) / len(words) if words else 0.0


def turn(image: np.ndarray, rotation: int) -> np.ndarray:
    """The image turned clockwise by `rotation` degrees (a multiple of 90)."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    rotation %= 360
    return image if rotation == 0 else cv2.rotate(image, codes[rotation])


def estimate_skew(image: np.ndarray) -> float:
    """Angle in degrees the lines of the page slope down to the right (negative: up)."""
    ink = _ink(image)
    ys, xs = np.nonzero(ink[::2, ::2])  # half resolution is plenty for a fraction of a degree
    if len(ys) < 100:
        return 0.0
    best = _sharpest_angle(ys, xs, np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-9, 0.2))
    return _sharpest_angle(ys, xs, np.arange(best - 0.2, best + 0.2 + 1e-9, 0.02))


def _sharpest_angle(ys: np.ndarray, xs: np.ndarray, angles: np.ndarray) -> float:
    """The angle whose row profile of the sheared ink is most peaked (text lines, rules)."""
    scores = []
    for angle in angles:
        rows = np.round(ys - xs * math.tan(math.radians(angle))).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        scores.append(float(np.dot(counts, counts)))
    return float(angles[int(np.argmax(scores))])


def deskew(image: np.ndarray, angle: float) -> np.ndarray:
    """The image rotated by `angle` degrees about its centre so sloping lines become level."""
    if abs(angle) < 0.05:  # < 2 px over an A4 width at 200 dpi
        return image
    return cv2.warpAffine(
        image, _deskew_matrix(image.shape, angle), image.shape[::-1], flags=cv2.INTER_LINEAR, borderValue=(255,)
    )


def flatten_light(image: np.ndarray, dpi: int) -> np.ndarray:
    """The page as if lit evenly: each pixel divided by the paper's brightness around it.

    A lamp brighter at one end, or the shadow of a binding, darkens the paper by 60-170 grey
    levels over a few centimetres; one threshold for the page then takes the dark end for ink
    (a black band that buries the first column) or loses faint rules at the bright end. The
    paper is the brightest thing within LIGHT_WINDOW_PT (wider than any shaded header or row,
    so shading stays), smoothed; pages lit evenly are returned as they are.
    """
    shrink = max(1, _pt(LIGHT_STEP_PT, dpi))
    small = cv2.resize(image, (max(1, image.shape[1] // shrink), max(1, image.shape[0] // shrink)),
                       interpolation=cv2.INTER_AREA)
    window = max(3, round(LIGHT_WINDOW_PT / LIGHT_STEP_PT) | 1)
    paper = cv2.dilate(small, np.ones((window, window), np.uint8))
    paper = cv2.GaussianBlur(paper, (0, 0), window / 2)
    if int(np.percentile(paper, 98)) - int(np.percentile(paper, 2)) < UNEVEN_LIGHT:
        return image
    paper = cv2.resize(paper, image.shape[::-1], interpolation=cv2.INTER_LINEAR).astype(np.float32)
    level = float(np.percentile(paper, 95))
    return np.clip(image.astype(np.float32) * (level / np.maximum(paper, 1)), 0, 255).astype(np.uint8)


def scan_frame(shape: tuple[int, ...], angle: float) -> np.ndarray:
    """Which pixels of the image `deskew(…, angle)` returns come from the scan (True), and which
    are the white it filled the turned corners with: the scan's edge, where rules may be cut."""
    frame = np.ones(shape[:2], np.uint8)
    if abs(angle) < 0.05:
        return frame.astype(bool)
    turned = cv2.warpAffine(
        frame, _deskew_matrix(frame.shape, angle), frame.shape[::-1], flags=cv2.INTER_NEAREST, borderValue=(0,)
    )
    return turned.astype(bool)


def _deskew_matrix(shape: tuple[int, ...], angle: float) -> np.ndarray:
    height, width = shape[:2]
    return cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)


# --------------------------------------------------------------------------- grid


def find_grid(image: np.ndarray, *, dpi: int = DEFAULT_DPI, frame: np.ndarray | None = None) -> list[Edge]:
    """The page's long horizontal and vertical ruling lines, merged and snapped, in PDF points.

    `frame` (see `scan_frame`) marks the pixels that come from the scan; rules running into its
    edge were cut off by the scanner and are closed along it. Without a frame the image's own
    edges are the scan's.
    """
    lines = _ruling_lines(_ink(image), dpi, frame, fill_edges=_fill_edges(image, dpi))
    return [_line_to_edge(line, 72 / dpi) for line in lines]


def _ink(image: np.ndarray) -> np.ndarray:
    """Boolean mask of dark pixels (Otsu threshold, kept sane on near-blank pages)."""
    threshold, _ = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return image < min(max(threshold, 100), 200)


def _pt(value: float, dpi: int) -> int:
    return max(1, round(value * dpi / 72))


def _line_masks(ink: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixels belonging to long horizontal and to long vertical runs (morphological opening)."""
    binary = ink.astype(np.uint8)
    length = _pt(MIN_LINE_PT, dpi)
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    return horizontal, vertical


def _ruling_lines(
    ink: np.ndarray, dpi: int, frame: np.ndarray | None = None, fill_edges: Sequence[_Line] = ()
) -> list[_Line]:
    """Thin long runs of ink that form rules, as merged line segments in pixels.

    `fill_edges` (borders of shaded areas) count where they cross two rules: they stand in for
    a rule the shading printed over (a shaded row's top rule comes out a few grey levels dark).
    They come in after the rules cut by the scan's edge are closed: the border of a shading cut
    by the edge runs along it and would close some of them, splitting the table's edge in two.
    """
    horizontal, vertical = _line_masks(ink, dpi)
    lines = _segments(horizontal, "h", dpi) + _segments(vertical, "v", dpi)
    lines = [ln for ln in lines if not _in_texture(ln, ink, dpi)]
    tolerance = _pt(CELL_TOLERANCE_PT, dpi)
    snap, join = _pt(SNAP_PT, dpi), _pt(JOIN_PT, dpi)
    lines = _merge_lines(lines, snap=snap, join=join)
    frame = frame if frame is not None else np.ones(ink.shape, bool)
    lines = close_cut_lines(lines, frame, reach=_pt(EDGE_REACH_PT, dpi), tolerance=tolerance)
    lines += [e for e in fill_edges if _crossings(e, lines, tolerance) >= 2]
    lines = _merge_lines(lines, snap=snap, join=join)
    lines = bridge_broken_lines(
        lines, tolerance=tolerance, max_gap=_pt(MAX_BRIDGE_PT, dpi), long=_pt(LONG_LINE_PT, dpi)
    )
    return _structural(
        lines,
        tolerance=tolerance,
        long=_pt(LONG_LINE_PT, dpi),
        min_span=_pt(MIN_ROW_PT, dpi),
    )


def bridge_broken_lines(lines: list[_Line], *, tolerance: float, max_gap: float, long: float) -> list[_Line]:
    """Rules broken by worn toner or a faint patch of the scan, mended.

    A table's rules end where another rule crosses them: at a corner, a T, or the border of a
    merged cell. An end that no crossing rule closes is a break. Two collinear pieces whose
    facing ends are both open are one rule (a merged cell's gap is closed at both ends, and so
    is the space between two stacked tables); a piece of a grid rule whose end is open with no
    piece beyond is carried on to the next crossing rule, where the cell it bounds closes.
    """
    out = [ln for ln in lines if ln.orientation == "h"], [ln for ln in lines if ln.orientation == "v"]
    mended: list[_Line] = []
    for own, across in (out, out[::-1]):
        joined = _join_open_gaps(own, across, tolerance, max_gap, long)
        mended += [_carried_on(ln, across, tolerance, max_gap) for ln in joined]
    return mended


def _join_open_gaps(
    lines: list[_Line], across: list[_Line], tolerance: float, max_gap: float, long: float
) -> list[_Line]:
    """Collinear pieces of rules joined across gaps (up to `max_gap`) whose two facing ends are
    open. A piece of a rule is long or meets a crossing rule; the strokes of a line of bold
    text, which are level with those of the next cell, are neither."""

    def rule_piece(line: _Line) -> bool:
        return line.end - line.start >= long or _crossings(line, across, tolerance) > 0

    joined: list[_Line] = []
    for cluster in _clusters(sorted(lines, key=lambda ln: ln.pos), tolerance):
        pieces: list[_Line] = []
        for line in sorted(cluster, key=lambda ln: ln.start):
            last = pieces[-1] if pieces else None
            if (last is not None and line.start - last.end <= max_gap and rule_piece(last) and rule_piece(line)
                    and not _closed(last, False, across, tolerance) and not _closed(line, True, across, tolerance)):
                pos = (last.pos + line.pos) / 2
                pieces[-1] = _Line(line.orientation, pos, last.start, max(last.end, line.end))
            else:
                pieces.append(line)
        joined += pieces
    return joined


def _carried_on(line: _Line, across: list[_Line], tolerance: float, max_gap: float) -> _Line:
    """`line` with each open end carried to the next crossing rule within `max_gap`, if it is a
    grid rule (two crossing rules touch it)."""
    if _crossings(line, across, tolerance) < 2:
        return line
    start, end = line.start, line.end
    spanning = sorted(o.pos for o in across if o.start - tolerance <= line.pos <= o.end + tolerance)
    if not _closed(line, True, across, tolerance):
        before = [p for p in spanning if line.start - max_gap <= p < line.start]
        start = before[-1] if before else start
    if not _closed(line, False, across, tolerance):
        after = [p for p in spanning if line.end < p <= line.end + max_gap]
        end = after[0] if after else end
    return _Line(line.orientation, line.pos, start, end)


def _fill_edges(image: np.ndarray, dpi: int) -> list[_Line]:
    """Long borders between shaded and unshaded areas (or two shades), as lines in pixels.

    A closing wider than any stroke removes text and rules and keeps the background; a border
    is where it steps by FILL_STEP grey levels across 2 pt. Measured locally, so a scan lit
    unevenly does not make borders of its own.
    """
    background = _background(image, dpi).astype(np.int16)
    step = _pt(1.0, dpi)
    across_rows = np.zeros_like(background)
    across_rows[step:-step] = background[2 * step :] - background[: -2 * step]
    across_cols = np.zeros_like(background)
    across_cols[:, step:-step] = background[:, 2 * step :] - background[:, : -2 * step]
    length = _pt(LONG_LINE_PT, dpi)
    horizontal = cv2.morphologyEx(
        (np.abs(across_rows) >= FILL_STEP).astype(np.uint8), cv2.MORPH_OPEN, np.ones((1, length), np.uint8)
    )
    vertical = cv2.morphologyEx(
        (np.abs(across_cols) >= FILL_STEP).astype(np.uint8), cv2.MORPH_OPEN, np.ones((length, 1), np.uint8)
    )
    return _segments(horizontal, "h", dpi) + _segments(vertical, "v", dpi)


def _background(image: np.ndarray, dpi: int) -> np.ndarray:
    """The paper and shading under the print: a closing wider than any stroke of text or rule."""
    size = _pt(FILL_TEXT_PT, dpi)
    kernel = np.ones((size, size), np.uint8)
    return cv2.erode(cv2.dilate(image, kernel), kernel)


def _crossings(line: _Line, others: Iterable[_Line], tolerance: float) -> int:
    """How many lines of the other orientation cross or touch `line`."""
    return sum(
        1
        for o in others
        if o.orientation != line.orientation
        and o.start - tolerance <= line.pos <= o.end + tolerance
        and line.start - tolerance <= o.pos <= line.end + tolerance
    )


def _segments(mask: np.ndarray, orientation: str, dpi: int) -> list[_Line]:
    """One segment per connected run in `mask`, dropping thick blobs (bold strokes, shading)."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    max_thickness = _pt(MAX_LINE_THICKNESS_PT, dpi)
    found = []
    for x, y, w, h, _area in stats[1:count]:
        if (h if orientation == "h" else w) > max_thickness:
            continue
        if orientation == "h":
            found.append(_Line("h", y + (h - 1) / 2, float(x), float(x + w - 1)))
        else:
            found.append(_Line("v", x + (w - 1) / 2, float(y), float(y + h - 1)))
    return found


def _in_texture(line: _Line, ink: np.ndarray, dpi: int) -> bool:
    """Whether both sides of the run are as dark as halftone shading (a run inside a dither)."""
    near, far = _pt(MAX_LINE_THICKNESS_PT, dpi), 2 * _pt(MAX_LINE_THICKNESS_PT, dpi)
    start, end, pos = int(line.start), int(line.end) + 1, round(line.pos)
    if line.orientation == "h":
        sides = [
            ink[max(pos - far, 0) : max(pos - near, 0), start:end],
            ink[pos + near : pos + far, start:end],
        ]
    else:
        sides = [
            ink[start:end, max(pos - far, 0) : max(pos - near, 0)],
            ink[start:end, pos + near : pos + far],
        ]
    return all(side.size and side.mean() > TEXTURE_INK for side in sides)


def _merge_lines(lines: Iterable[_Line], *, snap: float, join: float) -> list[_Line]:
    """Snap nearly collinear lines to their mean position, then join overlapping pieces."""
    merged: list[_Line] = []
    for orientation in ("h", "v"):
        group = sorted((ln for ln in lines if ln.orientation == orientation), key=lambda ln: ln.pos)
        for cluster in _clusters(group, snap):
            pos = sum(ln.pos * (ln.end - ln.start + 1) for ln in cluster) / sum(ln.end - ln.start + 1 for ln in cluster)
            merged.extend(_join(cluster, pos, join))
    return merged


def _clusters(lines: list[_Line], tolerance: float) -> list[list[_Line]]:
    """Lines (sorted by position) grouped while within `tolerance` of their group's first one.

    Measured from the first, not the previous, line: a chain of close runs (a dither) must not
    pull a rule sideways.
    """
    clusters: list[list[_Line]] = []
    for line in lines:
        if clusters and line.pos - clusters[-1][0].pos <= tolerance:
            clusters[-1].append(line)
        else:
            clusters.append([line])
    return clusters


def _structural(lines: list[_Line], *, tolerance: float, long: float, min_span: float) -> list[_Line]:
    """Lines that touch two crossing lines a cell apart (a grid) or are long on their own.

    Drops the strokes of big title letters, which are as thin and tall as a row's rule but
    touch at most an underline and the letter's own arms.
    """

    def touches(a: _Line, b: _Line) -> bool:
        return b.start - tolerance <= a.pos <= b.end + tolerance and a.start - tolerance <= b.pos <= a.end + tolerance

    kept = lines
    while True:  # dropping a letter's arm can orphan its stem: repeat until nothing changes
        before = len(kept)
        kept = [
            line
            for line in kept
            if line.end - line.start >= long
            or _span([o.pos for o in kept if o.orientation != line.orientation and touches(line, o)]) >= min_span
        ]
        if len(kept) == before:
            return kept


def close_cut_lines(lines: list[_Line], frame: np.ndarray, *, reach: int, tolerance: float) -> list[_Line]:
    """Rules cut off by the edge of the scan, closed by a line drawn along that edge.

    A page cropped by the scanner loses the table's outer border with a few millimetres of its
    first column: the rows' rules then run into the edge, the cells of that column are open on
    one side and the grid has no cell for the column (the header's "Código" is lost with it).
    Two or more open rule ends at one edge, each joined to the next by a crossing line (the
    rules of one table, not a table and the notes boxed under it), are joined by a new line at
    the outermost end, and each rule is extended to meet it.
    """
    out = list(lines)
    for orientation, at_start in (("h", True), ("h", False), ("v", True), ("v", False)):
        across = [ln for ln in out if ln.orientation != orientation]
        cut = [
            ln
            for ln in out
            if ln.orientation == orientation
            and _runs_off_frame(ln, at_start, frame, reach)
            and not _closed(ln, at_start, across, tolerance)
        ]
        for run in _runs(sorted(cut, key=lambda ln: ln.pos), across, tolerance):
            if len(run) >= 2:
                out = [ln for ln in out if ln not in run] + _closed_run(run, at_start)
    return out


def _closed_run(run: list[_Line], at_start: bool) -> list[_Line]:
    """The run's lines extended to their outermost end, and the line along the edge there."""
    orientation = run[0].orientation
    edge = min(ln.start for ln in run) if at_start else max(ln.end for ln in run)
    extended = [
        _Line(orientation, ln.pos, edge, ln.end) if at_start else _Line(orientation, ln.pos, ln.start, edge)
        for ln in run
    ]
    across = "v" if orientation == "h" else "h"
    return [*extended, _Line(across, edge, run[0].pos, run[-1].pos)]


def _runs_off_frame(line: _Line, at_start: bool, frame: np.ndarray, reach: int) -> bool:
    """Whether the scan's edge lies within `reach` px beyond this end of the line."""
    end = int(line.start) if at_start else math.ceil(line.end)
    span = range(end - reach, end) if at_start else range(end + 1, end + reach + 1)
    pos = round(line.pos)
    for along in span:
        y, x = (pos, along) if line.orientation == "h" else (along, pos)
        if not (0 <= y < frame.shape[0] and 0 <= x < frame.shape[1]) or not frame[y, x]:
            return True
    return False


def _closed(line: _Line, at_start: bool, across: list[_Line], tolerance: float) -> bool:
    """Whether a crossing line closes this end of the line."""
    end = line.start if at_start else line.end
    return any(abs(o.pos - end) <= tolerance and o.start - tolerance <= line.pos <= o.end + tolerance for o in across)


def _runs(lines: list[_Line], across: list[_Line], tolerance: float) -> list[list[_Line]]:
    """Parallel lines (sorted by position) split where no crossing line joins one to the next."""
    runs: list[list[_Line]] = []
    for line in lines:
        if runs and _joined(runs[-1][-1], line, across, tolerance):
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def _joined(a: _Line, b: _Line, across: list[_Line], tolerance: float) -> bool:
    """Whether a crossing line runs from parallel line `a` to `b` within both their extents."""
    lo, hi = max(a.start, b.start) - tolerance, min(a.end, b.end) + tolerance
    return any(o.start - tolerance <= a.pos and b.pos <= o.end + tolerance and lo <= o.pos <= hi for o in across)


def _span(values: list[float]) -> float:
    return max(values) - min(values) if values else 0.0


def _join(lines: list[_Line], pos: float, gap: float) -> list[_Line]:
    """Collinear pieces at `pos`, joined where they overlap or nearly touch."""
    joined: list[_Line] = []
    for line in sorted(lines, key=lambda ln: ln.start):
        if joined and line.start <= joined[-1].end + gap:
            last = joined[-1]
            joined[-1] = _Line(last.orientation, pos, last.start, max(last.end, line.end))
        else:
            joined.append(_Line(line.orientation, pos, line.start, line.end))
    return joined


def _line_to_edge(line: _Line, scale: float) -> Edge:
    if line.orientation == "h":
        y = line.pos * scale
        return Edge("h", line.start * scale, line.end * scale, y, y)
    x = line.pos * scale
    return Edge("v", x, x, line.start * scale, line.end * scale)


def grid_cells(
    edges: Sequence[Edge], *, tolerance: float = CELL_TOLERANCE_PT
) -> list[tuple[float, float, float, float]]:
    """The smallest rectangles the edges close, as (x0, top, x1, bottom) (pdfplumber's algorithm)."""
    as_dicts = [{"orientation": e.orientation, "x0": e.x0, "x1": e.x1, "top": e.top, "bottom": e.bottom} for e in edges]
    points = edges_to_intersections(as_dicts, tolerance, tolerance)
    return [
        (x0, top, x1, bottom)
        for x0, top, x1, bottom in intersections_to_cells(points)
        if x1 - x0 >= MIN_CELL_PT and bottom - top >= MIN_CELL_PT
    ]


# --------------------------------------------------------------------------- OCR


def ocr_words(
    image: np.ndarray,
    *,
    dpi: int = DEFAULT_DPI,
    grid: Sequence[Edge] | None = None,
    lang: str = LANG,
    upscale: float | None = None,  # None: from the measured height of the letters
    per_cell: bool = True,  # False: the whole page in one reading (for measuring; worse on tables)
) -> list[Word]:
    """Words of an upright page image in PDF points, none straddling a vertical ruling line."""
    if grid is None:
        grid = find_grid(image, dpi=dpi)
    scale = 72 / dpi
    lines = [_scaled_edge(e, 1 / scale) for e in grid]
    clean = despeckle(_erase_lines(image, lines, dpi), dpi)
    cells = [_scaled(_Box(*bbox), 1 / scale) for bbox in grid_cells(grid)] if per_cell else []
    if len(cells) < MIN_GRID_CELLS:
        cells = []
    upscale = upscale or reading_scale(_ink(clean), dpi)
    found = [w for words in _ocr_boxes(clean, cells, upscale=upscale, lang=lang) for w in words]
    rest = _blank(clean, cells)
    rest_ink = _ink(rest)
    rest_box = _ink_box(rest_ink)
    if rest_box is not None:
        scale_rest = reading_scale(rest_ink, dpi)
        loose = _ocr_boxes(rest, [rest_box], upscale=scale_rest, lang=lang, psm=PSM_PAGE)[0]
        verticals = [ln for ln in lines if ln.orientation == "v"]
        found += _split_at_lines(loose, verticals, clean, upscale=upscale, lang=lang)
    return [_to_word(w, scale) for w in _reading_order(found)]


def reading_scale(ink: np.ndarray, dpi: int) -> float:
    """How much to enlarge (or shrink) the print in `ink` for tesseract, from its letters' height.

    Small print is brought to SMALL_PRINT_PX, body text to BODY_PRINT_PX (read as well as larger
    and in half the time), whatever the resolution of the scan: a 150-dpi scan's 6 pt codes
    need 3×, a 400-dpi scan's barely 1×.
    """
    height = _letter_height(ink, dpi)
    if height is None:
        return UPSCALE
    target = SMALL_PRINT_PX if height < SMALL_PRINT_PT * dpi / 72 else BODY_PRINT_PX
    return min(max(target / height, MIN_READING_SCALE), MAX_READING_SCALE)


def _letter_height(ink: np.ndarray, dpi: int) -> float | None:
    """Median height in px of the letter-sized marks in `ink` (None: no print)."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    # letters, not specks, rules or pictures
    letters = heights[(heights >= _pt(1.5, dpi)) & (heights <= _pt(20, dpi)) & (widths <= _pt(20, dpi))]
    return float(np.median(letters)) if len(letters) else None


def despeckle(image: np.ndarray, dpi: int) -> np.ndarray:
    """The image with lone specks painted over with the background around them.

    Scanner dust and paper noise leave isolated dots that tesseract reads as "." ":" "'" or a
    letter after a word or value ("62.0." for 62.0), faint ones too once it has binarised the
    upscaled crop. Marks a pixel apart are taken together (JPEG splits a speck in two); such a
    group counts as dust when it is at most DUST_PT across and no other mark lies within
    DUST_CLEARANCE_PT: a decimal point or an accent, as small, always sits closer than that to
    its letters. The speck goes with its faint halo: the group's box, a pixel wider.
    """
    background = _background(image, dpi)
    marks = (image.astype(np.int16) < background.astype(np.int16) - DUST_CONTRAST).astype(np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(marks, np.ones((3, 3), np.uint8)), connectivity=8)
    small, reach = _pt(DUST_PT, dpi) + 2, _pt(DUST_CLEARANCE_PT, dpi) - 1  # groups are a pixel wider
    out = image.copy()
    tiny = (stats[:, cv2.CC_STAT_WIDTH] <= small) & (stats[:, cv2.CC_STAT_HEIGHT] <= small)
    for label in np.flatnonzero(tiny):  # never 0: the background spans the image
        x, y, w, h, _ = stats[label]
        top, left = max(y - reach, 0), max(x - reach, 0)
        own = np.count_nonzero(marks[y : y + h, x : x + w])
        if np.count_nonzero(marks[top : y + h + reach, left : x + w + reach]) == own:
            speck = (slice(y, y + h), slice(x, x + w))
            out[speck] = background[speck]
    return out


def _erase_lines(image: np.ndarray, lines: Sequence[_Line], dpi: int) -> np.ndarray:
    """The image with the pixels of the given ruling lines painted white (and a pixel around).

    Only long runs near a ruling line of the grid go: the strokes of a big title letter are long
    runs too, but `find_grid` did not take them for rules.
    """
    horizontal, vertical = _line_masks(_ink(image), dpi)
    near = np.zeros_like(horizontal)
    reach = _pt(MAX_LINE_THICKNESS_PT, dpi)
    for line in lines:
        across = slice(max(round(line.pos) - reach, 0), round(line.pos) + reach + 1)
        along = slice(int(line.start), math.ceil(line.end) + 1)
        if line.orientation == "h":
            near[across, along] |= horizontal[across, along]
        else:
            near[along, across] |= vertical[along, across]
    clean = image.copy()
    clean[cv2.dilate(near, np.ones((3, 3), np.uint8)) > 0] = 255
    return clean


def _blank(image: np.ndarray, boxes: Iterable[_Box]) -> np.ndarray:
    """The image with the given boxes painted white."""
    out = image.copy()
    for b in boxes:
        out[int(b.top) : math.ceil(b.bottom) + 1, int(b.x0) : math.ceil(b.x1) + 1] = 255
    return out


def _ink_box(ink: np.ndarray, *, pad: int = 0) -> _Box | None:
    """Bounding box of the dark pixels (with `pad` px around, inside the image), or None."""
    if int(ink.sum()) < MIN_INK_PX:
        return None
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    height, width = ink.shape
    return _Box(
        float(max(cols[0] - pad, 0)),
        float(max(rows[0] - pad, 0)),
        float(min(cols[-1] + 1 + pad, width)),
        float(min(rows[-1] + 1 + pad, height)),
    )


@dataclass(frozen=True, slots=True)
class _Tile:
    """Where a region's pixels sit in a mosaic: its crop of the page and its offset in the mosaic."""

    region: int
    crop: _Box  # page pixels
    top: int  # mosaic pixels (upscaled)
    height: int


def _ocr_boxes(
    image: np.ndarray, boxes: Sequence[_Box], *, upscale: float, lang: str, psm: int = PSM_CELL
) -> list[list[_OcrWord]]:
    """Read each box on its own; words with digits are taken from a second, DIGITS_LANG reading.

    The Spanish model reads accents but turns code letters into digits (ISS.03 → 155.03,
    IOP → 10P); the English model reads codes and numbers right but drops accents.
    """
    words = _read_boxes(image, boxes, upscale=upscale, lang=lang, psm=psm)
    if not DIGITS_LANG or lang == DIGITS_LANG:
        return words
    if psm == PSM_PAGE:  # a page's worth of text: re-read only its words with digits
        return [_reread_digit_words(image, found, upscale=upscale) for found in words]
    numeric = [i for i, found in enumerate(words) if any(_has_digit(w.text) for w in found)]
    reread = _read_boxes(image, [boxes[i] for i in numeric], upscale=upscale, lang=DIGITS_LANG, psm=psm)
    for index, second in zip(numeric, reread, strict=True):
        if _numbers(words[index]) != _numbers(second):
            # the readings disagree on a number ("1221" / "221", "11%" / "77%"): a mosaic's
            # neighbours sometimes mislead tesseract, so the box is read once more on its own
            # (alone, a shaded tile may read as nothing: then the mosaic's reading stands)
            alone = _read_boxes(image, [boxes[index]], upscale=upscale, lang=DIGITS_LANG, psm=psm)[0]
            second = alone if any(_has_digit(w.text) for w in alone) else second
        words[index] = _prefer_digit_words(words[index], second)
    return words


def _reread_digit_words(image: np.ndarray, words: list[_OcrWord], *, upscale: float) -> list[_OcrWord]:
    """`words` with each word holding a digit replaced by its DIGITS_LANG reading, read from
    its own box (a second reading of the whole page would double the time of a text page)."""
    numeric = [w for w in words if _has_digit(w.text)]
    if not numeric:
        return words
    pad = TILE_PAD_PX / 2  # tesseract's boxes are tight; less than a space, so no neighbour
    boxes = [_Box(w.x0 - pad, w.top - pad, w.x1 + pad, w.bottom + pad) for w in numeric]
    reread = _read_boxes(image, boxes, upscale=upscale, lang=DIGITS_LANG, psm=PSM_CELL)
    out = [w for w in words if not _has_digit(w.text)]
    for word, second in zip(numeric, reread, strict=True):
        out += second if any(_has_digit(w.text) for w in second) else [word]
    return _reading_order(out)


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def _prefer_digit_words(first: list[_OcrWord], second: list[_OcrWord]) -> list[_OcrWord]:
    """`first`, with each word that a digit-bearing word of `second` overlaps replaced by the
    words of `second` in its place (all of them: "1,795ND" may be "1,795" and "ND" there)."""
    digits = [w for w in second if _has_digit(w.text)]
    chosen: dict[int, _OcrWord] = {id(w): w for w in digits}
    kept = []
    for word in first:
        if any(_overlap(word, d) for d in digits):
            chosen.update((id(w), w) for w in second if _overlap(word, w))
        else:
            kept.append(word)
    return _reading_order(kept + list(chosen.values()))


def _numbers(words: list[_OcrWord]) -> list[str]:
    return [w.text for w in words if PLAIN_NUMBER.fullmatch(w.text)]


def _overlap(a: _OcrWord, b: _OcrWord) -> bool:
    """Whether two words cover mostly the same place (half the smaller one, both ways)."""
    dx = min(a.x1, b.x1) - max(a.x0, b.x0)
    dy = min(a.bottom, b.bottom) - max(a.top, b.top)
    return dx > 0.5 * min(a.x1 - a.x0, b.x1 - b.x0) and dy > 0.5 * min(a.bottom - a.top, b.bottom - b.top)


def _read_boxes(
    image: np.ndarray, boxes: Sequence[_Box], *, upscale: float, lang: str, psm: int
) -> list[list[_OcrWord]]:
    """Read each box on its own: trimmed to its ink, upscaled, stacked into a few mosaics."""
    results: list[list[_OcrWord]] = [[] for _ in boxes]
    crops = []
    for index, box in enumerate(boxes):
        crop = _ink_crop(image, box)
        if crop is not None:
            crops.append((index, crop))
    for batch in _batches(crops, upscale):
        for index, words in _read_mosaic(image, batch, upscale=upscale, lang=lang, psm=psm).items():
            results[index] = words
    return [_without_specks(words) for words in results]


def _read_mosaic(
    image: np.ndarray, batch: list[tuple[int, _Box]], *, upscale: float, lang: str, psm: int
) -> dict[int, list[_OcrWord]]:
    """The words of each crop of one mosaic, by region; a crop whose reading has a word that
    spans two lines is read again on its own.

    In a mosaic tesseract now and then joins two lines of one tile ("Servicio … / rural" read
    as "AN" over both lines and "rura"); alone, the tile reads right.
    """
    mosaic, tiles = _mosaic(image, batch, upscale)
    found: dict[int, list[_OcrWord]] = {index: [] for index, _ in batch}
    for word in _tesseract(mosaic, psm=psm, lang=lang):
        tile = _tile_at(tiles, (word.top + word.bottom) / 2)
        if tile is not None:
            found[tile.region].append(_from_tile(word, tile, upscale))
    heights = sorted(w.bottom - w.top for words in found.values() for w in words)
    if len(batch) > 1 and heights:
        tall = TALL_WORD * heights[len(heights) // 2]
        for index, crop in batch:
            if any(w.bottom - w.top > tall for w in found[index]):
                alone = _read_mosaic(image, [(index, crop)], upscale=upscale, lang=lang, psm=psm)[index]
                # alone, a tile with a speck above a short value may read as nothing at all
                if _letters(alone) >= _letters(found[index]):
                    found[index] = alone
    return found


def _letters(words: list[_OcrWord]) -> int:
    return sum(c.isalnum() for w in words for c in w.text)


def _without_specks(words: list[_OcrWord]) -> list[_OcrWord]:
    """The words of one box without those read from specks `despeckle` left (next to text).

    Such a word is punctuation read with little confidence (":" after a name) or a "letter"
    much smaller than the box's other words ("S", "á" for two dots).
    """
    if not words:
        return words
    heights = sorted(w.bottom - w.top for w in words)
    median = heights[len(heights) // 2]
    return [
        w
        for w in words
        if (any(c.isalnum() for c in w.text) or w.conf >= SPECK_CONF)
        and (len(words) == 1 or w.bottom - w.top >= SPECK_HEIGHT * median)
    ]


def _ink_crop(image: np.ndarray, box: _Box) -> _Box | None:
    """The part of `box` that holds ink, padded, in page pixels; None for an empty box."""
    x0, top = max(int(box.x0), 0), max(int(box.top), 0)
    x1, bottom = min(math.ceil(box.x1), image.shape[1]), min(math.ceil(box.bottom), image.shape[0])
    if x1 - x0 < 2 or bottom - top < 2:
        return None
    inner = _ink_box(_ink_of(image[top:bottom, x0:x1]), pad=TILE_PAD_PX)
    if inner is None:
        return None
    return _Box(x0 + inner.x0, top + inner.top, x0 + inner.x1, top + inner.bottom)


def _ink_of(crop: np.ndarray) -> np.ndarray:
    # A fixed threshold: Otsu on a small, almost white crop picks up paper noise.
    return crop < 160


def _batches(crops: list[tuple[int, _Box]], upscale: float) -> list[list[tuple[int, _Box]]]:
    """Crops grouped so that each mosaic stays below MOSAIC_MAX_HEIGHT_PX."""
    batches: list[list[tuple[int, _Box]]] = []
    height = 0
    for item in crops:
        tile_height = math.ceil((item[1].bottom - item[1].top) * upscale) + MOSAIC_GAP_PX
        if not batches or height + tile_height > MOSAIC_MAX_HEIGHT_PX:
            batches.append([])
            height = MOSAIC_MARGIN_PX
        batches[-1].append(item)
        height += tile_height
    return batches


def _mosaic(image: np.ndarray, batch: list[tuple[int, _Box]], upscale: float) -> tuple[np.ndarray, list[_Tile]]:
    """The batch's crops upscaled and stacked one under the other on white, and where each went."""
    pieces = []
    for index, crop in batch:
        pixels = image[int(crop.top) : int(crop.bottom), int(crop.x0) : int(crop.x1)]
        pieces.append((index, crop, cv2.resize(pixels, None, fx=upscale, fy=upscale, interpolation=cv2.INTER_CUBIC)))
    width = max(p[2].shape[1] for p in pieces) + 2 * MOSAIC_MARGIN_PX
    height = sum(p[2].shape[0] + MOSAIC_GAP_PX for p in pieces) + MOSAIC_MARGIN_PX
    mosaic = np.full((height, width), 255, np.uint8)
    tiles = []
    y = MOSAIC_MARGIN_PX
    for index, crop, pixels in pieces:
        h, w = pixels.shape
        mosaic[y : y + h, MOSAIC_MARGIN_PX : MOSAIC_MARGIN_PX + w] = pixels
        tiles.append(_Tile(index, crop, y, h))
        y += h + MOSAIC_GAP_PX
    return mosaic, tiles


def _tile_at(tiles: list[_Tile], y: float) -> _Tile | None:
    """The tile whose band (with half the gap either side) holds mosaic row `y`."""
    half_gap = MOSAIC_GAP_PX / 2
    for tile in tiles:
        if tile.top - half_gap <= y < tile.top + tile.height + half_gap:
            return tile
    return None


def _from_tile(word: _OcrWord, tile: _Tile, upscale: float) -> _OcrWord:
    """A mosaic word moved back to page pixels, clamped to its crop."""
    crop = tile.crop

    def to_x(v: float) -> float:
        return min(max(crop.x0 + (v - MOSAIC_MARGIN_PX) / upscale, crop.x0), crop.x1)

    def to_y(v: float) -> float:
        return min(max(crop.top + (v - tile.top) / upscale, crop.top), crop.bottom)

    return _OcrWord(word.text, to_x(word.x0), to_y(word.top), to_x(word.x1), to_y(word.bottom), word.conf)


def _tesseract(image: np.ndarray, *, psm: int, lang: str = LANG) -> list[_OcrWord]:
    """tesseract's words (TSV) with their pixel boxes and confidence."""
    config = f"--psm {psm}"
    if lang == DIGITS_LANG:
        config += f" -c tessedit_char_blacklist={DIGITS_BLACKLIST}"
    data = pytesseract.image_to_data(image, lang=lang, config=config, output_type=pytesseract.Output.DICT)
    words = []
    for text, conf, left, top, width, height in zip(
        data["text"],
        data["conf"],
        data["left"],
        data["top"],
        data["width"],
        data["height"],
        strict=True,
    ):
        if float(conf) < 0 or not text.strip():
            continue  # page/block/line rows of the TSV, and empty words
        words.append(_OcrWord(text.strip(), left, top, left + width, top + height, float(conf)))
    return words


def _split_at_lines(
    words: list[_OcrWord], verticals: list[_Line], image: np.ndarray, *, upscale: float, lang: str
) -> list[_OcrWord]:
    """Words that straddle a vertical ruling line re-read as one piece per side of it."""
    kept: list[_OcrWord] = []
    split: list[tuple[_OcrWord, list[_Box]]] = []
    for word in words:
        cuts = _cuts(word, verticals)
        if cuts:
            bounds = [word.x0, *cuts, word.x1]
            split.append((word, [_Box(a, word.top, b, word.bottom) for a, b in itertools.pairwise(bounds)]))
        else:
            kept.append(word)
    pieces = [piece for _, boxes in split for piece in boxes]
    reread = iter(_ocr_boxes(image, pieces, upscale=upscale, lang=lang))
    for word, boxes in split:
        for guess in _split_by_width(word, boxes):
            # A piece too small to read alone (a lone "ND") keeps its share of the first reading.
            found = next(reread)
            kept.extend(found or ([guess] if guess.text else []))
    return kept


def _cuts(word: _OcrWord, verticals: list[_Line]) -> list[float]:
    """x of each vertical line passing through the word's interior, not just grazing its ends."""
    margin = 0.1 * (word.x1 - word.x0)
    middle = (word.top + word.bottom) / 2
    return sorted(
        ln.pos for ln in verticals if word.x0 + margin < ln.pos < word.x1 - margin and ln.start <= middle <= ln.end
    )


def _split_by_width(word: _OcrWord, pieces: list[_Box]) -> list[_OcrWord]:
    """One word per piece, the word's characters shared out in proportion to the pieces' widths."""
    out = []
    width = max(word.x1 - word.x0, 1e-6)
    start = 0
    for piece in pieces:
        end = round(len(word.text) * (piece.x1 - word.x0) / width)
        text = word.text[start:end].strip()
        out.append(_OcrWord(text, piece.x0, word.top, piece.x1, word.bottom, word.conf))
        start = end
    return out


def _reading_order(words: Iterable[_OcrWord]) -> list[_OcrWord]:
    """Words line by line, top to bottom, each line left to right."""
    return [w for line in _lines(words) for w in line]


def _lines(words: Iterable[_OcrWord]) -> list[list[_OcrWord]]:
    """Words grouped into visual lines, each sorted left to right, lines top to bottom.

    A word joins a line when each one's vertical middle lies within the other's band (the line's
    band being its words' mean top and bottom): a tall blob, such as a stamp read as text, then
    cannot swallow the two text lines beside it.
    """
    lines: list[list[_OcrWord]] = []
    for word in sorted(words, key=lambda w: (w.top + w.bottom) / 2):
        line = next((ln for ln in reversed(lines[-LINE_LOOKBACK:]) if _same_line(word, ln)), None)
        if line is None:
            lines.append([word])
        else:
            line.append(word)
    ordered = [sorted(line, key=lambda w: w.x0) for line in lines]
    return sorted(ordered, key=lambda ln: min(w.top for w in ln))


def _same_line(word: _OcrWord, line: list[_OcrWord]) -> bool:
    top = sum(w.top for w in line) / len(line)
    bottom = sum(w.bottom for w in line) / len(line)
    word_middle, line_middle = (word.top + word.bottom) / 2, (top + bottom) / 2
    return top <= word_middle <= bottom and word.top <= line_middle <= word.bottom


def page_text(words: Iterable[Word]) -> str:
    """The words as text: one line per visual line, top to bottom, left to right."""
    ocr = [_OcrWord(w.text, w.x0, w.top, w.x1, w.bottom, 0.0) for w in words]
    return "\n".join(" ".join(w.text for w in line) for line in _lines(ocr))


def _scaled(box: _Box, factor: float) -> _Box:
    return _Box(box.x0 * factor, box.top * factor, box.x1 * factor, box.bottom * factor)


def _scaled_edge(edge: Edge, factor: float) -> _Line:
    if edge.orientation == "h":
        return _Line("h", edge.top * factor, edge.x0 * factor, edge.x1 * factor)
    return _Line("v", edge.x0 * factor, edge.top * factor, edge.bottom * factor)


def _to_word(word: _OcrWord, scale: float) -> Word:
    return Word(word.text, word.x0 * scale, word.x1 * scale, word.top * scale, word.bottom * scale, word.conf)


# --------------------------------------------------------------------------- pages


def ocr_page(
    pdf_path: str | Path,
    page_index: int,
    page_width_pt: float,
    page_height_pt: float,
    dpi: int | None = None,  # None: the scan's own resolution
) -> PageContent:
    """One page read by OCR: upright words, ruling edges and reading-order text, in PDF points."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        page = pdf[page_index]
        dpi = dpi or scan_dpi(page)
        stored_rotation = page.get_rotation()
        image = flatten_light(_render(page, dpi), dpi)
    finally:
        pdf.close()
    rotation = detect_rotation(image, prior=stored_rotation)
    image = turn(image, rotation)
    skew = estimate_skew(image)
    frame = scan_frame(image.shape, skew)
    image = deskew(image, skew)
    edges = find_grid(image, dpi=dpi, frame=frame)
    words = ocr_words(image, dpi=dpi, grid=edges)
    width, height = _upright_size(image, page_width_pt, page_height_pt)
    return PageContent(
        number=page_index + 1,
        width=width,
        height=height,
        words=words,
        edges=edges,
        text=page_text(words),
        source="ocr",
        rotation=rotation,
    )


def scan_dpi(page: pdfium.PdfPage) -> int:
    """The resolution of the page's scan (its largest image), within MIN_DPI..MAX_DPI.

    Rendering a 300-dpi scan at 200 dpi throws away a third of what the scanner saw; rendering a
    150-dpi one at 200 only adds blur. Pages with no image (vector print read with --ocr always)
    are rendered at DEFAULT_DPI.
    """
    best = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            pixels = max(obj.get_px_size())
            left, bottom, right, top = obj.get_bounds()
        except pdfium.PdfiumError:
            continue
        extent = max(right - left, top - bottom)  # a turned scan's long side lies either way
        if extent >= max(page.get_size()) / 2:  # the scan, not a logo
            best = max(best, pixels / (extent / 72))
    if not best:
        return DEFAULT_DPI
    return round(min(max(best, MIN_DPI), MAX_DPI))


def _upright_size(image: np.ndarray, width: float, height: float) -> tuple[float, float]:
    """The page size in points, swapped when the content had to be turned a quarter."""
    image_landscape = image.shape[1] > image.shape[0]
    return (width, height) if image_landscape == (width > height) else (height, width)


def ocr_pages(
    pdf_path: str | Path,
    page_indexes: Sequence[int],
    jobs: int = 2,
    progress: ProgressCallback | None = None,
    dpi: int | None = None,  # None: each page at its scan's own resolution
) -> list[PageContent]:
    """Pages read by OCR in a pool of `jobs` processes, in the order asked; reports (done, total)."""
    check_tesseract()
    total = len(page_indexes)
    if progress:
        progress(0, total)
    if jobs <= 1 or total <= 1:
        return [_report(_ocr_job(str(pdf_path), i, dpi), progress, n + 1, total) for n, i in enumerate(page_indexes)]
    results: dict[int, PageContent] = {}
    # spawn, not fork: the parent may hold pdfium state, which must not be shared with children.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(jobs, total), mp_context=context) as pool:
        futures = {pool.submit(_ocr_job, str(pdf_path), i, dpi): i for i in page_indexes}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if progress:
                progress(done, total)
    return [results[i] for i in page_indexes]


def _report(page: PageContent, progress: ProgressCallback | None, done: int, total: int) -> PageContent:
    if progress:
        progress(done, total)
    return page


def _ocr_job(pdf_path: str, page_index: int, dpi: int | None) -> PageContent:
    """Worker entry: open the PDF in this process (pdfium handles are not shareable)."""
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        width, height = pdf[page_index].get_size()
    finally:
        pdf.close()
    return ocr_page(pdf_path, page_index, width, height, dpi=dpi)


def check_tesseract(lang: str = LANG) -> None:
    """Raise OcrUnavailable unless tesseract runs and has the language and OSD data."""
    try:
        languages = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError) as error:
        raise OcrUnavailable(f"tesseract is not installed or does not run: {error}") from error
    missing = {lang, DIGITS_LANG, "osd"} - languages
    if missing:
        raise OcrUnavailable(f"tesseract lacks language data {', '.join(sorted(missing))} (Debian: tesseract-ocr-spa)")
