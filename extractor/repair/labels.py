"""Label cells of an OCR'd row read as the label the document prints in that column.

A label column (`label_columns`: the responsible body, the indicator type, the direction) prints
a few labels over and over ("MINSA", "Cobertura", "no acumulado"). On a scan a cell may lose a
glyph to toner dropout ("Cobartura", "o acumulado"), gain a speck ("MRE.", "-Calidad") or read
a mark between words ("Gobiernos: Regionales"). Such a cell is read as the column's label it is
nearest to, when that label is clearly the nearest and the cell is no label the document prints
itself. An `ocr_label` repair, listed on the row: a finding that rests on it (a progress computed
with a direction or an aggregation read this way) is a warning that names it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Sequence

from rapidfuzz.distance import Levenshtein

from extractor.repair.config import RepairConfig
from extractor.repair.records import Draft, Repair

MIN_PRINTS = 2  # a label the column prints at least this many times is one of its labels
EDIT_SHARE = 0.34  # at most this share of a label's letters misread (a third: "Cobartura", "ascendernie")
SHORT_LABEL = 5  # an acronym this short ("INEI", "INEN") is one letter from another acronym:
# only marks and case may differ from it, never a letter
NOT_LETTER = re.compile(r"[^\w\s]|_")
WORD = re.compile(r"[^\W\d_]{3,}")  # a word that can tell two labels apart ("Locales")


def read_labels(
    drafts: Sequence[Draft], cfg: RepairConfig, ocr_pages: Collection[int], known: Callable[[str], bool]
) -> None:
    """Each label cell of an OCR'd row that is no label of its column, read as the one label it
    is clearly a misreading of (see the module docstring). `known`: whether the document knows a
    word; a cell holding a known word its nearest label lacks names something else ("Gobiernos
    Locales", printed once, is no misread "Gobiernos Regionales")."""
    for role in sorted(cfg.label_columns):
        labels = column_labels(drafts, role)
        if not labels:
            continue
        for draft in drafts:
            text = draft.cells.get(role, "")
            if draft.page not in ocr_pages or not text or text in labels:
                continue
            label = nearest_label(text, labels)
            if label and not _other_words(text, label, known):
                draft.repairs.append(Repair("ocr_label", text, label, role))
                draft.cells[role] = label


def column_labels(drafts: Sequence[Draft], role: str) -> list[str]:
    """The labels the column prints MIN_PRINTS times or more, most printed first: spellings that
    differ only by marks and case ("ascendente", "ascendente.") count as one label, printed the
    way most of them are."""
    spellings: dict[str, Counter[str]] = {}
    for draft in drafts:
        text = draft.cells.get(role, "")
        if letters_of(text):
            spellings.setdefault(letters_of(text), Counter())[text] += 1
    ranked = sorted(spellings.values(), key=lambda printed: -printed.total())
    return [printed.most_common(1)[0][0] for printed in ranked if printed.total() >= MIN_PRINTS]


def nearest_label(text: str, labels: Sequence[str]) -> str:
    """The label `text` is a misreading of: the nearest by edits of its letters (marks and case
    aside), within EDIT_SHARE of the label's length (none for a short label), nearer than any
    other label, and not a fragment that two labels hold alike ("umulado": "acumulado" or
    "no acumulado")."""
    read = letters_of(text)
    if not read:
        return ""
    ranked = sorted((Levenshtein.distance(read, letters_of(label)), n, label) for n, label in enumerate(labels))
    best, _, label = ranked[0]
    runner_up = ranked[1][0] if len(ranked) > 1 else None
    size = len(letters_of(label))
    allowed = 0 if size <= SHORT_LABEL else int(EDIT_SHARE * size)
    if best > allowed or (runner_up is not None and runner_up <= best):
        return ""
    if sum(read in letters_of(other) for other in labels) > 1:
        return ""
    return label


def _other_words(text: str, label: str, known: Callable[[str], bool]) -> bool:
    """Whether `text` prints a word the document knows that `label` does not hold."""
    held = {w.casefold() for w in WORD.findall(label)}
    return any(known(w) and w.casefold() not in held for w in WORD.findall(text))


def letters_of(text: str) -> str:
    """The text's letters and digits, lower case, words one space apart (marks dropped)."""
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(NOT_LETTER.sub(" ", text).split())
