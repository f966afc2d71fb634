"""Objective and index rows: printed progress against the mean of what they roll up."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from extractor.model import Finding, Row
from extractor.reconcile.arithmetic import Recomputed, differs, finding, tolerance_text
from extractor.reconcile.matrix import Matrix
from extractor.reconcile.progress import reading_note, unchecked
from extractor.reconcile.readings import explain
from extractor.values import Value, parse_value


def rollup_findings(
    matrix: Matrix,
    rows: Sequence[Row],
    rule: str,
    compute: Callable[[Row, int], Recomputed],
    readings_of: Callable[[Row, int], list[Recomputed]],
) -> list[Finding]:
    """Objectives (or the index) against the mean they should be, in any documented reading."""
    out = []
    for row in rows:
        for year in matrix.checked_years(row):
            field = f"progress_{year}"
            printed = parse_value(row.get(field))
            recomputed = compute(row, year)
            if recomputed.value is None:
                note = unchecked(row, field, printed, recomputed)
                out += [note] if note else []
            elif printed.is_number and differs(recomputed.value, printed):
                readings = readings_of(row, year)
                combination = explain(matrix, row, year, printed)
                if combination is not None:
                    out.append(reading_note(row, field, printed, combination, readings))
                    continue
                mismatch = rollup_mismatch(matrix, row, year, rule, printed, recomputed)
                others = [r for r in readings if r != recomputed and r.value is not None]
                mismatch.message += "".join(f"; {r.basis}: {r.arithmetic}" for r in others)
                out.append(mismatch)
            elif printed.is_number and (readings := readings_of(row, year))[0] != recomputed:
                out.append(reading_note(row, field, printed, recomputed, readings))
    return out


def rollup_mismatch(
    matrix: Matrix, row: Row, year: int, rule: str, printed: Value, recomputed: Recomputed
) -> Finding:
    assert printed.value is not None and recomputed.value is not None
    field = f"progress_{year}"
    name = row.code or row.get("name")
    message = (
        f"{name} {field} = {recomputed.arithmetic}; printed {printed.raw} differs by "
        f"{printed.value - recomputed.value:+.2f} (tolerance {tolerance_text(printed.decimals)})"
    )
    if rule == "index_mismatch":
        from_printed = matrix.printed_objectives_mean(year)
        if from_printed:
            message += f"; from the printed, rounded objective values: {from_printed}"
    recomputed_text = f"{recomputed.value:.{printed.decimals}f}"
    return finding(rule, "error", message, row, field, printed.raw, recomputed_text)
