"""Numbers as the reports print them, and the summary counts derived from printed progress."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from samplegen.model import SUMMARY_GROUPS, SUMMARY_LEVELS


def parse_number(text: str) -> float | None:
    """A printed cell as a number: '1,795' → 1795, '6.39%' → 6.39, 'ND' / '' → None.

    The samples print thousands with ',' and decimals with '.', so that is all this reads.
    """
    t = text.strip().rstrip("%").replace(",", "")
    try:
        return float(t)
    except ValueError:
        return None


def band(printed: str) -> str:
    """Summary column of a printed progress value: low / mid / high (ranges of the report) or nd."""
    value = parse_number(printed)
    if value is None:
        return "nd"
    if value < 75:
        return "low"
    return "mid" if value < 95 else "high"


def round_half_up(value: float, decimals: int = 0) -> Decimal:
    """Round the way people do (and Excel prints): 0.5 goes up, unlike Python's round()."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def fmt_fixed(value: float, decimals: int) -> str:
    return f"{round_half_up(value, decimals):.{decimals}f}"


def compute_summary(rows: Iterable[dict[str, str]], progress_col: str) -> list[dict[str, str]]:
    """The summary-counts table, counted from the printed progress of OP, IOP and ISS rows."""
    counts = {g: {"low": 0, "mid": 0, "high": 0, "nd": 0} for g in SUMMARY_GROUPS}
    for row in rows:
        group = SUMMARY_LEVELS.get(row["level"])
        if group:
            counts[group][band(row[progress_col])] += 1
    return [
        {
            "group": g,
            "low_0_75": str(c["low"]),
            "mid_75_95": str(c["mid"]),
            "high_95": str(c["high"]),
            "nd": str(c["nd"]),
            "total": str(sum(c.values())),
        }
        for g, c in counts.items()
    ]
