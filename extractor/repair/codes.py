"""Codes: what a row's cells say about its level, the grammar codes a printed code can be read
as (OCR readings of `rules/_ocr.yaml`), and the code each row gets from those readings, its
content, the hierarchy and sequence of the rows above and the catalog.

Every score is a sum of the named `Weights` of the rules file (`repair.confidence.weights`);
a code is repaired only when the best candidate reaches `accept` and leads by `margin`.
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from collections import Counter
from collections.abc import Set as AbstractSet
from itertools import islice, product

from rapidfuzz import fuzz

from extractor.model import Row
from extractor.repair.config import RepairConfig
from extractor.repair.records import Candidate, Content, Draft, Repair
from extractor.values import parse_value

# "LN.02:01", "SS. 03.01", "SS.0°..02", "10P 02.03": a dot misread, spaced, doubled or lost in a gap
CODE_SEPARATOR = re.compile(r"\s*[.,:;]+\s*|\s+")
MAX_READINGS = 256  # OCR readings tried for one code prefix; prefixes are 1-4 characters
CATALOG_NAME_MATCH = 95  # % token-set likeness at which a catalog row's name is this row's
# digits of a legible print that a context candidate may contradict: one misread digit ("91" for a
# faded "01") is OCR's; more is another code ("ISS.03.01.02.04" for a printed "1SS.04.02.01.02")
MAX_MISREAD_DIGITS = 1


# ---- what the row says about its level ------------------------------------------------------------


def head_levels(name: str, cfg: RepairConfig) -> frozenset[str] | None:
    """Levels whose head word the name starts with, or None if it starts with none. An accent
    OCR put on a head word ("Sérvicio") does not hide it: without its accents the name is tried
    again (a head word the rules spell with one, "Número", is written to match either)."""
    for text in dict.fromkeys((name, _unaccented(name))):
        levels = [lvl for hw in cfg.head_words if hw.at_start.match(text) for lvl in hw.levels]
        if levels:
            return frozenset(levels)
    return None


def _unaccented(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)


def content_of(cells: dict[str, str], cfg: RepairConfig) -> Content:
    """What a row's cells say about its level: value cells filled, head word of the name."""
    values = [
        text
        for role, text in cells.items()
        if text and any(fnmatch.fnmatch(role, p) for p in cfg.evidence_columns)
    ]
    filled = sum(1 for text in values if parse_value(text).unit != "?")
    indicator = True if filled >= cfg.evidence_min else False if not values else None
    return Content(indicator, head_levels(cells.get("name", ""), cfg))


def content_score(level: str, content: Content, cfg: RepairConfig) -> float:
    w = cfg.weights
    score = 0.0
    if content.indicator is not None:
        agrees = (level in cfg.indicator_levels) == content.indicator
        score += w.fills_values if agrees else -w.fills_values
    if content.head_levels is not None:
        score += w.head_word if level in content.head_levels else -w.head_word
    return score


# ---- codes as printed → candidates ----------------------------------------------------------------


def interpret_code(printed: str, cfg: RepairConfig) -> list[Candidate]:
    """Every grammar code the printed text can be read as, with how well the prefix fits."""
    text = CODE_SEPARATOR.sub(".", code_core(printed.strip(), cfg))
    if not text:
        return []
    parsed = cfg.rules.parse_code(text)
    if parsed:
        return [Candidate(text, parsed.level, cfg.weights.printed_exact)]
    tokens = text.split(".")
    out = []
    for shape in cfg.shapes.values():
        split = split_groups(tokens, shape.width, cfg) or regrouped(tokens, shape.width, cfg)
        if split is None:
            continue
        prefix, groups = split
        code = ".".join([shape.literal, *groups])
        if cfg.rules.parse_code(code):
            out.append(Candidate(code, shape.level, prefix_evidence(prefix, shape.literal, cfg)))
    return out


def code_core(printed: str, cfg: RepairConfig) -> str:
    """The printed code without glyphs at its ends that no code character reads as ("‘LN.04.01",
    "§S.04.01.02°"): a code starts with a prefix letter and ends with a digit of its last group,
    so what can be neither (`_ocr.yaml` readings) is a speck or a mark beside it."""
    start, end = 0, len(printed)
    while start < end and not (printed[start].isalnum() or printed[start] in cfg.prefix_readings):
        start += 1
    while end > start and not (printed[end - 1].isdigit() or printed[end - 1] in cfg.digit_readings):
        end -= 1
    return printed[start:end]


def split_groups(
    tokens: list[str], width: int, cfg: RepairConfig
) -> tuple[str, list[str]] | None:
    """The last `width` two-digit groups of a code's tokens (OCR letters read as digits)."""
    groups: list[str] = []
    i = len(tokens)
    while len(groups) < width and i > 0:
        digits = as_digits(tokens[i - 1], cfg)
        if not digits or len(digits) % 2:
            break
        chunks = [digits[j : j + 2] for j in range(0, len(digits), 2)]  # "0202": a dot lost
        if len(groups) + len(chunks) > width:
            break
        groups = chunks + groups
        i -= 1
    return (".".join(tokens[:i]), groups) if len(groups) == width else None


def regrouped(tokens: list[str], width: int, cfg: RepairConfig) -> tuple[str, list[str]] | None:
    """The groups of a code whose separators were misplaced inside a group ("1SS.0:1.02.02.01"):
    the digits after the prefix token, when they are exactly `width` two-digit groups."""
    if len(tokens) < 2:
        return None
    digits = [as_digits(token, cfg) for token in tokens[1:]]
    if not all(digits):
        return None
    joined = "".join(d for d in digits if d)
    if len(joined) != 2 * width:
        return None
    return tokens[0], [joined[j : j + 2] for j in range(0, len(joined), 2)]


def _printed_parts(printed: str, cfg: RepairConfig) -> set[int]:
    """How many parts a printed code may have: its tokens, or its prefix and its digits in
    two-digit groups when a separator was misplaced inside a group."""
    tokens = [t for t in CODE_SEPARATOR.split(code_core(printed.strip(), cfg)) if t]
    digits = [as_digits(token, cfg) for token in tokens[1:]]
    count = sum(len(d) for d in digits if d)
    regrouped = {1 + count // 2} if digits and all(digits) and count % 2 == 0 else set()
    return {len(tokens)} | regrouped


def as_digits(token: str, cfg: RepairConfig) -> str | None:
    # A token with no digit at all ("SS", "OP") is a prefix, never a numeric group.
    if not any(c.isdigit() for c in token):
        return None
    out = [c if c.isdigit() else cfg.digit_readings.get(c, "") for c in token]
    return "".join(out) if all(out) else None


def prefix_evidence(prefix: str, literal: str, cfg: RepairConfig) -> float:
    """How well a printed prefix fits a level's literal: as printed, clipped on the left, read
    through OCR confusions (clipped or not), else by likeness; against it when the prefix holds
    numeric groups of its own (the code has more groups than this level's)."""
    w = cfg.weights
    if prefix == literal:
        return w.printed_exact
    if len([t for t in prefix.split(".") if t]) > 1:
        return w.other_level
    if not prefix or (prefix.isalpha() and literal.endswith(prefix)):
        return w.prefix_clipped
    readings = _readings(prefix, cfg)
    if literal in readings:
        return w.prefix_read
    if any(literal.endswith(r) for r in readings if r):
        return w.prefix_read_clipped
    return w.prefix_fuzzy * max(fuzz.ratio(r, literal) for r in readings) / 100


def _readings(prefix: str, cfg: RepairConfig) -> set[str]:
    options = [[c.upper(), *cfg.prefix_readings.get(c, [])] for c in prefix[:6]]
    return {"".join(p) for p in islice(product(*options), MAX_READINGS)}


def provisional_code(printed: str, content: Content, cfg: RepairConfig) -> Candidate | None:
    """Best reading of a code from its own text and row alone (before the hierarchy is known)."""
    cands = interpret_code(printed, cfg)
    if not cands:
        return None
    return max(cands, key=lambda c: c.evidence + content_score(c.level, content, cfg))


# ---- codes in context: hierarchy, sequence, catalog -----------------------------------------------


class Lineage:
    """What the rows resolved so far say about the next code: parents seen, last code per level."""

    def __init__(self, cfg: RepairConfig) -> None:
        self.cfg = cfg
        self.seen: set[str] = set()
        self.known: set[str] = set()  # seen codes and their ancestors
        self.last: dict[str, str] = {}
        self.previous = ""  # the row just above
        self.after_lost = False  # the row just above has no code read: it may be any sibling

    def add(self, code: str) -> None:
        self.seen.add(code)
        self.previous = code
        self.after_lost = False
        while code and (parsed := self.cfg.rules.parse_code(code)):
            self.known.add(code)
            self.last[parsed.level] = code
            code = parsed.parent

    def expected(self, level: str) -> str | None:
        """The code that would come next at this level: next sibling, or first child."""
        last = self.last.get(level)
        plevel = self.cfg.parent_level.get(level)
        if plevel is None:
            return _next_sibling(last, self.cfg) if last else self._first(level, [])
        lparent = self.last.get(plevel)
        if last and lparent and self._parent(last) == lparent:
            return _next_sibling(last, self.cfg)
        if lparent:
            parsed = self.cfg.rules.parse_code(lparent)
            return self._first(level, list(parsed.parts.values())) if parsed else None
        return None

    def _first(self, level: str, parent_groups: list[str]) -> str | None:
        shape = self.cfg.shapes.get(level)
        if not shape or shape.width != len(parent_groups) + 1:
            return None
        return ".".join([shape.literal, *parent_groups, "01"])

    def _parent(self, code: str) -> str:
        parsed = self.cfg.rules.parse_code(code)
        return parsed.parent if parsed else ""

    def score(self, cand: Candidate, lookahead: set[str], catalog: set[str]) -> float:
        w, parent = self.cfg.weights, self._parent(cand.code)
        score = w.parent_known if parent and parent in self.known else 0.0
        score += w.parent_above if parent and parent == self.previous else 0.0
        score += w.expected_next if cand.code == self.expected(cand.level) else 0.0
        score += w.child_below if cand.code in lookahead else 0.0
        score += w.in_catalog if cand.code in catalog else 0.0
        return score + (w.seen_before if cand.code in self.seen else 0.0)


def _next_sibling(code: str, cfg: RepairConfig) -> str | None:
    parsed = cfg.rules.parse_code(code)
    shape = cfg.shapes.get(parsed.level) if parsed else None
    if not parsed or not shape:
        return None
    groups = list(parsed.parts.values())
    if int(groups[-1]) >= 99:
        return None
    return ".".join([shape.literal, *groups[:-1], f"{int(groups[-1]) + 1:02d}"])


def resolve_codes(drafts: list[Draft], cfg: RepairConfig, catalog: list[Row]) -> None:
    """Give every row a code and level: as printed when the grammar accepts it, else repaired."""
    lineage = Lineage(cfg)
    exact = [d.printed_code if not d.named and cfg.rules.parse_code(d.printed_code) else "" for d in drafts]
    for i, draft in enumerate(drafts):
        if draft.named:
            draft.level, draft.code = draft.named
            continue
        lookahead = _lookahead_parents(drafts, i, cfg)
        if (voted := _named_by_its_rows(drafts, i, cfg)) and voted not in lookahead:
            lookahead = {voted}
        elsewhere = set(exact[:i] + exact[i + 1 :]) - {""}
        best = choose_code(draft, cfg, lineage, lookahead, catalog, elsewhere)
        if best is None:
            draft.code = draft.printed_code
            lineage.previous, lineage.after_lost = "", True
            continue
        draft.code, draft.level = best.code, best.level
        if draft.read_by_ocr and best.evidence <= 0:
            # nothing of the print gave it: the rows around it did, as context.py's restorations
            draft.assumptions.append(f"code_from_context:{best.code} (printed {draft.printed_code!r}; the rows above)")
        parsed = cfg.rules.parse_code(best.code)
        draft.parent = parsed.parent if parsed else ""
        lineage.add(best.code)
        for printed in dict.fromkeys(draft.code_texts or [""]):
            if printed != best.code:
                kind = "code_prefix" if best.code.endswith(printed) else "code_ocr"
                draft.repairs.append(Repair(kind, printed, best.code, "code"))


def _lookahead_parents(drafts: list[Draft], i: int, cfg: RepairConfig) -> set[str]:
    """Parent of the next row's code as printed: a row is often confirmed by its child."""
    for draft in drafts[i + 1 :]:
        if draft.named:
            continue
        if draft.guess:
            parsed = cfg.rules.parse_code(draft.guess.code)
            return {parsed.parent} if parsed and parsed.parent else set()
        return set()
    return set()


def _named_by_its_rows(drafts: list[Draft], i: int, cfg: RepairConfig) -> str:
    """The code of this row's level that most rows under it name as their ancestor (two or more,
    over half of them), the rows under it being those down to the next of its level or above.

    A toner streak down the page misreads one digit at the same place in every code it crosses:
    "LN, 03.04" for LN.03.03, and its first service "55, 03.04.01" too, while the rows further
    down read "SS.03.03.01.01", "55. 03.03.02"… (trata s302: the first row under it alone named
    LN.03.04, and the real LN.03.04 came out twice). '' where no such majority stands."""
    own = drafts[i].guess
    if own is None:
        return ""
    votes: Counter[str] = Counter()
    for draft in drafts[i + 1 :]:
        if draft.named or draft.guess is None:
            continue
        ancestor = _ancestor_at(draft.guess.code, own.level, cfg)
        if not ancestor:
            break
        votes[ancestor] += 1
    if not votes:
        return ""
    code, count = votes.most_common(1)[0]
    return code if count >= 2 and count > sum(votes.values()) / 2 else ""


def _ancestor_at(code: str, level: str, cfg: RepairConfig) -> str:
    """The code's ancestor of `level` by the grammar's parents; '' where it has none."""
    parsed = cfg.rules.parse_code(code)
    while parsed is not None and parsed.parent:
        parent = cfg.rules.parse_code(parsed.parent)
        if parent is not None and parent.level == level:
            return parsed.parent
        parsed = parent
    return ""


def choose_code(
    draft: Draft,
    cfg: RepairConfig,
    lineage: Lineage,
    lookahead: set[str],
    catalog: list[Row],
    elsewhere: AbstractSet[str] = frozenset(),  # codes other rows print exactly
) -> Candidate | None:
    """The confident best code for a row, or None (with `draft.unrepaired` saying why).

    Readings of the print that the scores cannot part (within `margin` of the best, each
    acceptable) are parted by the hierarchy when only one of them fits it (`fits_hierarchy`);
    the row records that as an assumption."""
    printed = draft.printed_code
    exact = cfg.rules.parse_code(printed)
    if exact and printed not in lineage.seen:
        meant = _sibling_its_children_name(draft, exact.level, lookahead, lineage, elsewhere, cfg)
        if meant:
            draft.assumptions.append(f"code_by_hierarchy:{meant} over {printed}")
            return Candidate(meant, exact.level, cfg.weights.prefix_read)
        return Candidate(printed, exact.level, cfg.weights.printed_exact)
    pool = _candidate_pool(draft, cfg, lineage, lookahead, catalog)
    content = content_of(draft.cells, cfg)
    catalog_codes = {r.code for r in catalog if r.code}
    scored = sorted(
        (
            (c.evidence + content_score(c.level, content, cfg)
             + lineage.score(c, lookahead, catalog_codes), c)
            for c in pool.values()
        ),
        key=lambda sc: -sc[0],
    )
    if not scored:
        draft.unrepaired = "no code of the grammar fits the printed text or the rows around it"
        return None
    best_score, best = scored[0]
    runner = scored[1][0] if len(scored) > 1 else float("-inf")
    if best_score >= cfg.accept and best_score - runner >= cfg.margin:
        return best
    near = [(s, c) for s, c in scored if best_score - s < cfg.margin]
    fitting = [(s, c) for s, c in near if fits_hierarchy(c.code, cfg, lineage, elsewhere)]
    # only a reading the print supports: with no print, the hierarchy and the rows below may
    # disagree (sequence says .04, the next row's parent .09), and no guess is made
    if len(near) > 1 and len(fitting) == 1 and fitting[0][0] >= cfg.accept and fitting[0][1].evidence > 0:
        chosen = fitting[0][1]
        rivals = ", ".join(c.code for _, c in near if c is not chosen)
        draft.assumptions.append(f"code_by_hierarchy:{chosen.code} over {rivals}")
        return chosen
    shown = ", ".join(f"{c.code} ({s:.1f})" for s, c in scored[:3])
    draft.unrepaired = f"no confident reading; best candidates {shown}"
    if len({c.level for _, c in scored[:2]}) == 1 or len(scored) == 1:
        draft.level = best.level
    return None


def _sibling_its_children_name(
    draft: Draft, level: str, lookahead: set[str], lineage: Lineage, elsewhere: AbstractSet[str],
    cfg: RepairConfig,
) -> str:
    """The code an OCR'd row printing a clean code means, where the row under it names its
    parent: a sibling one digit away that no row holds, when the print is another row's code too
    ("LN.02.02" printed twice, the first over SS.02.01.01: a 1 misread as 2, LN.02.01 held by
    none) or the sibling is the code the sequence expects there and the print leaps past it
    (LEAP_PAST numbers or more: "OP.07" after OP.01's rows, over IOP.02.01; a numbering gap of
    one item is an author's). '' where it is none."""
    printed = draft.printed_code
    if not draft.read_by_ocr or len(lookahead) != 1:
        return ""
    named = next(iter(lookahead))
    if printed not in elsewhere and not (named == lineage.expected(level) and _leaps(printed, named, cfg)):
        return ""
    parsed = cfg.rules.parse_code(named)
    if (parsed is None or parsed.level != level or named in lineage.seen or named in elsewhere
            or len(named) != len(printed) or sum(a != b for a, b in zip(named, printed, strict=True)) != 1):
        return ""
    return named


LEAP_PAST = 2  # numbers a clean print may leap past the code expected before its child's word counts


def _leaps(printed: str, expected: str, cfg: RepairConfig) -> bool:
    """Whether `printed` numbers its last group LEAP_PAST or more past `expected`'s."""
    read, meant = cfg.rules.parse_code(printed), cfg.rules.parse_code(expected)
    if read is None or meant is None:
        return False
    return int(list(read.parts.values())[-1]) - int(list(meant.parts.values())[-1]) >= LEAP_PAST


def fits_hierarchy(code: str, cfg: RepairConfig, lineage: Lineage, elsewhere: AbstractSet[str]) -> bool:
    """Whether a code fits the document's hierarchy where it stands: no other row prints or
    took it, its parent stands above it, and so does its previous sibling (codes are numbered
    from 01 without gaps, in order), unless the row just above lost its code and may be either."""
    parsed = cfg.rules.parse_code(code)
    if parsed is None or code in lineage.seen or code in elsewhere:
        return False
    if parsed.parent and parsed.parent not in lineage.known and not lineage.after_lost:
        return False
    number = int(list(parsed.parts.values())[-1])
    shape = cfg.shapes.get(parsed.level)
    if number <= 1 or shape is None:
        return True
    previous = ".".join([shape.literal, *list(parsed.parts.values())[:-1], f"{number - 1:02d}"])
    return previous in lineage.known or lineage.after_lost


def _candidate_pool(
    draft: Draft, cfg: RepairConfig, lineage: Lineage, lookahead: set[str], catalog: list[Row]
) -> dict[str, Candidate]:
    """Codes worth scoring: readings of the printed text, the expected next codes, the parent
    of the next row, and catalog codes whose name matches this row's."""
    printed = draft.printed_code
    pool: dict[str, Candidate] = {}

    def add(cand: Candidate) -> None:
        if cand.code not in pool or pool[cand.code].evidence < cand.evidence:
            pool[cand.code] = cand

    for cand in interpret_code(printed, cfg):
        add(cand)
    context = [lineage.expected(level) for level in cfg.shapes] + sorted(lookahead)
    for code in filter(None, context):
        parsed = cfg.rules.parse_code(code)
        if parsed:
            add(Candidate(code, parsed.level, _fuzzy_evidence(printed, code, cfg)))
    for row in catalog:
        alike = fuzz.token_set_ratio(draft.name, row.get("name")) if draft.name else 0
        if row.code and alike >= CATALOG_NAME_MATCH:
            parsed = cfg.rules.parse_code(row.code)
            if parsed:
                add(Candidate(row.code, parsed.level, cfg.weights.catalog_name))
    return pool


def _fuzzy_evidence(printed: str, code: str, cfg: RepairConfig) -> float:
    """How far a printed code supports a candidate it does not read as: from `other_level`
    (unlike) through 0 (`alike_neutral`) up to `printed_exact` (identical). A printed code with
    another number of parts is another level."""
    w = cfg.weights
    if not printed:
        return 0.0
    if len(code.split(".")) not in _printed_parts(printed, cfg):
        return w.other_level
    if _digits_against(printed, code, cfg) > MAX_MISREAD_DIGITS:
        return w.other_level
    support = (fuzz.ratio(printed, code) - w.alike_neutral) / w.alike_span
    return max(w.other_level, min(w.printed_exact, support))



def _digits_against(printed: str, code: str, cfg: RepairConfig, far: int | None = None,
                    alike_once: bool = False) -> int:
    """How many digits of the print's groups, read as digits (`_ocr.yaml`), differ from the code's
    groups in place; 0 when the print's groups cannot be read. Character likeness alone counts
    the separators and zeros every code of a level shares, so a context code three groups off
    the print still looked 75% alike. With `far`: a group whose first digit alone differs, read
    `far` or more past the code's ("61" for 01), says nothing against it: a numbering leaps an
    item or two, never ten, so that digit is a misread, not another number. With `alike_once`:
    one digit misread as the same other digit in several places counts once (a thinned "1" read
    "2" in both last groups of ISS.02.01.01.01: "…02.02")."""
    groups = code.split(".")[1:]
    tokens = [t for t in CODE_SEPARATOR.split(code_core(printed.strip(), cfg)) if t]
    split = split_groups(tokens, len(groups), cfg) or regrouped(tokens, len(groups), cfg)
    if split is None:
        return 0
    misread: list[tuple[str, str]] = []
    for read, own in zip(split[1], groups, strict=True):
        if far is not None and first_digit_leaps(read, own, far):
            continue
        misread += [(b, a) for a, b in zip(read, own, strict=True) if a != b]
    return len(set(misread)) if alike_once else len(misread)


def first_digit_leaps(read: str, own: str, far: int) -> bool:
    """Whether a code group as printed (`read`) is `own` with its first digit alone misread,
    leaping `far` or more past it ("61" for 01): a numbering leaps an item or two, never ten."""
    return read[1:] == own[1:] and read.isdigit() and own.isdigit() and int(read) - int(own) >= far
