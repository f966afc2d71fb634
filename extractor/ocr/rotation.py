"""Which way up a scanned page reads: tesseract's OSD, and a confidence vote when it is unsure.

Rotation is judged from the image, not from the page's /Rotate entry (scanners store pages
upside down and set /Rotate, or don't); /Rotate only breaks a tie.
"""

from __future__ import annotations

import re

import cv2
import numpy as np

from extractor.ocr.engine import orientation_report
from extractor.ocr.image import ink_box, ink_mask, turn
from extractor.ocr.read import PSM_CELL, UPSCALE, OcrWord, tesseract_each

OSD_MIN_CONFIDENCE = 2.0  # below this tesseract's OSD guesses (a title page gave "Greek", 0.6)
ROTATION_MARGIN = 10.0  # mean-confidence points one orientation must win by
ROTATION_SAMPLE_PX = 1600  # long side of the crop read twice by the OSD fallback


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
    report = orientation_report(image)
    if report is None:
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
    # both ways in one tesseract run (a start costs as much as reading a mosaic)
    readings = tesseract_each([sample, cv2.rotate(sample, cv2.ROTATE_180)], psm=PSM_CELL)
    upright, flipped = (_mean_confidence(words) for words in readings)
    if flipped > upright + ROTATION_MARGIN:
        return (prior + 180) % 360
    return prior


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
