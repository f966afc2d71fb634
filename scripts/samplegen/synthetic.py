"""Figures of a synthetic policy, drawn from a fixed seed and consistent by the CEPLAN methodology.

Every indicator gets a baseline, expected and obtained values per year; its progress, each
objective's progress (mean of its indicators, each capped at 100), the index and the summary
counts are computed from the printed values, so the rendered report agrees with itself.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Sequence

from samplegen.model import ReportData, row_columns
from samplegen.narrative import callout_notes, policy_narrative
from samplegen.paths import DATA
from samplegen.policies import (
    ACCUMULATED,
    DESCENDING,
    GuidelineSpec,
    IndicatorSpec,
    Kind,
    ObjectiveSpec,
    PolicySpec,
    load_policy,
)
from samplegen.printed import compute_summary, fmt_fixed, parse_number

SALUD_SPEC = DATA / "salud-2025.yaml"
# obtained / target in the progress year, per outcome of the spec (see policies.Outcome)
OUTCOME_FACTORS: dict[str, tuple[float, float]] = {
    "high": (0.97, 1.25), "above": (1.32, 2.4), "mid": (0.78, 0.93), "low": (0.25, 0.70),
    "on_target": (1.0, 1.0), "nd": (1.0, 1.0),
}  # fmt: skip

def fmt_value(value: float, kind: Kind, decimals: int) -> str:
    """A value as these reports print it: '45.2%', '12,430', '68.4'."""
    if kind == "count":
        return f"{round(value):,}"
    text = fmt_fixed(value, decimals)
    return f"{text}%" if kind == "pct" else text


def indicator_series(spec: IndicatorSpec, years: Sequence[int],
                     rng: random.Random) -> dict[str, str]:
    """Baseline, expected and obtained values of one indicator, printed."""
    descending = spec.direction == DESCENDING
    start_year = rng.choice((2020, 2020, 2020, 2021))
    pct_decimals = rng.choice((0, 1, 1))
    if spec.kind == "pct":
        base = rng.uniform(15, 45) if descending else rng.uniform(18, 55)
        step = rng.uniform(1.0, 3.0) if descending else rng.uniform(2.0, 5.0)
    elif spec.kind == "rate":
        base = rng.uniform(60, 130) if descending else rng.uniform(9, 18)
        step = rng.uniform(2.0, 6.0) if descending else rng.uniform(0.4, 1.2)
    else:
        base = math.exp(rng.uniform(math.log(120), math.log(16000)))
        step = base * rng.uniform(0.04, 0.12)
    sign = -1 if descending else 1
    values: dict[str, str] = {"baseline_year": str(start_year)}
    values["baseline_value"] = "ND" if rng.random() < 0.15 else fmt_value(base, spec.kind, 1)
    lo, hi = OUTCOME_FACTORS[spec.outcome]
    last = years[-1]
    for k, year in enumerate(years):
        target = max(base + sign * step * (k + 1), 1.0)
        if spec.kind == "count" and spec.aggregation == ACCUMULATED:
            target = base * rng.uniform(0.22, 0.3)  # yearly amounts of an accumulated count
        expected = fmt_value(target, spec.kind, pct_decimals)
        if year < start_year + 1:
            values[f"expected_{year}"] = values[f"obtained_{year}"] = "ND"
            continue
        values[f"expected_{year}"] = expected
        target = parse_number(expected) or target
        if year == last:
            factor = rng.uniform(lo, hi)
            if spec.outcome == "nd":
                values[f"obtained_{year}"] = "ND"
                continue
        else:
            if rng.random() < (0.3 if year == years[0] else 0.07):
                values[f"obtained_{year}"] = "ND"
                continue
            factor = rng.uniform(lo, hi) if spec.aggregation == ACCUMULATED else rng.uniform(0.8, 1.2)
        obtained = target / factor if descending else target * factor
        if spec.kind == "pct":
            obtained = min(obtained, 100.0)
        values[f"obtained_{year}"] = fmt_value(obtained, spec.kind, 1)
    return values


def indicator_progress(row: dict[str, str], years: Sequence[int], year: int) -> float | None:
    """Avance tipo 1 of an indicator row, from its printed values (see the methodology notes).

    ``acumulado`` uses the sums over the years up to ``year`` in which both values are printed.
    """
    expected = parse_number(row.get(f"expected_{year}", ""))
    obtained = parse_number(row.get(f"obtained_{year}", ""))
    if expected is None or obtained is None:
        return None
    if row["aggregation"] == ACCUMULATED:
        pairs = [(parse_number(row[f"expected_{y}"]), parse_number(row[f"obtained_{y}"]))
                 for y in years if y <= year]
        expected = sum(e for e, o in pairs if e is not None and o is not None)
        obtained = sum(o for e, o in pairs if e is not None and o is not None)
    if row["direction"] == DESCENDING:
        return expected / obtained * 100 if obtained else None
    return obtained / expected * 100 if expected else None


def objective_progress(indicators: Sequence[dict[str, str]], years: Sequence[int],
                       year: int) -> float | None:
    """Mean of the objective's indicators' progress, each capped at 100."""
    values = [p for r in indicators if (p := indicator_progress(r, years, year)) is not None]
    return sum(min(v, 100.0) for v in values) / len(values) if values else None


def empty_row(columns: Sequence[str], **cells: str) -> dict[str, str]:
    return {c: cells.get(c, "") for c in columns}


def make_salud_data(seed: int | None = None) -> ReportData:
    """The fictitious "Política Nacional Multisectorial de Salud Rural al 2030", report 2025."""
    return make_policy_data(load_policy(SALUD_SPEC), seed)


def make_policy_data(spec: PolicySpec, seed: int | None = None) -> ReportData:
    """Rows, summary, call-outs and narrative of a synthetic policy (``seed`` overrides the spec's)."""
    rng = random.Random(spec.seed if seed is None else seed)
    years, year = list(spec.years), spec.progress_year
    columns = row_columns(years, [year])
    rows: list[dict[str, str]] = []
    op_values: dict[str, tuple[float | None, float | None]] = {}
    service_numbers = itertools.count(1)
    for o, objective in enumerate(spec.objectives, start=1):
        op_code = f"OP.{o:02d}"
        op_rows, op_values[op_code] = objective_rows(op_code, objective, columns, years, year, rng)
        rows += op_rows
        for g, guideline in enumerate(objective.guidelines, start=1):
            rows += guideline_rows(f"LN.{o:02d}.{g:02d}", op_code, guideline, service_numbers, columns,
                                   years, year, rng)
    unrounded = [v for _, v in op_values.values() if v is not None]
    index_value = sum(unrounded) / len(unrounded)
    rows.append(empty_row(columns, level="INDEX", name="Índice de gestión de la política nacional",
                          **{f"progress_{year}": fmt_fixed(index_value, 1)}))
    data = ReportData(
        name=spec.name,
        title=spec.title,
        sector=spec.sector,
        conductor_ministry=spec.conductor_ministry,
        tipo=spec.tipo,
        years=list(years),
        progress_years=[year],
        rows=rows,
        summary=compute_summary(rows, f"progress_{year}"),
    )
    data.notes = callout_notes(data)
    data.narrative = policy_narrative(data, op_values, index_value, spec.form)
    return data


def objective_rows(op_code: str, objective: ObjectiveSpec, columns: Sequence[str], years: Sequence[int],
                   year: int, rng: random.Random) -> tuple[list[dict[str, str]], tuple[float | None, float | None]]:
    """The OP row and its IOP rows, and the objective's unrounded progress (previous year, year)."""
    op_row = empty_row(columns, code=op_code, level="OP", name=objective.name)
    iop_rows = []
    for i, indicator in enumerate(objective.indicators, start=1):
        iop = indicator_row(columns, f"IOP{op_code[2:]}.{i:02d}", "IOP", op_code, "", indicator, years, year, rng)
        iop["indicator_type"] = ""  # the report prints no type for objective indicators
        iop_rows.append(iop)
    op_now = objective_progress(iop_rows, years, year)
    op_row[f"progress_{year}"] = fmt_fixed(op_now, 1) if op_now is not None else "ND"
    return [op_row, *iop_rows], (objective_progress(iop_rows, years, year - 1), op_now)


def guideline_rows(ln_code: str, op_code: str, guideline: GuidelineSpec, service_numbers: Iterator[int],
                   columns: Sequence[str], years: Sequence[int], year: int,
                   rng: random.Random) -> list[dict[str, str]]:
    """The LN row, then each service's SS row and ISS rows; services are numbered across the policy."""
    rows = [empty_row(columns, code=ln_code, level="LN", parent=op_code, name=guideline.name)]
    for s, service in enumerate(guideline.services, start=1):
        service_no = str(next(service_numbers))
        ss_code = f"SS{ln_code[2:]}.{s:02d}"
        rows.append(empty_row(columns, code=ss_code, level="SS", parent=ln_code, service_no=service_no,
                              name=service.name))
        for k, indicator in enumerate(service.indicators, start=1):
            rows.append(indicator_row(columns, f"ISS{ss_code[2:]}.{k:02d}", "ISS", ss_code, service_no,
                                      indicator, years, year, rng))
    return rows


def indicator_row(columns: Sequence[str], code: str, level: str, parent: str, service_no: str,
                  spec: IndicatorSpec, years: Sequence[int], year: int,
                  rng: random.Random) -> dict[str, str]:
    row = empty_row(columns, code=code, level=level, parent=parent, service_no=service_no,
                    name=spec.name, responsible=spec.responsible,
                    indicator_type=spec.indicator_type, direction=spec.direction,
                    aggregation=spec.aggregation)
    row.update(indicator_series(spec, years, rng))
    progress = indicator_progress(row, years, year)
    # most reports print one decimal; a few cells come out of the spreadsheet with none
    decimals = 0 if rng.random() < 0.12 else 1
    row[f"progress_{year}"] = "ND" if progress is None else fmt_fixed(progress, decimals)
    return row
