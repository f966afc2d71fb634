"""The repaired rows handed on: `Row`s and the findings listing each repair."""

from __future__ import annotations

from extractor.model import ROW_KEYS, Finding, RawRow, Row
from extractor.repair.config import RepairConfig
from extractor.repair.records import Draft


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

