"""Fonts embedded in the samples, text widths and cell word-wrapping."""

from __future__ import annotations

import sys
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# DejaVu has every Spanish accent and "≥", and reportlab embeds it without ligatures, so the text
# layer reads back exactly as written (Helvetica has no "≥").
FONT_FILES = {
    "Sans": "DejaVuSans.ttf",
    "Sans-Bold": "DejaVuSans-Bold.ttf",
    "Sans-Oblique": "DejaVuSans-Oblique.ttf",
    "Sans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
    "Cond": "DejaVuSansCondensed.ttf",
    "Cond-Bold": "DejaVuSansCondensed-Bold.ttf",
}
_fonts_ready = False


def register_fonts() -> None:
    global _fonts_ready
    if _fonts_ready:
        return
    missing = [f for f in FONT_FILES.values() if not (FONT_DIR / f).exists()]
    if missing:
        sys.exit(f"fonts missing in {FONT_DIR}: {missing}; install them: apt-get install fonts-dejavu-core")
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    pdfmetrics.registerFontFamily(
        "Sans", normal="Sans", bold="Sans-Bold", italic="Sans-Oblique",
        boldItalic="Sans-BoldOblique",
    )  # fmt: skip
    _fonts_ready = True


def text_width(text: str, font: str, size: float) -> float:
    register_fonts()  # the widths are the embedded fonts': measuring before a render needs them too
    return pdfmetrics.stringWidth(text, font, size)


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap into lines no wider than ``width``, as a spreadsheet cell wraps.

    A word longer than the cell is broken between characters (that is what Excel prints).
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if text_width(trial, font, size) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        while len(word) > 1 and text_width(word, font, size) > width:
            cut = longest_fitting_prefix(word, font, size, width)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def longest_fitting_prefix(word: str, font: str, size: float, width: float) -> int:
    """Characters of ``word`` that fit in ``width`` (at least one, so wrapping always advances)."""
    cut = 1
    while cut < len(word) and text_width(word[: cut + 1], font, size) <= width:
        cut += 1
    return cut
