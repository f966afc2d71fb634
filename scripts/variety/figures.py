"""The figures a consistent report prints, recomputed from its printed cells.

This follows ../shared/notes/ceplan-methodology.md and nothing else: indicator progress per
direction, `acumulado` in either documented reading, objectives as the mean of their indicators
capped at 100 (from the exact or from the printed indicator figures), the index as the mean of
the objectives' exact values, and the summary counts from the printed progress.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from variety.numbers import NumberStyle

Reading = Literal["own", "sum"]  # acumulado: the year's own values, or the sums up to the year
Averaging = Literal["exact", "printed"]  # objectives average exact or printed indicator figures

CAP = 100.0
SUMMARY_COLUMNS = ["low_0_75", "mid_75_95", "high_95", "nd", "total"]
SUMMARY_GROUPS = {
    "OP": "Objetivos prioritarios",
    "IOP": "Indicadores de objetivos prioritarios",
    "ISS": "Indicadores de servicios",
}
BAND_WORDS = {"high_95": "alto", "mid_75_95": "intermedio", "low_0_75": "bajo"}


def band(value: float | None) -> str:
    if value is None:
        return "nd"
    if value < 75:
        return "low_0_75"
    return "mid_75_95" if value < 95 else "high_95"


def pair(row: dict[str, str], year: int, numbers: NumberStyle) -> tuple[float | None, float | None]:
    return numbers.parse(row.get(f"expected_{year}", "")), numbers.parse(row.get(f"obtained_{year}", ""))


def indicator_progress(
    row: dict[str, str], year: int, years: Sequence[int], numbers: NumberStyle, reading: Reading = "own"
) -> float | None:
    """Avance tipo 1 of one indicator for one year, unrounded (None: not computable)."""
    expected, obtained = pair(row, year, numbers)
    if expected is None or obtained is None:
        return None
    if reading == "sum":
        pairs = [pair(row, y, numbers) for y in years if y <= year]
        expected = sum(e for e, o in pairs if e is not None and o is not None)
        obtained = sum(o for e, o in pairs if e is not None and o is not None)
    if row["direction"] == "descendente":
        return expected / obtained * 100 if obtained else None
    return obtained / expected * 100 if expected else None


def mean_capped(values: Iterable[float | None]) -> float | None:
    kept = [min(v, CAP) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def summary_counts(rows: Sequence[dict[str, str]], column: str, numbers: NumberStyle) -> list[dict[str, str]]:
    """The summary-counts table, counted from the printed progress of OP, IOP and ISS rows."""
    out = []
    for level, group in SUMMARY_GROUPS.items():
        counts = dict.fromkeys(SUMMARY_COLUMNS, 0)
        for row in rows:
            if row["level"] == level:
                counts[band(numbers.parse(row.get(column, "")))] += 1
                counts["total"] += 1
        out.append({"group": group, **{k: str(v) for k, v in counts.items()}})
    return out
