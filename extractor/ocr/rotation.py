"""Which way up a scanned page reads: the letters' shape when it is clear, else tesseract's OSD,
and a confidence vote when that is unsure too.

Rotation is judged from the image, not from the page's /Rotate entry (scanners store pages
upside down and set /Rotate, or don't); /Rotate only breaks a tie.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np

from extractor.ocr.engine import orientation_report
from extractor.ocr.image import (
    DEFAULT_DPI,
    connected_marks,
    deskew,
    estimate_skew,
    ink_box,
    ink_mask,
    px,
    true_runs,
    turn,
)
from extractor.ocr.read import PSM_CELL, UPSCALE, OcrWord, tesseract_each

OSD_MIN_CONFIDENCE = 2.0  # below this tesseract's OSD guesses (a title page gave "Greek", 0.6)
ROTATION_MARGIN = 10.0  # mean-confidence points one orientation must win by
ROTATION_SAMPLE_PX = 1600  # long side of the crop read twice by the OSD fallback
# Upright Latin print has far more ink above its x-height band (capitals, digits, b d f h k l t,
# accents) than below its baseline (g j p q y): on 68 seeded-scan and real pages the balance
# below came out +0.13..+0.57 upright and -0.06..-0.57 upside down; a title page of big type
# and pictures, -0.04 either way. Beyond this it decides; nearer zero the vote reads the page.
SURE_LETTER_BALANCE = 0.2
# Short of that, letters that lean the same way measured both ways up (+0.18 one way, -0.16 the
# other) veto an unsure tesseract OSD guess against them.
LEAN_LETTER_BALANCE = 0.1
# Letters stand taller than wide (digits, capitals, most small letters): on the same pages the
# share of tall marks less that of wide ones was +0.31..+0.75 on each text page lying level
# (so -0.31..-0.75 turned a quarter); the title page, +0.02. Beyond this the lines lie that way.
SURE_LETTER_ASPECT = 0.15
MIN_LETTERS = 200  # fewer letter-sized marks than a few lines of print is no evidence
TALL = 0.15  # log(height / width) beyond which a mark is tall (a quarter-turned one: wide)
LETTER_MIN_PT, LETTER_MAX_PT = 1.5, 12.0  # marks of this height (and width at most) are letters
LETTER_STRIP_PT = 50.0  # text lines are followed in strips this wide: table columns sit at different heights


@dataclass(frozen=True, slots=True)
class Upright:
    """How to turn a page upright, and what judging it measured on the way: the skew of the
    page turned by `rotation` and that page deskewed, when the letters' test read them (None
    otherwise). `ocr_page` needs both next; measuring them again cost ~3% of a page's OCR."""

    rotation: int
    skew: float | None = None
    level: np.ndarray | None = None


def detect_rotation(image: np.ndarray, *, prior: int = 0, dpi: int = DEFAULT_DPI) -> int:
    """Degrees (0/90/180/270, clockwise) to turn the image so its text reads upright."""
    return orient(image, prior=prior, dpi=dpi).rotation


def orient(image: np.ndarray, *, prior: int = 0, dpi: int = DEFAULT_DPI) -> Upright:
    """`detect_rotation`, with the skew and deskewed page the letters' test measured (`Upright`)."""
    lines = _lines_level(image, dpi)
    by_letters, lean = _upright_by_letters(image, dpi, lines)
    if by_letters is not None:
        return by_letters  # no tesseract run: OSD costs a quarter of reading the page
    # OSD misjudges quarter-turned 6.5 pt print at 200 dpi (confidence 0.2) but reads it at 2×
    # (10.2); the upscaled try is only paid for when the first one is unsure. A guess across the
    # way the letters show the lines lie is no guess to take, nor one against the way the
    # letters lean (trata s234, 150 dpi bitonal: balance +0.18 upright, -0.16 turned; OSD 180 at
    # 2.6 at 1×, 0 at 5.3 at 2×).
    for factor in (1.0, UPSCALE):
        scaled = image if factor == 1 else cv2.resize(image, None, fx=factor, fy=factor)
        osd = _osd(scaled)
        if (osd is not None and osd[1] >= OSD_MIN_CONFIDENCE and (lines is None or osd[0] % 180 == lines)
                and (lean is None or osd[0] == lean)):
            return Upright(osd[0])
    # which way up, along the lines as the letters lie (salud s198, 150 dpi bitonal: a page turned
    # a quarter, its letters too small for the balance and OSD unsure, was read as it lay)
    along = prior if lines is None or prior % 180 == lines else lines
    return Upright(_rotation_by_confidence(image, prior=along, dpi=dpi))


def _osd(image: np.ndarray) -> tuple[int, float] | None:
    """tesseract's orientation guess and its confidence; None when OSD gives up (sparse page)."""
    report = orientation_report(image)
    if report is None:
        return None  # "Too few characters" on near-empty pages
    rotate = re.search(r"Rotate:\s*(\d+)", report)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", report)
    if not rotate or not confidence:
        return None
    return int(rotate.group(1)) % 360, float(confidence.group(1))


def _rotation_by_confidence(image: np.ndarray, *, prior: int, dpi: int) -> int:
    """Pick `prior` or `prior`+180: by the letters' shape when that is clear (no tesseract run),
    else by the mean word confidence of a quick OCR of each."""
    turned = turn(image, prior)
    balance = letter_balance(turned, dpi)
    if abs(balance) >= SURE_LETTER_BALANCE:
        return prior if balance > 0 else (prior + 180) % 360
    sample = _rotation_sample(turned)
    if sample is None:
        return prior
    # both ways in one tesseract run (a start costs as much as reading a mosaic)
    readings = tesseract_each([sample, cv2.rotate(sample, cv2.ROTATE_180)], psm=PSM_CELL)
    upright, flipped = (_mean_confidence(words) for words in readings)
    if flipped > upright + ROTATION_MARGIN:
        return (prior + 180) % 360
    return prior


def rotation_by_letters(image: np.ndarray, dpi: int = DEFAULT_DPI) -> int | None:
    """The rotation the letters' shape shows when it is clear: which way the lines lie (tall
    marks), then which way up (ink above the lines' x-height band or below their baseline)."""
    upright, _ = _upright_by_letters(image, dpi, _lines_level(image, dpi))
    return None if upright is None else upright.rotation


def _lines_level(image: np.ndarray, dpi: int) -> int | None:
    """The quarter turn (0 or 90) that lays the lines of print level, when the letters' shape is
    clear about it (SURE_LETTER_ASPECT)."""
    aspect = letter_aspect(image, dpi)
    if abs(aspect) < SURE_LETTER_ASPECT:
        return None
    return 0 if aspect > 0 else 90


def _upright_by_letters(image: np.ndarray, dpi: int, lines_level: int | None) -> tuple[Upright | None, int | None]:
    """`rotation_by_letters`, with the skew and deskewed page it measured when the page needs no
    half turn past the way its lines lie (turned upside down they would be measured anew).
    `lines_level`: the page's `_lines_level`. Unsure, the rotation the letters lean to, if
    they lean one way measured both ways up (LEAN_LETTER_BALANCE), else None."""
    if lines_level is None:
        return None, None
    upright, balance = _measured(image, lines_level, dpi)
    if abs(balance) >= SURE_LETTER_BALANCE:
        return (upright if balance > 0 else Upright(lines_level + 180)), None
    # unsure one way up, measured the other way up (its own skew and bands): small print may tell
    # there (salud s198, 150 dpi: -0.17 one way, 0.26 the other)
    turned = (lines_level + 180) % 360
    other, against = _measured(image, turned, dpi)
    if against >= SURE_LETTER_BALANCE:
        return other, None
    if min(balance, -against) >= LEAN_LETTER_BALANCE:
        return None, lines_level
    if min(against, -balance) >= LEAN_LETTER_BALANCE:
        return None, turned
    return None, None


def _measured(image: np.ndarray, rotation: int, dpi: int) -> tuple[Upright, float]:
    """The page turned by `rotation`, its skew measured and taken out, and its letter balance."""
    turned = turn(image, rotation)
    skew = estimate_skew(turned, dpi)
    level = deskew(turned, skew)
    return Upright(rotation, skew, level), _balance(level, dpi)


def letter_aspect(image: np.ndarray, dpi: int = DEFAULT_DPI) -> float:
    """The share of letter-sized marks taller than wide less that of those wider than tall
    (-1..1; 0 when there are too few): positive when the lines of print lie level."""
    _, _, stats, _ = connected_marks(ink_mask(image).astype(np.uint8))
    heights, widths = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    longer, shorter = np.maximum(heights, widths), np.minimum(heights, widths)
    # a quarter-turned letter is as big as an upright one: the limits bind its longer side
    letters = (longer >= px(2 * LETTER_MIN_PT, dpi)) & (longer <= px(LETTER_MAX_PT, dpi)) & (shorter >= px(1.0, dpi))
    if np.count_nonzero(letters) < MIN_LETTERS:
        return 0.0
    shape = np.log(heights[letters] / widths[letters])
    return float(np.mean(shape > TALL) - np.mean(shape < -TALL))


def letter_balance(image: np.ndarray, dpi: int = DEFAULT_DPI) -> float:
    """Ink above the text lines' x-height band less ink below their baseline, over both (-1..1).

    Positive: the print reads upright; negative: upside down. Only letter-sized marks count
    (rules, shading and pictures are left out), after a deskew, line by line in narrow strips so
    neither skew nor columns at different heights blur the bands. `dpi` only sizes a letter; a
    rough value does (the limits are wide).
    """
    return _balance(deskew(image, estimate_skew(image, dpi)), dpi)


def _balance(level: np.ndarray, dpi: int) -> float:
    """`letter_balance` of a page already deskewed."""
    letters = _letters(level, dpi)
    above = below = 0
    strip = px(LETTER_STRIP_PT, dpi)
    for x in range(0, letters.shape[1], strip):
        rows = letters[:, x : x + strip].sum(axis=1)
        for start, end in true_runs(rows > 0):
            if end - start < px(LETTER_MIN_PT * 2, dpi):
                continue  # a line of dots or a speck row has no bands to compare
            line = rows[start:end]
            band = np.flatnonzero(line >= line.max() / 2)  # the x-height band: most of the ink
            above += int(line[: band[0]].sum())
            below += int(line[band[-1] + 1 :].sum())
    return (above - below) / max(above + below, 1)


def _letters(image: np.ndarray, dpi: int) -> np.ndarray:
    """Boolean mask of the letter-sized connected marks of the ink."""
    _, labels, stats, _ = connected_marks(ink_mask(image).astype(np.uint8))
    heights, widths = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    largest = px(LETTER_MAX_PT, dpi)
    letter = (heights >= px(LETTER_MIN_PT, dpi)) & (heights <= largest) & (widths <= largest)
    letter[0] = False  # the background
    return letter[labels]


def _rotation_sample(image: np.ndarray) -> np.ndarray | None:
    """The inked part of the page, shrunk so its long side is at most ROTATION_SAMPLE_PX."""
    box = ink_box(ink_mask(image))
    if box is None:
        return None
    crop = image[int(box.top) : int(box.bottom), int(box.x0) : int(box.x1)]
    factor = ROTATION_SAMPLE_PX / max(crop.shape)
    if factor < 1:
        crop = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return crop


def _mean_confidence(read: list[OcrWord]) -> float:
    """Mean tesseract confidence of the words of 3+ letters or digits (0 when there are none)."""
    words = [w for w in read if len(re.sub(r"\W", "", w.text)) >= 3]
    return sum(w.conf for w in words) / len(words) if words else 0.0
