"""Year-templated expectations run once over a long table instead of once per year column.

Great Expectations costs ~12 ms per expectation whatever the table's size, and a suite column
such as `progress_{year}__parses` expands to one expectation per year the report prints (up to
a dozen on a PEI printout). A row-wise expectation gives the same verdict on a cell wherever the
cell sits, so the year columns are stacked into one long column (year after year, each block
the table's rows in order), checked once, and the result is split back into one outcome per
year column, as if each had been checked on its own. Only expectations whose verdict on a row
depends on that row alone are stacked (no `mostly`, no uniqueness).

Imported by extractor/validate.py when the suites run (pandas is already loaded then).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from extractor.validate import POSITION, Outcome, _filled, _is_template, _strings

if TYPE_CHECKING:
    import pandas as pd

ROW_WISE = frozenset(
    {
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_null",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_not_match_regex",
        "expect_column_pair_values_to_be_equal",
    }
)
STACKED = "__stacked_"  # long-table column names: the templates may hold characters GE dislikes


@dataclass(frozen=True, slots=True)
class Stacked:
    """A templated suite expectation and the fills (`{"year": "2024"}`) it expands to."""

    expectation: dict[str, Any]
    position: int  # of its first expansion; expansion j sits at position + j
    fills: list[dict[str, str]]


def stackable(expectation: dict[str, Any], fills: list[dict[str, str]]) -> bool:
    kwargs = expectation.get("kwargs") or {}
    return expectation["type"] in ROW_WISE and "mostly" not in kwargs and len(fills) > 1


def long_table(frame: pd.DataFrame, stacked: list[Stacked]) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The long table of expectations sharing one list of fills, and them pointed at it."""
    import pandas as pd

    fills = stacked[0].fills
    templates = sorted({v for s in stacked for v in s.expectation["kwargs"].values() if _is_template(v)})
    names = {t: f"{STACKED}{i}" for i, t in enumerate(templates)}
    plain = set().union(*(_strings(_plain_kwargs(s.expectation)) for s in stacked))
    others = [c for c in frame.columns if c in plain]
    blocks = [
        pd.DataFrame({**{names[t]: frame[_filled(t, f)] for t in templates}, **{c: frame[c] for c in others}})
        for f in fills
    ]
    expectations = [
        s.expectation
        | {
            "kwargs": {k: names.get(v, v) if _is_template(v) else v for k, v in s.expectation["kwargs"].items()},
            "meta": (s.expectation.get("meta") or {}) | {POSITION: s.position},
        }
        for s in stacked
    ]
    return pd.concat(blocks, ignore_index=True), expectations


def _plain_kwargs(expectation: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in expectation["kwargs"].items() if not _is_template(v)}


def per_column(outcome: Outcome, stacked: Stacked, rows: int) -> list[tuple[int, Outcome]]:
    """The long table's outcome as one outcome per year column, rows numbered as in the table."""
    split = []
    for j, fill in enumerate(stacked.fills):
        kwargs = {k: _filled(v, fill) if _is_template(v) else v for k, v in stacked.expectation["kwargs"].items()}
        unexpected = outcome.unexpected
        if unexpected is not None:
            unexpected = [i - j * rows for i in unexpected if j * rows <= i < (j + 1) * rows]
        success = outcome.success if unexpected is None else not unexpected
        split.append(
            (stacked.position + j, dataclasses.replace(outcome, kwargs=kwargs, unexpected=unexpected, success=success))
        )
    return split
