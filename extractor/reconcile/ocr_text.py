"""A scanned page's running text made readable for the phrase patterns.

OCR reads specks and dirt on a scan as marks glued to words ("habiendo.reportado 100%",
"en el año' 2024", "respecto ál 50%", "Este servició tiene"), and a table row of figures as
"OP.03 o 50.00% 33.30%" or "oP.0l 78.00% 67.30%". A text layer prints what its producer wrote,
so this is done on OCR'd pages only. The marks are cleaned from the text; accents are not: the
phrase patterns are made to take a vowel with or without one, so the text a finding quotes is
still the page's (the audit finds the figure by the words around it). What counts as a speck is
read from `narrative_marks` (specks, scraps), `text_marks` and `code_digit_readings` in `_ocr.yaml`: nothing here
knows a report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from extractor.rules import load_ocr_confusions

_LOWER = "a-záéíóúüñ"
_LETTERS = "A-Za-zÁÉÍÓÚÜÑáéíóúüñ"
_ACCENTS = str.maketrans("áéíóúüÁÉÍÓÚÜ", "aeiouuAEIOUU")
_VOWELS = {"a": "aá", "e": "eé", "i": "ií", "o": "oó", "u": "uúü"}  # patterns are matched ignoring case
_ESCAPE_LENGTH = {"u": 6, "x": 4}  # \uXXXX, \xXX: copied whole; any other escape is two characters


@dataclass(frozen=True, slots=True)
class OcrText:
    """How a scan's running text is cleaned before claims are read from it."""

    joined: re.Pattern[str]
    trailing: re.Pattern[str]
    leading: re.Pattern[str]
    fold: bool
    speck: re.Pattern[str]
    scrap: re.Pattern[str]  # a speck line's scrap joined past a table row's figures (`narrative_marks.scrap`)
    edge: re.Pattern[str]  # marks OCR reads at the start of a cell (`text_marks.edge`), before a code
    coded: re.Pattern[str]  # a code's letters, the specks read for its point (`code_specks`), its digits
    letters: Mapping[str, str]  # a mark glued after a word's letters → the letter it stands for
    letter_marks: re.Pattern[str]  # …where it stands: after a letter, before a space, a letter or the end
    digit_readings: Mapping[str, str]

    def clean(self, text: str) -> str:
        text = self.letter_marks.sub(lambda m: self.letters[m.group()], text)  # no letters: it matches nothing
        return self.leading.sub("", self.trailing.sub("", self.joined.sub(" ", text)))

    def is_speck(self, token: str) -> bool:
        return bool(self.speck.fullmatch(token))

    def code(self, token: str) -> str:
        """A code-shaped token as printed ("oP.0l", "‘OP.01", "OP,.01", "OP,02") → marks before
        it dropped, its letters upper-case, the specks read for its point one point, and every
        glyph after it that stands for a digit read as that digit ("OP.01")."""
        return self.code_readings(token)[0]

    def code_readings(self, token: str) -> list[str]:
        """`code`'s reading of a token, then, where a letter stood among the digits ("OP.0O1",
        a speck read as an O between two digits), the reading without that letter ("OP.01"):
        the table's grammar decides which one is a code."""
        m = self.coded.fullmatch(self.edge.sub("", token, count=1))
        if m is None or not (m["tail"][:1].isdigit() or m["tail"][:1] in self.digit_readings):
            return [token]
        head, tail = m["head"].upper() + ".", m["tail"]
        readings = [head + "".join(self.digit_readings.get(c, c) for c in tail)]
        glyph_among_digits = [i for i in range(1, len(tail) - 1) if tail[i].isalpha() and tail[i - 1].isdigit()]
        if glyph_among_digits:
            readings.append(head + "".join(c for i, c in enumerate(tail) if i not in glyph_among_digits))
        return readings


def fold_accents(text: str) -> str:
    return text.translate(_ACCENTS)


def accent_insensitive(pattern: str) -> str:
    """A regex whose every literal vowel also takes its accented forms ("año" → "[aá]ñ[oó]")."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            n = _ESCAPE_LENGTH.get(pattern[i + 1 : i + 2], 2)
            out.append(pattern[i : i + n])
            i += n
            continue
        if pattern.startswith("(?P<", i):  # a group's name is no text
            end = pattern.index(">", i) + 1
            out.append(pattern[i:end])
            i = end
            continue
        in_class = (in_class or c == "[") and not (in_class and c == "]")
        variants = _VOWELS.get(fold_accents(c).lower())
        out.append(c if not variants else variants if in_class else f"[{variants}]")
        i += 1
    return "".join(out)


# the keys of a `narrative:` section that hold text patterns read against the text; subjects,
# fields and group names are names the matrix uses, and stay as they are
PATTERN_KEYS = frozenset({"pattern", "header", "row", "column", "after"})
PATTERN_LISTS = frozenset({"service_headings", "section_ends", "orphans", "columns"})


def loose_accents(value: Any, key: str = "") -> Any:
    """A `narrative:` rules section whose phrase patterns take a vowel with or without an accent
    (a speck over a vowel reads as one), and whose number words are also known without one."""
    if isinstance(value, str):
        return accent_insensitive(value) if key in PATTERN_KEYS or key in PATTERN_LISTS else value
    if key == "number_words" and isinstance(value, Mapping):
        return {**value, **{fold_accents(k): v for k, v in value.items()}}
    if isinstance(value, Mapping):
        return {k: loose_accents(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        # a table's labelled columns are [pattern, field] pairs: only the pattern is text
        if key == "columns" and all(isinstance(v, list | tuple) and len(v) == 2 for v in value):
            return [[accent_insensitive(a), b] for a, b in value]
        return [loose_accents(v, key) for v in value]
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
        scrap=re.compile(marks.scrap),
        edge=re.compile(f"^(?:{confusions.text_marks.edge})"),
        letters=dict(marks.letters),
        letter_marks=re.compile(
            f"(?<=[{_LETTERS}])(?:{'|'.join(map(re.escape, marks.letters)) or '(?!)'})(?=[\\s{_LETTERS}]|$)"
        ),
        coded=re.compile(rf"(?P<head>[^\W\d_]+)[{re.escape(confusions.code_specks)}]+(?P<tail>\S+)"),
        digit_readings=dict(confusions.code_digit_readings),
    )
