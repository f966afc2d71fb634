"""A scanned page's running text made readable for the phrase patterns.

OCR reads specks and dirt on a scan as marks glued to words ("habiendo.reportado 100%",
"en el año' 2024", "respecto ál 50%", "Este servició tiene"), and a table row of figures as
"OP.03 o 50.00% 33.30%" or "oP.0l 78.00% 67.30%". A text layer prints what its producer wrote,
so this is done on OCR'd pages only. What counts as a speck is read from `narrative_marks` and
`code_digit_readings` in `_ocr.yaml`: nothing here knows a report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from extractor.rules import load_ocr_confusions

_LOWER = "a-záéíóúüñ"
_ACCENTS = str.maketrans("áéíóúüÁÉÍÓÚÜ", "aeiouuAEIOUU")  # one character for one: positions kept


@dataclass(frozen=True, slots=True)
class OcrText:
    """How a scan's running text is cleaned before claims are read from it."""

    joined: re.Pattern[str]
    trailing: re.Pattern[str]
    leading: re.Pattern[str]
    fold: bool
    speck: re.Pattern[str]
    edge: re.Pattern[str]  # marks OCR reads at the start of a cell (`text_marks.edge`), before a code
    digit_readings: Mapping[str, str]

    def clean(self, text: str) -> str:
        text = self.leading.sub("", self.trailing.sub("", self.joined.sub(" ", text)))
        return fold_accents(text) if self.fold else text

    def is_speck(self, token: str) -> bool:
        return bool(self.speck.fullmatch(token))

    def code(self, token: str) -> str:
        """A code-shaped token as printed ("oP.0l", "‘OP.01") → marks before it dropped, its
        letters upper-case and every glyph after the first point that stands for a digit read
        as that digit ("OP.01")."""
        head, dot, tail = self.edge.sub("", token, count=1).partition(".")
        if not dot or not head.isalpha():
            return token
        return head.upper() + dot + "".join(self.digit_readings.get(c, c) for c in tail)


def fold_accents(text: str) -> str:
    return text.translate(_ACCENTS)


# the keys of a `narrative:` section that hold text patterns (or words) read against the text;
# subjects, fields and group names are names the matrix uses, and keep their accents
PATTERN_KEYS = frozenset({"pattern", "header", "row", "column", "after"})
PATTERN_LISTS = frozenset({"service_headings", "section_ends", "orphans", "columns", "replace"})


def fold_section(value: Any, key: str = "") -> Any:
    """A `narrative:` rules section with its phrase patterns and number words accent-folded."""
    if isinstance(value, str):
        return fold_accents(value) if key in PATTERN_KEYS or key in PATTERN_LISTS else value
    if key == "number_words" and isinstance(value, Mapping):
        return {fold_accents(k): v for k, v in value.items()}
    if isinstance(value, Mapping):
        return {k: fold_section(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [fold_section(v, key) for v in value]
    return value


def ocr_text() -> OcrText:
    confusions = load_ocr_confusions()
    marks = confusions.narrative_marks

    def between(mark: str, before: str, after: str) -> re.Pattern[str]:
        return re.compile(f"{before}(?:{mark}){after}")

    return OcrText(
        joined=between(marks.joined, f"(?<=[{_LOWER}])", f"(?=[{_LOWER}])"),
        trailing=between(marks.trailing, r"(?<=\w)", r"(?=\s)"),
        leading=between(marks.leading, r"(?<=\s)", f"(?=[{_LOWER}])"),
        fold=marks.fold_accents,
        speck=re.compile(marks.speck),
        edge=re.compile(f"^(?:{confusions.text_marks.edge})"),
        digit_readings=dict(confusions.code_digit_readings),
    )
