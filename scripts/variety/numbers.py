"""Numbers as a report prints them, and back: rounding, separators, percentages.

Each generated report picks one `NumberStyle` (decimal point or comma, a thousands separator or
none) and prints every figure with it, the way a spreadsheet locale would.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float, decimals: int) -> Decimal:
    """Round as people and spreadsheets do (0.5 goes up), unlike Python's round()."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class NumberStyle:
    decimal: str = "."
    thousands: str = ","

    def fixed(self, value: float, decimals: int, group: bool = True) -> str:
        """'12345.678' at 1 decimal → '12,345.7' (or '12.345,7' with a decimal comma)."""
        text = f"{round_half_up(value, decimals):,.{decimals}f}"
        whole, _, frac = text.partition(".")
        whole = whole.replace(",", self.thousands if group else "")
        return f"{whole}{self.decimal}{frac}" if frac else whole

    def percent(self, value: float, decimals: int) -> str:
        return f"{self.fixed(value, decimals)}%"

    def parse(self, text: str) -> float | None:
        """A printed figure as a number: '1,850' → 1850, '52.3%' → 52.3, 'ND' / '' → None."""
        t = text.strip().rstrip("%").strip()
        if self.thousands:
            t = t.replace(self.thousands, "")
        t = t.replace(self.decimal, ".")
        try:
            return float(t)
        except ValueError:
            return None


def printed_decimals(text: str, style: NumberStyle) -> int:
    """How many decimals a printed figure shows ('52.30%' → 2, '1,850' → 0)."""
    t = text.strip().rstrip("%")
    return len(t.rsplit(style.decimal, 1)[1]) if style.decimal in t else 0


NUMBER_WORDS = {
    0: "ningún", 1: "un", 2: "dos", 3: "tres", 4: "cuatro", 5: "cinco", 6: "seis", 7: "siete",
    8: "ocho", 9: "nueve", 10: "diez", 11: "once", 12: "doce", 13: "trece", 14: "catorce",
    15: "quince", 16: "dieciséis", 17: "diecisiete", 18: "dieciocho", 19: "diecinueve",
    20: "veinte",
}  # fmt: skip
