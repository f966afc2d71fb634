"""The data handed to the renderer: matrix rows, call-out notes and narrative blocks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal[
    "title", "heading", "paragraph", "service", "bullet", "footnote", "rule", "label", "table"
]


@dataclass(slots=True)
class Block:
    """One piece of narrative: a paragraph-like text or a ruled table.

    Text may carry ``**bold**`` markers (as the seed dump does). A table is a grid of cell
    texts; ``spans`` are ``((col0, row0), (col1, row1))`` merges, ``header_rows`` are shaded
    and repeated when the table breaks across pages, ``widths`` are relative column widths, and
    the first ``left_columns`` columns are left-aligned (the others centred, like figures).
    """

    kind: BlockKind
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    header_rows: int = 0
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    left_columns: int = 1


@dataclass(slots=True)
class Note:
    """A call-out box printed near the matrix (e.g. "El servicio 27 … tiene un avance de 17%")."""

    text: str
    tag: str = ""  # small label printed beside the box, e.g. "S 27"


@dataclass(slots=True)
class NoteGroup:
    heading: str
    notes: list[Note]


@dataclass(slots=True)
class ReportData:
    """Everything printed in one report: matrix rows, page furniture and narrative.

    ``rows`` are dicts keyed by the contract's rows.csv column names (without ``page`` and
    ``repairs``); every value is the text exactly as printed.
    """

    name: str
    title: str
    sector: str
    conductor_ministry: str
    tipo: str
    years: list[int]
    progress_years: list[int]
    rows: list[dict[str, str]]
    summary: list[dict[str, str]]
    notes: list[NoteGroup] = field(default_factory=list)
    narrative: list[Block] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return row_columns(self.years, self.progress_years)


SUMMARY_COLUMNS = ["group", "low_0_75", "mid_75_95", "high_95", "nd", "total"]
SUMMARY_GROUPS = [
    "Objetivos prioritarios",
    "Indicadores de objetivos prioritarios",
    "Indicadores de servicios",
]
SUMMARY_LEVELS = {"OP": SUMMARY_GROUPS[0], "IOP": SUMMARY_GROUPS[1], "ISS": SUMMARY_GROUPS[2]}


def row_columns(years: Sequence[int], progress_years: Sequence[int]) -> list[str]:
    """The rows.csv columns of the policy-matrix family, without ``page`` and ``repairs``."""
    return [
        "code", "level", "parent", "service_no", "name", "responsible", "indicator_type",
        "direction", "aggregation", "baseline_year", "baseline_value",
        *(f"expected_{y}" for y in years),
        *(f"obtained_{y}" for y in years),
        *(f"progress_{y}" for y in progress_years),
    ]  # fmt: skip
