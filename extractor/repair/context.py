"""Codes the image lost, restored from the rows around them (assumption `code_from_context`).

Toner dropout erases glyphs in a scan's stored image ("LN paa" for LN.02.01), and no reading of
what is left names the code. The rows around it still do: codes are printed in document order
(a parent, then its children, numbered 01, 02, … without gaps), so between the codes read above
and below a run of lost codes only a few sequences of codes can stand. Each lost row must also
agree with its own content (a row filling values is an indicator; its name's head word names its
level) and with what survives of its print (a prefix that still reads as a level's literal). A
code is restored only when every sequence that fits gives the row the same code, and never to a
code another row holds. The row records it as an assumption, so a finding resting on the row
says its code was inferred.

Everything comes from the family's code grammar (`codes.levels`: literals, groups, parents) and
`rules/_ocr.yaml`; nothing here knows a level by name.

A code read on two rows is in doubt the same way: print gives each row its own code, so one copy
of a scan is likely a neighbour's code misread ("LN.01.01" read "LN.01.02"). The rows below a copy say
which: when the codes read legibly under it all name, at its level, one code no row holds, and
its print differs from that code in at most one group, the copy is that code (assumption
`code_from_context`, and the code repair names both readings). A code the hierarchy vote gave a
row under the misread copy is undone the same way, by the rows below it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from extractor.repair.codes import (
    CODE_SEPARATOR,
    as_digits,
    code_core,
    content_of,
    interpret_code,
    prefix_evidence,
    regrouped,
    split_groups,
)
from extractor.repair.config import RepairConfig
from extractor.repair.records import Draft, Repair

CONTEXT_ASSUMPTION = "code_from_context"
INFERRED_CODE = (f"{CONTEXT_ASSUMPTION}:", "code_by_hierarchy:")  # assumptions: a code the print did not give
MAX_SEQUENCES = 64  # readings of one run of lost codes; more and the context proves nothing
MAX_RUN = 6  # lost codes in a row beyond which the rows around say too little to restore them


@dataclass(frozen=True, slots=True)
class LostRun:
    """Rows whose codes were not read, between the nearest rows whose codes were."""

    before: str | None  # code of the row above ("" at the start of the matrix, None if unreadable)
    rows: list[Draft]
    after: str | None  # code of the row below ("" at the end: a last child has no next sibling)


def restore_from_context(drafts: Sequence[Draft], cfg: RepairConfig) -> None:
    """Give a row whose code the print lost the one code its context allows, if exactly one."""
    if not cfg.shapes:
        return
    mend_duplicates(drafts, cfg)
    restored = True
    while restored:  # a restored code anchors the runs next to it: look at them again
        restored = False
        for run in list(lost_runs(drafts, cfg)):
            restored = _restore_run(run, drafts, cfg) or restored


def mend_duplicates(drafts: Sequence[Draft], cfg: RepairConfig) -> None:
    """Give a copy of a code read twice the code its rows below name, when they name one no row
    holds (document order: a parent mended first lets its children be mended next)."""
    for i, draft in enumerate(drafts):
        held = [d.code for d in drafts if d.code and not d.named]
        # print repeats a code only by the author's mistake, which the report should show
        if draft.named or not draft.read_by_ocr or not draft.code or held.count(draft.code) < 2:
            continue
        named = _named_by_rows_below(drafts, i, cfg)
        if named and named not in held and print_agrees(draft.printed_code, named, cfg):
            _recode(draft, named, cfg)


def _named_by_rows_below(drafts: Sequence[Draft], i: int, cfg: RepairConfig) -> str:
    """The one code of row i's level that the legibly read codes of the rows under it (up to the
    next row of its level or above) name as their ancestor; "" when they name none or several."""
    level = drafts[i].level
    named: set[str] = set()
    held = [d.code for d in drafts if d.code]
    for below in drafts[i + 1 :]:
        if below.named or code_lost(below, cfg):
            continue
        if level not in _ancestor_levels(below.level, cfg):
            break
        if held.count(below.code) == 1 and not _code_inferred(below):
            named.add(_ancestor_at(below.code, level, cfg))
    return named.pop() if len(named) == 1 else ""


def _ancestor_levels(level: str, cfg: RepairConfig) -> set[str]:
    out: set[str] = set()
    while (level := cfg.parent_level.get(level, "")) and level not in out:
        out.add(level)
    return out


def _ancestor_at(code: str, level: str, cfg: RepairConfig) -> str:
    parsed = cfg.rules.parse_code(code)
    while parsed is not None and parsed.level != level:
        parsed = cfg.rules.parse_code(parsed.parent) if parsed.parent else None
    return parsed.code if parsed is not None else ""


def _code_inferred(draft: Draft) -> bool:
    return any(a.startswith(INFERRED_CODE) for a in draft.assumptions)


def _recode(draft: Draft, code: str, cfg: RepairConfig) -> None:
    """The row takes `code`: its code repair and assumption name both readings, and a hierarchy
    vote that gave it the copy is dropped (the rows below overruled it)."""
    parsed = cfg.rules.parse_code(code)
    if parsed is None:
        return
    read = draft.code
    draft.assumptions[:] = [a for a in draft.assumptions if not a.startswith(INFERRED_CODE)]
    draft.assumptions.append(
        f"{CONTEXT_ASSUMPTION}:{code} (printed {draft.printed_code!r}, read as {read} which another row holds; "
        f"the rows below name {code})"
    )
    draft.repairs[:] = [r for r in draft.repairs if not (r.field == "code" and r.after == read)]
    draft.repairs += [Repair("code_ocr", text, code, "code") for text in dict.fromkeys(draft.code_texts or [read])]
    draft.code, draft.level, draft.parent = code, parsed.level, parsed.parent


def lost_runs(drafts: Sequence[Draft], cfg: RepairConfig) -> Iterator[LostRun]:
    """Each run of consecutive unread codes with the read codes around it (named rows, which
    have no code of the grammar, neither break a run nor anchor one; a row that keeps a code
    outside the grammar is an anchor that says nothing)."""
    before: str | None = ""
    run: list[Draft] = []
    for draft in drafts:
        if draft.named:
            continue
        if code_lost(draft, cfg):
            run.append(draft)
            continue
        code = draft.code if cfg.rules.parse_code(draft.code) else None
        if run:
            yield LostRun(before, run, code)
        before, run = code, []
    if run:
        yield LostRun(before, run, "")


def code_lost(draft: Draft, cfg: RepairConfig) -> bool:
    """Whether the row's code was not read: no code chosen, and its print reads as no code of
    the grammar (a code printed cleanly but held by another row is a duplicate, not lost)."""
    if not draft.unrepaired or draft.named:
        return False
    exact = cfg.weights.printed_exact
    return not any(c.evidence >= exact for c in interpret_code(draft.printed_code, cfg))


def _restore_run(run: LostRun, drafts: Sequence[Draft], cfg: RepairConfig) -> bool:
    if len(run.rows) > MAX_RUN or run.before is None or run.after is None or not (run.before or run.after):
        return False
    taken = _taken_codes(drafts, cfg)
    sequences = fitting_sequences(run, cfg, taken)
    if not sequences:
        return False
    restored = False
    for i, draft in enumerate(run.rows):
        codes = {seq[i] for seq in sequences}
        if len(codes) == 1:
            _restore(draft, codes.pop(), run, cfg)
            restored = True
    return restored


def _taken_codes(drafts: Sequence[Draft], cfg: RepairConfig) -> set[str]:
    """Codes a row already holds, or prints exactly (a row printing one is not lost)."""
    held = {d.code for d in drafts if not code_lost(d, cfg) and d.code}
    printed = {text for d in drafts for text in d.code_texts if cfg.rules.parse_code(text)}
    return held | printed


def fitting_sequences(run: LostRun, cfg: RepairConfig, taken: set[str]) -> list[tuple[str, ...]]:
    """Every sequence of codes the run's rows can hold: each code follows the one above in
    document order, fits its row, is held by no other row, and the code below follows the last.
    Empty when there are more than `MAX_SEQUENCES` (the context then proves nothing)."""
    out: list[tuple[str, ...]] = []

    def walk(above: str, acc: tuple[str, ...]) -> bool:
        if len(out) > MAX_SEQUENCES:
            return False
        if len(acc) == len(run.rows):
            if not run.after or run.after in successors(above, cfg):
                out.append(acc)
            return True
        row = run.rows[len(acc)]
        fitting = [c for c in sorted(successors(above, cfg)) if c not in taken and c not in acc
                   and fits_row(row, c, cfg)]
        return all(walk(code, (*acc, code)) for code in fitting)

    complete = walk(run.before or "", ())
    return out if complete and len(out) <= MAX_SEQUENCES else []


# ---- the grammar's document order ----------------------------------------------------------------


def successors(code: str, cfg: RepairConfig) -> set[str]:
    """The codes that may follow `code` in document order: one of its first children, the next
    sibling of it or of an ancestor, or an ancestor's parent's first child of another level (an
    objective's guidelines after its indicators). From "" (nothing above): the first top code."""
    if not code:
        return {c for lvl in cfg.shapes if lvl not in cfg.parent_level if (c := _first_code(lvl, [], cfg))}
    out = set(first_children(code, cfg))
    current = cfg.rules.parse_code(code)
    while current is not None:
        sibling = next_sibling(current.code, cfg)
        if sibling:
            out.add(sibling)
        if current.parent:
            out |= {c for c in first_children(current.parent, cfg) if _level(c, cfg) != current.level}
        current = cfg.rules.parse_code(current.parent) if current.parent else None
    return out


def first_children(code: str, cfg: RepairConfig) -> list[str]:
    """The first code (numbered 01) of every level whose parent is `code`'s level."""
    parsed = cfg.rules.parse_code(code)
    if parsed is None:
        return []
    groups = list(parsed.parts.values())
    children = [lvl for lvl, parent in cfg.parent_level.items() if parent == parsed.level]
    return [c for lvl in children if (c := _first_code(lvl, groups, cfg))]


def next_sibling(code: str, cfg: RepairConfig) -> str:
    parsed = cfg.rules.parse_code(code)
    shape = cfg.shapes.get(parsed.level) if parsed else None
    if parsed is None or shape is None:
        return ""
    groups = list(parsed.parts.values())
    number = int(groups[-1]) + 1
    if number > 99:
        return ""
    code = ".".join([shape.literal, *groups[:-1], f"{number:02d}"])
    return code if cfg.rules.parse_code(code) else ""


def _first_code(level: str, parent_groups: list[str], cfg: RepairConfig) -> str:
    shape = cfg.shapes.get(level)
    if shape is None or shape.width != len(parent_groups) + 1:
        return ""
    code = ".".join([shape.literal, *parent_groups, "01"])
    return code if cfg.rules.parse_code(code) else ""


def _level(code: str, cfg: RepairConfig) -> str:
    parsed = cfg.rules.parse_code(code)
    return parsed.level if parsed else ""


# ---- what the row itself allows -----------------------------------------------------------------


def fits_row(draft: Draft, code: str, cfg: RepairConfig) -> bool:
    """Whether nothing the row shows speaks against `code`: the values it fills (or does not),
    its name's head word, and the level its print's surviving prefix reads as."""
    level = _level(code, cfg)
    content = content_of(draft.cells, cfg)
    if content.indicator is not None and (level in cfg.indicator_levels) != content.indicator:
        return False
    if content.head_levels is not None and level not in content.head_levels:
        return False
    printed = printed_levels(draft.printed_code, cfg)
    return (not printed or level in printed) and print_agrees(draft.printed_code, code, cfg)


def print_agrees(printed: str, code: str, cfg: RepairConfig) -> bool:
    """Whether the print, where it still reads as a whole code with a legible prefix, reads as a
    code of the same level that differs from `code` in at most one numeric group: one misread
    group is what a lost code looks like ("1SS.03.01.01.02" for ISS.03.01.01.01); two, or
    another level, are another code."""
    parsed = cfg.rules.parse_code(code)
    if parsed is None:
        return False
    groups = list(parsed.parts.values())
    readings = legible_readings(printed, cfg)
    return not readings or any(
        level == parsed.level and sum(a != b for a, b in zip(read, groups, strict=True)) <= 1
        for level, read in readings
    )


def legible_readings(printed: str, cfg: RepairConfig) -> list[tuple[str, list[str]]]:
    """(level, groups) of every reading of the print whose prefix is there and reads as the
    level's literal (a reading with its prefix clipped away says nothing of its level)."""
    tokens = CODE_SEPARATOR.sub(".", code_core(printed.strip(), cfg)).split(".")
    floor = cfg.weights.prefix_read_clipped
    out = []
    for shape in cfg.shapes.values():
        split = split_groups(tokens, shape.width, cfg) or regrouped(tokens, shape.width, cfg)
        if split and split[0] and prefix_evidence(split[0], shape.literal, cfg) >= floor:
            out.append((shape.level, split[1]))
    return out


def printed_levels(printed: str, cfg: RepairConfig) -> set[str]:
    """Levels the letters before a printed code's first numeric group still read as (as printed,
    clipped on the left, or through OCR readings); empty when they read as none, or none survive
    ("LN paa": LN; "293.01": none)."""
    tokens = [t for t in CODE_SEPARATOR.split(printed.strip()) if t]
    levels: set[str] = set()
    floor = cfg.weights.prefix_read_clipped
    for token in tokens:
        if as_digits(token, cfg) is not None:
            break
        core = _prefix_core(token, cfg)
        if not core:
            continue
        levels |= {
            lvl for lvl, shape in cfg.shapes.items() if prefix_evidence(core, shape.literal, cfg) >= floor
        }
    return levels


def _prefix_core(token: str, cfg: RepairConfig) -> str:
    """A prefix token without the marks around it that no prefix letter reads as ("'1SS")."""
    keep = [c.isalnum() or c in cfg.prefix_readings for c in token]
    if not any(keep):
        return ""
    start, end = keep.index(True), len(keep) - keep[::-1].index(True)
    return token[start:end]


def _restore(draft: Draft, code: str, run: LostRun, cfg: RepairConfig) -> None:
    parsed = cfg.rules.parse_code(code)
    if parsed is None:
        return
    between = " and ".join(c for c in (run.before, run.after) if c)
    draft.assumptions.append(
        f"{CONTEXT_ASSUMPTION}:{code} (printed {draft.printed_code!r}; between {between})"
    )
    draft.code, draft.level, draft.parent = code, parsed.level, parsed.parent
    draft.unrepaired = ""
