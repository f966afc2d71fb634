"""Which documented reading explains a printed figure, when the row's first reading does not.

An indicator has one reading per documented rule (`acumulado`: summed as yearly flows, or
already cumulative). An objective is the mean of its indicators and the index the mean of its
objectives, so theirs are the choices of one reading per term: an objective for a year the
matrix does not print may average an `acumulado` indicator read either way, and an index may take
an objective in any reading that explains the objective's own printed figure. A figure is
explained when some such choice gives it within its rounding; `explain` returns that reading, or
None when no documented reading does (the figure is then an error or a warning).
"""

from __future__ import annotations

from extractor.model import Row
from extractor.reconcile.arithmetic import EPSILON, Recomputed, Term, capped, differs, tolerance
from extractor.reconcile.combinations import every_choice, mean_within
from extractor.reconcile.matrix import Matrix
from extractor.values import Value, parse_value

COMBINATION = "a documented reading per term"


def explain(matrix: Matrix, row: Row, year: int, target: Value) -> Recomputed | None:
    """A documented reading of the row's `year` progress that `target` (a printed figure, or the
    text's) rounds, or None."""
    settings = matrix.settings
    if target.value is None:
        return None
    if row.level in settings.indicator_levels:
        cap = settings.cap_printed
        return next((r for r in indicator_candidates(matrix, row, year)
                     if r.value is not None and not differs(capped(r.value, cap), target)), None)
    if settings.objective_rollup and row.level == settings.objective_level:
        return _first_agreeing(matrix.objective_readings(row, year), target) or objective_combination(
            matrix, row, year, target)
    if settings.objective_rollup and matrix.is_index(row):
        return _first_agreeing(matrix.index_readings(row, year), target) or index_combination(
            matrix, row, year, target)
    return None


def _first_agreeing(readings: list[Recomputed], target: Value) -> Recomputed | None:
    return next((r for r in readings if r.value is not None and not differs(r.value, target)), None)


def _window(target: Value) -> tuple[float, float]:
    assert target.value is not None
    half = tolerance(target.decimals) + EPSILON
    return target.value - half, target.value + half


# ---- indicators ------------------------------------------------------------------------------


def indicator_candidates(matrix: Matrix, row: Row, year: int) -> list[Recomputed]:
    """The readings an indicator may enter a mean with for a year: those that explain its
    printed figure; for a year it does not print, those that explain the report year's (a
    reading belongs to the row); else — nothing printed, or nothing explained — every reading."""
    readings = [r for r in matrix.indicator_readings(row, year) if r.value is not None]
    keys = matrix.row_readings(row, year, matrix.indicator_readings)
    return [r for r in readings if r.reading in keys] or readings


def _term_source(reading: Recomputed) -> str:
    return f"recomputed, {reading.reading}" if reading.reading else "recomputed"


def objective_choices(matrix: Matrix, row: Row, year: int) -> tuple[list[list[Term]], list[str]]:
    """For each indicator of an objective, the values it may be averaged with; and the
    indicators without any."""
    choices, skipped = [], []
    for child in matrix.indicators_of(row.code):
        terms = [Term(child.code, r.value, _term_source(r)) for r in indicator_candidates(matrix, child, year)
                 if r.value is not None]
        printed = parse_value(child.get(f"progress_{year}"))
        if not terms and printed.value is not None:
            terms = [Term(child.code, printed.value, "printed")]
        if terms:
            choices.append(terms)
        else:
            skipped.append(child.code)
    return choices, skipped


# ---- objectives ------------------------------------------------------------------------------


def objective_combination(matrix: Matrix, row: Row, year: int, target: Value) -> Recomputed | None:
    """The objective read with one documented reading per indicator, giving `target`."""
    choices, skipped = objective_choices(matrix, row, year)
    if all(len(c) == 1 for c in choices):
        return None  # one choice only: the objective's first reading, already compared
    cap = matrix.settings.cap_when_averaging
    pick = mean_within([[capped(t.value, cap) for t in c] for c in choices], *_window(target))
    if pick is None:
        return None
    terms = [c[i] for c, i in zip(choices, pick, strict=True)]
    result = matrix.objective_mean(row, year, terms, skipped, ", each in a documented reading", COMBINATION)
    return result if result.value is not None and not differs(result.value, target) else None


def objective_values(matrix: Matrix, row: Row, year: int) -> list[Term]:
    """The unrounded values an objective may enter the index with: its readings and every
    choice of its indicators' readings, kept to those its printed figure rounds (all of them
    when it prints none, or none of them agrees: the objective then carries its own error)."""
    values = [Term(row.code, r.value, "recomputed" if not r.reading else r.reading)
              for r in matrix.objective_readings(row, year) if r.value is not None]
    choices, _ = objective_choices(matrix, row, year)
    if any(len(c) > 1 for c in choices):
        cap = matrix.settings.cap_when_averaging
        for pick in every_choice([[capped(t.value, cap) for t in c] for c in choices]):
            terms = [c[i] for c, i in zip(choices, pick, strict=True)]
            mean = sum(capped(t.value, cap) for t in terms) / len(terms)
            read = ", ".join(f"{t.code} {t.source.removeprefix('recomputed, ')}" for t in terms
                             if t.source.startswith("recomputed, "))
            values.append(Term(row.code, mean, f"recomputed, {read}" if read else "recomputed"))
    printed = parse_value(row.get(f"progress_{year}"))
    if not values and printed.value is not None:
        return [Term(row.code, printed.value, "printed")]
    if printed.value is None:
        return values
    return [t for t in values if not differs(t.value, printed)] or values


# ---- the index -------------------------------------------------------------------------------


def index_combination(matrix: Matrix, row: Row, year: int, target: Value) -> Recomputed | None:
    """The index read with each objective in one of the readings that explain it, giving `target`."""
    choices = [c for o in matrix.objectives() if (c := objective_values(matrix, o, year))]
    if not choices or all(len(c) == 1 for c in choices):
        return None
    pick = mean_within([[t.value for t in c] for c in choices], *_window(target))
    if pick is None:
        return None
    result = matrix.index_mean([c[i] for c, i in zip(choices, pick, strict=True)],
                               ", each objective in a documented reading", COMBINATION)
    return result if result.value is not None and not differs(result.value, target) else None
