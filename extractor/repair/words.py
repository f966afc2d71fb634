"""Words: names cut at a page break completed, and words broken by wrapping or misread by OCR
changed into words the document itself (or the vocabulary of the rules) knows."""

from __future__ import annotations

import functools
import gzip
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from extractor.model import Row
from extractor.repair.config import LookAlikeSteps, RepairConfig
from extractor.repair.records import Draft, Repair
from extractor.rules import normalize_label

WORD = re.compile(r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+")
# off a page image a letter may be read as a digit ("5ervicio"): a word of letters and digits
IMAGE_WORD = re.compile(r"[0-9A-Za-zÁÉÍÓÚÜÑáéíóúüñ]*[A-Za-zÁÉÍÓÚÜÑáéíóúüñ][0-9A-Za-zÁÉÍÓÚÜÑáéíóúüñ]*")
GLUED_MARK = re.compile(r"([A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+)([.:])([a-záéíóúüñ]+)")  # "la.trata"
TRAILING_MARK = re.compile(r"([A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+)([.-])")  # "por." "de-"
# off a page image, specks read as marks between two words or a word and a figure ("de-la",
# "de.36", "personal'de"), after a word ("a’ 35", "área: rural"), before one ("de 'higiene")
_ALNUM = "0-9A-Za-zÁÉÍÓÚÜÑáéíóúüñ"
IMAGE_MARK = "-.:'’‘“”\"«»"
IMAGE_INNER_MARKS = re.compile(rf"[{_ALNUM}]+(?:[{IMAGE_MARK}][{_ALNUM}]+)+")
IMAGE_TRAILING_MARK = re.compile(r"([A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+)([-.:'’‘“”\"«»])")
IMAGE_LEADING_MARK = re.compile(r"(['’‘“”\"«».,:])([A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+)")
QUOTE_MARKS = "'’‘“”\"«»"
# a quote → the marks that pair with it: only a pair is punctuation (a "'" and a "«" are two specks)
QUOTE_PARTNERS = {"“": "”\"", "”": "“\"", '"': '"“”', "«": "»", "»": "«", "‘": "’'", "’": "‘'", "'": "'’‘",
                  "`": "´'", "´": "`'"}


# ---- cut names -------------------------------------------------------------------------------------


def ends_cut(name: str, cfg: RepairConfig) -> bool:
    """A name ending in a word no name ends with ("de", "y") was cut."""
    words = name.split()
    return bool(words) and words[-1].lower() in cfg.function_words


def complete_cut_names(drafts: list[Draft], cfg: RepairConfig, catalog: list[Row]) -> None:
    """Complete a name cut at a page break whose continuation was never printed.

    From the catalog when it knows the row; otherwise from the phrase the document always
    continues the name's last words with — an assumption, listed on the row.
    """
    if not cfg.completion:
        return
    for i, draft in enumerate(drafts):
        nxt = drafts[i + 1] if i + 1 < len(drafts) else None
        if draft.named or not ends_cut(draft.name, cfg):
            continue
        if nxt is not None and nxt.page == draft.last_page:
            continue  # not at a page break: a cut name there is a spill, handled before
        full = _catalog_name(draft, catalog)
        note = "name completed from the catalog"
        if full is None:
            others = [d.name for d in drafts if d is not draft]
            tail = complete_phrase(draft.name, others, cfg)
            full = f"{draft.name} {tail}" if tail else None
            note = f"name cut at a page break; completed with {tail!r}, the phrase the document "
            note += "always continues its last words with"
        if full:
            draft.repairs.append(Repair("split_row", draft.name, full, "name"))
            draft.assumptions.append(note)
            draft.cells["name"] = full


def _catalog_name(draft: Draft, catalog: list[Row]) -> str | None:
    for row in catalog:
        name = row.get("name")
        longer = row.code == draft.code and len(name) > len(draft.name)
        if longer and normalize_label(name).startswith(normalize_label(draft.name)):
            return name
    return None


def complete_phrase(name: str, others: Sequence[str], cfg: RepairConfig) -> str | None:
    """How the other names always continue this name's last words, or None if they disagree."""
    words = name.split()
    min_words = int(cfg.completion.get("min_words", 2))
    for n in range(min(6, len(words)), min_words - 1, -1):
        tail = re.escape(" ".join(words[-n:]))
        follow = [
            _phrase_after(m.group(1))
            for text in others
            for m in re.finditer(rf"(?<!\S){tail}\s+(\S.*)", text)
        ]
        if len(follow) >= cfg.completion.get("min_occurrences", 2):
            return _consensus(follow, cfg) or None
    return None


def _phrase_after(text: str) -> list[str]:
    words = []
    for word in text.split()[:8]:
        words.append(word.rstrip(".,;:)"))
        if word[-1] in ".,;:)":
            break
    return words


def _consensus(phrases: list[list[str]], cfg: RepairConfig) -> str:
    out: list[str] = []
    for k in range(8):
        top = Counter(p[k] for p in phrases if len(p) > k).most_common(1)
        if not top or top[0][1] / len(phrases) < cfg.completion.get("agreement", 0.8):
            break
        out.append(top[0][0])
    while out and out[-1].lower() in cfg.function_words:
        out.pop()
    return " ".join(out)


# ---- words: wrapping, OCR letters ----------------------------------------------------------------

# an OCR'd word of at least this many letters may be this many glyphs away from the known word
# it was printed as ("mencs", "trastado"). One only: two reach another word of a report's own
# vocabulary too often ("rotación" → "relación", "formación" → "información", "Desarrollar" →
# "Desarrollo"), printed once and so unknown to the document, but right
# A long word may be two glyphs away ("demiastrativas" → "demostrativas"): two real words that
# long are seldom that near but for an inflection, which `_inflected` tells apart.
NEAR_EDITS = ((13, 2), (5, 1))
EDGE = 3  # two glyphs misread inside a long word: its first and last EDGE letters read right


MIN_LETTERS_AROUND_DIGITS = 3  # a word read with digits needs this many letters to be read back


@functools.cache
def language_words(path: Path | None, inflections: tuple[tuple[str, str], ...] = ()) -> frozenset[str]:
    """The word list at `path` (one word a line, gzip or plain; read once per process), each word
    with the forms its `inflections` make ((ending, other ending): "o" → "as" makes
    "reembolsadas" of "reembolsado": a list of lemmas lacks them); none without a list."""
    if path is None:
        return frozenset()
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")
    words = {w for w in text.split() if w.isalpha()}
    made = {w[: len(w) - len(end)] + other for w in words for end, other in inflections if w.endswith(end)}
    return frozenset(words | made)


def look_alike_variants(read: str, steps: LookAlikeSteps, limit: int) -> dict[str, int]:
    """Every spelling `limit` `look_alike` steps or fewer from the word as read, with its fewest
    steps: a glyph run read for a look-alike run, or a thin glyph lost or added."""
    found = {read: 0}
    frontier = [read]
    for step in range(1, limit + 1):
        reached = []
        for word in frontier:
            for variant in _one_step(word, steps):
                if variant not in found:
                    found[variant] = step
                    reached.append(variant)
        frontier = reached
    return found


def _one_step(word: str, steps: LookAlikeSteps) -> Iterable[str]:
    for i in range(len(word) + 1):
        head = word[:i]
        for thin in steps.thin:
            yield head + thin + word[i:]
        if i == len(word):
            break
        if word[i] in steps.thin:
            yield head + word[i + 1 :]
        for run, others in steps.swaps_from(word, i):
            for other in others:
                yield head + other + word[i + len(run) :]


class Lexicon:
    """Words the document knows: counted once per row (or paragraph), plus the vocabulary."""

    def __init__(self, counts: Counter[str], cfg: RepairConfig) -> None:
        self.counts = counts
        self.cfg = cfg
        self._forms: dict[str, list[str]] | None = None
        self._letters: frozenset[str] | None = None
        self._spellings: dict[str, Counter[str]] | None = None

    @classmethod
    def build(cls, units: Iterable[str], cfg: RepairConfig) -> Lexicon:
        return cls(Counter(w for unit in units for w in set(WORD.findall(unit))), cfg)

    def count(self, word: str) -> int:
        extra = self.counts[word.lower()] if word[:1].isupper() and word[1:].islower() else 0
        return self.counts[word] + extra

    def in_vocabulary(self, word: str) -> bool:
        # "nacionaL" is not "nacional": only the usual casings of a word count.
        usual = word.islower() or word.isupper() or (word[:1].isupper() and word[1:].islower())
        return usual and word.lower() in self.cfg.vocabulary

    def listed(self) -> frozenset[str]:
        """The language's words (`_ocr.yaml` `word_list` and `word_forms`)."""
        return language_words(self.cfg.word_list, self.cfg.word_forms)

    def spellings(self, plain: str) -> dict[str, int]:
        """How often the document prints each lower-case spelling of a word whose accent-free
        lower case is `plain` (vocabulary words count once)."""
        if self._spellings is None:
            table: dict[str, Counter[str]] = {}
            for word, n in self.counts.items():
                table.setdefault(_unaccented_lower(word), Counter())[word.lower()] += n
            for word in self.cfg.vocabulary:
                table.setdefault(_unaccented_lower(word), Counter())[word] += 1
            self._spellings = table
        return dict(self._spellings.get(plain, {}))

    def letters(self) -> frozenset[str]:
        """The lower-case letters the document's words and the vocabulary are written in."""
        if self._letters is None:
            words = [*self.counts, *self.cfg.vocabulary]
            self._letters = frozenset(c for w in words for c in w.lower() if c.isalpha())
        return self._letters

    def known(self, word: str, min_count: int = 2) -> bool:
        return self.in_vocabulary(word) or self.count(word) >= min_count

    def nearest_known(self, word: str, *, first: bool) -> str:
        """The one word the document knows (printed twice, or listed) that an OCR'd word it
        never prints is one glyph away from ("trastado" → "traslado", "Polítiza" →
        "Política"): NEAR_EDITS by the word's length, no other known word as near, not a letter put
        before it ("afines" is no misread "fines"), and not
        another inflection of it ("parto" is no misread "partos", nor "niñas" "niños")."""
        edits = next((n for size, n in NEAR_EDITS if len(word) >= size), 0)
        if not edits:
            return ""
        forms = self._known_forms()
        near = process.extract(word.lower(), list(forms), scorer=Levenshtein.distance, score_cutoff=edits,
                               limit=None)
        if len(near) != 1:
            return ""
        read, found = word.lower(), near[0][0]
        if _inflected(read, found, self.cfg.inflection_letters) or _new_start(read, found):
            return ""
        if near[0][1] > 1 and (read[:EDGE] != found[:EDGE] or read[-EDGE:] != found[-EDGE:]):
            return ""  # two glyphs at a word's end are another form of it ("desarrollados", "desarrollando")
        return _cased(forms[found], word, first=first)

    def listed_digit_reading(self, word: str) -> str:
        """A word read with digits among its letters ("Raz6n") as the language's word each digit
        read as its letter makes (`image_letter_confusions`, tried in their order: a "6" is an
        "ó" before an "o", its accent read as the 6's stroke); '' if none. No Spanish word holds
        a digit, so one listed word is enough, printed elsewhere or not."""
        words = self.listed()
        if sum(c.isalpha() for c in word) < MIN_LETTERS_AROUND_DIGITS:
            return ""
        readings = [""]
        for glyph in word:
            meant = [right for wrong, right in self.cfg.image_confusions if wrong == glyph]
            meant = meant if glyph.isdigit() else [glyph]
            if not meant:
                return ""
            readings = [r + m for r in readings for m in meant][:64]
        return next((r for r in readings if WORD.fullmatch(r) and r.lower() in words), "")

    def with_lost_accents(self, word: str, *, first: bool) -> str:
        """An OCR'd word with an ending the language always writes accented, read bare
        (`_ocr.yaml` `accented_endings`: "poblacion" → "población"), with its accent; else ''.
        A scan loses accents on every row alike (a thin mark under a bitonal threshold), so this
        holds however often the document prints the word bare; not in capitals (a heading may be
        printed bare), and only an ending: a word list of web text holds "victimas" as often as
        "víctimas", and an author may print "Publico" ("publico" is a word too)."""
        casing = word.islower() or (word[:1].isupper() and word[1:].islower())
        lower = word.lower()
        for bare, accented in self.cfg.accented_endings if casing else ():
            if lower.endswith(bare) and len(lower) > len(bare) + 1:
                return _cased([lower[: -len(bare)] + accented], word, first=first)
        return ""

    def look_alike_word(self, word: str, *, first: bool) -> str:
        """The one word of the language (`word_list`) or of the document that an OCR'd word which
        is neither looks like: fewest `look_alike` steps away, within what its length allows; of
        two as near, the one the document prints, if only one is. '' if there is none, or no one.

        Only a word in lower case, or capitalised where it opens the cell: a capital inside a
        name is a proper noun or an acronym, which no word list holds."""
        words = self.listed()
        allowed = self.cfg.look_alike.allowed(len(word))
        lower = word.lower()
        casing = word.islower() or (first and word[:1].isupper() and word[1:].islower())
        if not allowed or not casing or not words or lower in words:
            return ""
        forms = self._known_forms()
        if self.known(word):
            # a misreading made alike on several rows (the same glyph broken the same way,
            # "Porcertaje" thrice): only to a word the document prints FUNCTION_WORD_LEAD times as often
            lead = FUNCTION_WORD_LEAD * self.count(word)

            def candidate(w: str) -> bool:
                return w in forms and sum(self.counts[f] for f in forms[w]) >= lead
        else:
            # a short word is one the document prints: a fragment of a word a gap split ("domic
            # liarias") is a step from too many short words of the language ("comic")
            long = len(word) >= self.cfg.look_alike.listed_from

            def candidate(w: str) -> bool:
                return w in forms or (w in words and (long or self.count(w) >= 1))
        variants = look_alike_variants(lower, self.cfg.look_alike, allowed)
        steps = {w: k for w, k in variants.items() if k and candidate(w)}
        fewest = min(steps.values(), default=0)
        found = sorted(w for w, k in steps.items() if k == fewest)
        if len(found) > 1:
            found = [w for w in found if self.count(w) >= 1]
        if len(found) != 1:
            return ""
        return _cased(forms.get(found[0], [found[0]]), word, first=first)

    def _known_forms(self) -> dict[str, list[str]]:
        """Known words of NEAR_EDITS' shortest length, lower case → their printed forms, most printed first."""
        if self._forms is None:
            forms: dict[str, list[str]] = {}
            ranked = sorted(self.counts.items(), key=lambda item: -item[1])
            for word, _ in ranked:
                if len(word) >= NEAR_EDITS[-1][0] and self.known(word):
                    forms.setdefault(word.lower(), []).append(word)
            for word in sorted(self.cfg.vocabulary):
                if len(word) >= NEAR_EDITS[-1][0]:
                    forms.setdefault(word, [word])
            self._forms = forms
        return self._forms

    def real(self, word: str) -> bool:
        """Safe to leave as printed: a listed word, a frequent one, or a short function word."""
        if len(word) <= 2:
            # "ia" twice in a damaged matrix is no word; "es" all over a narrative is one
            short = word.lower() in self.cfg.function_words or self.in_vocabulary(word)
            return short or self.count(word) >= 3
        plural = any(self.in_vocabulary(word + s) for s in ("s", "es"))
        return plural or self.in_vocabulary(word) or self.count(word) >= 3


def fix_words(draft: Draft, cfg: RepairConfig, lexicon: Lexicon, *, stopless_names: bool = False) -> None:
    """`stopless_names`: the document ends (almost) none of its names with a full stop."""
    for role in sorted(cfg.text_columns):
        text = draft.cells.get(role, "")
        if text:
            specks: list[tuple[str, str]] = []
            if draft.read_by_ocr and role == "name":
                text, specks = drop_trailing_specks(text, lexicon, stopless=stopless_names)
            text, marks = fix_marks(text, lexicon, label=role in cfg.label_columns, read_by_ocr=draft.read_by_ocr)
            marks = specks + marks
            fixed, repairs = fix_text(text, lexicon, read_by_ocr=draft.read_by_ocr)
            draft.cells[role] = fixed
            draft.repairs += [Repair("stray", b, a, role) for b, a in marks]
            draft.repairs += [Repair(k, b, a, role) for k, b, a in repairs]


# ---- specks at the end of a name read off a page image --------------------------------------------

# a document whose names end in a full stop this rarely prints them without one: the few read with
# one on a scan carry a speck (salud: none of 80; trata prints 41 of 115 with one, and keeps them)
STOPLESS_SHARE = 0.15
MAX_SPECK_TOKENS = 3  # specks read as short words after a name's last word ("… rurales E", "… ALAN 2")
# a speck read as letters is this short: "zo", "coo", "Als" in lower or title case, "INES" in
# capitals; a lower-case word of four letters printed once ("edad") is as likely a word
MAX_SPECK_LETTERS = 3
MAX_SPECK_CAPITALS = 4
FINAL_STOP = re.compile(r"(?:[a-záéíóúüñ]{4,}|\d+|.*\))\.")  # "rural." "35." "vivos).": no abbreviation


def names_end_bare(names: Iterable[str]) -> bool:
    """Whether a document ends at most STOPLESS_SHARE of its names with a full stop."""
    names = [n for n in names if n]
    return bool(names) and sum(n.endswith(".") for n in names) <= STOPLESS_SHARE * len(names)


def drop_trailing_specks(text: str, lexicon: Lexicon, *, stopless: bool) -> tuple[str, list[tuple[str, str]]]:
    """A name read off a page image without what specks past its last word were read as: short
    glyph runs no word of the document ("… rurales E", "… dispersas INES", "… rurales zo"), a
    function word no name ends with ("… vivos). o"), a figure among them ("… ALAN 2"); and,
    in a document whose names end bare (`stopless`), a final full stop ("… cultural."). The
    fixes as (printed, fixed)."""
    tokens = text.split(" ")
    start = max(len(tokens) - MAX_SPECK_TOKENS, 0)
    # a piece of a word whose glyph the scan lost ("implementac ón") is no speck
    kinds = ["" if k and _gap_join(tokens, k - 1, lexicon) else _speck_kind(tokens[k], lexicon)
             for k in range(start, len(tokens))]
    n = 0
    for size in range(1, len(kinds) + 1):
        tail = kinds[-size:]
        if "" in tail or len(tokens) - size < 2:
            break
        if "figure" not in tail or "glyphs" in tail:
            n = size
    fixes = [(t, "") for t in tokens[len(tokens) - n :]] if n else []
    kept = tokens[: len(tokens) - n]
    if stopless and kept and FINAL_STOP.fullmatch(kept[-1]):
        fixes.append((kept[-1], kept[-1][:-1]))
        kept[-1] = kept[-1][:-1]
    return " ".join(kept), fixes


def _speck_kind(token: str, lexicon: Lexicon) -> str:
    """"glyphs": letters no word of the document; "function": a function word (no name ends with
    one); "figure": a number; "": a word, or anything else."""
    if any(c in token for c in "()[]"):
        return ""  # "(RETA)": a bracket is print
    core = "".join(c for c in token if c.isalnum() or c == "%")
    if not core or core.strip("%").isdigit():
        return "figure" if core else "glyphs"
    if not core.isalpha() or len(core) > (MAX_SPECK_CAPITALS if core.isupper() else MAX_SPECK_LETTERS):
        return ""
    function = core.lower() in lexicon.cfg.function_words
    if core.islower():
        if token.endswith("."):
            return ""  # "etc.": an abbreviation
        return "function" if function else ("" if lexicon.known(core) else "glyphs")
    # capitals: an acronym the document prints elsewhere ("SIS") is print; a function word or a
    # short word in capitals after the name's last word is no part of a name ("Es", "ALAN")
    if lexicon.counts[core] >= 2 and not (function or lexicon.in_vocabulary(core.lower())):
        return ""
    return "glyphs"


def fix_marks(
    text: str, lexicon: Lexicon, *, label: bool = False, read_by_ocr: bool = False
) -> tuple[str, list[tuple[str, str]]]:
    """Specks read as punctuation next to a word the document knows: between two words
    ("la.trata"), a stop before a lower-case word ("por. trata"), a hyphen after a whole word
    ("de- Trabajo"), a final stop on a label ("MIMP."); off a page image also marks beside a
    function word (`_unmark_image`); the fixes as (printed, fixed)."""
    tokens = text.split(" ")
    fixes = []
    quoted = paired_quotes(text)  # a pair of quotes is punctuation
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        fixed = _unmark(token, following, lexicon, label=label)
        if read_by_ocr and fixed == token and (i < len(tokens) - 1 or IMAGE_INNER_MARKS.fullmatch(token)):
            fixed = _unmark_image(token, following, lexicon, quoted=quoted)
        if fixed != token:
            fixes.append((token, fixed))
            tokens[i] = fixed
    return " ".join(tokens), fixes


def _unmark(token: str, following: str, lexicon: Lexicon, *, label: bool) -> str:
    glued = GLUED_MARK.fullmatch(token)
    if glued and lexicon.real(glued[1]) and lexicon.real(glued[3]):
        return f"{glued[1]} {glued[3]}"
    trailing = TRAILING_MARK.fullmatch(token)
    if not trailing or not lexicon.real(trailing[1]):
        return token
    if following and (trailing[2] == "-" or following[:1].islower()):
        return trailing[1]
    if not following and label and trailing[2] == ".":
        return trailing[1]
    return token


def paired_quotes(text: str) -> bool:
    """Whether the text holds a quote and, after it, a mark that pairs with it (`QUOTE_PARTNERS`)."""
    return any(c in QUOTE_PARTNERS and any(p in text[i + 1 :] for p in QUOTE_PARTNERS[c]) for i, c in enumerate(text))


def _unmark_image(token: str, following: str, lexicon: Lexicon, *, quoted: bool) -> str:
    """Inside a cell read off a page image, a mark no author prints beside a function word:
    "de-la", "de-salud:en", "de.36", "personal'de" are words apart; "a’ 35", "área: rural" (a
    mark before a lower-case word or a figure), "de 'higiene" (an unpaired quote) and ".de" one.
    A hyphen between two content words ("CDC-MINSA", "socio-cultural") is print and stays."""
    function = lexicon.cfg.function_words

    def piece(word: str) -> bool:
        # beside a function word, any lower-case word: no author glues "de" to it ("de.incentivos")
        lower_word = word.isalpha() and word.islower() and len(word) >= 4
        return word.isdigit() or word.lower() in function or lexicon.real(word) or lower_word

    if IMAGE_INNER_MARKS.fullmatch(token):
        pieces = re.split(f"[{re.escape(IMAGE_MARK)}]", token)
        pairs = list(itertools.pairwise(pieces))
        if all(piece(w) for w in pieces) and all({a.lower(), b.lower()} & function for a, b in pairs):
            return " ".join(pieces)
        if _words_apart(token, pieces, pairs, lexicon):
            return " ".join(pieces)
    trailing = IMAGE_TRAILING_MARK.fullmatch(token)
    next_is_lower = following[:1].islower() or following[:1].isdigit()
    # no sentence ends on a function word: a mark after one is a speck before any word ("de: Educación")
    after_function = bool(trailing) and trailing[1] in function and following[:1].isalpha()  # "A." an initial
    known = trailing and (trailing[1].lower() in function or lexicon.real(trailing[1]))
    if trailing and known and (next_is_lower or after_function):
        return trailing[1] if not (quoted and trailing[2] in QUOTE_MARKS) else token
    if trailing and trailing[2] == "." and following[:1].islower() and _stop_is_speck(trailing[1], lexicon):
        return trailing[1]  # "área. rural": no sentence ends inside a name; "aprox. el" stays
    leading = IMAGE_LEADING_MARK.fullmatch(token)
    # a quote with no partner, or a stop or comma glued before a function word (".de")
    quote = leading and leading[1] in QUOTE_MARKS and not quoted and lexicon.real(leading[2])
    if leading and (quote or (leading[1] not in QUOTE_MARKS and leading[2] in function)):
        return leading[2]
    return token


def _stop_is_speck(word: str, lexicon: Lexicon) -> bool:
    """A full stop after a word the document prints elsewhere too, in lower case and too long for
    an abbreviation ("área.", "originarias."), read before a lower-case word: a speck."""
    return word.islower() and len(word) >= 4 and lexicon.count(word) >= 2


def _words_apart(token: str, pieces: list[str], pairs: list[tuple[str, str]], lexicon: Lexicon) -> bool:
    """"originarias.que", "de:habitabilidad", "rurales:(minutos)" off a page image: words the
    document prints on each side of a stop, colon or quote that no author puts inside a word,
    so a speck read between two words. A hyphen may join two words in print ("CDC-MINSA") and
    a point two figures ("1.5"): neither is taken apart here."""
    if "-" in token or any(p.isdigit() and q.isdigit() for p, q in pairs):
        return False
    function = lexicon.cfg.function_words
    return all(p.isdigit() or p.lower() in function or lexicon.known(p) for p in pieces)


def fix_text(
    text: str, lexicon: Lexicon, *, read_by_ocr: bool = False
) -> tuple[str, list[tuple[str, str, str]]]:
    """Words broken by wrapping joined, misread letters fixed; the repairs as (kind, from, to).

    Text OCR read off a page image may also carry the misreadings only an image causes
    (`image_letter_confusions`: a speck read as an accent); a text layer's accents are its own."""
    repairs: list[tuple[str, str, str]] = []
    tokens = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(tokens):
        joined = _wrap_join(tokens, i, lexicon)
        kind = "wrap_join"
        if not joined and read_by_ocr:
            joined, kind = _gap_join(tokens, i, lexicon), "ocr_letter"
        if joined:
            repairs.append((kind, f"{tokens[i]} {tokens[i + 1]}", joined))
            out.append(joined)
            i += 2
            continue
        out.append(tokens[i])
        i += 1
    for k, token in enumerate(out):
        fixed = _fix_token(token, lexicon, first=k == 0, last=k == len(out) - 1, read_by_ocr=read_by_ocr)
        if fixed == token and read_by_ocr:
            fixed = _glued_apart(token, lexicon)
        if fixed == token and read_by_ocr:
            fixed = _marks_read_for_glyphs(token, lexicon, first=k == 0)
        if fixed != token:
            repairs.append(("ocr_letter", _core(token, read_by_ocr), _core(fixed, read_by_ocr)))
            out[k] = fixed
    return " ".join(out), list(dict.fromkeys(repairs))


# pronouns a verb takes glued after it ("fortalecerla"): a word, never two glued by a scan
ENCLITICS = frozenset({"la", "las", "lo", "los", "le", "les", "se", "nos"})
MIN_GLUED_PIECE = 5  # the content word of a glued pair is at least this long ("asistencia", "docente")


def _glued_apart(token: str, lexicon: Lexicon) -> str:
    """Off a page image, two words a lost space glued ("deasistencia", "docenteen",
    "institucioneseducativas"): a word the document does not know, the one way to part it into a
    function word and a word it knows, or two words it knows, none shorter than MIN_GLUED_PIECE
    but the function word. A pronoun glued after a verb is one word."""
    word = token.rstrip(".,;:)")
    if not word.isalpha() or lexicon.known(word) or len(word) < MIN_GLUED_PIECE + 2:
        return token
    function = lexicon.cfg.function_words

    def content(piece: str) -> bool:
        return len(piece) >= MIN_GLUED_PIECE and lexicon.known(piece)

    parts = [
        (a, b) for a, b in ((word[:k], word[k:]) for k in range(1, len(word)))
        if (a.lower() in function and content(b)) or (content(a) and b in function - ENCLITICS)
        or (content(a) and content(b))
    ]
    return f"{parts[0][0]} {parts[0][1]}{token[len(word):]}" if len(parts) == 1 else token


# Off a page image, a glyph toner dropout or a speck broke reads as a mark inside a word or at its
# end: "Servi:io", "ale;adas", "Integra!", "salu:", "rural:=s", "pobla-:ión". No author prints a
# mark there, so the word is misread; each mark stands for one glyph or for none (a speck beside
# the print), and the word is the one known word that reading allows. A hyphen alone is print
# ("socio-cultural", a word wrapped after its hyphen), and so is a bracket or a final stop or comma.
GLYPH_MARKS = frozenset("!:;<>=*|¦'’‘“”«»¡¿`´^~_+.,-")
OUTER_MARKS = re.compile(r"^(\(?)(.*?)([.,)]?)$")
MIN_MARKED_LETTERS = 4  # letters read around the marks: fewer fit too many words


def _marks_read_for_glyphs(token: str, lexicon: Lexicon, *, first: bool) -> str:
    """The one word the document knows (printed twice, or listed; NEAR_EDITS' shortest length at
    least) that an OCR'd token with marks inside it or at its ends reads as, each mark one glyph
    or none, the letters as read; else the token. A known word with a speck after it ("área:")
    is left to the marks' own repairs."""
    outer = OUTER_MARKS.fullmatch(token)
    if outer is None:
        return token
    opening, core, closing = outer.groups()
    marks = {c for c in core if c in GLYPH_MARKS}
    letters = "".join(c for c in core if c.isalpha())
    if not marks or marks == {"-"} or len(letters) < MIN_MARKED_LETTERS:
        return token
    if any(not (c.isalpha() or c in GLYPH_MARKS) for c in core) or lexicon.known(core.strip("".join(GLYPH_MARKS))):
        return token
    glyph = "[^\\W\\d_]?"  # one letter, or none
    pattern = re.compile("".join(glyph if c in GLYPH_MARKS else re.escape(c.lower()) for c in core))
    forms = lexicon._known_forms()
    found = [word for word in forms if pattern.fullmatch(word)]
    if len(found) != 1:
        return token
    return opening + _cased(forms[found[0]], letters, first=first) + closing


def _core(token: str, read_by_ocr: bool = False) -> str:
    m = (IMAGE_WORD if read_by_ocr else WORD).search(token)
    return m.group(0) if m else token


def _broken_pieces(tokens: list[str], i: int) -> tuple[str, str, str] | None:
    """Token `i` and the next (and the next without its closing marks) when they may be one word
    broken in two: both letters, the second starting lower-case."""
    if i + 1 >= len(tokens):
        return None
    a, b = tokens[i], tokens[i + 1]
    core_b = b.rstrip(".,;:)")
    if not (a.isalpha() and core_b.isalpha() and core_b[:1].islower()):
        return None
    return a, b, core_b


def _wrap_join(tokens: list[str], i: int, lexicon: Lexicon) -> str | None:
    """"Superintendenc ia" → "Superintendencia": neither piece is a word, the joined one is."""
    pieces = _broken_pieces(tokens, i)
    if pieces is None:
        return None
    a, b, core_b = pieces
    if lexicon.real(a) or lexicon.real(core_b):
        return None  # "principal es", "en torno": either piece a word, no word was broken
    joined = a + core_b
    return joined + b[len(core_b) :] if lexicon.known(joined, min_count=1) else None


ALIKE_SHARE = 0.25  # an accented function word printed this share of the plain one at most is a speck


def join_gaps(text: str, lexicon: Lexicon) -> str:
    """An OCR'd text with only its words a gap split joined (`_gap_join`: "Gobiernos Loca es" →
    "Gobiernos Locales"); no letter of a word is changed."""
    tokens = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(tokens):
        joined = _gap_join(tokens, i, lexicon)
        out.append(joined or tokens[i])
        i += 2 if joined else 1
    return " ".join(out)


def _gap_join(tokens: list[str], i: int, lexicon: Lexicon) -> str | None:
    """Off a page image, a word whose faint glyph the scan lost, leaving a gap: "sa ud", "pr mer",
    "vigil ncia", "rural s", "implementac ón". The two pieces, one of them no word, joined with
    the one glyph that makes a word the document prints (twice, or listed) of at least
    NEAR_EDITS' length."""
    pieces = _broken_pieces(tokens, i)
    if pieces is None:
        return None
    a, b, core_b = pieces
    if lexicon.real(a) and lexicon.real(core_b):
        return None  # two words
    words = {a + glyph + core_b for glyph in lexicon.letters()}
    found = [w for w in words if len(w) >= NEAR_EDITS[-1][0] and lexicon.known(w)]
    if len(found) == 1:
        return found[0] + b[len(core_b) :]
    near = _near_gap_word(a, core_b, lexicon) or _listed_gap_word(a, core_b, lexicon, first=i == 0)
    return near + b[len(core_b) :] if near else None


def _listed_gap_word(a: str, b: str, lexicon: Lexicon, *, first: bool) -> str:
    """The word of the language's list a gapped word's pieces stand for, joined ("interguberna
    mental") or read back by its look-alike glyphs ("vig laricia", "hist aria", "domic liarias"):
    neither piece a word the document knows, one at least no word of the list, and the word of
    `listed_from` letters at least (short pieces join into too many words)."""
    words = lexicon.listed()
    joined = a + b
    if (len(joined) < lexicon.cfg.look_alike.listed_from or lexicon.real(a) or lexicon.real(b)
            or (a.lower() in words and b.lower() in words)):
        return ""
    if joined.lower() in words:
        return joined
    return lexicon.look_alike_word(joined, first=first)


# A long word split by a gap may have lost a glyph there and had another misread ("Surv cio",
# "esta olecimientos", "hist aria", "aco npañamiento"): its pieces joined are this many edits at
# most from the one known word of at least GAP_WORD_LETTERS letters that near, which starts and
# ends as they do; a shorter word that near is as often another word.
GAP_EDITS = 2
GAP_WORD_LETTERS = 8


def _near_gap_word(a: str, b: str, lexicon: Lexicon) -> str:
    """The known word the pieces of a gapped word stand for (see GAP_EDITS), else "". Neither
    piece is a word of its own ("oportuna a", "po promedio"), nor a lone glyph, and the word is
    as long as its pieces at least: a gap splits a word, it adds no glyph to it."""
    joined = (a + b).lower()
    if len(joined) < GAP_WORD_LETTERS - 1 or len(a) < 2 or len(b) < 2 or lexicon.real(a) or lexicon.real(b):
        return ""
    forms = lexicon._known_forms()
    long_enough = [w for w in forms if len(w) >= max(GAP_WORD_LETTERS, len(joined))]
    near = process.extract(joined, long_enough, scorer=Levenshtein.distance, score_cutoff=GAP_EDITS, limit=None)
    if not near:
        return ""
    best = min(d for _, d, _ in near)
    found = [w for w, d, _ in near if d == best]
    if len(found) != 1 or found[0][0] != joined[0] or found[0][-1] != joined[-1]:
        return ""
    return _cased(forms[found[0]], a + b, first=False)


def _fix_token(token: str, lexicon: Lexicon, *, first: bool = False, last: bool, read_by_ocr: bool) -> str:
    m = (IMAGE_WORD if read_by_ocr else WORD).search(token)
    if not m:
        return token
    word = m.group(0)
    if read_by_ocr and (stroked := _stroke_after(token, word, lexicon)):
        return stroked
    if read_by_ocr and word == token and (plain := _accented_function_word(word, lexicon)):
        return plain
    if read_by_ocr and word == token and (spelled := _accent_misread(word, lexicon)):
        return spelled
    if read_by_ocr and WORD.fullmatch(word) and (accented := lexicon.with_lost_accents(word, first=first)):
        return token[: m.start()] + accented + token[m.end() :]
    # a function word stands between words: a cell of one short word is a label or a speck
    if read_by_ocr and word == token and not (first and last) and (word.islower() or (word.istitle() and not first)):
        misread = _misread_function_word(word.lower(), lexicon)
        if misread:
            return misread
    if read_by_ocr and word.islower() and _acronym_read_small(word, lexicon, alone=first and last):
        return token[: m.start()] + word.upper() + token[m.end() :]
    # a misreading made alike on several rows, which they make a "real" word
    if read_by_ocr and len(word) >= 4 and WORD.fullmatch(word) and lexicon.real(word) and (
            repeated := lexicon.look_alike_word(word, first=first)):
        return token[: m.start()] + repeated + token[m.end() :]
    if len(word) < 4 or word.isupper() or lexicon.real(word) or word != token.strip(".,;:()"):
        return token
    variants = _word_variants(word, lexicon.cfg, last=last, read_by_ocr=read_by_ocr)
    # no Spanish word holds a digit: a word the document prints once elsewhere is enough, but
    # every digit must be read as its letter
    seen = 1 if any(c.isdigit() for c in word) else 2
    fixes = {c for c in variants if WORD.fullmatch(c) and lexicon.known(c, min_count=seen)}
    if len({c.lower() for c in fixes}) == 1 and len(fixes) > 1:
        # "5ervicio": "Servicio" opening the cell, "servicio" inside it
        fixes = {c for c in fixes if c[:1].isupper() == first} or fixes
    if not fixes and read_by_ocr and seen == 1:
        fixes = {lexicon.listed_digit_reading(word)} - {""}
    if not fixes and read_by_ocr and WORD.fullmatch(word):
        fixes = {lexicon.nearest_known(word, first=first)} - {""}
    if not fixes and read_by_ocr and WORD.fullmatch(word):
        fixes = {lexicon.look_alike_word(word, first=first)} - {""}
    if len(fixes) != 1:
        return token
    return token[: m.start()] + fixes.pop() + token[m.end() :]


def _accented_function_word(word: str, lexicon: Lexicon) -> str:
    """The function word a short OCR'd word is with a speck read as an accent ("dé", "cón", "lá"),
    unless the document prints the accented word itself (twice) and more than ALIKE_SHARE as
    often as the function word: a speck read alike on a few rows of a scan is no spelling."""
    plain = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
    if plain == word or plain.lower() not in lexicon.cfg.function_words:
        return ""
    printed = lexicon.known(word) and lexicon.count(word) > ALIKE_SHARE * lexicon.count(plain)
    return "" if printed else plain


# A two-letter word off a page image that no text prints ("ce", "Je", "ve", "ei") is the function
# word one glyph from it that the document prints this many times as often as the misread and
# every other known word one glyph from it together ("de" on 78 rows; "se", "le" on a few).
# Not one letter ("e", "y", "o" are words, and a speck reads as one). Three letters only one
# `look_alike` step from a function word ("cor", "dei", "cle"): any edit reaches too many ("dos"
# is one glyph from "los"), and a word list of web text holds nearly every three letters.
FUNCTION_WORD_LEAD = 4
SHORT_MISREAD = (2, 2)  # letters


def _misread_function_word(word: str, lexicon: Lexicon) -> str:
    """The function word a short OCR'd word that is no word is a misreading of (see
    FUNCTION_WORD_LEAD), else ""."""
    function = lexicon.cfg.function_words
    if len(word) == SHORT_MISREAD[1] + 1 and word not in function and not lexicon.in_vocabulary(word):
        return _look_alike_function_word(word, lexicon)
    if not SHORT_MISREAD[0] <= len(word) <= SHORT_MISREAD[1] or word in function or lexicon.in_vocabulary(word):
        return ""
    near = {w for w in lexicon.counts if Levenshtein.distance(w.lower(), word) == 1 and lexicon.known(w.lower())}
    near = {w.lower() for w in near} | {f for f in function if Levenshtein.distance(f, word) == 1}
    ranked = sorted(((lexicon.count(w), w) for w in near), reverse=True)
    if not ranked or ranked[0][1] not in function:
        return ""
    # the other misreadings near it ("ce" and "Je" for "de" on a few rows each) are no rivals
    real = [(n, w) for n, w in ranked[1:] if w in function or lexicon.in_vocabulary(w)]
    return _leading(ranked[0], lexicon.count(word), real)


def _leading(best: tuple[int, str], misread: int, rivals: Sequence[tuple[int, str]]) -> str:
    """The word of `best` (prints, word) where it is printed FUNCTION_WORD_LEAD times as often as
    the misread and its `rivals` together, else ''."""
    return best[1] if best[0] >= FUNCTION_WORD_LEAD * max(misread + sum(n for n, _ in rivals), 1) else ""


def _stroke_after(token: str, word: str, lexicon: Lexicon) -> str:
    """A word with a stroke glued after it that is no letter ("contro!", "persona!", "de!",
    "rural!": `_ocr.yaml` `strokes`): the word with the letter a stroke is (`stroke_letter`, an
    "l" whose foot the scan lost) where the document prints that word, else the word alone where
    it knows it (a speck); '' otherwise. No name prints "!" or "|" after a word."""
    mark = token[len(word) :] if token.startswith(word) else ""
    if len(mark) != 1 or mark.isalnum() or mark not in lexicon.cfg.strokes or not word.isalpha():
        return ""
    with_letter = word + lexicon.cfg.stroke_letter
    if lexicon.cfg.stroke_letter and (lexicon.count(with_letter) >= 1 or lexicon.in_vocabulary(with_letter)):
        return with_letter
    short = word.lower() in lexicon.cfg.function_words
    return word if short or lexicon.known(word) else ""


ACRONYM_LETTERS = 6  # a cell of one lower-case word this short may be a body's acronym


def _acronym_read_small(word: str, lexicon: Lexicon, *, alone: bool) -> bool:
    """Whether an OCR'd lower-case word is an acronym the document prints in capitals: S, C, O,
    V, X, Z are one glyph in either case, and tesseract reads a short cell of capitals alone in
    lower case ("sis" for SIS in the responsible column, on every row alike). A cell of that one
    word (`alone`, ACRONYM_LETTERS at most) where the document prints the capitals anywhere;
    a word among others where it prints them FUNCTION_WORD_LEAD times as often. Never a
    function word or one the vocabulary lists."""
    if len(word) < 2 or word in lexicon.cfg.function_words or lexicon.in_vocabulary(word):
        return False
    capitals, small = lexicon.counts[word.upper()], lexicon.counts[word]
    if alone and len(word) <= ACRONYM_LETTERS:
        return capitals >= 1
    return capitals >= FUNCTION_WORD_LEAD * max(small, 1)


def _look_alike_function_word(word: str, lexicon: Lexicon) -> str:
    """The function word a three-letter OCR'd word that is no word is one `look_alike` step from
    ("dei" for "del", "cle" and "lia" for "de" and "la", "eri" for "en"), printed FUNCTION_WORD_LEAD
    times as often as the misread and the other such words together; a glyph read for another
    before two read for one, or a thin one lost ("dei" is "del", not "de")."""
    near = [w for w, k in look_alike_variants(word, lexicon.cfg.look_alike, 1).items()
            if k == 1 and w in lexicon.cfg.function_words]
    alike = [w for w in near if len(w) == len(word)] or near
    ranked = sorted(((lexicon.count(w), w) for w in alike), reverse=True)
    return _leading(ranked[0], lexicon.count(word), ranked[1:]) if ranked else ""


ACCENT_WORD_LETTERS = 5  # shorter words differ by an accent alone in meaning ("esta", "está")


def _accent_misread(word: str, lexicon: Lexicon) -> str:
    """Off a page image, a word the document prints with other accents (a speck read as one,
    "personás"; one the scan lost, "victimas") ALIKE_SHARE as often at most as the spelling it
    prints most: that spelling. An author's own second spelling is printed more often (trata:
    "Publico" 7 rows, "Público" 4: both stay)."""
    if len(word) < ACCENT_WORD_LETTERS:
        return ""
    spellings = lexicon.spellings(_unaccented_lower(word))
    best = max(spellings, key=spellings.__getitem__, default="")
    if not best or best == word.lower() or not lexicon.known(best):
        return ""
    if spellings.get(word.lower(), 0) > ALIKE_SHARE * spellings[best]:
        return ""
    return best[:1].upper() + best[1:] if word[:1].isupper() else best


def _unaccented_lower(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn")


def _inflected(word: str, other: str, letters: frozenset[str]) -> bool:
    """Whether two words differ only in an ending of the language's inflection letters ("parto"/"partos")."""
    common = next((k for k, (a, b) in enumerate(zip(word, other, strict=False)) if a != b), min(len(word), len(other)))
    a, b = word[common:], other[common:]
    return len(a) <= 2 and len(b) <= 2 and set(a + b) <= letters


def _new_start(word: str, other: str) -> bool:
    """Whether one word is the other with a letter added before it ("afines"/"fines"): another word."""
    return len(word) != len(other) and word[0] != other[0]


def _cased(forms: list[str], read: str, *, first: bool) -> str:
    """The printed form of a known word that the read word's first letter agrees with, else the
    most printed one; capitalised where it opens the cell as read, and in lower case inside the
    cell as read when the document prints it capitalised only where a cell opens ("Expedientes")."""
    form = next((f for f in forms if f[:1].isupper() == read[:1].isupper()), forms[0])
    if first and read[:1].isupper():
        return form[:1].upper() + form[1:]
    return form.lower() if not first and read.islower() and form.istitle() else form


def _word_variants(word: str, cfg: RepairConfig, *, last: bool, read_by_ocr: bool) -> set[str]:
    """One OCR confusion undone; inner capitals lowered; a last letter clipped at a cell edge."""
    out = set()
    for wrong, right in cfg.confusions + (cfg.image_confusions if read_by_ocr else []):
        start = word.find(wrong)
        while start >= 0:
            out.add(word[:start] + right + word[start + len(wrong) :])
            start = word.find(wrong, start + 1)
    if any(c.isupper() for c in word[1:]):
        out.add(word[0] + word[1:].lower())
    if last and len(word) >= 5:
        # Not "s": a clipped "s" cannot be told from a singular ("vulnerable").
        out |= {word + c for c in "abcdefghijlmnoprtuvyzáéíóúñ"}
    out.discard(word)
    return out

