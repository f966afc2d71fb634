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
from extractor.rules import normalize_label

MIN_PRINTS = 2  # a label the column prints at least this many times is one of its labels
EDIT_SHARE = 0.34  # at most this share of a label's letters misread (a third: "Cobartura", "ascendernie")
ALIKE_SHARE = 0.25  # a misreading made alike on several rows is printed this share of its label at most
SHORT_LABEL = 5  # an acronym this short ("INEI", "INEN") is one letter from another acronym:
# only marks and case may differ from it, never a letter
NOT_LETTER = re.compile(r"[^\w\s]|_")
WORD = re.compile(r"[^\W\d_]{3,}")  # a word that can tell two labels apart ("Locales")
LISTED_WORD = re.compile(r"[^\W\d_]{2,}")  # a word a label's spelling is checked by
# a letter glued to a digit, or to a mark labels never print (they do print "." "-" "/" "()" "°")
GLUED_GLYPH = re.compile(r"[^\W\d_](?:\d|[^\w\s.,/()°\-])|(?:\d|[^\w\s.,/()°\-])[^\W\d_]")


def read_labels(
    drafts: Sequence[Draft],
    cfg: RepairConfig,
    ocr_pages: Collection[int],
    known: Callable[[str], bool],
    words: Callable[[str], str] = lambda text: text,
) -> None:
    """Each label cell of an OCR'd row that is no label of its column, read as the one label it
    is clearly a misreading of (see the module docstring). `known`: whether the document knows a
    word; a cell holding a known word its nearest label lacks names something else ("Gobiernos
    Locales", printed once, is no misread "Gobiernos Regionales"), also once the words a gap
    split are joined (`words`: "Gobiernos Loca es", a glyph lost to the gap, is "Gobiernos Locales")."""
    for role in sorted(cfg.label_columns):
        printed = column_labels(drafts, role)
        prints = Counter(letters_of(d.cells.get(role, "")) for d in drafts)
        closed = _closed_labels(cfg.rules.spec.validate_.allowed.get(role, []), printed)
        labels = [label for label in printed if not _misread_alike(label, printed, prints, cfg.vocabulary, closed)]
        values = sorted({d.cells.get(role, "") for d in drafts} - {""})
        for draft in drafts:
            text = draft.cells.get(role, "")
            if draft.page not in ocr_pages or not text or text in labels:
                continue
            label = (_value_cut_by_gaps(text, closed) or nearest_label(text, labels)
                     or _stroke_label(text, values, cfg.strokes) or _label_before_specks(text, values))
            # a misreading made alike on several rows is "known" by those rows alone
            if label and (text in printed or _split_label(text, label)
                          or not _other_words(words(text), label, known)):
                draft.repairs.append(Repair("ocr_label", text, label, role))
                draft.cells[role] = label


def _closed_labels(allowed: Sequence[str], printed: Sequence[str]) -> list[str]:
    """A closed column's values (the rules' `validate.allowed`: "ascendente", "descendente"),
    each as the document prints it where it does (case and accents aside), else as the rules
    write it: what a cell cut by gaps is read as, however seldom a scan reads the value right."""
    spelled = {normalize_label(letters_of(label)): label for label in reversed(printed)}
    return [spelled.get(normalize_label(letters_of(value)), value) for value in allowed]


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
    return [_usual_spelling(printed) for printed in ranked if printed.total() >= MIN_PRINTS]


def _usual_spelling(printed: Counter[str]) -> str:
    """The spelling most printed among those in a usual casing ("INEI", not "INEi": a scan turns
    one glyph of an acronym to lower case, no author writes it so)."""
    # of spellings printed as often, the one with fewer marks: "MRE" once, "MRE." once
    ranked = sorted(printed.items(), key=lambda item: (-item[1], len(NOT_LETTER.findall(item[0]))))
    # a short label printed in capitals is an acronym wherever else a scan read it ("Sis" for SIS)
    acronyms = [text for text, _ in ranked if text.isupper() and len(letters_of(text)) <= SHORT_LABEL]
    if acronyms:
        return acronyms[0]
    usual = [text for text, _ in ranked if _usual_casing(text)]
    return usual[0] if usual else ranked[0][0]


def _usual_casing(text: str) -> bool:
    return all(w.islower() or w.isupper() or w.istitle() for w in re.findall(r"[^\W\d_]+", text))


def _misread_alike(label: str, labels: Sequence[str], prints: Counter[str], vocabulary: Collection[str],
                   closed: Sequence[str] = ()) -> bool:
    """Whether a label is a scan's misreading of another, made alike on several rows ("ascencente"
    three times on one page, "ascendente" 29): a word of it no word the family's vocabulary lists,
    the label it is nearest to (`nearest_label`, among the labels of listed words) all words the
    vocabulary lists, and printed ALIKE_SHARE as often at most; or, however often, a letter glued
    to a digit or a mark no label prints (GLUED_GLYPH: "n> acumulado" on six rows), or cut by
    gaps into words from one of a closed column's values (`closed`: "ascender te" thrice beside
    ten "ascendente", both words listed). An author's own spelling is printed as often as the
    listed one or more (trata: "Ministerio Publico" 7 times, "Ministerio Público" once)."""

    def listed(text: str) -> bool:
        # two letters are a word here: "na acumulado" on two rows is no label ("no" is listed)
        return all(w in vocabulary for w in LISTED_WORD.findall(text.casefold()))

    # a closed column's value cut by a gap into words of their own ("ascender te" on three rows)
    if label not in closed and any(_cut_by_gaps(label, value) for value in closed):
        return True
    if listed(label) and not GLUED_GLYPH.search(label):
        return False
    # what it may be a misreading of: a label of listed words, not another misreading
    candidates = [other for other in labels if other != label and listed(other) and not GLUED_GLYPH.search(other)]
    nearest = nearest_label(label, candidates)
    rare = prints[letters_of(label)] <= ALIKE_SHARE * _read_as(nearest, label, candidates, prints) if nearest else False
    # a letter glued to a digit or to a mark no label prints ("n> acumulado", "n3 acumulado") is
    # a misreading however often a scan made it
    return (rare or bool(GLUED_GLYPH.search(label))) and listed(nearest) and bool(WORD.findall(nearest))


def _read_as(nearest: str, label: str, candidates: Sequence[str], prints: Counter[str]) -> int:
    """How many cells read `nearest` or a spelling nearest to it, `label` aside: a scan that misreads
    one label several ways ("na", "ne", "n>", "ro acumulado") leaves fewer cells printing it right
    than a count of the label alone tells."""
    own = letters_of(label)
    return sum(n for read, n in prints.items()
               if read and read != own and (read == letters_of(nearest) or nearest_label(read, candidates) == nearest))


def nearest_label(text: str, labels: Sequence[str]) -> str:
    """The label `text` is a misreading of: the nearest by edits of its letters (marks and case
    aside), within EDIT_SHARE of the label's length (none for a short label), nearer than any
    other label, and not a fragment that two labels hold alike ("umulado": "acumulado" or
    "no acumulado")."""
    read = letters_of(text)
    if not read or not labels:
        return ""
    ranked = sorted((Levenshtein.distance(read, letters_of(label)), n, label) for n, label in enumerate(labels))
    best, _, label = ranked[0]
    runner_up = ranked[1][0] if len(ranked) > 1 else None
    size = len(letters_of(label))
    allowed = 0 if size <= SHORT_LABEL else int(EDIT_SHARE * size)
    if best > allowed or (runner_up is not None and runner_up <= best):
        return "" if best <= allowed else _cut_label(read, labels)
    if sum(read in letters_of(other) for other in labels) > 1:
        return ""
    return label


def _stroke_label(text: str, values: Sequence[str], strokes: str) -> str:
    """The one acronym in capitals the column prints (`values`, once is enough) that the cell
    reads as once every glyph that is one vertical stroke (`_ocr.yaml` `strokes`: I, l, 1, |, ],
    …) is taken for the same glyph: "INEl", "INE]" for INEI; never two acronyms that only a
    stroke tells apart."""
    if not strokes:
        return ""

    def shape(value: str) -> str:
        return "".join("|" if c in strokes else c.upper() for c in value.strip() if not c.isspace())

    read = shape(text)
    hits = {v for v in values if v != text and v.isupper() and v.isalpha() and len(v) <= SHORT_LABEL
            and shape(v) == read}
    return hits.pop() if len(hits) == 1 else ""


SPECK_TOKEN = 2  # glyphs of a token after a label that is a speck, not a word ("PNP o", "MINSA E")


def _label_before_specks(text: str, values: Sequence[str]) -> str:
    """The one value the column prints (once is enough) that the cell reads, letter for letter,
    before tokens of SPECK_TOKEN glyphs or fewer: specks read after the label ("PNP oo",
    "… de Migraciones Ll", "… del Empleo EN"). No label ends in a word so short that it names
    something ("Gobiernos Regionales y" is one cut, not a speck)."""
    tokens = text.split()
    while len(tokens) > 1 and len(tokens[-1]) <= SPECK_TOKEN:
        tokens.pop()
    if len(tokens) == len(text.split()):
        return ""
    read = letters_of(" ".join(tokens))
    hits = {v for v in values if v != text and letters_of(v) == read and len(v.split()[-1]) > SPECK_TOKEN}
    return hits.pop() if len(hits) == 1 else ""


CUT_SHARE = 0.5  # a label cut at one end by toner dropout keeps at least this share of its letters
MIN_CUT = 5  # …and at least this many ("no acum", "ascend: o", "Cober* 3")


def _cut_label(read: str, labels: Sequence[str]) -> str:
    """The one label whose first or last letters (spaces aside) the cell reads, within one edit:
    a label a scan cut at one end ("no acum:.", "ascend: o"), never a short label (an acronym
    cut is another acronym's start)."""
    cut = "".join(c for c in read if c.isalpha())
    hits = set()
    for label in labels:
        full = "".join(c for c in letters_of(label) if c.isalpha())
        if len(full) <= SHORT_LABEL or not max(MIN_CUT, CUT_SHARE * len(full)) <= len(cut) < len(full):
            continue
        if min(Levenshtein.distance(cut, full[: len(cut)]), Levenshtein.distance(cut, full[-len(cut) :])) <= 1:
            hits.add(label)
    return hits.pop() if len(hits) == 1 else ""


SPLIT_EDITS = 2  # glyphs a label cut apart by gaps may have lost or changed besides


def _split_label(text: str, label: str) -> bool:
    """Whether the cell is the label cut into more words by gaps, its pieces no words of their
    own ("Cobert ira", "Cobert wa" for "Cobertura": "ira" is a word, but not here): without the
    spaces, it is the label but for SPLIT_EDITS glyphs (never "Gobiernos Loca es" for
    "Gobiernos Regionales": "Locales" with a glyph lost)."""
    pieces = _gap_cut(text, label)
    return pieces is not None and Levenshtein.distance(*pieces) <= min(SPLIT_EDITS, int(EDIT_SHARE * len(pieces[1])))


def _value_cut_by_gaps(text: str, closed: Sequence[str]) -> str:
    """The one closed value `text` is cut by gaps from (`_cut_by_gaps`), else ''."""
    hits = [value for value in closed if _cut_by_gaps(text, value)]
    return hits[0] if len(hits) == 1 else ""


def _cut_by_gaps(text: str, value: str) -> bool:
    """Whether `text` is `value` cut into more words by gaps, as many glyphs, one misread at most
    ("ascender te": a broken "n"; never "9 acumulado", a glyph more than "acumulado": a lost "no")."""
    pieces = _gap_cut(text, value)
    return pieces is not None and len(pieces[0]) == len(pieces[1]) and Levenshtein.distance(*pieces) <= 1


def _gap_cut(text: str, label: str) -> tuple[str, str] | None:
    """(text, label) without spaces, where `text` holds more words than `label` (cut by gaps)."""
    if len(text.split()) <= len(label.split()):
        return None
    return letters_of(text).replace(" ", ""), letters_of(label).replace(" ", "")


def _other_words(text: str, label: str, known: Callable[[str], bool]) -> bool:
    """Whether `text` prints a word the document knows that `label` does not hold."""
    held = {w.casefold() for w in WORD.findall(label)}
    return any(known(w) and w.casefold() not in held for w in WORD.findall(text))


def letters_of(text: str) -> str:
    """The text's letters and digits, lower case, words one space apart (marks dropped)."""
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(NOT_LETTER.sub(" ", text).split())
