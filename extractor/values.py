"""Printed cell text → numbers, keeping the text as printed next to the number."""

from __future__ import annotations

import re
from dataclasses import dataclass

NOT_AVAILABLE = {"ND", "N.D.", "N/D", "NA", "S/D", "-", "—"}

_NUMBER = re.compile(
    r"""^(?P<sign>[-+]?)\s*
        (?P<num>\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?|[.,]\d+)
        \s*(?P<unit>%?)$""",
    re.X,
)


@dataclass(frozen=True, slots=True)
class Value:
    raw: str
    value: float | None
    unit: str  # "%", "" (a plain number), "ND" (not available) or "?" (unparseable)

    @property
    def is_number(self) -> bool:
        return self.value is not None

    @property
    def decimals(self) -> int:
        """Digits printed after the decimal separator (the printed precision)."""
        m = _NUMBER.match(self.raw.strip())
        if not m:
            return 0
        num = m.group("num")
        sep = _decimal_separator(num)
        return len(num.rsplit(sep, 1)[1]) if sep else 0

    def as_dict(self) -> dict[str, object]:
        return {"raw": self.raw, "value": self.value, "unit": self.unit}


def _decimal_separator(num: str) -> str | None:
    """Which of '.' and ',' is the decimal separator in a printed number, if any.

    "1,795" and "1.795" are thousands (exactly three digits after a single separator and a
    leading group of 1-3 digits is how these reports print counts); "7,5" is a decimal comma.
    When both appear, the last one is the decimal separator ("1.234,5", "1,234.5").
    """
    seps = [c for c in num if c in ".,"]
    if not seps:
        return None
    if len(set(seps)) == 2:
        return seps[-1]
    sep = seps[0]
    groups = num.split(sep)
    thousands = len(groups) > 2 or (
        len(groups) == 2 and len(groups[1]) == 3 and 1 <= len(groups[0]) <= 3 and groups[0] != "0"
    )
    # "1.795" could be 1.795 in a decimal-point report; percentages and shares never use a
    # thousands separator with three decimals in these reports, so a comma means thousands
    # and a point means thousands only when repeated ("1.234.567").
    if thousands and all(len(g) == 3 for g in groups[1:]) and (sep == "," or len(groups) > 2):
        return None
    return sep


def parse_value(text: str) -> Value:
    raw = " ".join(text.split())
    if not raw:
        return Value(raw, None, "")
    if raw.upper() in NOT_AVAILABLE:
        return Value(raw, None, "ND")
    m = _NUMBER.match(raw)
    if not m:
        return Value(raw, None, "?")
    num = m.group("num")
    sep = _decimal_separator(num)
    digits = num
    for c in ".,":
        if c != sep:
            digits = digits.replace(c, "")
    if sep:
        digits = digits.replace(sep, ".")
    number = float(digits)
    if m.group("sign") == "-":
        number = -number
    return Value(raw, number, m.group("unit"))
