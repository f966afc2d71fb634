#!/usr/bin/env python3
"""Render a series of yearly reports of one policy, with known changes between the years.

The policy is the sample generator's consistent "salud" policy under another sector (so it never
groups with samples/salud-2025.pdf). Report Y prints the years up to Y and the progress of Y,
recomputed from the printed values; between two reports a few printed figures change on
purpose. `render_series` returns those changes, so a test can check that the corpus mode finds
them all, and nothing else (a figure reprinted in another format, 152 → 152.00, is no change).

    .venv/bin/python scripts/make_series.py OUT_FOLDER [--seed N] [--years 2023 2024 2025]
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FIRST_YEAR = 2021
DEFAULT_YEARS = (2023, 2024, 2025)


@dataclass(frozen=True, slots=True)
class KnownChange:
    rule: str
    code: str
    field: str
    from_year: int
    to_year: int


@dataclass(frozen=True, slots=True)
class Edit:
    """A change made from report `year` on: `apply(rows, columns)` edits that report's rows."""

    year: int
    change: KnownChange | None  # None: a change of print format only, which must not be found
    apply: Callable[[list[dict[str, str]]], None]


def load_generator() -> Any:
    """The sample generator's functions (the scripts/samplegen package, beside this file)."""
    scripts = str(REPO / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    import samplegen
    from samplegen import model, printed, synthetic

    return SimpleNamespace(
        make_salud_data=samplegen.make_salud_data,
        render_report=samplegen.render_report,
        row_columns=model.row_columns,
        compute_summary=printed.compute_summary,
        fmt_fixed=printed.fmt_fixed,
        indicator_progress=synthetic.indicator_progress,
        objective_progress=synthetic.objective_progress,
    )


def render_series(folder: Path, seed: int = 7, years: Sequence[int] = DEFAULT_YEARS, sector: str = "10: EDUCACION",
                  ministry: str = "010: M. DE EDUCACION", stem: str = "educacion") -> list[KnownChange]:
    """Write <stem>-<year>.pdf for each year; return the changes a comparison must find."""
    ms = load_generator()
    base = ms.make_salud_data(seed)
    edits = plan_edits(base.rows, years, random.Random(seed))
    for year in years:
        data = report_for_year(ms, base, year, [e for e in edits if e.year <= year])
        data.sector, data.conductor_ministry, data.name = sector, ministry, f"{stem}-{year}"
        data.title = data.title.replace("Salud Rural", f"{stem.title()} (serie)")
        ms.render_report(data, folder / f"{stem}-{year}.pdf")
    return [e.change for e in edits if e.change is not None]


def report_for_year(ms: Any, base: Any, year: int, edits: Sequence[Edit]) -> Any:
    """The report of `year`: the years up to it, its progress recomputed, the edits made so far."""
    years = [y for y in base.years if y <= year]
    rows = copy.deepcopy(base.rows)
    for edit in edits:
        edit.apply(rows)
    columns = ms.row_columns(years, [year])
    rows = [{c: row.get(c, "") for c in columns} for row in rows]
    _recompute_progress(ms, rows, years, year)
    data = copy.copy(base)
    data.years, data.progress_years, data.rows = years, [year], rows
    data.summary = ms.compute_summary(rows, f"progress_{year}")
    data.notes, data.narrative = [], []
    return data


def _recompute_progress(ms: Any, rows: list[dict[str, str]], years: list[int], year: int) -> None:
    column = f"progress_{year}"
    objectives: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        if row["level"] in ("IOP", "ISS"):
            progress = ms.indicator_progress(row, years, year)
            row[column] = "ND" if progress is None else ms.fmt_fixed(progress, 1)
        if row["level"] == "IOP":
            objectives.setdefault(row["parent"], []).append(row)
    unrounded = []
    for row in rows:
        if row["level"] == "OP":
            value = ms.objective_progress(objectives.get(row["code"], []), years, year)
            row[column] = "ND" if value is None else ms.fmt_fixed(value, 1)
            if value is not None:
                unrounded.append(value)
        elif row["level"] == "INDEX" and unrounded:
            row[column] = ms.fmt_fixed(sum(unrounded) / len(unrounded), 1)


def plan_edits(rows: list[dict[str, str]], years: Sequence[int], rng: random.Random) -> list[Edit]:
    """One change of each kind the corpus mode must find, spread over the series' years."""
    first, second = years[1], years[2] if len(years) > 2 else years[1]
    before, middle = years[0], years[1]
    indicators = [r["code"] for r in rows if r["level"] == "ISS"]
    picks = iter(rng.sample(indicators, len(indicators)))

    def numeric(column: str) -> str:
        for code in picks:
            row = _row(rows, code)
            if _number(row.get(column, "")) is not None and not row.get(column, "").endswith("%"):
                return code
        raise ValueError(f"no indicator prints a number in {column}")

    restated, reformatted = numeric(f"obtained_{FIRST_YEAR + 1}"), numeric(f"obtained_{FIRST_YEAR}")
    target_code = numeric(f"expected_{before}")
    baseline_code, renamed = numeric("baseline_value"), next(picks)
    dropped = _last_of_a_service(rows, exclude={restated, reformatted, target_code, baseline_code, renamed})
    added = _next_code_after(rows, dropped)
    return [
        Edit(first, KnownChange("value_restated", restated, f"obtained_{FIRST_YEAR + 1}", before, first),
             _scale(restated, f"obtained_{FIRST_YEAR + 1}", 1.25)),
        Edit(first, None, _reprint_two_decimals(reformatted, f"obtained_{FIRST_YEAR}")),
        Edit(first, KnownChange("target_changed", target_code, f"expected_{before}", before, first),
             _scale(target_code, f"expected_{before}", 0.8)),
        Edit(first, KnownChange("indicator_added", added, "code", before, first), _add_after(dropped, added)),
        Edit(second, KnownChange("baseline_changed", baseline_code, "baseline_value", middle, second),
             _scale(baseline_code, "baseline_value", 1.5)),
        Edit(second, KnownChange("indicator_renamed", renamed, "name", middle, second),
             _set(renamed, "name", lambda name: f"{name} (indicador reformulado)")),
        Edit(second, KnownChange("indicator_dropped", dropped, "code", middle, second), _drop(dropped)),
    ]


def _row(rows: list[dict[str, str]], code: str) -> dict[str, str]:
    return next(r for r in rows if r["code"] == code)


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", "").rstrip("%"))
    except ValueError:
        return None


def _last_of_a_service(rows: list[dict[str, str]], exclude: set[str]) -> str:
    """The last indicator of a service with two or more (so the numbering stays whole)."""
    services: dict[str, list[str]] = {}
    for row in rows:
        if row["level"] == "ISS":
            services.setdefault(row["parent"], []).append(row["code"])
    for codes in services.values():
        if len(codes) >= 2 and codes[-1] not in exclude:
            return codes[-1]
    raise ValueError("no service has two indicators")


def _next_code_after(rows: list[dict[str, str]], code: str) -> str:
    head, last = code.rsplit(".", 1)
    return f"{head}.{int(last) + 1:02d}"


def _scale(code: str, column: str, factor: float) -> Callable[[list[dict[str, str]]], None]:
    def apply(rows: list[dict[str, str]]) -> None:
        row = _row(rows, code)
        value = _number(row[column])
        assert value is not None
        row[column] = f"{round(value * factor):,}" if "," in row[column] or "." not in row[column] else (
            f"{value * factor:.1f}")
    return apply


def _reprint_two_decimals(code: str, column: str) -> Callable[[list[dict[str, str]]], None]:
    def apply(rows: list[dict[str, str]]) -> None:
        row = _row(rows, code)
        value = _number(row[column])
        assert value is not None
        row[column] = f"{value:,.2f}"
    return apply


def _set(code: str, column: str, change: Callable[[str], str]) -> Callable[[list[dict[str, str]]], None]:
    def apply(rows: list[dict[str, str]]) -> None:
        row = _row(rows, code)
        row[column] = change(row[column])
    return apply


def _add_after(sibling: str, code: str) -> Callable[[list[dict[str, str]]], None]:
    def apply(rows: list[dict[str, str]]) -> None:
        at = next(i for i, r in enumerate(rows) if r["code"] == sibling)
        new = dict(rows[at], code=code, name=f"Porcentaje de establecimientos con servicio nuevo {code}")
        rows.insert(at + 1, new)
    return apply


def _drop(code: str) -> Callable[[list[dict[str, str]]], None]:
    def apply(rows: list[dict[str, str]]) -> None:
        rows[:] = [r for r in rows if r["code"] != code]
    return apply


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--years", type=int, nargs="+", default=list(DEFAULT_YEARS))
    args = parser.parse_args()
    for change in render_series(args.folder, args.seed, args.years):
        print(change)
    return 0


if __name__ == "__main__":
    sys.exit(main())
