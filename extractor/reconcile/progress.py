"""Indicator rows: printed progress against obtained / expected."""

from __future__ import annotations

from collections.abc import Sequence

from extractor.model import Finding, Row, Severity
from extractor.reconcile.arithmetic import (
    Recomputed,
    capped,
    change_direction,
    change_text,
    differs,
    finding,
    tolerance_text,
)
from extractor.reconcile.matrix import Matrix
from extractor.values import Value, parse_value


def unchecked(
    row: Row, field: str, printed: Value, recomputed: Recomputed, severity: Severity | None = "info"
) -> Finding | None:
    """A finding for a printed figure that cannot be recomputed (info unless a family says
    otherwise, e.g. a warning when a number is printed where the rule computes none)."""
    if not printed.raw or severity is None:
        return None
    message = (
        f"{row.code or row.get('name')} {field}: printed {printed.raw} cannot be recomputed "
        f"({recomputed.arithmetic})"
    )
    return finding("progress_not_recomputable", severity, message, row, field, printed.raw)


def indicator_findings(matrix: Matrix) -> list[Finding]:
    out = []
    for row in matrix.indicators():
        for year in matrix.checked_years(row):
            result = check_indicator(matrix, row, year)
            if result:
                out.append(result)
    return out


def check_indicator(matrix: Matrix, row: Row, year: int) -> Finding | None:
    field = f"progress_{year}"
    printed = parse_value(row.get(field))
    recomputed = matrix.indicator_progress(row, year)
    if recomputed.value is None:
        settings = matrix.settings
        severity = settings.not_recomputable_number if printed.is_number else settings.not_recomputable_other
        return unchecked(row, field, printed, recomputed, severity)
    if not printed.is_number:
        message = (
            f"{row.code} {field}: printed {printed.raw or 'nothing'} although it recomputes as "
            f"{recomputed.arithmetic} ({recomputed.basis})"
        )
        return finding("progress_not_printed", "info", message, row, field, printed.raw)
    cap = matrix.settings.cap_printed
    shown = capped(recomputed.value, cap)
    readings = matrix.indicator_readings(row, year)
    if not differs(shown, printed):
        if len(readings) > 1:
            return reading_note(row, field, printed, recomputed, readings)
        return mixed_targets_finding(matrix, row, year, printed, recomputed)
    assert printed.value is not None
    cap_note = f", printed capped at {cap:g} → {shown:.2f}" if shown != recomputed.value else ""
    others = "".join(
        f"; read as {r.basis}: {r.arithmetic}" for r in readings if r != recomputed and r.value is not None
    )
    message = (
        f"{row.code} {field} ({recomputed.basis}): {recomputed.arithmetic}{cap_note}{others}; printed "
        f"{printed.raw} differs by {printed.value - shown:+.2f} "
        f"(tolerance {tolerance_text(printed.decimals)})"
    )
    recomputed_text = f"{shown:.{printed.decimals}f}"
    return finding("progress_mismatch", "error", message, row, field, printed.raw, recomputed_text)


def reading_note(
    row: Row, field: str, printed: Value, explained: Recomputed, readings: Sequence[Recomputed]
) -> Finding:
    """The methodology allows several readings and one explains the printed figure: say which
    (info), with what the others give."""
    others = [f"{r.basis}: {r.arithmetic}" for r in readings if r != explained and r.value is not None]
    label = "the other reading" if len(others) == 1 else "the other readings"
    message = (
        f"{row.code or row.get('name')} {field}: printed {printed.raw} is explained by {explained.basis}: "
        f"{explained.arithmetic}" + (f" ({label}, {'; '.join(others)})" if others else "")
    )
    return finding("reading", "info", message, row, field, printed.raw, f"{explained.value:.{printed.decimals}f}")


def mixed_targets_finding(
    matrix: Matrix, row: Row, year: int, printed: Value, recomputed: Recomputed
) -> Finding | None:
    """A printed progress that agrees only under the direction inferred from targets that both
    rise and fall: read the other way, as the other change of its targets suggests, it differs."""
    severity = matrix.settings.mixed_targets
    reading = matrix.opposite_reading(row, year) if severity else None
    if severity is None or reading is None or reading[0].value is None or recomputed.value is None:
        return None
    other, support = reading
    assert other.value is not None and printed.value is not None
    cap = matrix.settings.cap_printed
    shown, other_shown = capped(recomputed.value, cap), capped(other.value, cap)
    if not differs(other_shown, printed):
        return None
    _, how = matrix.direction(row, year)
    cap_note = f", capped at {cap:g} → {shown:.2f}" if shown != recomputed.value else ""
    other_cap = f", capped at {cap:g} → {other_shown:.2f}" if other_shown != other.value else ""
    gap = printed.value - other_shown
    field = f"progress_{year}"
    inferred_by = matrix.settings.direction_inferred_by or "one"
    message = (
        f"{row.code} {field}: printed {printed.raw}{operands_relation(matrix, row, year)} agrees only "
        f"if the indicator is read as {how}, as {inferred_by} reads it from the targets: "
        f"{recomputed.arithmetic}{cap_note}. Its {change_text(support)} say {change_direction(support)}: "
        f"{other.arithmetic}{other_cap}, {abs(gap):.2f} {'below' if gap > 0 else 'above'} the printed value"
    )
    recomputed_text = f"{other_shown:.2f}"
    return finding("progress_mismatch", severity, message, row, field, printed.raw, recomputed_text)


def operands_relation(matrix: Matrix, row: Row, year: int) -> str:
    """' with obtained 25.00 below expected 57.00': what tells the direction apart at a glance."""
    operands = matrix.operands(row, year)
    if isinstance(operands, str) or operands.obtained == operands.expected:
        return ""
    word = "below" if operands.obtained < operands.expected else "above"
    return f" with obtained {operands.obtained_text} {word} expected {operands.expected_text}"
