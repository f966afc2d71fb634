"""Cleaning the cells of one printed band: marks and specks out of text cells, values read
through OCR marks, cells that are never data dropped, and the cells a level never prints."""

from __future__ import annotations

import fnmatch
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence

from rapidfuzz.distance import Levenshtein

from extractor.model import RawRow
from extractor.repair.codes import content_of, head_levels, provisional_code
from extractor.repair.config import RepairConfig
from extractor.repair.records import CleanRow, Draft, Repair
from extractor.repair.words import QUOTE_PARTNERS
from extractor.rules import load_ocr_confusions
from extractor.values import NOT_AVAILABLE, parse_value

MAX_MARK_LENGTH = 4  # a misread not-available mark is as short as the marks ("NOD" for "ND")
LONE_PUNCTUATION = re.compile(r"(?<=\s)[.,:;·](?=\s)")  # "para investigar y . sancionar"


def clean_row(
    raw: RawRow, cfg: RepairConfig, *, ocr: bool = False, not_available: Sequence[str] = ("ND",)
) -> CleanRow:
    """One printed band cleaned: whitespace normalised, stray marks removed, and a first reading
    of its code and level. `ocr`: the band was read by OCR (glyphs glued to a value are specks);
    `not_available`: how the document prints "not available", its most used way first."""
    cells = {role: " ".join(text.split()) for role, text in raw.cells.items()}
    # layout's repairs first: a word glued across cells, cut apart into them
    repairs = [Repair("glued_split", cut.word, "|".join(cut.pieces), cut.role) for cut in raw.glued_cuts]
    code_text = _drop_code_mark(cells.pop("code", ""), cfg, repairs)
    if ocr:
        code_text = _without_scan_specks(code_text, cells, cfg, repairs)
    # a named row is told by its name as printed, without the specks a scan put before it ("¡ Índice …")
    named = _named_row(_clean_text_cell(cells.get("name", ""), "name", True, cfg, []), cfg, ocr=ocr)
    coded = bool(code_text) or named is not None  # a named row's values are its own
    for role, text in cells.items():
        if text and role in cfg.text_columns:
            cells[role] = _clean_text_cell(text, role, coded, cfg, repairs)
        elif text:
            base = " ".join(cfg.markup.sub(" ", text).split())
            clean = _read_value(base, role, cfg, repairs, ocr=ocr, not_available=not_available)
            if _is_stray(clean, role, coded, cfg) or (ocr and _scan_speck(clean, cfg, not_available)):
                clean = ""
            if base != text or not clean:
                repairs.append(Repair("stray", text, "", role))
            cells[role] = clean
    band = CleanRow(
        raw.page, cells, code_text, repairs, raw.continues_previous, boxes=dict(raw.boxes),
        read_by_ocr=raw.source == "ocr", assumptions=list(raw.assumptions),
    )
    band.named = named
    band.head = head_levels(band.name, cfg)
    if code_text:
        band.guess = provisional_code(code_text, content_of(cells, cfg), cfg)
    return band


def _clean_text_cell(
    text: str, role: str, coded: bool, cfg: RepairConfig, repairs: list[Repair]
) -> str:
    """A text cell without markup and lone punctuation marks ("investigar y . sancionar")."""
    marks = cfg.markup.findall(text) + LONE_PUNCTUATION.findall(text)
    clean = " ".join(LONE_PUNCTUATION.sub(" ", cfg.markup.sub(" ", text)).split())
    words = clean.split()
    clean = " ".join(_read_capitals(w, cfg) for w in words)
    repairs += [Repair("ocr_letter", a, b, role) for a, b in zip(words, clean.split(), strict=True) if a != b]
    clean = _drop_marks(clean, cfg, marks)
    if role != "name" and _is_stray(clean, role, coded, cfg):
        marks, clean = [text], ""
    repairs += [Repair("stray", mark, "", role) for mark in marks]
    return clean


def _drop_marks(text: str, cfg: RepairConfig, marks: list[str]) -> str:
    """Specks read as punctuation (`text_marks`): lone mark tokens, marks or a stray letter alone
    at either end of the cell, marks glued to its first or last word; what was dropped is added
    to `marks`."""
    kept = []
    for token in text.split():
        (marks if cfg.lone_mark.fullmatch(token) else kept).append(token)

    def at_edge(token: str) -> bool:
        return bool(cfg.edge_mark.fullmatch(token) or cfg.lone_letter.fullmatch(token))

    while kept and at_edge(kept[-1]):
        marks.append(kept.pop())
    while kept and at_edge(kept[0]):
        marks.append(kept.pop(0))
    if kept:
        kept[0] = _unglue(kept[0], text, cfg, marks, at_start=True)
        kept[-1] = _unglue(kept[-1], text, cfg, marks, at_start=False)
    return " ".join(kept)


def _read_capitals(token: str, cfg: RepairConfig) -> str:
    """A word in capitals with a mark misread for one of its letters ("INE!" → "INEI")."""
    letters = [c for c in token if c not in cfg.in_capitals]
    if len(letters) < 2 or len(letters) == len(token) or not all(c.isupper() for c in letters):
        return token
    return "".join(cfg.in_capitals.get(c, c) for c in token)


def _unglue(token: str, text: str, cfg: RepairConfig, marks: list[str], *, at_start: bool) -> str:
    """The word without the marks glued to its outer side ("'Número" → "Número"); a mark whose
    partner is elsewhere in the cell (`“Programa Juntos”`, "'SIS'") is punctuation and stays."""
    chars = token if at_start else token[::-1]
    n = 0
    while n < len(chars) and cfg.glued_mark.fullmatch(chars[n]):
        n += 1
    core = token[n:] if at_start else token[: len(token) - n]
    glued = token[:n] if at_start else token[len(token) - n :]
    rest = text[n:] if at_start else text[: len(text) - n]
    if not n or not any(c.isalnum() for c in core) or any(_partner_in(c, rest) for c in glued):
        return token
    marks.append(glued)
    return core


def _partner_in(mark: str, text: str) -> bool:
    """Whether `text` holds the other half of a pair the mark may belong to (a quote: one that pairs
    with it, `QUOTE_PARTNERS`; "“Garantizar … al' Seguro" holds none)."""
    return any(q in text for q in QUOTE_PARTNERS[mark]) if mark in QUOTE_PARTNERS else mark in text


def _read_value(
    text: str,
    role: str,
    cfg: RepairConfig,
    repairs: list[Repair],
    *,
    ocr: bool = False,
    not_available: Sequence[str] = ("ND",),
) -> str:
    """An OCR'd value cell read as a value: marks around it dropped ("62.0.", "- 50.9"), letters
    inside a number read as digits ("1,O15"), and on an OCR'd page glyphs glued to its ends cut
    ("§57.4%", "(1,213"). Changed only when that makes it a value of the column's grammar
    (`repair.value_grammar`); the change is listed as an `ocr_value` repair."""
    if not text or not cfg.is_value_column(role):
        return text
    for candidate in _value_readings(text, role, cfg, ocr=ocr, not_available=not_available):
        if candidate != text and candidate and cfg.fits(role, candidate):
            repairs.append(Repair("ocr_value", text, candidate, role))
            return candidate
    return text


def _value_readings(
    text: str, role: str, cfg: RepairConfig, *, ocr: bool, not_available: Sequence[str]
) -> Iterator[str]:
    """What a value cell may be read as, the least changed first: its marks stripped, then
    letters inside a number read as digits, then (`ocr`, when neither is a value yet) glyphs
    cut from its ends, or the not-available mark it is one letter away from."""
    stripped = text
    for pattern in cfg.value_strip:
        stripped = pattern.sub("", stripped).strip()
    digits = _value_digits(stripped, cfg)
    yield stripped
    yield digits
    if ocr and cfg.grammar(role) == "year":
        yield digits.strip(".,")  # ".2020": a year prints no separator, a speck read as one
    if ocr and not cfg.fits(role, stripped) and not cfg.fits(role, digits):
        for core in edge_cuts(stripped, cfg.edge_glyphs):
            yield core
            yield _value_digits(core, cfg)
        yield near_not_available(stripped, not_available)


def near_not_available(text: str, spellings: Sequence[str]) -> str:
    """The not-available mark ("ND") a figureless cell one letter away from it stands for ("NO",
    "NOD"): of several, the one the document prints most (`spellings` comes in that order).
    Not further: a figure a scan wore away reads as letters too ("mo" for 7%, "ño" for 380), and
    a mark read for it would hide the misreading behind a value."""
    if any(c.isdigit() for c in text) or not 2 <= len(text) <= MAX_MARK_LENGTH:
        return ""
    for mark in spellings:
        if any(c.isalpha() for c in mark) and Levenshtein.distance(text.upper(), mark) == 1:
            return mark
    return ""


def not_available_spellings(raw_rows: Iterable[RawRow], cfg: RepairConfig) -> list[str]:
    """The ways of printing "not available" the document itself uses, most used first; every
    spelling of values.NOT_AVAILABLE only when it prints none. A misread near a mark the document
    never prints ("ga" beside "NA" in a report that prints "ND") is no evidence of that mark."""
    used = Counter(
        text.strip().upper()
        for raw in raw_rows
        for role, text in raw.cells.items()
        if cfg.is_value_column(role) and parse_value(text).unit == "ND"
    )
    return [mark for mark, _ in used.most_common()] or sorted(NOT_AVAILABLE)


def edge_cuts(text: str, most: int) -> Iterator[str]:
    """`text` without up to `most` glyphs at either end, fewest cut first.

    A speck glued to a value reads as a glyph ("§", "(", "°", "“O"). A digit or a separator is
    never cut, nor a letter touching a digit or a separator: those stood for print ("B.1%" may
    be "8.1%", and "202C" "2020"), which no cut can tell.
    """
    n = len(text)
    for total in range(1, 2 * most + 1):
        for left in range(max(0, total - most), min(total, most) + 1):
            right = total - left
            if left + right >= n:
                continue
            head, core, tail = text[:left], text[left : n - right], text[n - right :]
            if core[:1] not in ".," and _cuttable(head, core[:1]) and _cuttable(tail[::-1], core[-1:]):
                yield core.strip()


def _cuttable(glyphs: str, beside: str) -> bool:
    """Whether `glyphs` (outermost first… innermost last) may go from beside the character `beside`."""
    if any(c.isdigit() or c in ".," for c in glyphs):
        return False
    return not (glyphs and glyphs[-1].isalpha() and beside.isdigit())


def _value_digits(text: str, cfg: RepairConfig) -> str:
    """Characters next to a digit read as the digit or separator they stand for."""
    out = list(text)
    for i, ch in enumerate(text):
        beside = text[i - 1 : i] + text[i + 1 : i + 2]
        if ch in cfg.value_readings and any(c.isdigit() for c in beside):
            out[i] = cfg.value_readings[ch]
    return "".join(out)


def _drop_code_mark(code_text: str, cfg: RepairConfig, repairs: list[Repair]) -> str:
    """Remove a margin mark printed after the code ("SS.03.06.01 d")."""
    m = cfg.code_mark.search(code_text)
    if not m:
        return code_text
    cleaned = code_text[: m.start()].rstrip()
    repairs.append(Repair("stray", code_text, cleaned, "code"))
    return cleaned


MAX_SPECK_CODE = 3  # glyphs of a scan's code cell with no digit that are specks, not a code


def _without_scan_specks(code_text: str, cells: dict[str, str], cfg: RepairConfig, repairs: list[Repair]) -> str:
    """A scan's code cell without the specks and rule slivers standing apart after the code
    ("(N.03.03 | '"); and empty where all it holds is a few glyphs with no digit ("ol") on a band
    with no value whose name goes on in lower case ("regiones"), the last line of a wrapped name.
    A band of values is a row whatever its code cell shows, and so is one whose name opens like
    a row's ("AN" for LN.01.01 before "Ampliar la oferta …")."""
    specks = load_ocr_confusions().code_specks
    tokens = code_text.split()
    while len(tokens) > 1 and _speck_after_code(tokens[-1], " ".join(tokens[:-1]), specks, cfg):
        tokens.pop()
    kept = " ".join(tokens)
    no_values = not any(text for role, text in cells.items() if cfg.is_value_column(role))
    goes_on = cells.get("name", "")[:1].islower()
    if not any(c.isdigit() for c in kept) and len(kept) <= MAX_SPECK_CODE and no_values and goes_on:
        kept = ""
    if kept != code_text:
        repairs.append(Repair("stray", code_text, kept, "code"))
    return kept


WHOLE_GROUP = re.compile(r"[.,:;]\d{2}$")  # a code's last group read whole: nothing of it goes on


def _speck_after_code(token: str, before: str, specks: str, cfg: RepairConfig) -> bool:
    """Whether a token apart after a code is a speck or a rule's sliver: specks and marks only, no
    digit, and none a scan reads for a digit ("l", "|" for 1) unless the code before it ends in a
    whole group ("ISS.03.02.03.0 |" may end in 1; "(N.03.03 |" does not go on)."""
    if any(c.isdigit() or not (c in specks or cfg.rule_marks.fullmatch(c)) for c in token):
        return False
    return not any(c in cfg.digit_readings for c in token) or WHOLE_GROUP.search(before) is not None


def _is_stray(text: str, role: str, coded: bool, cfg: RepairConfig) -> bool:
    if any(p.fullmatch(text) for p in cfg.stray_cells):
        return True
    if coded:
        return False
    # On a band without a code the real values sit on the row's coded band: what is left here
    # is a vertical rule read as a character, or something that is not a value at all.
    if cfg.rule_marks.fullmatch(text):
        return True
    return cfg.is_value_column(role) and parse_value(text).unit == "?"


def _scan_speck(text: str, cfg: RepairConfig, spellings: Sequence[str]) -> bool:
    """A scan's value cell holding a sliver of a rule: a dash ("—", "-") where the document prints
    "not available" with letters ("ND"), or a rule mark that is no digit ("l", "|"). Taken for a
    mark or a value, it would make a service row fill values and read as an indicator."""
    usual = spellings[0] if spellings else ""
    dash = parse_value(text).unit == "ND" and not any(c.isalnum() for c in text) and any(c.isalpha() for c in usual)
    return dash or (bool(cfg.rule_marks.fullmatch(text)) and not text.isdigit())


MARK_AFTER_WORD = re.compile(r"(?<=\w)[^\w\s()]+(?=\s)")


def _named_row(name: str, cfg: RepairConfig, *, ocr: bool = False) -> tuple[str, str] | None:
    """The (level, code) of the named row (`codes.named_rows`) whose name this is; off a page image
    also with one of the letter confusions OCR makes undone ("Ínclice de gestión": "cl" for "d")."""
    readings = [name]
    if ocr:
        readings += [name.replace(wrong, right) for wrong, right in cfg.confusions + cfg.image_confusions
                     if wrong in name]
        readings.append(MARK_AFTER_WORD.sub("", name))  # a speck read as a mark: "Indice: de gestión"
    for level, code, pattern in cfg.named_rows:
        if any(pattern.search(text) for text in readings):
            return level, code
    return None



# ---- once the level is known ---------------------------------------------------------------------


def drop_level_strays(drafts: list[Draft], cfg: RepairConfig) -> None:
    """Empty the cells a row of its level never prints (overflow from a neighbour's cell)."""
    for draft in drafts:
        allowed = cfg.level_cells.get(draft.level)
        if allowed is None:
            continue
        for role, text in draft.cells.items():
            if role != "name" and text and not any(fnmatch.fnmatch(role, p) for p in allowed):
                draft.repairs.append(Repair("stray", text, "", role))
                draft.cells[role] = ""



# ---- separators misread, told by the row's other figures ------------------------------------------

THOUSANDS = {",": re.compile(r"\d{1,3}(?:,\d{3})+%?"), ".": re.compile(r"\d{1,3}(?:\.\d{3})+%?")}
DECIMALS = {",": re.compile(r"-?\d+,\d{1,2}%?"), ".": re.compile(r"-?\d+\.\d{1,2}%?")}
OTHER = {",": ".", ".": ","}
YEAR_SUFFIX = re.compile(r"_(?:19|20)\d\d$")  # a column of one year: "expected_2025"
UNGROUPED = re.compile(r"[1-9]\d{3,5}")  # a whole number of 4-6 digits printed without groups


def mend_separators(drafts: list[Draft], cfg: RepairConfig, ocr_pages: Collection[int]) -> None:
    """A separator an OCR'd row prints where its other figures print the other one, read as
    that one: "12.601" among "9,814 10,743" is "12,601"; "52,9%" among "47.2% 50.1%" is "52.9%".

    Bitonal, blurred print loses the tail of a comma or grows one under a point. An indicator
    prints its series one way, so a figure whose separator fewer of the row's figures use so
    than use the other was misread (an `ocr_value` repair).
    """
    for draft in drafts:
        if draft.page not in ocr_pages:
            continue
        figures = {role: text for role, text in draft.cells.items() if text and cfg.is_value_column(role)}
        for role, text in figures.items():
            others = [t for r, t in figures.items() if r != role]
            mended = _mended_separator(text, others)
            if mended and cfg.fits(role, mended):
                draft.repairs.append(Repair("ocr_value", text, mended, role))
                draft.cells[role] = mended
    scanned = [d for d in drafts if d.page in ocr_pages]
    restore_lost_points(drafts, scanned, cfg)
    _comma_for_point(drafts, scanned, cfg)
    _regroup_thousands(scanned, cfg)
    _read_future_years(scanned, cfg)


def _read_future_years(drafts: list[Draft], cfg: RepairConfig) -> None:
    """A year cell later than every year the matrix reports on ("2029", "2026" in a 2021–2025
    report) cannot be printed: it is read as the year its column prints most that differs from
    it in one digit ("2020"), the digit a blurred scan turns most easily."""
    roles = {role for d in drafts for role in d.cells if cfg.is_value_column(role)}
    years = [int(r.rsplit("_", 1)[1]) for r in roles if YEAR_SUFFIX.search(r)]
    year_roles = [r for r in roles if cfg.grammar(r) == "year"]
    if not years or not year_roles:
        return
    last = max(years)
    for role in year_roles:
        printed = Counter(d.cells[role] for d in drafts if d.cells.get(role, "").isdigit())
        for draft in drafts:
            text = draft.cells.get(role, "")
            if not text.isdigit() or int(text) <= last:
                continue
            near = [(n, y) for y, n in printed.items() if int(y) <= last and _one_digit_apart(y, text)]
            if near:
                year = max(near)[1]
                draft.repairs.append(Repair("ocr_value", text, year, role))
                draft.cells[role] = year


def _one_digit_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _thousands_ways(drafts: Sequence[Draft], cfg: RepairConfig) -> Counter[str]:
    """How the drafts' figures of four digits or more print their thousands: ",", "." or "" (none)."""
    ways: Counter[str] = Counter()
    for draft in drafts:
        for role, text in draft.cells.items():
            # a column of years ("2020") prints no thousands: it says nothing of the others
            if text and cfg.is_value_column(role) and cfg.grammar(role) != "year":
                way = "" if UNGROUPED.fullmatch(text) else next(
                    (sep for sep, shape in THOUSANDS.items() if shape.fullmatch(text)), None)
                ways.update([way] if way is not None else [])
    return ways


def _comma_for_point(drafts: Sequence[Draft], scanned: Sequence[Draft], cfg: RepairConfig) -> None:
    """A figure of an OCR'd row shaped like a thousands group with a point ("2.039", "1.750") in a
    document that groups its thousands with commas and prints three decimals almost nowhere
    (MISREAD_SHARE of its figures, "0.587"): the comma's tail a faint scan lost, read as
    "2,039". A whole row may be read so (s176: eight figures of one row), so the row's
    separators cannot tell; the document can. Not where the row's other figures put the figure
    as read in their scale and the grouped one out of it (an index "1.250" among "1.180 1.310")."""
    ways = _thousands_ways(drafts, cfg)
    figures = [t for d in drafts for r, t in d.cells.items() if t and cfg.is_value_column(r) and FIGURE.fullmatch(t)]
    # figures with three decimals that no comma misread makes ("0.587"): the document's own way
    three = sum(1 for t in figures
                if (m := FIGURE.fullmatch(t)) and len(m["dec"] or "") == 3 and not POINT_GROUPED.fullmatch(t))
    if ways[","] <= ways["."] + ways[""] or three > MISREAD_SHARE * len(figures):
        return
    for draft in scanned:
        for role, text in list(draft.cells.items()):
            if not text or not cfg.is_value_column(role) or not POINT_GROUPED.fullmatch(text):
                continue
            grouped = text.replace(".", ",")
            if not _fits_better_as_read(draft, role, text, grouped, cfg):
                _mend(draft, role, grouped, cfg)


POINT_GROUPED = re.compile(r"[1-9]\d{0,2}\.\d{3}%?")  # "2.039": no "0.587", an index's way


def _fits_better_as_read(draft: Draft, role: str, read: str, other: str, cfg: RepairConfig) -> bool:
    """Whether the row's other figures put `read` in their scale and `other` out of it."""
    peers = [t for r, t in draft.cells.items() if r != role and t and _is_evidence(r, cfg)
             and cfg.grammar(r) != "year" and FIGURE.fullmatch(t) and not POINT_GROUPED.fullmatch(t)]
    scale = _printed_scale(peers)
    if scale is None:
        return False
    low, high = scale
    return low <= _figure_value(read) <= high and not low <= _figure_value(other) <= high


def _regroup_thousands(drafts: list[Draft], cfg: RepairConfig) -> None:
    """A whole number whose thousands separator was lost ("1084") grouped the way the document
    prints most of its numbers of four digits or more. At 150 dpi a comma's tail goes in a third
    of a row's figures, so no row alone can tell; a report prints its numbers one way."""
    ways = _thousands_ways(drafts, cfg)
    sep, most = ways.most_common(1)[0] if ways else ("", 0)
    if not sep or most <= ways[""]:
        return
    for draft in drafts:
        for role, text in list(draft.cells.items()):
            grouped = f"{int(text):,}".replace(",", sep) if UNGROUPED.fullmatch(text or "") else ""
            if grouped and cfg.is_value_column(role) and cfg.fits(role, grouped):
                draft.repairs.append(Repair("ocr_value", text, grouped, role))
                draft.cells[role] = grouped


def _mended_separator(text: str, others: Sequence[str]) -> str:
    """`text` with its one separator swapped, when the row's other figures tell it was misread."""
    for shapes in (THOUSANDS, DECIMALS):
        for sep, shape in shapes.items():
            if not shape.fullmatch(text):
                continue
            other = OTHER[sep]
            # more of the row's figures print it the other way than this way (itself counted)
            this_way = 1 + sum(1 for t in others if shape.fullmatch(t))
            if sum(1 for t in others if shapes[other].fullmatch(t)) > this_way:
                return text.replace(sep, other)
    return ""


# ---- decimal points lost, told by the figures printed beside them ---------------------------------

FIGURE = re.compile(r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<dec>\d+))?(?P<pct>%?)")
LOST_POINT = re.compile(r"\d{2,}%?|\d{1,3}(?:,\d{3})+%?")  # no point: "885", "574%", "1,366"
# a figure with a point, its "%" maybe followed by a digit: "48.21%", "48.29", "53.3%6"
OVERLONG = re.compile(r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)\.(?P<dec>\d+)(?P<pct>%?)(?P<after>\d?)")
# a figure whose point the scan lost to a gap ("91 9") or turned into a comma ("97,1")
GAPPED = re.compile(r"(?P<int>\d+)(?: \.?|\. )(?P<dec>\d{1,2})(?P<pct>%?)")  # "91 9", "16. 0%", "16 .0%"
POINT_SHARE = 0.8  # this share of the peers print the same number of decimals: their way
MIN_PEERS = 3  # fewer figures than this tell no way of printing
MAGNITUDE_SPREAD = 3.0  # a figure this many times beyond its peers' range is out of their scale
SCALE_PERCENTILE = 10  # the peers' range: from this percentile to its mirror


def restore_lost_points(drafts: Sequence[Draft], scanned: Sequence[Draft], cfg: RepairConfig) -> None:
    """A figure of an OCR'd row read without its decimal point ("885", "574%", "1,366" for
    88.5, 57.4%, 136.6), read with it where its peers print one way and the figure as read
    is out of their scale while the figure with the point is within it.

    A blurred or worn point is a speck: binarised, it goes, or it turns into a comma's place.
    The peers are the figures of its column in the whole document when the column prints one
    way (a progress column "68.7" … "113.6"), else those of its row's series (the other
    `obtained_*` of the indicator). An `ocr_value` repair: a finding resting on it is a warning.
    """
    columns = _column_figures(drafts, cfg)
    commas = Counter(r for d in drafts for r, t in d.cells.items() if t and DECIMALS[","].fullmatch(t))
    for draft in scanned:
        for role, text in list(draft.cells.items()):
            if not text or not cfg.is_value_column(role) or cfg.grammar(role) == "year":
                continue
            if LOST_POINT.fullmatch(text):
                peers = _peers(draft, role, columns, cfg)
                _mend(draft, role, _with_point(text, peers) or _without_speck_digit(text, peers, cfg)
                      or _without_percent_digit(text, _series(draft, role, cfg)), cfg)
            elif GAPPED.fullmatch(text) or DECIMALS[","].fullmatch(text):
                _mend(draft, role, _point_for_gap(text, columns.get(role, []), commas.get(role, 0)), cfg)
            elif FIGURE.fullmatch(text) and _without_speck_digit(text, _peers(draft, role, columns, cfg), cfg):
                _mend(draft, role, _without_speck_digit(text, _peers(draft, role, columns, cfg), cfg), cfg)
            elif OVERLONG.fullmatch(text):
                peers = _overlong_peers(draft, role, text, columns, cfg)
                _mend(draft, role, _without_misread_percent(text, peers), cfg)
    _restore_lost_percents(scanned, columns, cfg)


# a number of decimals a document prints on this share of its "%" figures at most is no way of its
# own but a scan's misreading ("39.69%": the "%" ring read as a digit, 6 of ~230 on salud s21);
# trata prints 36 of its 286 "%" figures with two decimals, "7.20%" among "7.8% 8.3% 8.9%"
MISREAD_SHARE = 0.05


def _overlong_peers(draft: Draft, role: str, text: str, columns: dict[str, list[str]], cfg: RepairConfig) -> list[str]:
    """The figures that tell a figure with one decimal too many was misread: its column's in the
    whole document when the column prints one way; else its row's series when that prints one
    way and the document prints figures with as many decimals as this one almost nowhere
    (MISREAD_SHARE); else none."""
    column = columns.get(role, [])
    if _one_way(column):
        return column
    series = _series(draft, role, cfg)
    read = OVERLONG.fullmatch(text)
    if not _one_way(series) or read is None:
        return []
    shares = [m for figures in columns.values() for m in map(FIGURE.fullmatch, figures) if m and m["pct"]]
    alike = sum(1 for m in shares if len(m["dec"] or "") == len(read["dec"]))
    return series if alike <= MISREAD_SHARE * len(shares) else []


def _peers(draft: Draft, role: str, columns: dict[str, list[str]], cfg: RepairConfig) -> list[str]:
    """The figures that tell how a figure prints: its column's in the whole document when the
    column prints one way, else its row's series when that does, else the indicator's own
    figures on its row (`indicator_evidence` columns: baseline, targets, results), which share
    its scale when the series is too short to tell ("440" among "45.4% … 56.8%")."""
    column = columns.get(role, [])
    if _one_way(column):
        return column
    series = _series(draft, role, cfg)
    if _one_way(series) or not _is_evidence(role, cfg):
        return series
    # a year ("baseline_year") is no figure of the indicator: its scale is the calendar's
    return [t for r, t in draft.cells.items()
            if r != role and t and _is_evidence(r, cfg) and cfg.grammar(r) != "year" and FIGURE.fullmatch(t)]


def _is_evidence(role: str, cfg: RepairConfig) -> bool:
    return any(fnmatch.fnmatch(role, pattern) for pattern in cfg.evidence_columns)


def _without_misread_percent(text: str, peers: Sequence[str]) -> str:
    """A figure read with one decimal more than its peers print ("48.21%", "48.29", "53.3%6" in a
    column printed "47.2% 50.1%" throughout): the "%" glyph, its slash or ring read as a digit. The figure without that
    digit, and with the "%" its peers print. A decimal the print never has is no reading of it."""
    m = OVERLONG.fullmatch(text)
    places = _usual_decimals(peers)
    percent = bool(peers) and sum(p.endswith("%") for p in peers) >= POINT_SHARE * len(peers)
    if not m or not places or not percent:
        return ""
    decimals = m["dec"]
    if m["after"]:  # "53.3%6": a digit after the "%"
        return f"{m['int']}.{decimals}%" if m["pct"] and len(decimals) == places else ""
    return f"{m['int']}.{decimals[:-1]}%" if len(decimals) == places + 1 else ""


def _point_for_gap(text: str, column: Sequence[str], commas: int) -> str:
    """"91 9", "16. 0%" or "97,1" in a column whose figures print a point and that many decimals (POINT_SHARE
    of them, the column's commas before decimals a minority as small): the figure with its point.
    A gap or a comma before three digits is a thousands separator: no one way prints 3 decimals."""
    m = GAPPED.fullmatch(text) or re.fullmatch(r"(?P<int>\d+),(?P<dec>\d{1,2})(?P<pct>%?)", text)
    places = _usual_decimals(column)
    if not m or not places or len(m["dec"]) != places or commas > (1 - POINT_SHARE) * (len(column) + commas):
        return ""
    return f"{m['int']}.{m['dec']}{m['pct']}"


def _mend(draft: Draft, role: str, reading: str, cfg: RepairConfig) -> None:
    if reading and cfg.fits(role, reading):
        draft.repairs.append(Repair("ocr_value", draft.cells[role], reading, role))
        draft.cells[role] = reading


# the row's unit is what most of its figures print: worn print loses the "%" of a third of a row's
# figures (s174, toner dropout 0.94 at 150 dpi: 3 of 11), and no row prints two units
PERCENT_SHARE = 2 / 3


def _restore_lost_percents(drafts: Sequence[Draft], columns: dict[str, list[str]], cfg: RepairConfig) -> None:
    """A figure of an OCR'd row read without the "%" its row's other figures print ("48.2"
    among "51.9% 55.2% 58.4%"): a faint "%" at a cell's right end is the glyph worn toner takes
    first. Only in a column that prints "%" elsewhere in the document, on more than
    MISREAD_SHARE of its figures (never a progress column printed bare, whose one "38.9%" is a
    scan's: trata s234 put a "%" on 43 progress cells), and when PERCENT_SHARE of the row's
    figures in such columns print it. An indicator prints its whole series in one unit (no row
    of the samples mixes them)."""
    percent_columns = {role for role, figures in columns.items()
                       if sum(f.endswith("%") for f in figures) > MISREAD_SHARE * len(figures)}
    for draft in drafts:
        figures = {r: t for r, t in draft.cells.items() if r in percent_columns and t and FIGURE.fullmatch(t)}
        for role, text in figures.items():
            if text.endswith("%"):
                continue
            peers = [t for r, t in figures.items() if r != role]
            if len(peers) >= MIN_PEERS and sum(t.endswith("%") for t in peers) >= PERCENT_SHARE * len(peers):
                _mend(draft, role, text + "%", cfg)


def _column_figures(drafts: Sequence[Draft], cfg: RepairConfig) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for draft in drafts:
        for role, text in draft.cells.items():
            if text and cfg.is_value_column(role) and FIGURE.fullmatch(text):
                out.setdefault(role, []).append(text)
    return out


def _series(draft: Draft, role: str, cfg: RepairConfig) -> list[str]:
    """The row's other figures of the same series: columns sharing the role's name but its year."""
    stem = YEAR_SUFFIX.sub("", role)
    return [
        text
        for other, text in draft.cells.items()
        if other != role and text and YEAR_SUFFIX.sub("", other) == stem and YEAR_SUFFIX.search(other)
        and cfg.is_value_column(other) and FIGURE.fullmatch(text)
    ]


def _one_way(figures: Sequence[str]) -> bool:
    """Whether the figures print one number of decimals (more than none), POINT_SHARE of them."""
    return _usual_decimals(figures) > 0


def _usual_decimals(figures: Sequence[str]) -> int:
    """The number of decimals POINT_SHARE of the figures print (0: none, or no one way)."""
    counts = Counter(len(m["dec"] or "") for m in map(FIGURE.fullmatch, figures) if m)
    if sum(counts.values()) < MIN_PEERS:
        return 0
    places, n = counts.most_common(1)[0]
    return places if n >= POINT_SHARE * sum(counts.values()) else 0


def _peer_scale(peers: Sequence[str], places: int) -> tuple[float, float] | None:
    """The range a figure of these peers may take: the bulk of those printed with `places`
    decimals, widened MAGNITUDE_SPREAD times each way (None: too few of them)."""
    usual = [m for m in map(FIGURE.fullmatch, peers) if m and len(m["dec"] or "") == places]
    if len(usual) < MIN_PEERS:
        return None
    ranked = sorted(float(m["int"].replace(",", "") + "." + (m["dec"] or "0")) for m in usual)
    cut = round(SCALE_PERCENTILE / 100 * (len(ranked) - 1))
    return ranked[cut] / MAGNITUDE_SPREAD, ranked[-1 - cut] * MAGNITUDE_SPREAD


def _printed_decimals(peers: Sequence[str]) -> int | None:
    """The number of decimals (none counts) POINT_SHARE of the peers print, or None."""
    counts = Counter(len(m["dec"] or "") for m in map(FIGURE.fullmatch, peers) if m)
    if sum(counts.values()) < MIN_PEERS:
        return None
    places, n = counts.most_common(1)[0]
    return places if n >= POINT_SHARE * sum(counts.values()) else None


def _without_speck_digit(text: str, peers: Sequence[str], cfg: RepairConfig) -> str:
    """An OCR'd figure out of its peers' scale that one speck digit (`value_marks.speck_digits`:
    a speck or a rule's sliver read as "1") put there ("291.0%", "1017.9", "717%" among a series
    of 29.0%, 107.9, 77%): the one figure without that digit (not its first), printed the peers'
    way and within their scale. Two such figures, or none: ""."""
    scale = _printed_scale(peers)
    m = FIGURE.fullmatch(text)
    if scale is None or m is None or len(m["dec"] or "") != _printed_decimals(peers):
        return ""
    low, high = scale
    if low <= _figure_value(text) <= high:
        return ""
    # never the first digit: a figure opens with print ("1,750" is no speck before "750")
    fewer = {text[:i] + text[i + 1 :] for i, c in enumerate(text) if i and c in cfg.speck_digits}
    fits = [f for f in fewer if FIGURE.fullmatch(f) and not re.match(r"0\d", f) and low <= _figure_value(f) <= high]
    return fits[0] if len(fits) == 1 else ""


def _printed_scale(peers: Sequence[str]) -> tuple[float, float] | None:
    """`_peer_scale` of the peers printed the way most of them print (`_printed_decimals`)."""
    places = _printed_decimals(peers)
    return _peer_scale(peers, places) if places is not None else None


def _figure_value(figure: str) -> float:
    return float(figure.rstrip("%").replace(",", ""))


WHOLE_PERCENT = re.compile(r"(?P<int>\d{2,})%?")


def _without_percent_digit(text: str, peers: Sequence[str]) -> str:
    """A whole percentage read with one digit too many before its "%" ("711%", "532%" among a
    series of 61% 66% 71%), or for it ("579" for 57%): the sign's ring or slash read as a digit,
    as with decimals (`_without_misread_percent`). The figure without that digit, where its
    peers print whole percentages and it is out of their scale while the figure without the
    digit is within it. The peers are its row's series (targets print whole, results with a
    decimal)."""
    m = WHOLE_PERCENT.fullmatch(text)
    if m is None or _printed_decimals(peers) != 0 or sum(p.endswith("%") for p in peers) < POINT_SHARE * len(peers):
        return ""
    scale = _printed_scale(peers)
    if scale is None:
        return ""
    low, high = scale
    shorter = m["int"][:-1]
    if low <= int(m["int"]) <= high or not low <= int(shorter) <= high:
        return ""
    return f"{shorter}%"


def _with_point(text: str, peers: Sequence[str]) -> str:
    """`text` with the point its peers print put back, when that brings it into their scale."""
    places = _usual_decimals(peers)
    digits = "".join(c for c in text if c.isdigit())
    if not places or len(digits) <= places:
        return ""
    # the scale of the peers printed their way: the others may be misread themselves
    usual = [m for m in map(FIGURE.fullmatch, peers) if m and len(m["dec"] or "") == places]
    values = [float(m["int"].replace(",", "") + "." + m["dec"]) for m in usual]
    # the bulk of the peers: one misread among them ("792.1" for 192.1) must not widen the scale
    ranked = sorted(values)
    cut = round(SCALE_PERCENTILE / 100 * (len(ranked) - 1))
    low, high = ranked[cut] / MAGNITUDE_SPREAD, ranked[-1 - cut] * MAGNITUDE_SPREAD
    whole, point = digits[:-places].lstrip("0") or "0", digits[-places:]
    pointed = float(f"{whole}.{point}")
    if low <= float(digits) <= high or not low <= pointed <= high:
        return ""
    return f"{whole}.{point}" + ("%" if text.endswith("%") else "")
