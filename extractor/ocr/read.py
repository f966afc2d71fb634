"""tesseract on a page image: boxes read one by one through mosaics, words with digits read twice.

Each box (a grid cell, or the page outside the grid) is trimmed to its ink, upscaled and
pasted under the others into a few tall mosaics: one tesseract call per mosaic, not per cell.
Words with digits are read a second time with DIGITS_LANG; a box whose two readings disagree
on a number, or whose reading has a word spanning two lines, is read once more alone.
Coordinates are image pixels until `to_word` turns them into PDF points.
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from extractor.geometry import Box, Edge, text_lines
from extractor.model import LOW_OCR_CONFIDENCE, Word
from extractor.ocr.engine import read_images
from extractor.ocr.image import (
    DESCREEN_SIZES,
    MIN_INK_PX,
    connected_marks,
    descreened,
    dithered,
    ink_box,
    ink_of,
    pixels_of,
    px,
)
from extractor.rules import load_ocr_confusions
from extractor.values import parse_value

# tesseract's OpenMP threads spin against each other on 2 cores: one thread per tesseract run is
# 2.4× faster even for a lone page (1.6 s vs 3.8 s on the test table), and the pool gives the
# parallelism. setdefault: an explicit setting by the user wins.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

UPSCALE = 2.0  # 6–7 pt at 200 dpi is too small for tesseract; 2× reads codes, 3× is no better
SMALL_PRINT_PT = 4.5  # median letter height below which text is upscaled: 6.5 pt print is ~3.5
# letter heights tesseract reads best at (measured at 200 dpi: small print 2×, body 0.75×)
SMALL_PRINT_PX = 19.0  # 6.5 pt print (letters ~3.5 pt) at 200 dpi, upscaled 2×
# 11 pt body (letters ~5.5 pt) at 200 dpi read at 0.75×: as well as at 2× (708 vs 705 of 725 words)
# in half the time, so the narrative pages of a report cost little
BODY_PRINT_PX = 11.5
MIN_READING_SCALE, MAX_READING_SCALE = 0.5, 4.0
LANG = "spa"
DIGITS_LANG = "eng"  # re-reads words with digits: 28/28 codes right where "spa" got 13/28
# one value as printed ("1221", "1,795", "12.5%"): no letters, at most one decimal separator
PLAIN_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|\d+(?:[.,]\d+)?%?")
DIGITS_BLACKLIST = "$"  # "eng" reads a small "SS." as "$5."; Peruvian reports write soles "S/"
PSM_CELL = 6  # a cell is one block of uniform text
PSM_PAGE = 3  # outside the grid: tesseract's own layout analysis sets logos and banners aside
SPECK_CONF = 60  # a word of punctuation only read with less confidence than this is a speck
SPECK_HEIGHT = 0.4  # a word less tall than this share of its neighbours' median is a speck
TILE_PAD_PX = 4  # white kept around a tile's ink (1× px) so glyph edges are not cut
MOSAIC_GAP_PX = 40  # white between tiles in a mosaic (upscaled px): more than a line gap
MOSAIC_MARGIN_PX = 20
TILE_PAPER_PERCENTILE = 80  # a tile's background: print covers far less than a fifth of a cell
FIGURE_MAX_LETTERS = 1  # a figure misread may hold one letter ("202C" for a 0 broken by dropout)
GLYPH_SHARE = 0.6  # a mark at least this share of the tallest one's height is a glyph of the figure
SPECK_SHARE = 0.35  # a mark smaller both ways than this share of the tallest glyph may be a speck
TALL_WORD = 1.8  # a word this many times the median height spans two lines of its tile
MOSAIC_MAX_HEIGHT_PX = 8000  # several mosaics per page keep tesseract's memory modest
DOUBTFUL_CONF = LOW_OCR_CONFIDENCE  # a figure read less surely than this is read a second time
SECOND_SCALE = 1.5  # the second reading's scale, relative to the first (⅔ when that is ≥ 3×)
FIGURE_DIGITS = "0123456789.,%"  # what a figure cell prints besides a not-available mark
# two-digit groups joined by separators ("S.01.02.02", "10P.01.02"), or a prefix letter before a
# separator and a group ("P.03" of a clipped "OP.03"): a code, which a digit-only reading turns
# into a number ("103") however unsure tesseract was of it
DESCREEN_GAIN = 5.0  # a dithered cell's descreened reading must be this much surer (0-100) to replace it
CODE_GROUPS = re.compile(r"\d{2}[.,:;]\d{2}[.,:;]|[.,:;]\d{2}[.,:;]\d{2}(?!\d)|[A-Za-z§$][.,:;]\s?\d{2}(?!\d)")


@dataclass(frozen=True, slots=True)
class OcrWord(Word):
    """A word tesseract read, in image pixels of the page it was mapped back to, and how sure
    tesseract was of it (0-100)."""

    conf: float


@dataclass(frozen=True, slots=True)
class _Tile:
    """Where a region's pixels sit in a mosaic: its crop of the page and its offset in the mosaic."""

    region: int
    crop: Box  # page pixels
    top: int  # mosaic pixels (upscaled)
    height: int


def reading_scale(ink: np.ndarray, dpi: int, *, table: bool = False) -> float:
    """How much to enlarge (or shrink) the print in `ink` for tesseract, from its letters' height.

    Small print is brought to SMALL_PRINT_PX, body text to BODY_PRINT_PX (read as well as larger
    and in half the time), whatever the resolution of the scan: a 150-dpi scan's 6 pt codes
    need 3×, a 400-dpi scan's barely 1×. Table cells (`table`) are always read as small print:
    a blurred scan's letters run together and measure as tall as body text (a 375-dpi scan's
    6.5 pt cells came out at 0.58× and its header unreadable).
    """
    height = _letter_height(ink, dpi)
    if height is None:
        return UPSCALE
    small = table or height < SMALL_PRINT_PT * dpi / 72
    target = SMALL_PRINT_PX if small else BODY_PRINT_PX
    return min(max(target / height, MIN_READING_SCALE), MAX_READING_SCALE)


# Print outside the grid that tesseract's layout analysis (`PSM_PAGE`) read no word of: a table
# whose rules a toner dropout took loses its cells to the page pass, and that pass drops lone
# figures of a column (s106: nine of eleven progress figures of a page). Such print is found as
# runs of ink one line tall and read as tiles, like cells.
# ink this close (in letter heights) along a line is one run: a figure's glyphs and its point, a word space
UNREAD_JOIN_EM = 1.0
UNREAD_MIN_HEIGHT, UNREAD_MAX_HEIGHT = 0.6, 1.8  # a run of print one line tall, in letter heights
UNREAD_MIN_INK = 0.15  # of its box: less is a dotted or broken rule's remnant, a speck
UNREAD_COVERED = 0.3  # a run a read word covers this share of is read already


def unread_print(ink: np.ndarray, read: Sequence[OcrWord], dpi: int) -> list[Box]:
    """Boxes of the runs of print in `ink` that no word of `read` covers (see UNREAD_JOIN_EM)."""
    letter = _letter_height(ink, dpi)
    if letter is None:
        return []
    join = max(1, round(UNREAD_JOIN_EM * letter))
    joined = cv2.dilate(ink.astype(np.uint8), np.ones((1, join), np.uint8))
    count, _, stats, _ = connected_marks(joined)
    boxes = []
    for k in range(1, count):
        x, y, w, h = (int(v) for v in stats[k][:4])
        if not UNREAD_MIN_HEIGHT * letter <= h <= UNREAD_MAX_HEIGHT * letter or w < letter:
            continue
        # the run as joined: its ink and a little white beside it (the reading trims it to its ink)
        box = Box(float(x), float(x + w), float(y), float(y + h))
        inked = int(ink[y : y + h, x : x + w].sum())
        if inked < UNREAD_MIN_INK * w * h or _covered(box, read):
            continue
        boxes.append(box)
    return boxes


def read_unread_print(
    image: np.ndarray, ink: np.ndarray, read: Sequence[OcrWord], dpi: int, *, upscale: float, lang: str
) -> list[OcrWord]:
    """The words of the print `read` left unread (`unread_print`), read like cells, each kept
    doubtful (below DOUBTFUL_CONF): print the grid lost its frame to was worn (s106 read a sure
    "143.5" for 140.5 there), so a finding resting on it is a warning."""
    boxes = unread_print(ink, read, dpi)
    found = [w for words in ocr_boxes(image, boxes, upscale=upscale, lang=lang) for w in words]
    return [replace(w, conf=min(w.conf, DOUBTFUL_CONF - 1)) for w in found]


def _covered(box: Box, words: Sequence[OcrWord]) -> bool:
    """Whether the words read cover UNREAD_COVERED of the run together (a line of words is one run)."""
    area = max((box.x1 - box.x0) * (box.bottom - box.top), 1.0)
    covered = 0.0
    for w in words:
        dx = min(box.x1, w.x1) - max(box.x0, w.x0)
        dy = min(box.bottom, w.bottom) - max(box.top, w.top)
        if dx > 0 and dy > 0:
            covered += dx * dy
    return covered >= UNREAD_COVERED * area


def _letter_height(ink: np.ndarray, dpi: int) -> float | None:
    """Median height in px of the letter-sized marks in `ink` (None: no print)."""
    _, _, stats, _ = connected_marks(ink.astype(np.uint8))
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    # letters, not specks, rules or pictures
    letters = heights[(heights >= px(1.5, dpi)) & (heights <= px(20, dpi)) & (widths <= px(20, dpi))]
    return float(np.median(letters)) if len(letters) else None


def ocr_boxes(
    image: np.ndarray, boxes: Sequence[Box], *, upscale: float, lang: str, psm: int = PSM_CELL
) -> list[list[OcrWord]]:
    """Read each box on its own; words with digits are taken from a second, DIGITS_LANG reading.

    The Spanish model reads accents but turns code letters into digits (ISS.03 → 155.03,
    IOP → 10P); the English model reads codes and numbers right but drops accents.
    """
    words = _read_boxes(image, boxes, upscale=upscale, lang=lang, psm=psm)
    unread = [i for i, found in enumerate(words) if not found] if psm == PSM_CELL else []
    if not DIGITS_LANG or lang == DIGITS_LANG:
        return words
    if psm == PSM_PAGE:  # a page's worth of text: re-read only its words with digits
        return [_reread_digit_words(image, found, upscale=upscale) for found in words]
    numeric = [i for i, found in enumerate(words) if any(_has_digit(w.text) for w in found)]
    reread = _digit_readings(image, [boxes[i] for i in numeric], [words[i] for i in numeric], upscale=upscale,
                             psm=psm)
    # the readings disagree on a number ("1221" / "221", "11%" / "77%"): a mosaic's neighbours
    # sometimes mislead tesseract, so the box is read once more on its own (alone, a shaded
    # tile may read as nothing: then the mosaic's reading stands)
    disputed = [k for k, index in enumerate(numeric) if _numbers(words[index]) != _numbers(reread[k])]
    alone = _read_boxes(image, [boxes[numeric[k]] for k in disputed], upscale=upscale, lang=DIGITS_LANG, psm=psm,
                        alone=True)
    for k, found in zip(disputed, alone, strict=True):
        if any(_has_digit(w.text) for w in found):
            reread[k] = found
    for index, second in zip(numeric, reread, strict=True):
        words[index] = prefer_digit_words(words[index], second)
    # a figure read again without its specks keeps the doubt of its glyph: not read a third time
    despeckled = reread_misread_figures(image, words, upscale=upscale)
    second_opinion(image, boxes, words, upscale=upscale, skip=despeckled)
    # last, so that the mosaics above hold the tiles they held without it (tesseract reads a tile
    # a little differently beside other tiles)
    read_unread_cells(image, boxes, words, unread, upscale=upscale, lang=lang)
    return words


def through_dither(image: np.ndarray, boxes: Sequence[Box], dpi: int, *, upscale: float, lang: str) -> np.ndarray:
    """The image with each dithered box (`image.dithered`: a shaded cell a bitonal scan made
    dots of) replaced by the descreened version tesseract reads surest.

    How wide an opening takes the dots away and leaves the print depends on the dither and on
    the print (bold labels survive 3 px, plain 6-pt text at 150 dpi does not), so each cell is
    read raw and through each of DESCREEN_SIZES, and the reading surest of its letters wins
    (trata s236: "Valores obtenidos", years, "Avance Tipo 1" read where the raw cells gave
    random letters). Only the dithered cells are read more than once."""
    shaded = [boxes[i] for i in dithered(image, boxes, dpi)]
    if not shaded:
        return image
    variants = [image, *(descreened(image, shaded, size) for size in DESCREEN_SIZES)]
    readings = [_read_boxes(v, shaded, upscale=upscale, lang=lang, psm=PSM_CELL) for v in variants]
    out = image.copy()
    for k, box in enumerate(shaded):
        sureness = [_letter_sureness(reading[k]) for reading in readings]
        best = max(range(1, len(variants)), key=lambda v: sureness[v])
        if sureness[best] >= sureness[0] + DESCREEN_GAIN:
            out[pixels_of(box)] = variants[best][pixels_of(box)]
    return out


def _letter_sureness(words: Sequence[OcrWord]) -> float:
    """Tesseract's confidence per letter or digit read, 0 when it read fewer than two."""
    weighted = [(w.conf, sum(c.isalnum() for c in w.text)) for w in words]
    count = sum(n for _, n in weighted)
    return sum(conf * n for conf, n in weighted) / count if count >= 2 else 0.0


def read_unread_cells(
    image: np.ndarray, boxes: Sequence[Box], words: list[list[OcrWord]], unread: Sequence[int], *,
    upscale: float, lang: str,
) -> None:
    """Cells with print (`unread`: indices) that their mosaic read nothing of, read once more in
    a mosaic of their own, words with digits from the DIGITS_LANG reading: among dark print,
    tesseract now and then drops a faint or specked short cell whole (trata s8: ": ND" beside a
    rule's sliver). A second reading counts when it holds a word of letters or digits read with
    SPECK_CONF or more (slivers of rules read "|", "+", "—", or nothing); it stays doubtful
    (below DOUBTFUL_CONF), as the first reading saw no print there."""
    inked = [i for i in unread if _ink_crop(image, boxes[i]) is not None]
    if not inked:
        return
    again = _read_boxes(image, [boxes[i] for i in inked], upscale=upscale, lang=lang, psm=PSM_CELL)
    numeric = [k for k, found in enumerate(again) if any(_has_digit(w.text) for w in found)]
    digits = _read_boxes(image, [boxes[inked[k]] for k in numeric], upscale=upscale, lang=DIGITS_LANG,
                         psm=PSM_CELL) if numeric else []
    for k, second in zip(numeric, digits, strict=True):
        again[k] = prefer_digit_words(again[k], second)
    for index, found in zip(inked, again, strict=True):
        if any(w.conf >= SPECK_CONF and any(c.isalnum() for c in w.text) for w in found):
            words[index] = [replace(w, conf=min(w.conf, DOUBTFUL_CONF - 1)) for w in found]


def _digit_readings(
    image: np.ndarray, boxes: Sequence[Box], words: Sequence[list[OcrWord]], *, upscale: float, psm: int
) -> list[list[OcrWord]]:
    """The DIGITS_LANG reading of each box: of the whole box where its words with digits are
    most of its print (a figure, a code, a row of figures); of its lines that hold them where
    they are a few words of a text (the line "6 a 35 meses" of a three-line name). A name's other
    lines are the Spanish reading's to keep, and whole names were most of the second reading's
    time (its cost goes with the letters read). The lines keep the box's place among the tiles
    and their letters: how tesseract reads a small code ("IOP" or "10P") depends on the other
    tiles of its mosaic, lower-case words among them."""
    regions: list[tuple[int, Box]] = []
    for k, (box, found) in enumerate(zip(boxes, words, strict=True)):
        parts = [box] if _digits_are_most(found) else _digit_lines(box, found)
        regions += [(k, part) for part in parts]
    read = _read_boxes(image, [box for _, box in regions], upscale=upscale, lang=DIGITS_LANG, psm=psm)
    readings: list[list[OcrWord]] = [[] for _ in boxes]
    for (k, _), found in zip(regions, read, strict=True):
        readings[k] += found
    return [reading_order(found) for found in readings]


def _digits_are_most(words: Sequence[OcrWord]) -> bool:
    """Whether the words with digits are at least half the print of a box, by width."""
    width = sum(w.x1 - w.x0 for w in words)
    return 2 * sum(w.x1 - w.x0 for w in words if _has_digit(w.text)) >= width


def _digit_lines(box: Box, words: Sequence[OcrWord]) -> list[Box]:
    """The bands of `box` across its lines that hold a word with digits, the box's whole width,
    padded by less than a line gap; bands that touch are one."""
    pad = TILE_PAD_PX / 2
    bands: list[Box] = []
    for line in text_lines(words, "middle"):
        if not any(_has_digit(w.text) for w in line):
            continue
        top = max(min(w.top for w in line) - pad, box.top)
        bottom = min(max(w.bottom for w in line) + pad, box.bottom)
        if bands and top <= bands[-1].bottom:
            bands[-1] = Box(box.x0, box.x1, bands[-1].top, max(bottom, bands[-1].bottom))
        else:
            bands.append(Box(box.x0, box.x1, top, bottom))
    return bands


def second_opinion(
    image: np.ndarray,
    boxes: Sequence[Box],
    words: list[list[OcrWord]],
    *,
    upscale: float,
    skip: Collection[int] = (),
) -> None:
    """Boxes read as one doubtful figure (tesseract unsure, or no value) read a second time,
    differently: at another scale, with only a figure's characters (`figure_chars`).

    Digit by digit, two readings that agree make the figure surer (`agreed_confidence`); two
    that disagree keep the first (the second only when the first is no value), below
    DOUBTFUL_CONF and with the other reading beside it (`Word.other`), so a finding resting on
    it is a warning that names both. One tesseract call per mosaic of doubtful cells: the cost stays with them.
    """
    doubtful = [i for i, found in enumerate(words) if i not in skip and _doubtful_figure(found)]
    if not doubtful:
        return
    scale = upscale * SECOND_SCALE if upscale * SECOND_SCALE <= MAX_READING_SCALE else upscale / SECOND_SCALE
    again = _read_boxes(image, [boxes[i] for i in doubtful], upscale=scale, lang=DIGITS_LANG, psm=PSM_CELL,
                        chars=figure_chars())
    marks = not_available_marks()
    pitch = figure_pitch(words)
    for index, found in zip(doubtful, again, strict=True):
        second = [w for w in found if _has_digit(w.text) or w.text in marks]
        if len(second) == 1:
            words[index] = [compare_readings(words[index][0], second[0], pitch)]


def not_available_marks() -> frozenset[str]:
    """How a figure cell may print "not available" (`_ocr.yaml` `value_marks.not_available`)."""
    return frozenset(load_ocr_confusions().value_marks.not_available)


def figure_chars() -> str:
    """What a figure cell prints: digits, separators, "%" and the letters of the not-available marks."""
    letters = "".join(dict.fromkeys(c for mark in sorted(not_available_marks()) for c in mark))
    return FIGURE_DIGITS + letters


def _doubtful_figure(words: list[OcrWord]) -> bool:
    """One word with digits and at most one letter, read with little confidence or no value."""
    if len(words) != 1:
        return False
    text = words[0].text
    letters = sum(c.isalpha() for c in text)
    figure_like = _has_digit(text) and letters <= FIGURE_MAX_LETTERS and not CODE_GROUPS.search(text)
    return figure_like and (words[0].conf < DOUBTFUL_CONF or not is_figure(text))


def compare_readings(first: OcrWord, second: OcrWord, pitch: float | None = None) -> OcrWord:
    """One figure from two readings of its cell, compared digit by digit (see `second_opinion`).

    On disagreement the first reading stands, unless only the second is a value, or the two
    differ in length and the second's fits the width of the print the first reading spans
    (`pitch`: the page's width of a figure's glyph; `_fits_print`): the digit-only reading is
    surer of what it reads, not righter (trata's clipped code "03" came back "103", "79.5%" came
    back "19.5%"); its part is the doubt it casts."""
    if _digits(first.text) == _digits(second.text):
        kept = first if is_figure(first.text) or not is_figure(second.text) else second
        return replace(kept, conf=agreed_confidence(first.conf, second.conf))
    second_wins = is_figure(second.text) and (not is_figure(first.text) or _fits_print(second, first, pitch))
    kept, other = (second, first) if second_wins else (first, second)
    return replace(kept, conf=min(kept.conf, other.conf, DOUBTFUL_CONF - 1), other=other.text)


SURE_FIGURE_CONF = 85  # figures read this surely measure the page's glyph pitch
MIN_PITCH_FIGURES = 5


def figure_pitch(words: Sequence[Sequence[OcrWord]]) -> float | None:
    """The median width of a glyph in the figures read surely (three glyphs or more) among the
    cells' words, or None with too few of them."""
    widths = sorted((w.x1 - w.x0) / len(w.text) for found in words for w in found
                    if w.conf >= SURE_FIGURE_CONF and len(w.text) >= 3 and is_figure(w.text))
    return widths[len(widths) // 2] if len(widths) >= MIN_PITCH_FIGURES else None


GLYPH_FIT = 0.4  # glyphs a reading's length may be off the width of the print it spans


def _fits_print(second: OcrWord, first: OcrWord, pitch: float | None) -> bool:
    """Whether the second reading's length fits the print the first reading's word spans, within
    GLYPH_FIT glyphs at the page's glyph pitch (the first's, a glyph longer or shorter, then
    does not): a glyph the first dropped ("6.3%" over the width of "36.3%") or read twice
    ("711%" over that of "71%"), the digits of one reading all in the other, in order."""
    if not pitch or len(second.text) == len(first.text) or not is_figure(first.text):
        return False
    fits = abs(len(second.text) - (first.x1 - first.x0) / pitch) <= GLYPH_FIT
    a, b = _digits(first.text), _digits(second.text)
    return fits and (_in_order(a, b) or _in_order(b, a))


def _in_order(part: str, whole: str) -> bool:
    """Whether the characters of `part` all stand in `whole`, in order."""
    rest = iter(whole)
    return all(c in rest for c in part)


def agreed_confidence(first: float, second: float) -> float:
    """How sure two agreeing readings make a figure: each reading's doubt (100 − conf) counted
    as a chance of being wrong, both wrong the same way at most as likely as both wrong."""
    return 100.0 - (100.0 - first) * (100.0 - second) / 100.0


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def reread_misread_figures(image: np.ndarray, words: list[list[OcrWord]], *, upscale: float) -> set[int]:
    """Boxes read as one figure that is no value ("§57.4%", "-202C°") read again from their ink
    without the specks beside it; the new reading replaces the old when it is a value.

    A bitonal scan leaves dots next to the print, closer than `despeckle` dares to remove
    (a decimal point sits as close): tesseract reads them as "§", "(", "°", "-". Around a figure
    that does not parse, a mark much smaller than the digits outside their row of glyphs is one.
    """
    misread = [i for i, found in enumerate(words) if _misread_figure(found)]
    if not misread:
        return set()
    spotless = image.copy()
    boxes = [_padded(words[i][0]) for i in misread]
    for box in boxes:
        _paint_specks(spotless, box)
    again = _read_boxes(spotless, boxes, upscale=upscale, lang=DIGITS_LANG, psm=PSM_CELL)
    replaced: set[int] = set()
    for index, found in zip(misread, again, strict=True):
        first = words[index][0]
        if len(found) == 1 and is_figure(found[0].text) and _keeps_digits(first.text, found[0].text):
            # a figure that had to be read twice keeps the doubt of its first reading
            words[index] = [replace(found[0], conf=min(first.conf, found[0].conf))]
            replaced.add(index)
    return replaced


def _keeps_digits(first: str, second: str) -> bool:
    """Whether the digits of the first reading all come back, in order, in the second: a glyph
    may turn into the digit it was ("O71" → "97.1"), but a digit read differently ("100.0”" →
    "109.0") or lost ("“47" → "7") makes the second reading no better than the first."""
    rest = iter(c for c in second if c.isdigit())
    return all(c in rest for c in first if c.isdigit())


def _misread_figure(words: list[OcrWord]) -> bool:
    """One word with digits and at most one letter ("202C": a broken 0) that is no value, or a
    signed one (a speck before a figure reads as "-"); a code ("IOP.01") has two letters or more."""
    if len(words) != 1:
        return False
    text = words[0].text
    letters = sum(c.isalpha() for c in text)
    doubtful = not is_figure(text) or text[:1] in "-+"
    return any(c.isdigit() for c in text) and letters <= FIGURE_MAX_LETTERS and doubtful


def is_figure(text: str) -> bool:
    """A number, a percentage or a not-available mark (`values.parse_value`)."""
    value = parse_value(text)
    return value.is_number or value.unit == "ND"


def _padded(word: OcrWord) -> Box:
    pad = TILE_PAD_PX
    return Box(word.x0 - pad, word.x1 + pad, word.top - pad, word.bottom + pad)


def _paint_specks(image: np.ndarray, box: Box) -> None:
    """Paint white, inside `box`, the marks much smaller than the box's tallest glyph that lie
    outside the glyphs' row: left or right of them, above or below them. A decimal point or a
    comma sits between two digits, and a minus sign is as wide as a digit: both stay."""
    x0, top = max(int(box.x0), 0), max(int(box.top), 0)
    x1, bottom = min(math.ceil(box.x1), image.shape[1]), min(math.ceil(box.bottom), image.shape[0])
    crop = image[top:bottom, x0:x1]
    count, labels, stats, _ = connected_marks(ink_of(crop).astype(np.uint8))
    if count < 3:
        return
    heights, widths = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    glyph = heights >= GLYPH_SHARE * heights.max()
    lefts, tops = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_TOP]
    row_x0, row_x1 = lefts[glyph].min(), (lefts + widths)[glyph].max()
    row_top, row_bottom = tops[glyph].min(), (tops + heights)[glyph].max()
    small = SPECK_SHARE * heights.max()
    for k in np.flatnonzero(~glyph):
        cx, cy = lefts[k] + widths[k] / 2, tops[k] + heights[k] / 2
        inside = row_x0 < cx < row_x1 and row_top <= cy <= row_bottom
        if widths[k] < small and heights[k] < small and not inside:
            crop[labels == k + 1] = 255


def _reread_digit_words(image: np.ndarray, words: list[OcrWord], *, upscale: float) -> list[OcrWord]:
    """`words` with each word holding a digit replaced by its DIGITS_LANG reading, read from
    its own box (a second reading of the whole page would double the time of a text page)."""
    numeric = [w for w in words if _has_digit(w.text)]
    if not numeric:
        return words
    boxes = [_word_box(w) for w in numeric]
    reread = _read_boxes(image, boxes, upscale=upscale, lang=DIGITS_LANG, psm=PSM_CELL)
    out = [w for w in words if not _has_digit(w.text)]
    for word, second in zip(numeric, reread, strict=True):
        out += second if any(_has_digit(w.text) for w in second) else [word]
    return reading_order(out)


def _word_box(word: OcrWord) -> Box:
    """A word's box to read it again from: tesseract's boxes are tight, so padded by less than
    a space, which takes in no neighbour."""
    pad = TILE_PAD_PX / 2
    return Box(word.x0 - pad, word.x1 + pad, word.top - pad, word.bottom + pad)


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def prefer_digit_words(first: list[OcrWord], second: list[OcrWord]) -> list[OcrWord]:
    """`first`, with each word that a digit-bearing word of `second` overlaps replaced by the
    words of `second` in its place (all of them: "1,795ND" may be "1,795" and "ND" there)."""
    digits = [w for w in second if _has_digit(w.text)]
    chosen: dict[int, OcrWord] = {id(w): w for w in digits}
    kept = []
    for word in first:
        if any(_overlap(word, d) for d in digits):
            chosen.update((id(w), w) for w in second if _overlap(word, w))
        else:
            kept.append(word)
    return reading_order(kept + list(chosen.values()))


def _numbers(words: list[OcrWord]) -> list[str]:
    return [w.text for w in words if PLAIN_NUMBER.fullmatch(w.text)]


def _overlap(a: OcrWord, b: OcrWord) -> bool:
    """Whether two words cover mostly the same place (half the smaller one, both ways)."""
    dx = min(a.x1, b.x1) - max(a.x0, b.x0)
    dy = min(a.bottom, b.bottom) - max(a.top, b.top)
    return dx > 0.5 * min(a.x1 - a.x0, b.x1 - b.x0) and dy > 0.5 * min(a.bottom - a.top, b.bottom - b.top)


def _read_boxes(
    image: np.ndarray,
    boxes: Sequence[Box],
    *,
    upscale: float,
    lang: str,
    psm: int,
    chars: str = "",
    alone: bool = False,
) -> list[list[OcrWord]]:
    """Read each box on its own: trimmed to its ink, upscaled, stacked into a few mosaics (with
    `alone`, each box a mosaic of its own), all of them read in one tesseract run."""
    results: list[list[OcrWord]] = [[] for _ in boxes]
    crops = []
    for index, box in enumerate(boxes):
        crop = _ink_crop(image, box)
        if crop is not None:
            crops.append((index, crop))
    batches = [[item] for item in crops] if alone else _batches(crops, upscale)
    for index, words in _read_mosaics(image, batches, upscale=upscale, lang=lang, psm=psm, chars=chars).items():
        results[index] = words
    return [_without_specks(words) for words in results]


def _read_mosaics(
    image: np.ndarray, batches: list[list[tuple[int, Box]]], *, upscale: float, lang: str, psm: int, chars: str = ""
) -> dict[int, list[OcrWord]]:
    """The words of each crop, by region; a crop whose reading in its mosaic has a word that
    spans two lines is read again on its own (all such crops in one more run).

    In a mosaic tesseract now and then joins two lines of one tile ("Servicio … / rural" read
    as "AN" over both lines and "rura"); alone, the tile reads right.
    """
    found = _mosaic_words(image, batches, upscale=upscale, lang=lang, psm=psm, chars=chars)
    tall = [item for batch in batches if len(batch) > 1 for item in _tall_tiles(batch, found)]
    alone = _mosaic_words(image, [[item] for item in tall], upscale=upscale, lang=lang, psm=psm, chars=chars)
    for index, _ in tall:
        # alone, a tile with a speck above a short value may read as nothing at all
        if _letters(alone[index]) >= _letters(found[index]):
            found[index] = alone[index]
    return found


def _mosaic_words(
    image: np.ndarray, batches: list[list[tuple[int, Box]]], *, upscale: float, lang: str, psm: int, chars: str = ""
) -> dict[int, list[OcrWord]]:
    """The words of each crop, by region: each batch pasted into a mosaic, every mosaic read in
    one tesseract run (built one at a time as the run's images are written)."""
    found: dict[int, list[OcrWord]] = {index: [] for batch in batches for index, _ in batch}
    tiles_of: list[list[_Tile]] = []

    def mosaics() -> Iterator[np.ndarray]:
        for batch in batches:
            mosaic, tiles = _mosaic(image, batch, upscale)
            tiles_of.append(tiles)
            yield mosaic

    readings = tesseract_each(mosaics(), psm=psm, lang=lang, chars=chars)
    for tiles, words in zip(tiles_of, readings, strict=True):
        for word in words:
            tile = _tile_at(tiles, (word.top + word.bottom) / 2)
            if tile is not None:
                found[tile.region].append(_from_tile(word, tile, upscale))
    return found


def _tall_tiles(batch: list[tuple[int, Box]], found: dict[int, list[OcrWord]]) -> list[tuple[int, Box]]:
    """The crops of one mosaic whose reading has a word TALL_WORD times the mosaic's median
    word height: one spanning two lines of its tile."""
    heights = sorted(w.bottom - w.top for index, _ in batch for w in found[index])
    if not heights:
        return []
    tall = TALL_WORD * heights[len(heights) // 2]
    return [(index, crop) for index, crop in batch if any(w.bottom - w.top > tall for w in found[index])]


def _letters(words: list[OcrWord]) -> int:
    return sum(c.isalnum() for w in words for c in w.text)


def _without_specks(words: list[OcrWord]) -> list[OcrWord]:
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


def _ink_crop(image: np.ndarray, box: Box) -> Box | None:
    """The part of `box` that holds ink, padded, in page pixels; None for an empty box."""
    x0, top = max(int(box.x0), 0), max(int(box.top), 0)
    x1, bottom = min(math.ceil(box.x1), image.shape[1]), min(math.ceil(box.bottom), image.shape[0])
    if x1 - x0 < 2 or bottom - top < 2:
        return None
    pixels = image[top:bottom, x0:x1]
    inner = ink_box(ink_of(pixels), pad=TILE_PAD_PX) or _faint_print_box(pixels)
    if inner is None:
        return None
    return Box(x0 + inner.x0, x0 + inner.x1, top + inner.top, top + inner.bottom)


# Print a light or worn scan left faint (grey 150-200 on paper 240, where a cell's own rules and
# dark print read 0-100) is under the fixed ink threshold: its cells read as empty (s174: 150 dpi,
# toner dropout 0.94, a fifth of the figures). It is print all the same where enough of a crop
# stands well under the crop's own paper; a tile so faint is darkened before it is read, as one
# threshold for a whole mosaic would drop it again.
FAINT_CONTRAST = 45  # grey levels under the crop's paper that mark faint print, not paper noise
FAINT_MIN_INK_PX = 4 * MIN_INK_PX  # faint pixels that make print: JPEG noise leaves a few
FAINT_TARGET = 40  # the grey a faint tile's darkest print is brought to
DARK_PERCENTILE = 1


def _faint_print_box(pixels: np.ndarray) -> Box | None:
    """The box of a crop's faint print (see FAINT_CONTRAST), padded, or None."""
    if pixels.size == 0:
        return None
    faint = pixels < paper_level(pixels) - FAINT_CONTRAST
    if int(faint.sum()) < FAINT_MIN_INK_PX:
        return None
    return ink_box(faint, pad=TILE_PAD_PX)


def _batches(crops: list[tuple[int, Box]], upscale: float) -> list[list[tuple[int, Box]]]:
    """Crops grouped so that each mosaic stays below MOSAIC_MAX_HEIGHT_PX."""
    batches: list[list[tuple[int, Box]]] = []
    height = 0
    for item in crops:
        tile_height = math.ceil((item[1].bottom - item[1].top) * upscale) + MOSAIC_GAP_PX
        if not batches or height + tile_height > MOSAIC_MAX_HEIGHT_PX:
            batches.append([])
            height = MOSAIC_MARGIN_PX
        batches[-1].append(item)
        height += tile_height
    return batches


def _mosaic(image: np.ndarray, batch: list[tuple[int, Box]], upscale: float) -> tuple[np.ndarray, list[_Tile]]:
    """The batch's crops upscaled and stacked one under the other on white, and where each went."""
    pieces = []
    for index, crop in batch:
        pixels = _on_white(image[int(crop.top) : int(crop.bottom), int(crop.x0) : int(crop.x1)])
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


def _on_white(pixels: np.ndarray) -> np.ndarray:
    """A tile's print on white: its own background (a shaded header, a grey cell) lifted to 255.

    A mosaic holds white and shaded tiles together, and tesseract binarises it with one threshold:
    bold labels on a grey header, blurred, came out as "Per]" for "Código".
    """
    if pixels.size == 0:
        return pixels
    faint = ink_box(ink_of(pixels)) is None  # read at all only as faint print (_faint_print_box)
    paper = paper_level(pixels)
    if 0 < paper < 250:
        pixels = np.clip(pixels.astype(np.float32) * (255.0 / paper), 0, 255).astype(np.uint8)
    return _darkened(pixels) if faint else pixels


def _darkened(pixels: np.ndarray) -> np.ndarray:
    """A tile of faint print on white with its darkest print (DARK_PERCENTILE) brought to
    FAINT_TARGET. Only such tiles: darkening a tile of print already dark enough to read, in a
    JPEG-blotched scan, darkens the blotches with it (s102, q30: "39.6%" read "Ae")."""
    dark = grey_percentile(pixels, DARK_PERCENTILE)
    if dark <= FAINT_TARGET or dark >= 255 - FAINT_CONTRAST:
        return pixels
    gain = (255.0 - FAINT_TARGET) / (255.0 - dark)
    return np.clip(255.0 - (255.0 - pixels.astype(np.float32)) * gain, 0, 255).astype(np.uint8)



def paper_level(pixels: np.ndarray) -> float:
    """A tile's background: its TILE_PAPER_PERCENTILE grey (`grey_percentile`)."""
    return grey_percentile(pixels, TILE_PAPER_PERCENTILE)


def grey_percentile(pixels: np.ndarray, percentile: float) -> float:
    """`np.percentile(pixels, percentile)` of a uint8 tile, bit for bit (numpy's linear rule),
    from its histogram: sorting the pixels of a page's ~600 tiles took 2% of its OCR."""
    below = np.cumsum(np.bincount(pixels.ravel(), minlength=256))
    count = pixels.size

    def value_at(rank: int) -> int:  # the rank-th smallest pixel (0-based)
        return int(np.searchsorted(below, rank, side="right"))

    virtual = (count - 1) * (percentile / 100)
    if virtual >= count - 1:
        return float(value_at(count - 1))
    rank = math.floor(virtual)
    low, high, share = value_at(rank), value_at(rank + 1), virtual - rank
    rise = high - low
    # numpy's lerp, which takes the nearer end for its base
    return high - rise * (1 - share) if share >= 0.5 else low + rise * share


def _tile_at(tiles: list[_Tile], y: float) -> _Tile | None:
    """The tile whose band (with half the gap either side) holds mosaic row `y`."""
    half_gap = MOSAIC_GAP_PX / 2
    for tile in tiles:
        if tile.top - half_gap <= y < tile.top + tile.height + half_gap:
            return tile
    return None


def _from_tile(word: OcrWord, tile: _Tile, upscale: float) -> OcrWord:
    """A mosaic word moved back to page pixels, clamped to its crop."""
    crop = tile.crop

    def to_x(v: float) -> float:
        return min(max(crop.x0 + (v - MOSAIC_MARGIN_PX) / upscale, crop.x0), crop.x1)

    def to_y(v: float) -> float:
        return min(max(crop.top + (v - tile.top) / upscale, crop.top), crop.bottom)

    return OcrWord(word.text, to_x(word.x0), to_x(word.x1), to_y(word.top), to_y(word.bottom), word.conf)


def tesseract(image: np.ndarray, *, psm: int, lang: str = LANG, chars: str = "") -> list[OcrWord]:
    """tesseract's words (TSV) with their pixel boxes and confidence; `chars`: the only
    characters it may read."""
    return tesseract_each([image], psm=psm, lang=lang, chars=chars)[0]


def tesseract_each(images: Iterable[np.ndarray], *, psm: int, lang: str = LANG, chars: str = "") -> list[list[OcrWord]]:
    """`tesseract` on each image, all in one tesseract run (engine.py: one start, not one per image)."""
    options = ["--psm", str(psm)]
    if chars:
        options += ["-c", f"tessedit_char_whitelist={chars}"]
    elif lang == DIGITS_LANG:
        options += ["-c", f"tessedit_char_blacklist={DIGITS_BLACKLIST}"]
    return [
        [OcrWord(w.text, w.left, w.left + w.width, w.top, w.top + w.height, w.conf) for w in found]
        for found in read_images(images, lang=lang, options=options)
    ]


def split_at_lines(
    words: list[OcrWord], verticals: list[Edge], image: np.ndarray, *, upscale: float, lang: str
) -> list[OcrWord]:
    """Words that straddle a vertical ruling line re-read as one piece per side of it."""
    kept: list[OcrWord] = []
    split: list[tuple[OcrWord, list[Box]]] = []
    for word in words:
        cuts = _cuts(word, verticals)
        if cuts:
            bounds = [word.x0, *cuts, word.x1]
            split.append((word, [Box(a, b, word.top, word.bottom) for a, b in itertools.pairwise(bounds)]))
        else:
            kept.append(word)
    pieces = [piece for _, boxes in split for piece in boxes]
    reread = iter(ocr_boxes(image, pieces, upscale=upscale, lang=lang))
    for word, boxes in split:
        for guess in split_by_width(word, boxes):
            # A piece too small to read alone (a lone "ND") keeps its share of the first reading.
            found = next(reread)
            kept.extend(found or ([guess] if guess.text else []))
    return kept


def _cuts(word: OcrWord, verticals: list[Edge]) -> list[float]:
    """x of each vertical line passing through the word's interior, not just grazing its ends."""
    margin = 0.1 * (word.x1 - word.x0)
    middle = (word.top + word.bottom) / 2
    return sorted(
        ln.pos for ln in verticals if word.x0 + margin < ln.pos < word.x1 - margin and ln.start <= middle <= ln.end
    )


def split_by_width(word: OcrWord, pieces: list[Box]) -> list[OcrWord]:
    """One word per piece, the word's characters shared out in proportion to the pieces' widths."""
    out = []
    width = max(word.x1 - word.x0, 1e-6)
    start = 0
    for piece in pieces:
        end = round(len(word.text) * (piece.x1 - word.x0) / width)
        text = word.text[start:end].strip()
        out.append(OcrWord(text, piece.x0, piece.x1, word.top, word.bottom, word.conf))
        start = end
    return out


def reading_order(words: Iterable[OcrWord]) -> list[OcrWord]:
    """Words line by line, top to bottom, each line left to right."""
    return [w for line in text_lines(words, "middle") for w in line]


def to_word(word: OcrWord, scale: float) -> Word:
    return Word(word.text, word.x0 * scale, word.x1 * scale, word.top * scale, word.bottom * scale, word.conf,
                word.other)
