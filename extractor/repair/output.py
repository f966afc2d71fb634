"""The repaired rows handed on: service numbers, `Row`s and the findings listing each repair."""

from __future__ import annotations

from extractor.model import ROW_KEYS, Finding, RawRow, Row
from extractor.repair.config import RepairConfig
from extractor.repair.context import code_lost
from extractor.repair.records import Draft


def number_rows(drafts: list[Draft], cfg: RepairConfig) -> None:
    """Service numbers 1..N in document order, taken from the codes: a row gets the rank of its
    code among the document's services, and children inherit their parent's. A service whose own
    row was lost still counts (named by its children, or by the gap its lost row leaves between
    siblings), so a lost or merged row shifts no number after it."""
    column = cfg.numbering.get("column")
    if not column:
        return
    numbered, inherit = set(cfg.numbering.get("levels", [])), set(cfg.numbering.get("inherit", []))
    rank = {code: str(i + 1) for i, code in enumerate(numbered_codes(drafts, cfg, numbered, inherit))}
    for draft in drafts:
        if draft.level in numbered:
            draft.cells[column] = rank.get(draft.code, "")
        elif draft.level in inherit:
            draft.cells[column] = rank.get(draft.parent, "")


def numbered_codes(drafts: list[Draft], cfg: RepairConfig, numbered: set[str], inherit: set[str]) -> list[str]:
    """The codes of the numbered levels the document holds, in document order: its rows', its
    inheriting rows' parents, and siblings missing before a code where a row whose code was not
    read stands (siblings are numbered from 01 without gaps)."""
    order: list[str] = []
    lost_before: dict[str, bool] = {}  # code → an unread row stands between it and the code before
    lost = False
    for draft in drafts:
        if code_lost(draft, cfg):
            lost = True
        code = draft.code if draft.level in numbered else draft.parent if draft.level in inherit else ""
        parsed = cfg.rules.parse_code(code) if code else None
        if parsed is None or parsed.level not in numbered or code in lost_before:
            continue
        order.append(code)
        lost_before[code], lost = lost, False
    out: list[str] = []
    for code in order:
        if lost_before[code]:
            out += [c for c in _siblings_before(code, cfg) if c not in lost_before and c not in out]
        out.append(code)
    return out


def _siblings_before(code: str, cfg: RepairConfig) -> list[str]:
    """Codes numbered before `code` under its parent ("SS.03.01.01" for "SS.03.01.02")."""
    parsed = cfg.rules.parse_code(code)
    shape = cfg.shapes.get(parsed.level) if parsed else None
    if parsed is None or shape is None:
        return []
    groups = list(parsed.parts.values())
    siblings = [".".join([shape.literal, *groups[:-1], f"{n:02d}"]) for n in range(1, int(groups[-1]))]
    return [c for c in siblings if cfg.rules.parse_code(c)]


def field_columns(raw_rows: list[RawRow], cfg: RepairConfig) -> list[str]:
    """The output columns: the numbering column first, then every role the bands print."""
    columns = dict.fromkeys(role for raw in raw_rows for role in raw.cells if role not in ROW_KEYS)
    numbering = cfg.numbering.get("column")
    return ([numbering] if numbering else []) + [c for c in columns if c != numbering]


def to_row(draft: Draft, columns: list[str]) -> Row:
    """A finished draft as the `Row` handed on, its repairs rendered once each."""
    fields = {col: draft.cells.get(col, "") for col in columns}
    repairs = list(dict.fromkeys(r.render() for r in draft.repairs))
    return Row(draft.code, draft.level, draft.parent, fields, draft.page, repairs,
               list(draft.assumptions), boxes=draft.boxes)


def findings_of(draft: Draft) -> list[Finding]:
    """An info finding per repair and assumption; a warning for a conflict or a code left as printed."""
    out = []
    for rep in draft.repairs:
        severity = "warning" if rep.kind == "conflict" else "info"
        after = rep.to_row.code if rep.to_row is not None else rep.after
        out.append(
            Finding(
                "repair",
                severity,
                f"{rep.kind}: {rep.before!r} -> {after!r}",
                code=draft.code,
                field=rep.field,
                printed=rep.before,
                recomputed=after,
                page=draft.page,
            )
        )
    out += [
        Finding("assumption", "info", note, code=draft.code, field="name", page=draft.page)
        for note in draft.assumptions
    ]
    if draft.unrepaired:
        out.append(
            Finding(
                "unrepaired_code",
                "warning",
                f"code {draft.printed_code!r} kept as printed: {draft.unrepaired}",
                code=draft.printed_code,
                field="code",
                printed=draft.printed_code,
                page=draft.page,
            )
        )
    return out

