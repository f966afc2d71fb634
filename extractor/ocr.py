"""Read a page that has no usable text layer: render it, turn it upright, find its ruled grid, OCR it.

The chain, each step a small pure function on a grayscale numpy image (pdfplumber-style):

    render_page → detect_rotation → turn → estimate_skew / deskew → find_grid → ocr_words

`ocr_page` runs the chain for one page and returns a `PageContent` like `pdf.py` does for a text
page (``source="ocr"``); `ocr_pages` runs it for many pages in a process pool.

Why it works this way (measured on 6–7 pt CEPLAN-like tables rasterised at 200 dpi):
- Ruling lines are erased before OCR: with them, tesseract reads a ruled table as noise.
- When a grid is found every cell is read on its own (`--psm 6`), the cells pasted one under the
  other into a few tall "mosaic" images: one tesseract call per mosaic, not per cell. Whole-page
  `--psm 6` mixed the lines of wrapped cells with their neighbours and glued values across
  erased lines (81% of cells right); per cell, 100%, and every word lies inside its cell.
- Small print is upscaled 2× before OCR.
- Words with digits are read a second time with the English model: "spa" turns code letters
  into digits (ISS.03 → 155.03, IOP → 10P: 13 of 28 codes right), "eng" does not (28 of 28)
  but loses accents, so words without digits keep the Spanish reading.
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
import pytesseract
from pdfplumber.table import edges_to_intersections, intersections_to_cells

from extractor.model import Edge, PageContent, Word

DEFAULT_DPI = 200  # what the scans we see are made at; 6–7 pt text is ~13 px high
UPSCALE = 2.0  # 6–7 pt at 200 dpi is too small for tesseract; 2× reads codes, 3× is no better
LANG = "spa"
DIGITS_LANG = "eng"  # re-reads words with digits: 28/28 codes right where "spa" got 13/28
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
MAX_SKEW_DEG = 5.0

LINE_LOOKBACK = 8  # open lines a word may join: enough for table rows of different heights
MIN_INK_PX = 8  # fewer dark pixels than this in a cell is dust, not text
TILE_PAD_PX = 4  # white kept around a tile's ink (1× px) so glyph edges are not cut
MOSAIC_GAP_PX = 40  # white between tiles in a mosaic (upscaled px): more than a line gap
MOSAIC_MARGIN_PX = 20
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
    height, width = image.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=(255,))


# --------------------------------------------------------------------------- grid


def find_grid(image: np.ndarray, *, dpi: int = DEFAULT_DPI) -> list[Edge]:
    """The page's long horizontal and vertical ruling lines, merged and snapped, in PDF points."""
    lines = _ruling_lines(_ink(image), dpi)
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


def _ruling_lines(ink: np.ndarray, dpi: int) -> list[_Line]:
    """Thin long runs of ink that form rules, as merged line segments in pixels."""
    horizontal, vertical = _line_masks(ink, dpi)
    lines = _segments(horizontal, "h", dpi) + _segments(vertical, "v", dpi)
    lines = [ln for ln in lines if not _in_texture(ln, ink, dpi)]
    lines = _merge_lines(lines, snap=_pt(SNAP_PT, dpi), join=_pt(JOIN_PT, dpi))
    return _structural(
        lines,
        tolerance=_pt(CELL_TOLERANCE_PT, dpi),
        long=_pt(LONG_LINE_PT, dpi),
        min_span=_pt(MIN_ROW_PT, dpi),
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
    upscale: float = UPSCALE,
    per_cell: bool = True,  # False: the whole page in one reading (for measuring; worse on tables)
) -> list[Word]:
    """Words of an upright page image in PDF points, none straddling a vertical ruling line."""
    if grid is None:
        grid = find_grid(image, dpi=dpi)
    scale = 72 / dpi
    lines = [_scaled_edge(e, 1 / scale) for e in grid]
    clean = _erase_lines(image, lines, dpi)
    cells = [_scaled(_Box(*bbox), 1 / scale) for bbox in grid_cells(grid)] if per_cell else []
    if len(cells) < MIN_GRID_CELLS:
        cells = []
    found = [w for words in _ocr_boxes(clean, cells, upscale=upscale, lang=lang) for w in words]
    rest = _blank(clean, cells)
    rest_box = _ink_box(_ink(rest))
    if rest_box is not None:
        loose = _ocr_boxes(rest, [rest_box], upscale=upscale, lang=lang, psm=PSM_PAGE)[0]
        verticals = [ln for ln in lines if ln.orientation == "v"]
        found += _split_at_lines(loose, verticals, clean, upscale=upscale, lang=lang)
    return [_to_word(w, scale) for w in _reading_order(found)]


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
    numeric = [i for i, found in enumerate(words) if any(_has_digit(w.text) for w in found)]
    reread = _read_boxes(image, [boxes[i] for i in numeric], upscale=upscale, lang=DIGITS_LANG, psm=psm)
    for index, second in zip(numeric, reread, strict=True):
        words[index] = _prefer_digit_words(words[index], second)
    return words


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
        mosaic, tiles = _mosaic(image, batch, upscale)
        for word in _tesseract(mosaic, psm=psm, lang=lang):
            tile = _tile_at(tiles, (word.top + word.bottom) / 2)
            if tile is not None:
                results[tile.region].append(_from_tile(word, tile, upscale))
    return results


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
    return Word(word.text, word.x0 * scale, word.x1 * scale, word.top * scale, word.bottom * scale)


# --------------------------------------------------------------------------- pages


def ocr_page(
    pdf_path: str | Path,
    page_index: int,
    page_width_pt: float,
    page_height_pt: float,
    dpi: int = DEFAULT_DPI,
) -> PageContent:
    """One page read by OCR: upright words, ruling edges and reading-order text, in PDF points."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        page = pdf[page_index]
        stored_rotation = page.get_rotation()
        image = _render(page, dpi)
    finally:
        pdf.close()
    rotation = detect_rotation(image, prior=stored_rotation)
    image = turn(image, rotation)
    image = deskew(image, estimate_skew(image))
    edges = find_grid(image, dpi=dpi)
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


def _upright_size(image: np.ndarray, width: float, height: float) -> tuple[float, float]:
    """The page size in points, swapped when the content had to be turned a quarter."""
    image_landscape = image.shape[1] > image.shape[0]
    return (width, height) if image_landscape == (width > height) else (height, width)


def ocr_pages(
    pdf_path: str | Path,
    page_indexes: Sequence[int],
    jobs: int = 2,
    progress: ProgressCallback | None = None,
    dpi: int = DEFAULT_DPI,
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


def _ocr_job(pdf_path: str, page_index: int, dpi: int) -> PageContent:
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
