"""Printed cell text → numbers, keeping the text as printed next to the number."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

NOT_AVAILABLE = {"ND", "N.D.", "N/D", "NA", "S/D", "-", "—"}

_NUMBER = re.compile(
    r"""^(?P<sign>[-+]?)\s*
        (?P<num>\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?|[.,]\d+)
        \s*(?P<unit>%?)$""",
    re.X,
)


# The decimal separator of the document being read ("," or "."), when it is known: "1.081" is a
# thousand in a report that writes "47,9%", and 1.081 in one that writes "47.9%".
_DOCUMENT_DECIMAL: ContextVar[str | None] = ContextVar("document_decimal", default=None)
FIGURE_COLUMNS = ("baseline_value", "current_value", "expected_", "obtained_", "progress_")  # figure cells
_COMMA_DECIMAL = re.compile(r"^\d+,\d{1,2}%?$|\d\.\d{3},\d")
_POINT_DECIMAL = re.compile(r"^\d+\.\d{1,2}%?$|\d,\d{3}\.\d")


def document_decimal_separator(texts: Iterable[str]) -> str | None:
    """The decimal separator a document's figures use: the one written with one or two
    decimals ("47,9%", "52.30") or after a thousands group ("1.234,5") more often."""
    comma = point = 0
    for text in texts:
        t = text.strip()
        comma += bool(_COMMA_DECIMAL.search(t))
        point += bool(_POINT_DECIMAL.search(t))
    if comma == point:
        return None
    return "," if comma > point else "."


@contextmanager
def decimal_separator(sep: str | None) -> Iterator[None]:
    """Read ambiguous figures ("1.081") with this document's decimal separator."""
    token = _DOCUMENT_DECIMAL.set(sep or None)
    try:
        yield
    finally:
        _DOCUMENT_DECIMAL.reset(token)


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
    document = _DOCUMENT_DECIMAL.get()
    if document:
        if sep == document:
            return sep
        thousands_groups = 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
        return None if thousands_groups else sep
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
    if digits.count(".") > 1:  # the decimal separator twice ("279.306.1333", a scan's misread): no number
        return Value(raw, None, "?")
    number = float(digits)
    if m.group("sign") == "-":
        number = -number
    return Value(raw, number, m.group("unit"))


# What a value column's cell may hold (the family's `repair.value_grammar`): `value` a number, a
# percentage or ND; `year` four digits of a year or ND.
VALUE_GRAMMARS = ("value", "year")
_YEAR = re.compile(r"(?:1[89]|2\d)\d{2}")


def fits_grammar(text: str, grammar: str = "value") -> bool:
    """Whether a cell's text is a value of the column's grammar (see VALUE_GRAMMARS)."""
    value = parse_value(text)
    if grammar == "year":
        return value.unit == "ND" or bool(_YEAR.fullmatch(value.raw))
    return value.is_number or value.unit == "ND"
