"""What every producer prints, and how it may look: the report as tables and text, and a layout.

A producer (browser, office suite, reportlab) gets a `Document` — page furniture, the summary
table, the matrix with its two header rows, the narrative — and a `Layout` drawn from the seed:
fonts, sizes, letter spacing, padding, column widths, page size and orientation, repeated or
single header, merged or repeated group labels, where the summary table sits and whether its
group labels are left-aligned or centred.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

from variety.figures import band
from variety.narrative import Block, Narrative
from variety.policy import Policy

SummaryPosition = Literal["above", "beside", "below"]
LabelAlign = Literal["left", "center"]

FONTS = ["Liberation Sans", "DejaVu Sans", "Carlito", "Nimbus Sans", "Liberation Serif", "DejaVu Serif",
         "Liberation Sans Narrow", "DejaVu Sans Condensed", "URW Gothic"]
PAGES = {"A4": (595.3, 841.9), "Letter": (612.0, 792.0), "Legal": (612.0, 1008.0), "A3": (841.9, 1190.6)}

# header labels as different producers print them (the rules match them fuzzily)
LABELS = {
    "code": ["Código", "CÓDIGO", "Codigo"],
    "name": ["Objetivo prioritario / Lineamiento / Servicio / Indicador",
             "Objetivo Prioritario / Lineamiento / Servicio / Indicador",
             "OBJETIVO PRIORITARIO / LINEAMIENTO / SERVICIO / INDICADOR"],
    "responsible": ["Responsable de indicador", "Responsable del indicador", "Responsable"],
    "indicator_type": ["Tipo de indicador / Estándar de cumplimiento", "Tipo de indicador",
                       "Estándar de cumplimiento"],
    "direction": ["Sentido esperado", "Sentido esperado del indicador", "Sentido"],
    "aggregation": ["Tipo de agregación", "Tipo de Agregación", "Agregación"],
    "baseline": ["Línea base", "Línea Base", "LÍNEA BASE"],
    "expected": ["Logros esperados", "Logros Esperados", "Logro esperado", "Metas"],
    "obtained": ["Valores obtenidos", "Valores Obtenidos", "Valor obtenido"],
    "progress": ["Avance Tipo 1 (%)", "Avance tipo 1 (%)", "Avance Tipo 1", "Avance (%)"],
}
SINGLE = ["code", "name", "responsible", "indicator_type", "direction", "aggregation"]
SUMMARY_HEADER = ["", "[0-75%>", "[75-95%>", "≥ 95%", "ND", "Total"]
SEMAPHORE = {"low_0_75": "#e8534a", "mid_75_95": "#f5c342", "high_95": "#5cb85c", "nd": "#bfbfbf"}


@dataclass(frozen=True, slots=True)
class Layout:
    page: str = "A4"
    landscape: bool = True
    margin: float = 28.0  # pt
    font: str = "Liberation Sans"
    size: float = 6.5  # matrix cell text, pt
    header_size: float = 6.0
    text_size: float = 10.0  # narrative
    letter_spacing: float = 0.0  # em
    padding: float = 2.0  # pt
    name_share: float = 0.3  # share of the table width given to the name column
    header_repeats: bool = True
    merged_header: bool = True
    summary_position: SummaryPosition = "above"
    furniture_every_page: bool = True  # where the producer can repeat it
    rows_may_split: bool = False  # a row may break across pages
    values_align: str = "center"
    shade_objectives: bool = True
    summary_labels: LabelAlign = "left"  # the summary's group labels, left-aligned or centred in their column

    @property
    def page_size(self) -> tuple[float, float]:
        w, h = PAGES[self.page]
        return (h, w) if self.landscape else (w, h)


def draw_layout(rng: random.Random, n_columns: int) -> Layout:
    """A layout for a matrix of `n_columns` columns: wide matrices get landscape or larger pages."""
    page = rng.choice(["A4", "A4", "Letter", "Legal", "A3"])
    landscape = n_columns > 14 or rng.random() < 0.7
    size = rng.choice([5.5, 6.0, 6.5, 7.0, 7.5, 8.0])
    if page == "A3":
        size += 1.5
    if not landscape and page in ("A4", "Letter"):
        size = min(size, 6.0)
    return Layout(
        page=page, landscape=landscape, margin=rng.choice([14.0, 20.0, 28.0, 36.0]),
        font=rng.choice(FONTS), size=size, header_size=size - rng.choice([0.0, 0.5]),
        text_size=rng.choice([9.0, 10.0, 11.0]),
        letter_spacing=rng.choice([0.0, 0.0, 0.0, 0.02, 0.05, 0.12, -0.02]),
        padding=rng.choice([1.0, 2.0, 3.0, 4.0]), name_share=rng.uniform(0.22, 0.36),
        header_repeats=rng.random() < 0.75, merged_header=rng.random() < 0.75,
        summary_position=rng.choice(["above", "above", "beside", "below"]),
        furniture_every_page=rng.random() < 0.6, rows_may_split=rng.random() < 0.3,
        values_align=rng.choice(["center", "center", "right"]),
        shade_objectives=rng.random() < 0.7,
        summary_labels=rng.choice(["left", "left", "center"]),  # drawn last: earlier draws stay as they were
    )  # fmt: skip


@dataclass(slots=True)
class HeaderCell:
    text: str
    col: int
    row: int  # 0 or 1
    colspan: int = 1
    rowspan: int = 1


@dataclass(slots=True)
class Document:
    """Everything printed: furniture lines, the summary, the matrix (header + body), the text."""

    furniture: list[tuple[str, str]]
    summary: list[list[str]]
    roles: list[str]  # matrix columns, in print order
    header: list[HeaderCell]
    body: list[list[str]]
    levels: list[str]  # level of each body row (styling: objectives shaded, index bold)
    bands: list[str | None]  # semaphore of each body row's progress cells
    narrative: list[Block]
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def n_columns(self) -> int:
        return len(self.roles)


def build_document(policy: Policy, narrative: Narrative, rng: random.Random) -> Document:
    labels = {k: rng.choice(v) for k, v in LABELS.items()}
    roles = ["code", "name", *[c for c in policy.columns[policy.columns.index("name") + 1:]]]
    header = header_cells(policy, roles, labels)  # merged; a layout may print it unmerged
    body = [[row.get(role, "") for role in roles] for row in policy.rows]
    year = policy.report_year
    bands = [band(policy.numbers.parse(r.get(f"progress_{year}", ""))) if r.get(f"progress_{year}") else None
             for r in policy.rows]
    summary = [SUMMARY_HEADER] + [[s["group"], s["low_0_75"], s["mid_75_95"], s["high_95"], s["nd"], s["total"]]
                                  for s in policy.summary]
    furniture = [("Sector:", policy.sector), ("Ministerio conductor:", policy.ministry), ("Tipo:", policy.tipo)]
    return Document(furniture, summary, roles, header, body, [r["level"] for r in policy.rows], bands,
                    narrative.blocks, labels)


def header_cells(policy: Policy, roles: list[str], labels: dict[str, str]) -> list[HeaderCell]:
    """Two header rows: single labels span both; groups span their year (or Año / Valor) cells."""
    cells = [HeaderCell(labels[r], roles.index(r), 0, rowspan=2) for r in SINGLE]
    groups = [("baseline", ["baseline_year", "baseline_value"], ["Año", "Valor"]),
              ("expected", [f"expected_{y}" for y in policy.years], [str(y) for y in policy.years]),
              ("obtained", [f"obtained_{y}" for y in policy.years], [str(y) for y in policy.years]),
              ("progress", [f"progress_{y}" for y in policy.progress_years], [str(y) for y in policy.progress_years])]
    for key, members, subs in groups:
        first = roles.index(members[0])
        cells.append(HeaderCell(labels[key], first, 0, colspan=len(members)))
        cells += [HeaderCell(s, roles.index(m), 1) for m, s in zip(members, subs, strict=True)]
    return cells


def unmerged(header: list[HeaderCell]) -> list[HeaderCell]:
    """The same header without merged group cells: each column repeats its group's label."""
    out = []
    for cell in header:
        if cell.row == 0 and cell.colspan > 1:
            out += [HeaderCell(cell.text, cell.col + k, 0) for k in range(cell.colspan)]
        else:
            out.append(cell)
    return out
