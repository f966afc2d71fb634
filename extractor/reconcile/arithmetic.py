"""Shared arithmetic: half-up rounding, tolerances, recomputed values and how findings are built."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from extractor.model import Finding, Row, Severity
from extractor.reconcile.settings import ASCENDING, DESCENDING
from extractor.values import Value

EPSILON = 1e-9  # float noise allowed on top of the rounding tolerance


def rounded(x: float, decimals: int) -> Decimal:
    """Half-up rounding, as the reports round (Python's round() is half-even on binary floats)."""
    return Decimal(f"{x:.9f}").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def tolerance(decimals: int) -> float:
    return 0.5 * 10.0**-decimals


def tolerance_text(decimals: int) -> str:
    if decimals == 0:
        return "±0.5 for an integer"
    places = "one printed decimal" if decimals == 1 else f"{decimals} printed decimals"
    return f"±{tolerance(decimals):.{decimals + 1}f} for {places}"


def differs(recomputed: float, printed: Value) -> bool:
    assert printed.value is not None
    return abs(recomputed - printed.value) > tolerance(printed.decimals) + EPSILON


def capped(value: float, cap: float | None) -> float:
    return value if cap is None else min(value, cap)


def agrees_with_printed(claimed: Value, printed: Value) -> bool:
    """Two printed figures agree when equal at the coarser of their two precisions."""
    assert claimed.value is not None and printed.value is not None
    decimals = min(claimed.decimals, printed.decimals)
    return rounded(claimed.value, decimals) == rounded(printed.value, decimals)


def agrees_with_exact(claimed: Value, exact: float) -> bool:
    """A figure agrees with an exact value it rounds (half up, float noise allowed: 92.4999…
    computed is the 92.5 that prints as 93)."""
    assert claimed.value is not None
    return abs(exact - claimed.value) <= tolerance(claimed.decimals) + EPSILON


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# ---- recomputation --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """One value averaged into an objective or the index."""

    code: str
    value: float  # unrounded, uncapped
    source: str  # "recomputed" or "printed"


@dataclass(frozen=True, slots=True)
class Recomputed:
    value: float | None  # unrounded; None = not recomputable
    arithmetic: str  # how the value was obtained, or why it could not be
    basis: str = ""  # the rule applied ("ascendente, no acumulado")
    terms: tuple[Term, ...] = ()  # what a mean was taken over
    reading: str = ""  # which documented reading, the same name in every year ("already cumulative")


@dataclass(frozen=True, slots=True)
class Operands:
    """The printed values a progress is computed from: one year's, or several summed (acumulado)."""

    obtained_values: list[Value]
    expected_values: list[Value]
    note: str  # which aggregation rule was applied

    @property
    def obtained(self) -> float:
        return sum(v.value or 0.0 for v in self.obtained_values)

    @property
    def expected(self) -> float:
        return sum(v.value or 0.0 for v in self.expected_values)

    @property
    def obtained_text(self) -> str:
        return _sum_text(self.obtained_values)

    @property
    def expected_text(self) -> str:
        return _sum_text(self.expected_values)


def _sum_text(values: Sequence[Value]) -> str:
    """The printed text of a value, or of the sum of several: 7%, (5 + 10 + 15)."""
    texts = [v.raw for v in values]
    return texts[0] if len(texts) == 1 else "(" + " + ".join(texts) + ")"


Change = tuple[tuple[int, Value], tuple[int, Value]]  # (year, target) → (later year, other target)


def change_direction(change: Change) -> str:
    (_, before), (_, after) = change
    return ASCENDING if (after.value or 0) > (before.value or 0) else DESCENDING


def change_text(change: Change) -> str:
    (y0, before), (y1, after) = change
    trend = "rising" if change_direction(change) == ASCENDING else "falling"
    return f"{trend} targets {before.raw} ({y0}) → {after.raw} ({y1})"


def not_recomputable(reason: str) -> Recomputed:
    return Recomputed(None, reason)



def finding(
    rule: str,
    severity: Severity,
    message: str,
    row: Row | None = None,
    field: str = "",
    printed: str = "",
    recomputed: str = "",
    page: int = 0,
) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,
        message=message,
        code=row.code if row else "",
        field=field,
        printed=printed,
        recomputed=recomputed,
        page=page or (row.page if row else 0),
    )


def count_finding(
    rule: str, severity: Severity, message: str, field: str, printed: str, count: int, page: int
) -> Finding:
    """A finding about a count of rows rather than one row: `field` names group and column."""
    return finding(rule, severity, message, None, field, printed, str(count), page)
