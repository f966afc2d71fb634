"""The report's rows with the lookups and recomputations every check shares."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable

from extractor.model import Report, Row
from extractor.reconcile.arithmetic import (
    Change,
    Operands,
    Recomputed,
    Term,
    capped,
    change_direction,
    change_text,
    differs,
    not_recomputable,
    plural,
)
from extractor.reconcile.settings import ASCENDING, DESCENDING, NEUTRAL, Settings
from extractor.rules import ALL, NOT_NUMERIC, normalize_label
from extractor.values import Value, parse_value

_PROGRESS_FIELD = re.compile(r"progress_(\d{4})")
# the names of the documented readings, the same in every year (a reading belongs to the row)
SUMMED = "summed as yearly flows"
OWN_YEAR = "already cumulative"
AS_PRINTED = "as printed"


class Matrix:
    """The report's rows with the lookups and recomputations the checks share (memoised)."""

    def __init__(self, report: Report, settings: Settings) -> None:
        self.report = report
        self.settings = settings
        self.rows = report.rows
        self.by_code = {row.code: row for row in self.rows if row.code}
        self.years = sorted(report.years)
        self.progress_years = sorted(report.progress_years) or sorted(
            int(m.group(1)) for c in report.columns if (m := _PROGRESS_FIELD.fullmatch(c))
        )
        self.report_year = max(self.progress_years or self.years or [0])
        self._memo: dict[tuple[str, int, int], Recomputed] = {}

    # -- row selections

    def indicators(self) -> list[Row]:
        return [r for r in self.rows if r.level in self.settings.indicator_levels]

    def objectives(self) -> list[Row]:
        return [r for r in self.rows if r.level == self.settings.objective_level]

    def is_index(self, row: Row) -> bool:
        return row.level in self.settings.index_levels or any(
            p.search(row.get("name")) for p in self.settings.index_names
        )

    def index_rows(self) -> list[Row]:
        return [r for r in self.rows if self.is_index(r)]

    def indicators_of(self, parent: str) -> list[Row]:
        return [r for r in self.indicators() if r.parent == parent]

    def service_number(self, row: Row) -> int | None:
        text = row.get(self.settings.service_column).strip()
        return int(text) if text.isdigit() else None

    def services(self) -> dict[int, list[Row]]:
        """Indicator rows by service number, in document order."""
        out: dict[int, list[Row]] = defaultdict(list)
        for row in self.indicators():
            number = self.service_number(row)
            if number is not None:
                out[number].append(row)
        return out

    def checked_years(self, row: Row) -> list[int]:
        """Progress years of a row that this family recomputes (`progress_years: last|all`)."""
        years = [y for y in self.progress_years if f"progress_{y}" in row.fields]
        return years if self.settings.all_progress_years else years[-1:]

    # -- indicator progress

    def _memoised(self, kind: str, row: Row, year: int, compute: Callable[[], Recomputed]) -> Recomputed:
        key = (kind, id(row), year)
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def indicator_progress(self, row: Row, year: int) -> Recomputed:
        """The indicator's progress in the reading that explains its printed figure, if one does
        (else the first documented reading)."""
        return self._memoised("indicator", row, year, lambda: self.explaining(row, year, self.indicator_readings))

    def indicator_readings(self, row: Row, year: int) -> list[Recomputed]:
        """Every documented reading of an indicator's progress. `acumulado` has two (see the
        methodology notes): the yearly values are flows summed up to the year, or the printed
        series is already cumulative and the year's own values give the progress."""
        direction, how = self.direction(row, year)
        if direction is None:
            return [not_recomputable(how)]
        readings = [self.progress_as(row, year, direction, how)]
        if self.is_cumulative(row):
            own = self.progress_as(row, year, direction, how, own_year=True)
            if own.value is not None and own.value != readings[0].value:
                readings.append(own)
        return readings

    def explaining(self, row: Row, year: int, readings_of: Callable[[Row, int], list[Recomputed]]) -> Recomputed:
        """The first reading that explains the printed figure, else the first reading. A year
        the matrix does not print is read the way the report year's printed figure is: a
        reading belongs to the row, not to one year."""
        readings = readings_of(row, year)
        chosen = [r for r in readings if r.reading in self.row_readings(row, year, readings_of)]
        return chosen[0] if chosen else readings[0]

    def row_readings(self, row: Row, year: int, readings_of: Callable[[Row, int], list[Recomputed]]) -> list[str]:
        """The names of the readings that explain the row's printed figure of the year, or of
        the report year when the year is not printed."""
        keys = self._explaining_keys(row, year, readings_of(row, year))
        if not keys and year != self.report_year and not parse_value(row.get(f"progress_{year}")).is_number:
            keys = self._explaining_keys(row, self.report_year, readings_of(row, self.report_year))
        return keys

    def _explaining_keys(self, row: Row, year: int, readings: list[Recomputed]) -> list[str]:
        printed = parse_value(row.get(f"progress_{year}"))
        if printed.value is None:
            return []
        cap = self.settings.cap_printed if row.level in self.settings.indicator_levels else None
        return [
            r.reading for r in readings if r.value is not None and not differs(capped(r.value, cap), printed)
        ]

    def progress_as(self, row: Row, year: int, direction: str, how: str, own_year: bool = False) -> Recomputed:
        """The progress of a year computed for a given direction (`how`: why that direction);
        `own_year`: an `acumulado` series read as already cumulative."""
        if direction == NEUTRAL:
            return not_recomputable(f"direction {how}: no known formula for a constant indicator")
        operands = self.operands(row, year, own_year)
        if isinstance(operands, str):
            return not_recomputable(operands)
        basis = f"{how}, {operands.note}"
        reading = (OWN_YEAR if own_year else SUMMED) if self.is_cumulative(row) else ""
        if direction == ASCENDING:
            if operands.expected == 0:
                return not_recomputable(
                    f"expected_{year} is 0: {operands.obtained_text} / {operands.expected_text} is a "
                    "division by zero, progress is not computed"
                )
            value = operands.obtained / operands.expected * 100
            arithmetic = f"{operands.obtained_text} / {operands.expected_text} × 100 = {value:.2f}"
            return Recomputed(value, arithmetic, basis, reading=reading)
        if operands.obtained == 0:
            return not_recomputable(f"obtained_{year} is 0 for a descending indicator")
        value = operands.expected / operands.obtained * 100
        arithmetic = f"{operands.expected_text} / {operands.obtained_text} × 100 = {value:.2f}"
        return Recomputed(value, arithmetic, basis, reading=reading)

    def direction(self, row: Row, year: int) -> tuple[str | None, str]:
        """The indicator's direction and how it was known (printed label or inferred)."""
        printed = row.get("direction")
        known = self.settings.directions.get(normalize_label(printed))
        if known:
            return known, printed
        if self.settings.infer_direction and self.settings.infer_over_series:
            return self.direction_from_series(row)
        if self.settings.infer_direction:
            return self.direction_from_targets(row, year)
        reason = f"direction {printed!r} is not a known {self.settings.direction_label}" if printed else ""
        if row.page in self.report.source.ocr_pages:
            read = self.direction_from_progress(row)
            if read[0] is not None:
                return read
        return None, reason or "no direction printed"

    def direction_from_progress(self, row: Row) -> tuple[str | None, str]:
        """On a scan, a direction label OCR lost or garbled ("escendente", a blank cell) is the
        one direction whose documented readings explain the printed progress of the report
        year; when both or neither do, it stays unknown."""
        year = self.report_year
        printed = parse_value(row.get(f"progress_{year}"))
        if printed.value is None:
            return None, ""
        cap = self.settings.cap_printed if row.level in self.settings.indicator_levels else None
        explaining = []
        for direction in (ASCENDING, DESCENDING):
            readings = [self.progress_as(row, year, direction, "")]
            if self.is_cumulative(row):
                readings.append(self.progress_as(row, year, direction, "", own_year=True))
            if any(r.value is not None and not differs(capped(r.value, cap), printed) for r in readings):
                explaining.append(direction)
        if len(explaining) != 1:
            return None, ""
        label = row.get("direction")
        lost = f"its {self.settings.direction_label} is read {label!r}" if label else "no direction is read"
        return explaining[0], f"{explaining[0]} (read from its printed progress_{year}: {lost} on the scan)"

    def direction_from_targets(self, row: Row, year: int) -> tuple[str | None, str]:
        """Falling targets mean descending, rising ascending (as CEPLAN's application does)."""
        current = parse_value(row.get(f"expected_{year}"))
        earlier = [parse_value(row.get(f"expected_{y}")) for y in self.years if y < year]
        earlier = [v for v in earlier if v.is_number] or [parse_value(row.get("baseline_value"))]
        previous = earlier[-1]
        if current.is_number and previous.is_number and current.value != previous.value:
            assert current.value is not None and previous.value is not None
            direction = ASCENDING if current.value > previous.value else DESCENDING
            return direction, f"{direction} (inferred: target {previous.raw} → {current.raw})"
        flat = self.settings.flat_targets_direction
        if flat:
            return flat, f"{flat} (assumed: the targets neither rise nor fall)"
        return None, "no direction printed and the targets neither rise nor fall"

    def target_changes(self, row: Row) -> list[Change]:
        """Successive printed targets that differ, in year order (the baseline is no target)."""
        series = numeric_series(self, row, "expected")
        return [(a, b) for a, b in itertools.pairwise(series) if a[1].value != b[1].value]

    def direction_from_series(self, row: Row) -> tuple[str | None, str]:
        """One direction for the whole indicator: the last change of its targets.

        This is what CEPLAN's PEI application does: an indicator whose targets rise and then
        fall to 0 (57 → 71 → 0) is computed as descending in every year.
        """
        changes = self.target_changes(row)
        if changes:
            direction = change_direction(changes[-1])
            return direction, f"{direction} (inferred from its {change_text(changes[-1])})"
        flat = self.settings.flat_targets_direction
        if flat:
            return flat, f"{flat} (assumed: the targets neither rise nor fall)"
        return None, "no direction printed and the targets neither rise nor fall"

    def opposite_reading(self, row: Row, year: int) -> tuple[Recomputed, Change] | None:
        """The progress under the other direction, for a direction inferred from targets that
        both rise and fall, with the change of the targets that supports the other reading."""
        if self.settings.directions.get(normalize_label(row.get("direction"))):
            return None  # a printed direction is not in doubt
        changes = self.target_changes(row)
        direction, _ = self.direction(row, year)
        if direction not in (ASCENDING, DESCENDING) or len({change_direction(c) for c in changes}) < 2:
            return None
        other = DESCENDING if direction == ASCENDING else ASCENDING
        support = [c for c in changes if change_direction(c) == other][-1]
        return self.progress_as(row, year, other, f"{other} (its {change_text(support)})"), support

    def is_cumulative(self, row: Row) -> bool:
        return normalize_label(row.get("aggregation")) in self.settings.cumulative

    def operands(self, row: Row, year: int, own_year: bool = False) -> Operands | str:
        """Obtained and expected values the progress is computed from, or why there are none."""
        obtained = parse_value(row.get(f"obtained_{year}"))
        expected = parse_value(row.get(f"expected_{year}"))
        missing = [
            f"{name}_{year} is {value.raw or 'empty'}"
            for name, value in (("obtained", obtained), ("expected", expected))
            if not value.is_number
        ]
        if missing:
            return " and ".join(missing)
        if own_year and self.is_cumulative(row):
            note = f"{row.get('aggregation')} (read as a series already cumulative: the year's own values)"
            return Operands([obtained], [expected], note)
        if not self.is_cumulative(row):
            aggregation = row.get("aggregation") or "the year's own values"
            return Operands([obtained], [expected], aggregation)
        pairs = [
            (y, o, e)
            for y in self.years
            if y <= year
            and (o := parse_value(row.get(f"obtained_{y}"))).is_number
            and (e := parse_value(row.get(f"expected_{y}"))).is_number
        ]
        years = ", ".join(str(y) for y, _, _ in pairs)
        note = f"{row.get('aggregation')} (read as yearly flows: sums over {years})"
        return Operands([o for _, o, _ in pairs], [e for _, _, e in pairs], note)

    # -- objective and index

    def objective_progress(self, row: Row, year: int) -> Recomputed:
        """The objective's progress in the reading that explains its printed figure, if any."""
        return self._memoised("objective", row, year, lambda: self.explaining(row, year, self.objective_readings))

    def objective_readings(self, row: Row, year: int) -> list[Recomputed]:
        """The mean of the indicators' recomputed progress, or of their printed figures (a report
        averages what it prints: an indicator printed wrong carries its own error, not its
        objective)."""
        readings = [self._objective(row, year, self._indicator_term)]
        printed = self._objective(row, year, self._printed_term)
        if printed.value is not None and printed.value != readings[0].value:
            readings.append(printed)
        return readings

    def _printed_term(self, row: Row, year: int) -> Term | None:
        printed = parse_value(row.get(f"progress_{year}"))
        return Term(row.code, printed.value, "printed") if printed.value is not None else None

    def _objective(self, row: Row, year: int, term_of: Callable[[Row, int], Term | None]) -> Recomputed:
        terms, skipped = [], []
        for child in self.indicators_of(row.code):
            term = term_of(child, year)
            if term is None:
                skipped.append(child.code)
            else:
                terms.append(term)
        if term_of == self._indicator_term:
            return self.objective_mean(row, year, terms, skipped)
        return self.objective_mean(row, year, terms, skipped, ", as printed", AS_PRINTED)

    def objective_mean(
        self, row: Row, year: int, terms: list[Term], skipped: list[str], how: str = "", reading: str = ""
    ) -> Recomputed:
        """An objective's progress from one value per indicator (`skipped`: those without one)."""
        if not terms:
            return not_recomputable(f"none of the indicators of {row.code} has a {year} progress")
        cap = self.settings.cap_when_averaging
        values = [capped(t.value, cap) for t in terms]
        value = sum(values) / len(values)
        listed = ", ".join(f"{t.code} {t.value:.2f} ({t.source})" for t in terms)
        cap_note = f", each capped at {cap:g}" if cap is not None else ""
        arithmetic = (
            f"mean of {listed}{cap_note}: ({' + '.join(f'{v:.2f}' for v in values)}) / "
            f"{len(values)} = {value:.3f}"
        )
        if skipped:
            arithmetic += f" (left out, no {year} progress: {', '.join(skipped)})"
        return Recomputed(value, arithmetic, "mean of the objective's indicators" + how, tuple(terms), reading)

    def _indicator_term(self, row: Row, year: int) -> Term | None:
        """The unrounded recomputed progress when there is one, else the printed value."""
        recomputed = self.indicator_progress(row, year)
        if recomputed.value is not None:
            return Term(row.code, recomputed.value, "recomputed")
        printed = parse_value(row.get(f"progress_{year}"))
        return Term(row.code, printed.value, "printed") if printed.value is not None else None

    def index_progress(self, row: Row, year: int) -> Recomputed:
        return self._memoised("index", row, year, lambda: self.explaining(row, year, self.index_readings))

    def index_readings(self, row: Row, year: int) -> list[Recomputed]:
        """The mean of the objectives' unrounded values (verified on trata-2024; the mean of the
        printed, rounded objectives is no documented reading), each objective in the reading
        that explains its own printed figure — when both of an objective's readings do (they
        differ by less than its rounding), the index is read with either."""
        first = self._index(row, year, self.objective_progress)
        last = self._index(row, year, self._last_explaining_objective)
        return [first] if last.terms == first.terms or last.value is None else [first, last]

    def _last_explaining_objective(self, row: Row, year: int) -> Recomputed:
        readings = self.objective_readings(row, year)
        printed = parse_value(row.get(f"progress_{year}"))
        explaining = [r for r in readings if r.value is not None and printed.value is not None
                      and not differs(r.value, printed)]
        return explaining[-1] if explaining else self.objective_progress(row, year)

    def _index(self, row: Row, year: int, objective_value: Callable[[Row, int], Recomputed]) -> Recomputed:
        terms = []
        for objective in self.objectives():
            recomputed = objective_value(objective, year)
            printed = parse_value(objective.get(f"progress_{year}"))
            if recomputed.value is not None:
                terms.append(Term(objective.code, recomputed.value, "recomputed"))
            elif printed.value is not None:
                terms.append(Term(objective.code, printed.value, "printed"))
        if not terms:
            return not_recomputable(f"no objective has a {year} progress")
        reading = "" if objective_value == self.objective_progress else "objectives in their other reading"
        return self.index_mean(terms, reading=reading)

    @staticmethod
    def index_mean(terms: list[Term], how: str = "", reading: str = "") -> Recomputed:
        """The index from one unrounded value per objective."""
        value = sum(t.value for t in terms) / len(terms)
        listed = ", ".join(f"{t.code} {t.value:.3f} ({t.source})" for t in terms)
        arithmetic = (
            f"mean of the objectives' unrounded values {listed}: "
            f"({' + '.join(f'{t.value:.3f}' for t in terms)}) / {len(terms)} = {value:.3f}"
        )
        return Recomputed(value, arithmetic, "mean of the objectives" + how, tuple(terms), reading)

    def printed_objectives_mean(self, year: int) -> str:
        """The index as it would come out of the printed, rounded objective values."""
        printed = [parse_value(o.get(f"progress_{year}")) for o in self.objectives()]
        printed = [v for v in printed if v.value is not None]
        if not printed:
            return ""
        mean = sum(v.value or 0.0 for v in printed) / len(printed)
        return f"({' + '.join(v.raw for v in printed)}) / {len(printed)} = {mean:.2f}"

    def figure(self, row: Row, field: str) -> Recomputed | None:
        """What the matrix recomputes for a printed progress figure of any kind of row."""
        m = _PROGRESS_FIELD.fullmatch(field)
        if m is None:
            return None
        year = int(m.group(1))
        if row.level in self.settings.indicator_levels:
            return self.indicator_progress(row, year)
        if self.settings.objective_rollup and row.level == self.settings.objective_level:
            return self.objective_progress(row, year)
        if self.settings.objective_rollup and self.is_index(row):
            return self.index_progress(row, year)
        return None

    # -- counts

    def columns_counting(self, printed: Value) -> list[str]:
        """The summary columns a row with this printed progress is counted in: the first range
        holding it (none: the `not_numeric` columns), and the columns counting every row."""
        columns = self.settings.summary_columns
        in_range = next((c.name for c in columns if printed.value is not None and c.holds(printed.value)), None)
        if in_range is None:
            return [c.name for c in columns if c.counts in (NOT_NUMERIC, ALL)]
        return [in_range] + [c.name for c in columns if c.counts == ALL]

    def tally(self, level: str, year: int) -> dict[str, list[Row]]:
        """Rows of a level by the summary columns their printed progress is counted in."""
        out: dict[str, list[Row]] = {c: [] for c in self.settings.count_columns}
        for row in self.rows:
            if row.level != level:
                continue
            for column in self.columns_counting(parse_value(row.get(f"progress_{year}"))):
                out[column].append(row)
        return out

    def level_of_group(self, group: str) -> str | None:
        return self.settings.summary_levels.get(normalize_label(group))

    def group_with_total(self, total: float | None) -> str | None:
        """The only summary group with this many rows (for counts that name no group)."""
        groups = [
            group
            for group, level in self._group_names().items()
            if total is not None and sum(r.level == level for r in self.rows) == total
        ]
        return groups[0] if len(groups) == 1 else None

    def _group_names(self) -> dict[str, str]:
        names = {normalize_label(s.group): s.group for s in self.report.summary}
        return {names.get(k, k): level for k, level in self.settings.summary_levels.items()}

    # -- narrative subjects

    def resolve(self, subject: str) -> tuple[Row | None, str]:
        """The row a claim's subject names, or why there is none."""
        if subject in self.by_code:
            return self.by_code[subject], ""
        pattern = self.settings.service_subject.pattern()
        m = pattern.fullmatch(subject) if pattern else None
        if m is None:
            return None, f"{subject or 'the subject'} is not a row of the matrix"
        number = int(m["number"])
        unit = f"{self.settings.unit_word} {number}"
        indicators = self.services().get(number, [])
        if not indicators:
            return None, f"the matrix has no {unit}"
        if m["indicator"]:
            k = int(m["indicator"])
            if 1 <= k <= len(indicators):
                return indicators[k - 1], ""
            return None, f"{unit} has only {plural(len(indicators), 'indicator')}"
        if len(indicators) == 1:
            return indicators[0], ""
        codes = ", ".join(r.code for r in indicators)
        return None, f"{unit} has {len(indicators)} indicators ({codes}); which one?"



def numeric_series(matrix: Matrix, row: Row, prefix: str) -> list[tuple[int, Value]]:
    values = [(y, parse_value(row.get(f"{prefix}_{y}"))) for y in matrix.years]
    return [(y, v) for y, v in values if v.value is not None]
