"""Header labels compared as printed: accent- and case-free, fuzzily, abbreviated either way."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

from extractor.rules import abbreviates, normalize_label

LABEL_MATCH_MIN = 80  # rapidfuzz ratio (0-100) for a header cell to count as a label


def squash_label(text: str) -> str:
    return re.sub(r"[^a-z0-9%()]", "", normalize_label(text))


def label_score(text: str, labels: Iterable[str]) -> float:
    """How well a header cell's text matches any of a label's synonyms (0-100).

    Compared accent- and case-free without spaces (a label split over lines reads the same),
    fuzzily (a misread letter), and as an abbreviation either way ("PARÁM. DE MEDICIÓN",
    "U.O. RESPONSABLE", "CÓDIGO" for "COD.", "UE" for "UNIDAD EJECUTORA"), which scores as
    an exact match.
    """
    squashed = squash_label(text)
    if not squashed:
        return 0.0
    best = 0.0
    for label in labels:
        best = max(best, fuzz.ratio(squashed, squash_label(label)))
        if best < 100 and (abbreviates(text, label) or abbreviates(label, text)):
            best = 100.0
    return best
