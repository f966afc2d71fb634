"""Service numbers (`codes.numbering`): 1..N in document order, taken from the codes.

A running count shifts every number after a row the scan lost. Here each service is a slot in
document order: a row of the numbered level (by its code), a parent its children name when its
own row has no code read, a sibling missing before a code where an unread row stands (siblings
are numbered from 01 without gaps), and an unread row the repair stage knows is of the numbered
level. An unread row is the service its children name, or the gap's missing sibling, when the
rows around say so; otherwise a service of its own. Children inherit their parent's number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.repair.config import RepairConfig
from extractor.repair.context import code_lost
from extractor.repair.records import Draft


@dataclass(slots=True)
class _Slots:
    """Services in document order: codes, or unread rows standing for a service of their own."""

    order: list[str | Draft] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    alias: dict[int, str] = field(default_factory=dict)  # id of an unread row → the code it is

    def rank(self) -> tuple[dict[str, str], dict[int, str]]:
        codes: dict[str, str] = {}
        rows: dict[int, str] = {}
        for i, slot in enumerate(self.order):
            if isinstance(slot, str):
                codes[slot] = str(i + 1)
            else:
                rows[id(slot)] = str(i + 1)
        rows |= {key: codes[code] for key, code in self.alias.items() if code in codes}
        return codes, rows


def number_rows(drafts: list[Draft], cfg: RepairConfig) -> None:
    """Each row of a numbered level gets its service's number; children inherit their parent's."""
    column = cfg.numbering.get("column")
    if not column:
        return
    numbered, inherit = set(cfg.numbering.get("levels", [])), set(cfg.numbering.get("inherit", []))
    codes, rows = service_slots(drafts, cfg, numbered, inherit).rank()
    for draft in drafts:
        if draft.level in numbered:
            draft.cells[column] = rows.get(id(draft), "") if code_lost(draft, cfg) else codes.get(draft.code, "")
        elif draft.level in inherit:
            draft.cells[column] = codes.get(draft.parent, "")


def service_slots(drafts: list[Draft], cfg: RepairConfig, numbered: set[str], inherit: set[str]) -> _Slots:
    slots = _Slots()
    own_rows = {d.code for d in drafts if d.level in numbered and not code_lost(d, cfg)}
    unread: list[Draft] = []  # unread rows of the numbered level since the last service
    may_be = 0  # unread rows since the last service that may be one (their level numbered or unknown)
    for draft in drafts:
        if code_lost(draft, cfg):
            may_be += not draft.level or draft.level in numbered
            if draft.level in numbered:
                unread.append(draft)
            continue
        code = draft.code if draft.level in numbered else draft.parent if draft.level in inherit else ""
        parsed = cfg.rules.parse_code(code) if code else None
        if parsed is None or parsed.level not in numbered or code in slots.seen:
            continue
        if code not in own_rows and unread:  # named by its children: the unread row above is its own
            slots.alias[id(unread.pop())] = code
            may_be -= 1
        # siblings missing before the code, as many as unread rows may be (the nearest ones)
        missing = [c for c in _siblings_before(code, cfg) if c not in slots.seen][::-1][:may_be][::-1]
        slots.alias |= {id(row): sibling for row, sibling in zip(unread, missing, strict=False)}
        slots.order += [*missing, *unread[len(missing):], code]
        slots.seen |= {*missing, code}
        unread, may_be = [], 0
    slots.order += unread
    return slots


def _siblings_before(code: str, cfg: RepairConfig) -> list[str]:
    """Codes numbered before `code` under its parent ("SS.03.01.01" for "SS.03.01.02")."""
    parsed = cfg.rules.parse_code(code)
    shape = cfg.shapes.get(parsed.level) if parsed else None
    if parsed is None or shape is None:
        return []
    groups = list(parsed.parts.values())
    siblings = [".".join([shape.literal, *groups[:-1], f"{n:02d}"]) for n in range(1, int(groups[-1]))]
    return [c for c in siblings if cfg.rules.parse_code(c)]
