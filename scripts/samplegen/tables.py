"""Narrative tables both samples print: the per-objective figures and the policy form."""

from __future__ import annotations

from collections.abc import Sequence

from samplegen.model import Block


def op_table(years: Sequence[str], progress_years: Sequence[str],
             body: list[list[str]]) -> Block:
    """The small per-objective table: N° | Logros esperados | Valores obtenidos | Avance."""
    n = 1 + 2 * len(years) + len(progress_years)
    head = ["N°", "Logros esperados", *[""] * (len(years) - 1), "Valores obtenidos",
            *[""] * (len(years) - 1), "Avance Tipo 1 (%)", *[""] * (len(progress_years) - 1)]
    sub = ["", *years, *years, *progress_years]
    k = len(years)
    spans = [((0, 0), (0, 1)), ((1, 0), (k, 0)), ((k + 1, 0), (2 * k, 0)),
             ((2 * k + 1, 0), (n - 1, 0))]
    rows = [head, sub] + [(r + [""] * n)[:n] for r in body]
    return Block("table", rows=rows, header_rows=2, spans=spans,
                 widths=[1.1] + [1.0] * (2 * k) + [1.4] * len(progress_years))


def form_table(title: str, pairs: Sequence[tuple[str, list[str]]], levels: Sequence[str]) -> Block:
    """Title row, label | value rows, and the implementation-level boxes after the 4th row."""
    n_level = max(len(levels), 1)
    n = 1 + n_level
    rows: list[list[str]] = [[title] + [""] * n_level]
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = [((0, 0), (n - 1, 0))]
    for label, values in pairs:
        if levels and label.startswith("Resumen"):
            rows.append(["", *levels, *[""] * (n_level - len(levels))])
        for k, value in enumerate(values or [""]):
            rows.append([label if k == 0 else "", value] + [""] * (n_level - 1))
            spans.append(((1, len(rows) - 1), (n - 1, len(rows) - 1)))
        if len(values) > 1:
            spans.append(((0, len(rows) - len(values)), (0, len(rows) - 1)))
    return Block("table", rows=rows, header_rows=1, spans=spans, widths=[1.5] + [0.6] * n_level,
                 left_columns=2)
