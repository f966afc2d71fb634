"""The repaired rows handed on: service numbers, `Row`s and the findings listing each repair."""

from __future__ import annotations

from extractor.model import ROW_KEYS, Finding, RawRow, Row
from extractor.repair.config import RepairConfig
from extractor.repair.records import Draft


def number_rows(drafts: list[Draft], cfg: RepairConfig) -> None:
    """Service numbers 1..N in document order; children inherit their parent's."""
    column = cfg.numbering.get("column")
    if not column:
        return
    numbered, inherit = set(cfg.numbering.get("levels", [])), set(cfg.numbering.get("inherit", []))
    by_code: dict[str, str] = {}
    for draft in drafts:
        if draft.level in numbered:
            by_code[draft.code] = draft.cells[column] = str(len(by_code) + 1)
        elif draft.level in inherit:
            draft.cells[column] = by_code.get(draft.parent, "")



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
               list(draft.assumptions))


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

