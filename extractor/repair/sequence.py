"""Codes decided by the whole sequence of a scanned matrix, not row by row (assumption
`code_from_context`).

A faint scan loses codes in long stretches ("ES" for OP.01, "AN |" for LN.01.01, "" on a row
whose code cell dropped out), and the greedy reading of codes.py cannot decide a row whose
neighbours it could not decide either; a run longer than context.py's `MAX_RUN`, or one whose
ends are lost too, proves nothing there. The codes of a matrix are still a strict sequence: each
row's code follows the one above in document order (`context.successors`: a first child, the next
sibling of it or of an ancestor). So the best codes of all rows are found together, Viterbi-like:

- a row may take a code that follows the code above, one that follows it with a row between
  (a band the layout lost), or a reading of its own print out of sequence (a jump, which lets a
  document whose numbering is not strict keep its printed codes), or no code at all;
- each code is scored by how well the row's print agrees with it (digits and prefix through the
  OCR readings of `rules/_ocr.yaml`) and by the row's content (values filled: an indicator; the
  head word of its name);
- a code the print contradicts in more than one legible digit is never a row's (`_digits_against`;
  a group read ten or more past it by its first digit alone is a misread digit, not a contradiction).

A clean-looking code on an OCR'd row that leaps ten numbers or more past the code that should
follow the row above, one misread digit from it ("ISS.01.01.01.91" for the first indicator of
SS.01.01.01), is decided by the sequence too: a numbering gap is an item or two removed, not ten.

A row whose code the greedy pass left unread takes the sequence's code only when every path
within `margin` of the best gives it that code, no other row holds it, and the print does not
contradict it; the row records the code as inferred (`code_from_context`, and `code_ocr` naming
the print), so a finding resting on it is a warning. Rows read by a text layer only are never
touched: nothing runs unless some row was read off a page image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from extractor.repair.codes import (
    CODE_SEPARATOR,
    MAX_MISREAD_DIGITS,
    _digits_against,
    _printed_parts,
    as_digits,
    code_core,
    content_of,
    content_score,
    first_digit_leaps,
    interpret_code,
    prefix_evidence,
)
from extractor.repair.config import RepairConfig
from extractor.repair.context import (
    CONTEXT_ASSUMPTION,
    INFERRED_CODE,
    legible_readings,
    printed_levels,
    successors,
)
from extractor.repair.records import Content, Draft, Repair

# score units are the rules' weights (`printed_exact` = 1); these price the path's shape
LOST_BAND = 2.0  # a code that follows the one above only past a code no row shows
JUMP = 4.0  # a code of the row's own print that does not follow the code above at all
NO_CODE = 2.5  # a row left without a code: dearer than an unlikely code, cheaper than a wrong one
HELD_PRINT = 3.0  # the code a row prints cleanly (or one a text layer gives)
REPAIRED_HOLD = 1.0  # the code the greedy pass read out of a damaged print: a reading, not proof
LEGIBLE_DIGITS = 4  # digits a print must show for its number of groups to count
FAR_JUMP = 10  # numbers a code may not leap past the expected one: a gap is an item or two removed
BEAM = 80  # codes kept per row: more than a matrix's open branches ever need


@dataclass(slots=True)
class _Row:
    draft: Draft
    content: Content  # what its cells say of its level (read once)
    view: _Print  # what its print says (read once)
    emit: dict[str, float | None] = field(default_factory=dict)  # code → score (None: refused)
    jumps: set[str] = field(default_factory=set)  # codes the print alone names
    open: bool = False  # the row's code is the sequence's to decide
    bonus: float = 0.0  # for the code the greedy pass read out of the row's damaged print


def resolve_sequence(drafts: Sequence[Draft], cfg: RepairConfig) -> None:
    """Give rows the greedy pass left without a code the code the whole sequence decides."""
    coded = [d for d in drafts if not d.named]
    if not cfg.shapes or not any(d.read_by_ocr for d in coded):
        return
    order = _Order(cfg)
    leaps = _far_jumps(coded, order, cfg)
    if not leaps and not any(_open(d) for d in coded):
        return
    rows = [_Row(d, content_of(d.cells, cfg), _Print.of(d.printed_code, cfg)) for d in coded]
    orphans = _orphans(rows, cfg) + leaps
    for row in rows:
        row.open = _open(row.draft) or _repaired(row.draft, cfg) or row.draft in orphans
        row.bonus = REPAIRED_HOLD if row.open and not row.draft.unrepaired and row.draft not in orphans else 0.0
        # a print that leaps far past the sequence is no jump the path may take from it
        row.jumps = _print_codes(row, cfg) - ({row.draft.code} if row.draft in leaps else set())
    decided = _decide(rows, order, cfg)
    final = [code or (r.draft.code if not r.draft.unrepaired else "") for r, code in zip(rows, decided, strict=True)]
    for row, code in zip(rows, decided, strict=True):
        # a code another row holds (or will hold) is no row's by inference: both stay in doubt
        if code and row.open and code != row.draft.code and final.count(code) == 1:
            _assign(row.draft, code, cfg)


def _open(draft: Draft) -> bool:
    """A row the earlier passes left without a code, read off a page image."""
    return bool(draft.unrepaired) and draft.read_by_ocr and not draft.named


def _repaired(draft: Draft, cfg: RepairConfig) -> bool:
    """An OCR'd row whose code the greedy pass read out of a damaged print ("\"5.03.02" as
    LN.03.02): a reading the sequence may overrule, where it clearly says another code."""
    if not draft.read_by_ocr or draft.unrepaired or not draft.code:
        return False
    return cfg.rules.parse_code(draft.printed_code) is None


def _orphans(rows: list[_Row], cfg: RepairConfig) -> list[Draft]:
    """OCR'd rows whose code was repaired (not printed) into one whose parent no row holds: a
    misread the greedy pass took ("S5 0.02 0291.0)" as ISS.00.20.29.10), which would otherwise
    stand in the sequence as if printed; and rows printing a clean code whose parent no row
    holds but one does with the first digit of its groups leaping ten read as 0 ("SS.91.01.08"
    under LN.01.01: a "0" read "9")."""
    held = {r.draft.code for r in rows if r.draft.code and not r.draft.unrepaired}
    out = []
    for row in rows:
        draft = row.draft
        parsed = cfg.rules.parse_code(draft.code) if draft.read_by_ocr and not draft.unrepaired else None
        if parsed and parsed.parent and parsed.parent not in held and (
                draft.printed_code != draft.code or _tens_read_for_zero(parsed.parent, cfg) in held):
            out.append(draft)
    return out


def _tens_read_for_zero(code: str, cfg: RepairConfig) -> str:
    """`code` with the first digit of each group FAR_JUMP or more read as 0 ("LN.91" → LN.01); ''
    when no group leaps so."""
    parsed = cfg.rules.parse_code(code)
    shape = cfg.shapes.get(parsed.level) if parsed else None
    if parsed is None or shape is None:
        return ""
    groups = list(parsed.parts.values())
    zeroed = [f"0{g[1:]}" if first_digit_leaps(g, f"0{g[1:]}", FAR_JUMP) else g for g in groups]
    return ".".join([shape.literal, *zeroed]) if zeroed != groups else ""


def _far_jumps(drafts: list[Draft], order: _Order, cfg: RepairConfig) -> list[Draft]:
    """OCR'd rows whose clean-looking code leaps `FAR_JUMP` or more numbers past the code that
    should follow the row above, where one misread digit makes it that code ("ISS.01.01.01.91" as
    the first indicator of SS.01.01.01): a numbering gap is a removed item or two, never ten, so
    the print is a misread the sequence may overrule. So is one digit misread into the code of a
    row's parent after rows it heads ("OP.02" for OP.03, after LN.02.06): a parent comes first;
    and one misread into a code whose parent no row above holds ("IOP.02.02" for IOP.01.02 under
    IOP.01.01): a child comes after its parent.
    """
    out: list[Draft] = []
    above = ""  # the last code that follows the sequence: a leap is no anchor for the rows below
    parents: set[str] = set()  # the parents of the codes read so far
    seen: set[str] = set()  # the codes read so far
    heads_below = _parents_printed_below(drafts, cfg)
    for k, draft in enumerate(drafts):
        if not draft.code or draft.unrepaired:
            continue
        parsed = cfg.rules.parse_code(draft.code)
        # past one row: the row above may be one the earlier passes left without a code; not
        # where that row is the parent, printed further down over rows of its own (SS.04.01.01
        # read "SS.04.02.01" under LN.04.01, LN.04.02 printed below it: salud s198)
        near = order.after(above) | order.past_one(above) if above else frozenset()
        parent_below = parsed is not None and parsed.parent in heads_below.get(k, ())
        leaps = draft.read_by_ocr and bool(near) and (draft.code not in near or parent_below)
        behind = draft.code in parents  # a parent after its own rows: OP.03 read "OP.02" past LN.02.06
        # a row before its parent: IOP.01.02 read "IOP.02.02" under IOP.01.01, OP.02 still to come
        ahead = parsed is not None and bool(parsed.parent) and parsed.parent not in seen
        if leaps and (_under_leap(draft.code, out, cfg) or any(
                _one_digit_far(draft.code, n, cfg, 1 if behind or ahead else FAR_JUMP) for n in near)):
            out.append(draft)
            continue
        # no row above to say what follows (its code lost): a numbering starts at 01 and goes on
        # from the siblings read, so "IOP.01.91" as OP.01's first indicator leaps all the same
        sibling = _next_number(draft.code, seen, cfg) if draft.read_by_ocr and not near else ""
        if sibling and sibling != draft.code and _one_digit_far(draft.code, sibling, cfg):
            out.append(draft)
            continue
        above = draft.code
        seen.add(draft.code)
        if parsed is not None and parsed.parent:
            parents.add(parsed.parent)
    return out


def _parents_printed_below(drafts: Sequence[Draft], cfg: RepairConfig) -> dict[int, set[str]]:
    """For a row (by index) printed before its parent: that parent, where the parent's row comes
    further down and more of its children follow it than come before it (the early child is the
    odd one: a misread). A parent read after most of its children is the odd one itself ("OP.02"
    for OP.03 after IOP.02.01 and LN.02.01), and names no row here."""
    first: dict[str, int] = {}
    children: dict[str, list[int]] = {}  # parent → the indices of the rows read as its children
    for k, draft in enumerate(drafts):
        if not draft.code or draft.unrepaired:
            continue
        first.setdefault(draft.code, k)
        parsed = cfg.rules.parse_code(draft.code)
        if parsed is not None and parsed.parent:
            children.setdefault(parsed.parent, []).append(k)
    out: dict[int, set[str]] = {}
    for parent, rows in children.items():
        at = first.get(parent)
        if at is None or sum(j > at for j in rows) <= sum(j < at for j in rows):
            continue
        for k in rows:
            if k < at:
                out.setdefault(k, set()).add(parent)
    return out


def _next_number(code: str, seen: set[str], cfg: RepairConfig) -> str:
    """The code of `code`'s level and parent numbered one past its siblings read so far (01 if
    none): what its print should read, in a numbering without leaps."""
    parsed = cfg.rules.parse_code(code)
    if parsed is None or not parsed.parts:
        return ""
    last = list(parsed.parts.values())[-1]
    stem = code[: len(code) - len(last)]
    numbers = [int(c[len(stem):]) for c in seen if c.startswith(stem) and c[len(stem):].isdigit()
               and len(c) == len(code)]
    return f"{stem}{max(numbers, default=0) + 1:0{len(last)}d}"


def _under_leap(code: str, leapt: list[Draft], cfg: RepairConfig) -> bool:
    """Whether `code` belongs to one a leap misread: its parent is that code."""
    parsed = cfg.rules.parse_code(code)
    return parsed is not None and any(parsed.parent == d.code for d in leapt)


def _one_digit_far(code: str, expected: str, cfg: RepairConfig, far: int = FAR_JUMP) -> bool:
    """Whether `code` is `expected` with one digit misread, leaping a group `far` or more."""
    read, meant = cfg.rules.parse_code(code), cfg.rules.parse_code(expected)
    if read is None or meant is None or read.level != meant.level:
        return False
    pairs = [(a, b) for a, b in zip(read.parts.values(), meant.parts.values(), strict=True) if a != b]
    if len(pairs) != 1 or len(pairs[0][0]) != len(pairs[0][1]):
        return False
    a, b = pairs[0]
    return sum(x != y for x, y in zip(a, b, strict=True)) == 1 and abs(int(a) - int(b)) >= far


def _print_codes(row: _Row, cfg: RepairConfig) -> set[str]:
    """Codes the row's print names on its own: the code chosen from it, or readings of it."""
    draft = row.draft
    if not row.open and cfg.rules.parse_code(draft.code):
        return {draft.code}
    floor = cfg.weights.prefix_read
    return {code for code, evidence in row.view.readings.items() if evidence >= floor}


# ---- the path -------------------------------------------------------------------------------------


class _Order:
    """The grammar's document order, memoised: what may follow a code directly or past one."""

    def __init__(self, cfg: RepairConfig) -> None:
        self._successors = lru_cache(maxsize=None)(lambda code: frozenset(successors(code, cfg)))

    def after(self, code: str) -> frozenset[str]:
        return self._successors(code)

    def past_one(self, code: str) -> frozenset[str]:
        out: set[str] = set()
        for nxt in self.after(code):
            out |= self.after(nxt)
        return frozenset(out - self.after(code))


def _moves(state: State, row: _Row, order: _Order, cfg: RepairConfig) -> list[tuple[str, float]]:
    """(code, score) for each code the row may take after the path's `state`: past a row left
    without a code, a code past one is as likely as the next (that row may have held either)."""
    above, took = state
    lost = LOST_BAND if took else 0.0
    out: dict[str, float] = {}
    for codes, cost in ((order.after(above), 0.0), (order.past_one(above), lost), (row.jumps, JUMP)):
        for code in codes:
            if code in out:
                continue
            emit = _emission(row, code, cfg)
            if emit is not None:
                out[code] = emit - cost
    return list(out.items())


def _emission(row: _Row, code: str, cfg: RepairConfig) -> float | None:
    if code not in row.emit:
        parsed = cfg.rules.parse_code(code)
        if parsed is None:
            score = None
        elif not row.open and row.draft.code:
            score = HELD_PRINT if row.draft.code == code else _held_against(row, code, cfg)
        elif _fits_content(row, parsed.level, cfg) and _print_agrees(row.view, parsed.level, code):
            score = _sum(
                print_support(row.view, code, cfg),
                _prefix_support(row.view, parsed.level, cfg),
                row.bonus if code == row.draft.code else 0.0,
            )
        else:
            score = None  # its values or head word say another level, or its print another code
        if score is not None and parsed is not None:
            score += content_score(parsed.level, row.content, cfg)
        row.emit[code] = score
    return row.emit[code]


@dataclass(frozen=True, slots=True)
class _Print:
    """What a printed code says, read once per row (the path asks it of many codes)."""

    text: str
    core: str  # without specks at its ends, separators as dots
    readings: dict[str, float]  # grammar codes it reads as → evidence
    legible: list[tuple[str, list[str]]]  # (level, groups) of readings with a legible prefix
    levels: set[str]  # levels its prefix reads as (clipped or whole)
    whole: set[str]  # levels its prefix reads as whole
    parts: set[int]  # how many parts it may have
    groups_legible: bool  # every token after the prefix reads as digits, `LEGIBLE_DIGITS` at least

    @classmethod
    def of(cls, printed: str, cfg: RepairConfig) -> _Print:
        core = code_core(printed.strip(), cfg)
        tokens = [t for t in CODE_SEPARATOR.split(core) if t]
        digits = [as_digits(t, cfg) for t in tokens[1:]]
        prefix = tokens[0] if tokens and as_digits(tokens[0], cfg) is None else ""
        return cls(
            text=printed,
            core=CODE_SEPARATOR.sub(".", core),
            readings={c.code: c.evidence for c in interpret_code(printed, cfg)},
            legible=legible_readings(printed, cfg),
            levels=printed_levels(printed, cfg),
            whole={lvl for lvl, shape in cfg.shapes.items()
                   if prefix and prefix_evidence(prefix, shape.literal, cfg) >= cfg.weights.prefix_read},
            parts=_printed_parts(printed, cfg),
            groups_legible=all(digits) and sum(len(d or "") for d in digits) >= LEGIBLE_DIGITS,
        )


def _sum(*scores: float | None) -> float | None:
    """Scores added up; None (a veto) if any is."""
    return None if any(s is None for s in scores) else sum(s for s in scores if s is not None)


def _fits_content(row: _Row, level: str, cfg: RepairConfig) -> bool:
    content = row.content
    if content.indicator is not None and (level in cfg.indicator_levels) != content.indicator:
        return False
    if content.indicator and content.head_levels is not None and not content.head_levels & cfg.indicator_levels:
        # a head word a scan broke may read as another level's ("Tier po" for "Tiempo": an
        # infinitive, as objectives start); the values the row fills, several cells, outweigh it
        return True
    return content.head_levels is None or level in content.head_levels


def _print_agrees(view: _Print, level: str, code: str) -> bool:
    """context.print_agrees on the row's reading: a legible print of the level differs from the
    code in at most one numeric group (`_group_differs`); one of another level, or two groups
    off, is another code."""
    groups = code.split(".")[1:]
    # a group's first digit leaping ten is a misread only in a print whose prefix reads whole
    lenient = level in view.whole
    return not view.legible or any(
        lvl == level and _misreadings(read, groups, lenient) <= 1 for lvl, read in view.legible
    )


def _misreadings(read: Sequence[str], groups: Sequence[str], lenient: bool) -> int:
    """How many ways a print's groups misread the code's (`_group_differs`): groups misread alike
    (each the same digit read as the same other: "02.02" for 01.01) are one misreading."""
    kinds = {tuple((b, a) for a, b in zip(got, own, strict=True) if a != b)
             for got, own in zip(read, groups, strict=True) if _group_differs(got, own, lenient)}
    return len(kinds)


def _group_differs(read: str, own: str, lenient: bool) -> bool:
    """Whether a print's group reads another number than the code's: with `lenient`, not where
    its first digit alone was misread, leaping FAR_JUMP or more (`first_digit_leaps`)."""
    return read != own and not (lenient and first_digit_leaps(read, own, FAR_JUMP))


def _prefix_support(view: _Print, level: str, cfg: RepairConfig) -> float | None:
    """The letters left before the print's groups: where they read whole as a level ("IN" as LN),
    the row is of a level they read as; one they read as only when clipped ("¿5" as S…) is a hint
    for it and against others, not a veto (it may as well be a faded LN)."""
    if not view.levels:
        return 0.0
    if view.whole & view.levels and level not in view.levels:
        return None
    return cfg.weights.prefix_read_clipped if level in view.levels else cfg.weights.other_level


def _held_against(row: _Row, code: str, cfg: RepairConfig) -> float | None:
    """A row that holds a code may stand for another only as a misread (for the path's sake;
    it keeps its own): never when its code was printed cleanly."""
    if cfg.rules.parse_code(row.draft.printed_code):
        return None
    support = print_support(row.view, code, cfg)
    return None if support is None else support - HELD_PRINT


def print_support(view: _Print, code: str, cfg: RepairConfig) -> float | None:
    """How far a printed code agrees with `code`, in the rules' weights; None when it
    contradicts it in more than one legible digit (another code, never this one)."""
    w = cfg.weights
    if not view.core:
        return 0.0
    # in a print whose prefix reads whole, a group read ten or more past the code's by its first
    # digit alone vetoes nothing (`_group_differs`), nor does a digit misread alike twice; both
    # still count against the code below
    parsed = cfg.rules.parse_code(code)
    far = FAR_JUMP if parsed is not None and parsed.level in view.whole else None
    if _digits_against(view.text, code, cfg, far=far, alike_once=True) > MAX_MISREAD_DIGITS:
        return None
    against = _digits_against(view.text, code, cfg)
    if code in view.readings:
        return w.printed_exact + view.readings[code]
    alike = (fuzz.ratio(view.core.upper(), code) - 50) / 50  # half alike says nothing
    support = max(w.other_level, min(w.printed_exact, alike))
    if against:
        support += w.other_level  # one legible digit misread: possible, but the print's word is against
    if view.groups_legible and len(code.split(".")) not in view.parts:
        support += w.other_level  # the print has another number of groups: another level
    return support


def _decide(rows: list[_Row], order: _Order, cfg: RepairConfig) -> list[str]:
    """Each row's code on the best path, or "" where a path within `margin` gives it another
    code or none (max-marginals of a forward and a backward pass over the rows)."""
    forward = _forward(rows, order, cfg)
    backward = _backward(rows, forward, order, cfg)
    out = []
    for i in range(len(rows)):
        by_choice: dict[str, float] = {}
        for state, score in forward[i].items():
            key = state[0] if state[1] else ""
            by_choice[key] = max(by_choice.get(key, float("-inf")), score + backward[i][state])
        ranked = sorted(by_choice.items(), key=lambda kv: -kv[1])
        if not ranked[0][0]:
            out.append("")
            continue
        runner = ranked[1][1] if len(ranked) > 1 else float("-inf")
        out.append(ranked[0][0] if ranked[0][1] - runner >= cfg.margin else "")
    return out


State = tuple[str, bool]  # (last code of the path after the row, whether the row took it)


def _forward(rows: list[_Row], order: _Order, cfg: RepairConfig) -> list[dict[State, float]]:
    out: list[dict[State, float]] = []
    beam: dict[State, float] = {("", True): 0.0}
    for row in rows:
        states: dict[State, float] = {}
        for state, score in beam.items():
            _keep(states, (state[0], False), score - NO_CODE)
            for code, gain in _moves(state, row, order, cfg):
                _keep(states, (code, True), score + gain)
        beam = dict(sorted(states.items(), key=lambda kv: -kv[1])[:BEAM])
        out.append(beam)
    return out


def _backward(
    rows: list[_Row], forward: list[dict[State, float]], order: _Order, cfg: RepairConfig
) -> list[dict[State, float]]:
    """For each row, the best score of the rows below given the path's state after it."""
    out: list[dict[State, float]] = [{} for _ in rows]
    out[-1] = dict.fromkeys(forward[-1], 0.0)
    for i in range(len(rows) - 2, -1, -1):
        below = out[i + 1]
        for state in forward[i]:
            best = below.get((state[0], False), float("-inf")) - NO_CODE
            for code, gain in _moves(state, rows[i + 1], order, cfg):
                best = max(best, gain + below.get((code, True), float("-inf")))
            out[i][state] = best
    return out


def _keep(states: dict[State, float], key: State, score: float) -> None:
    if score > states.get(key, float("-inf")):
        states[key] = score


# ---- recording ------------------------------------------------------------------------------------


def _assign(draft: Draft, code: str, cfg: RepairConfig) -> None:
    parsed = cfg.rules.parse_code(code)
    if parsed is None:
        return
    read = draft.code if not draft.unrepaired else ""
    draft.assumptions[:] = [a for a in draft.assumptions if not a.startswith(INFERRED_CODE)]
    draft.assumptions.append(
        f"{CONTEXT_ASSUMPTION}:{code} (printed {draft.printed_code!r}"
        + (f", read as {read}" if read else "")
        + "; the sequence of the matrix's codes)"
    )
    draft.repairs[:] = [r for r in draft.repairs if r.field != "code"]
    draft.repairs += [Repair("code_ocr", text, code, "code") for text in dict.fromkeys(draft.code_texts) if text]
    draft.code, draft.level, draft.parent = code, parsed.level, parsed.parent
    draft.unrepaired = ""
