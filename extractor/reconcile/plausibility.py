"""Warnings about values and targets that make no sense, whatever the printed progress says."""

from __future__ import annotations

import itertools

from extractor.model import Finding, Row
from extractor.reconcile.arithmetic import finding
from extractor.reconcile.matrix import Matrix, numeric_series
from extractor.reconcile.settings import ASCENDING
from extractor.rules import normalize_label
from extractor.values import Value


def percent_overflows(matrix: Matrix, row: Row) -> list[tuple[str, Value, str]]:
    limit = matrix.settings.percent_max
    name = normalize_label(row.get("name"))
    if limit is None or not any(p.search(name) for p in matrix.settings.percent_names):
        return []
    return [
        (
            f"obtained_{y}",
            v,
            f"a percentage indicator ({row.get('name')[:60]}…) obtains {v.raw} in {y}, "
            f"above the {limit:g}% plausibility limit",
        )
        for y, v in numeric_series(matrix, row, "obtained")
        if (v.value or 0) > limit
    ]


def jumps(matrix: Matrix, row: Row) -> list[tuple[str, Value, str]]:
    limit = matrix.settings.jump_ratio
    if limit is None:
        return []
    series = [(y, v) for y, v in numeric_series(matrix, row, "obtained") if (v.value or 0) > 0]
    out = []
    for (y0, v0), (y1, v1) in itertools.pairwise(series):
        assert v0.value is not None and v1.value is not None
        ratio = max(v0.value, v1.value) / min(v0.value, v1.value)
        if ratio >= limit:
            change = "×" if v1.value > v0.value else "÷"
            out.append(
                (
                    f"obtained_{y1}",
                    v1,
                    f"obtained goes from {v0.raw} ({y0}) to {v1.raw} ({y1}), {change}{ratio:,.0f} "
                    f"in one year (limit ×{limit:g})",
                )
            )
    return out


def implausible_findings(matrix: Matrix) -> list[Finding]:
    out = []
    for row in matrix.indicators():
        reasons: dict[str, tuple[Value, list[str]]] = {}
        for field, value, reason in percent_overflows(matrix, row) + jumps(matrix, row):
            reasons.setdefault(field, (value, []))[1].append(reason)
        for field, (value, why) in reasons.items():
            message = f"{row.code} {field}: " + "; ".join(why)
            out.append(finding("implausible_value", "warning", message, row, field, value.raw))
    return out


def target_design_findings(matrix: Matrix) -> list[Finding]:
    """An ascending indicator whose target falls: progress against it overstates the result."""
    if not matrix.settings.falling_targets:
        return []
    out = []
    for row in matrix.indicators():
        ascending = ascending_as_printed(matrix, row)
        if not ascending:
            continue  # only a printed ascending direction makes a falling target contradictory
        series = numeric_series(matrix, row, "expected")
        for (y0, v0), (y1, v1) in itertools.pairwise(series):
            if (v1.value or 0) < (v0.value or 0):
                message = (
                    f"{row.code} is {ascending} but its target falls from {v0.raw} ({y0}) to "
                    f"{v1.raw} ({y1}); progress against the lowered target overstates the result"
                )
                out.append(finding("target_design", "warning", message, row, f"expected_{y1}", v1.raw))
    return out


def ascending_as_printed(matrix: Matrix, row: Row) -> str:
    """How the row is known to be ascending: its printed label, or, where a scan lost the label,
    the direction its printed progress was read with (`Matrix.direction_from_progress`, which
    says so); "" when it is not. A direction inferred from the targets themselves is no evidence
    against them."""
    printed = row.get("direction")
    if matrix.settings.directions.get(normalize_label(printed)):
        return printed if matrix.settings.directions[normalize_label(printed)] == ASCENDING else ""
    if row.page not in matrix.report.source.ocr_pages:
        return ""
    direction, how = matrix.direction_from_progress(row)
    return how if direction == ASCENDING else ""
