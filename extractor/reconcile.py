"""Recompute every printed figure and say, with checkable arithmetic, where the report disagrees.

Checks, each a `Finding` whose message carries its arithmetic:
- `progress_mismatch`: an indicator's printed progress vs obtained/expected (or expected/obtained
  for descending indicators), within half a unit of the last printed digit;
- `op_progress_mismatch`, `index_mismatch`: an objective vs the mean of its indicators (capped),
  the policy index vs the mean of the objectives' unrounded values;
- `summary_count_mismatch`: the printed counts table vs the rows' printed progress;
- `narrative_mismatch`: a figure stated in the text (`narrative.py`) vs the matrix;
- `implausible_value`, `target_design`: warnings about values and targets that make no sense;
- `progress_not_recomputable`, `narrative_unattributed`, …: info, never an error.

Everything a report family does its own way (caps, which years, directions, bands, thresholds) is
read from the `reconcile:` section of its rules file. The stage is pure: the report is not touched.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from extractor.model import Finding, Report, Row, Severity, SummaryRow
from extractor.narrative import UNATTRIBUTED, Claim, parse_claims
from extractor.rules import Rules, normalize_label
from extractor.values import Value, parse_value

ASCENDING, DESCENDING, NEUTRAL = "ascending", "descending", "neutral"
EPSILON = 1e-9  # float noise allowed on top of the rounding tolerance
LISTED_MEMBERS = 12  # a recount lists the rows it counted when there are at most this many
_PROGRESS_FIELD = re.compile(r"progress_(\d{4})")
_SERVICE_SUBJECT = re.compile(r"S\.(\d{1,3})(?:\.(\d{1,2}))?")


# ---- settings from the rules file -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Band:
    column: str  # summary column it is counted in
    below: float | None  # exclusive upper bound; None = no bound
    label: str


@dataclass(frozen=True, slots=True)
class Settings:
    indicator_levels: frozenset[str]
    objective_level: str
    index_levels: frozenset[str]
    index_names: tuple[re.Pattern[str], ...]
    service_column: str
    all_progress_years: bool
    cap_printed: float | None
    cap_when_averaging: float | None
    objective_rollup: bool
    summary_counts: bool
    infer_direction: bool
    infer_over_series: bool  # one direction per indicator, from its targets' last change
    mixed_targets: Severity | None  # agrees only under a direction inferred from mixed targets
    not_recomputable_number: Severity | None  # a figure printed where no progress can be computed
    not_recomputable_other: Severity | None  # ND or nothing printed there
    flat_targets_direction: str | None
    directions: Mapping[str, str]  # normalised label → ascending/descending/neutral
    cumulative: frozenset[str]
    bands: tuple[Band, ...]
    nd_column: str
    total_column: str
    summary_levels: Mapping[str, str]  # normalised group name → level
    percent_names: tuple[re.Pattern[str], ...]
    percent_max: float | None
    jump_ratio: float | None
    falling_targets: bool

    @property
    def count_columns(self) -> list[str]:
        return [b.column for b in self.bands] + [self.nd_column, self.total_column]

    @classmethod
    def from_rules(cls, rules: Rules) -> Settings:
        codes = rules.raw.get("codes", {})
        section = rules.section("reconcile")
        implausible = section.get("implausible") or {}
        not_recomputable = section.get("not_recomputable") or {}
        directions = {
            normalize_label(label): canonical
            for canonical, labels in (section.get("directions") or {}).items()
            for label in labels
        }
        flat = section.get("flat_targets_direction")
        named = codes.get("named_rows", [])
        return cls(
            indicator_levels=frozenset(codes.get("indicator_levels", [])),
            objective_level=codes.get("objective_level", ""),
            index_levels=frozenset(n["level"] for n in named),
            index_names=tuple(re.compile(n["name_pattern"], re.I) for n in named),
            service_column=(codes.get("numbering") or {}).get("column", "service_no"),
            all_progress_years=section.get("progress_years", "last") == "all",
            cap_printed=section.get("cap_printed"),
            cap_when_averaging=section.get("cap_when_averaging"),
            objective_rollup=bool(section.get("objective_rollup", False)),
            summary_counts=bool(section.get("summary_counts", False)),
            infer_direction=bool(section.get("infer_direction_from_targets", False)),
            infer_over_series=section.get("infer_direction_over", "year") == "series",
            mixed_targets=section.get("mixed_targets"),
            not_recomputable_number=not_recomputable.get("number", "info"),
            not_recomputable_other=not_recomputable.get("other", "info"),
            flat_targets_direction=directions.get(normalize_label(flat), flat) if flat else None,
            directions=directions,
            cumulative=frozenset(normalize_label(c) for c in section.get("cumulative", [])),
            bands=tuple(
                Band(b["column"], b.get("below"), b.get("label", b["column"]))
                for b in section.get("bands", [])
            ),
            nd_column=section.get("nd_column", "nd"),
            total_column=section.get("total_column", "total"),
            summary_levels={
                normalize_label(g): lvl for g, lvl in (section.get("summary_levels") or {}).items()
            },
            percent_names=tuple(re.compile(p) for p in implausible.get("percent_names", [])),
            percent_max=implausible.get("percent_max"),
            jump_ratio=implausible.get("jump_ratio"),
            falling_targets=bool(implausible.get("falling_targets", False)),
        )


# ---- numbers --------------------------------------------------------------------------------


def rounded(x: float, decimals: int) -> Decimal:
    """Half-up rounding, as the reports round (Python's round() is half-even on binary floats)."""
    return Decimal(f"{x:.9f}").quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def tolerance(decimals: int) -> float:
    return 0.5 * 10.0**-decimals


def tolerance_text(decimals: int) -> str:
    if decimals == 0:
        return "±0.5 for an integer"
    places = "one printed decimal" if decimals == 1 else f"{decimals} printed decimals"
    return f"±{tolerance(decimals):.{decimals + 1}f} for {places}"


def differs(recomputed: float, printed: Value) -> bool:
    assert printed.value is not None
    return abs(recomputed - printed.value) > tolerance(printed.decimals) + EPSILON


def capped(value: float, cap: float | None) -> float:
    return value if cap is None else min(value, cap)


def agrees_with_printed(claimed: Value, printed: Value) -> bool:
    """Two printed figures agree when equal at the coarser of their two precisions."""
    assert claimed.value is not None and printed.value is not None
    decimals = min(claimed.decimals, printed.decimals)
    return rounded(claimed.value, decimals) == rounded(printed.value, decimals)


def agrees_with_exact(claimed: Value, exact: float) -> bool:
    assert claimed.value is not None
    return rounded(exact, claimed.decimals) == rounded(claimed.value, claimed.decimals)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# ---- recomputation --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """One value averaged into an objective or the index."""

    code: str
    value: float  # unrounded, uncapped
    source: str  # "recomputed" or "printed"


@dataclass(frozen=True, slots=True)
class Recomputed:
    value: float | None  # unrounded; None = not recomputable
    arithmetic: str  # how the value was obtained, or why it could not be
    basis: str = ""  # the rule applied ("ascendente, no acumulado")
    terms: tuple[Term, ...] = ()  # what a mean was taken over


@dataclass(frozen=True, slots=True)
class Operands:
    """The printed values a progress is computed from: one year's, or several summed (acumulado)."""

    obtained_values: list[Value]
    expected_values: list[Value]
    note: str  # which aggregation rule was applied

    @property
    def obtained(self) -> float:
        return sum(v.value or 0.0 for v in self.obtained_values)

    @property
    def expected(self) -> float:
        return sum(v.value or 0.0 for v in self.expected_values)

    @property
    def obtained_text(self) -> str:
        return _sum_text(self.obtained_values)

    @property
    def expected_text(self) -> str:
        return _sum_text(self.expected_values)


def _sum_text(values: Sequence[Value]) -> str:
    """The printed text of a value, or of the sum of several: 7%, (5 + 10 + 15)."""
    texts = [v.raw for v in values]
    return texts[0] if len(texts) == 1 else "(" + " + ".join(texts) + ")"


Change = tuple[tuple[int, Value], tuple[int, Value]]  # (year, target) → (later year, other target)


def change_direction(change: Change) -> str:
    (_, before), (_, after) = change
    return ASCENDING if (after.value or 0) > (before.value or 0) else DESCENDING


def change_text(change: Change) -> str:
    (y0, before), (y1, after) = change
    trend = "rising" if change_direction(change) == ASCENDING else "falling"
    return f"{trend} targets {before.raw} ({y0}) → {after.raw} ({y1})"


def not_recomputable(reason: str) -> Recomputed:
    return Recomputed(None, reason)


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
        return self._memoised("indicator", row, year, lambda: self._indicator(row, year))

    def _indicator(self, row: Row, year: int) -> Recomputed:
        direction, how = self.direction(row, year)
        if direction is None:
            return not_recomputable(how)
        return self.progress_as(row, year, direction, how)

    def progress_as(self, row: Row, year: int, direction: str, how: str) -> Recomputed:
        """The progress of a year computed for a given direction (`how`: why that direction)."""
        if direction == NEUTRAL:
            return not_recomputable(f"direction {how}: no known formula for a constant indicator")
        operands = self.operands(row, year)
        if isinstance(operands, str):
            return not_recomputable(operands)
        basis = f"{how}, {operands.note}"
        if direction == ASCENDING:
            if operands.expected == 0:
                return not_recomputable(
                    f"expected_{year} is 0: {operands.obtained_text} / {operands.expected_text} is a "
                    "division by zero, progress is not computed"
                )
            value = operands.obtained / operands.expected * 100
            arithmetic = f"{operands.obtained_text} / {operands.expected_text} × 100 = {value:.2f}"
            return Recomputed(value, arithmetic, basis)
        if operands.obtained == 0:
            return not_recomputable(f"obtained_{year} is 0 for a descending indicator")
        value = operands.expected / operands.obtained * 100
        arithmetic = f"{operands.expected_text} / {operands.obtained_text} × 100 = {value:.2f}"
        return Recomputed(value, arithmetic, basis)

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
        reason = f"direction {printed!r} is not a known Sentido esperado" if printed else ""
        return None, reason or "no direction printed"

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

    def operands(self, row: Row, year: int) -> Operands | str:
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
        note = f"{row.get('aggregation')} (inferred rule: sums over {years})"
        return Operands([o for _, o, _ in pairs], [e for _, _, e in pairs], note)

    # -- objective and index

    def objective_progress(self, row: Row, year: int) -> Recomputed:
        return self._memoised("objective", row, year, lambda: self._objective(row, year))

    def _objective(self, row: Row, year: int) -> Recomputed:
        terms, skipped = [], []
        for child in self.indicators_of(row.code):
            term = self._indicator_term(child, year)
            if term is None:
                skipped.append(child.code)
            else:
                terms.append(term)
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
        return Recomputed(value, arithmetic, "mean of the objective's indicators", tuple(terms))

    def _indicator_term(self, row: Row, year: int) -> Term | None:
        """The unrounded recomputed progress when there is one, else the printed value."""
        recomputed = self.indicator_progress(row, year)
        if recomputed.value is not None:
            return Term(row.code, recomputed.value, "recomputed")
        printed = parse_value(row.get(f"progress_{year}"))
        return Term(row.code, printed.value, "printed") if printed.value is not None else None

    def index_progress(self, row: Row, year: int) -> Recomputed:
        return self._memoised("index", row, year, lambda: self._index(row, year))

    def _index(self, row: Row, year: int) -> Recomputed:
        terms = []
        for objective in self.objectives():
            recomputed = self.objective_progress(objective, year)
            printed = parse_value(objective.get(f"progress_{year}"))
            if recomputed.value is not None:
                terms.append(Term(objective.code, recomputed.value, "recomputed"))
            elif printed.value is not None:
                terms.append(Term(objective.code, printed.value, "printed"))
        if not terms:
            return not_recomputable(f"no objective has a {year} progress")
        value = sum(t.value for t in terms) / len(terms)
        listed = ", ".join(f"{t.code} {t.value:.3f} ({t.source})" for t in terms)
        arithmetic = (
            f"mean of the objectives' unrounded values {listed}: "
            f"({' + '.join(f'{t.value:.3f}' for t in terms)}) / {len(terms)} = {value:.3f}"
        )
        return Recomputed(value, arithmetic, "mean of the objectives", tuple(terms))

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

    def band_of(self, printed: Value) -> str:
        if printed.value is None:
            return self.settings.nd_column
        for band in self.settings.bands:
            if band.below is None or printed.value < band.below:
                return band.column
        return self.settings.nd_column

    def tally(self, level: str, year: int) -> dict[str, list[Row]]:
        """Rows of a level by the summary column their printed progress falls in."""
        out: dict[str, list[Row]] = {c: [] for c in self.settings.count_columns}
        for row in self.rows:
            if row.level != level:
                continue
            out[self.band_of(parse_value(row.get(f"progress_{year}")))].append(row)
            out[self.settings.total_column].append(row)
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
        m = _SERVICE_SUBJECT.fullmatch(subject)
        if m is None:
            return None, f"{subject or 'the subject'} is not a row of the matrix"
        number = int(m.group(1))
        indicators = self.services().get(number, [])
        if not indicators:
            return None, f"the matrix has no service {number}"
        if m.group(2):
            k = int(m.group(2))
            if 1 <= k <= len(indicators):
                return indicators[k - 1], ""
            return None, f"service {number} has only {plural(len(indicators), 'indicator')}"
        if len(indicators) == 1:
            return indicators[0], ""
        codes = ", ".join(r.code for r in indicators)
        return None, f"service {number} has {len(indicators)} indicators ({codes}); which one?"


# ---- findings: indicators, objectives, index, summary ---------------------------------------


def finding(
    rule: str,
    severity: Severity,
    message: str,
    row: Row | None = None,
    field: str = "",
    printed: str = "",
    recomputed: str = "",
    page: int = 0,
) -> Finding:
    return Finding(
        rule=rule,
        severity=severity,
        message=message,
        code=row.code if row else "",
        field=field,
        printed=printed,
        recomputed=recomputed,
        page=page or (row.page if row else 0),
    )


def count_finding(
    rule: str, severity: Severity, message: str, field: str, printed: str, count: int, page: int
) -> Finding:
    """A finding about a count of rows rather than one row: `field` names group and column."""
    return finding(rule, severity, message, None, field, printed, str(count), page)


def unchecked(
    row: Row, field: str, printed: Value, recomputed: Recomputed, severity: Severity | None = "info"
) -> Finding | None:
    """A finding for a printed figure that cannot be recomputed (info unless a family says
    otherwise, e.g. a warning when a number is printed where the rule computes none)."""
    if not printed.raw or severity is None:
        return None
    message = (
        f"{row.code or row.get('name')} {field}: printed {printed.raw} cannot be recomputed "
        f"({recomputed.arithmetic})"
    )
    return finding("progress_not_recomputable", severity, message, row, field, printed.raw)


def indicator_findings(matrix: Matrix) -> list[Finding]:
    out = []
    for row in matrix.indicators():
        for year in matrix.checked_years(row):
            result = check_indicator(matrix, row, year)
            if result:
                out.append(result)
    return out


def check_indicator(matrix: Matrix, row: Row, year: int) -> Finding | None:
    field = f"progress_{year}"
    printed = parse_value(row.get(field))
    recomputed = matrix.indicator_progress(row, year)
    if recomputed.value is None:
        settings = matrix.settings
        severity = settings.not_recomputable_number if printed.is_number else settings.not_recomputable_other
        return unchecked(row, field, printed, recomputed, severity)
    if not printed.is_number:
        message = (
            f"{row.code} {field}: printed {printed.raw or 'nothing'} although it recomputes as "
            f"{recomputed.arithmetic} ({recomputed.basis})"
        )
        return finding("progress_not_printed", "info", message, row, field, printed.raw)
    cap = matrix.settings.cap_printed
    shown = capped(recomputed.value, cap)
    if not differs(shown, printed):
        return mixed_targets_finding(matrix, row, year, printed, recomputed)
    assert printed.value is not None
    cap_note = f", printed capped at {cap:g} → {shown:.2f}" if shown != recomputed.value else ""
    message = (
        f"{row.code} {field} ({recomputed.basis}): {recomputed.arithmetic}{cap_note}; printed "
        f"{printed.raw} differs by {printed.value - shown:+.2f} "
        f"(tolerance {tolerance_text(printed.decimals)})"
    )
    recomputed_text = f"{shown:.{printed.decimals}f}"
    return finding("progress_mismatch", "error", message, row, field, printed.raw, recomputed_text)


def mixed_targets_finding(
    matrix: Matrix, row: Row, year: int, printed: Value, recomputed: Recomputed
) -> Finding | None:
    """A printed progress that agrees only under the direction inferred from targets that both
    rise and fall: read the other way, as the other change of its targets suggests, it differs."""
    severity = matrix.settings.mixed_targets
    reading = matrix.opposite_reading(row, year) if severity else None
    if severity is None or reading is None or reading[0].value is None or recomputed.value is None:
        return None
    other, support = reading
    assert other.value is not None and printed.value is not None
    cap = matrix.settings.cap_printed
    shown, other_shown = capped(recomputed.value, cap), capped(other.value, cap)
    if not differs(other_shown, printed):
        return None
    _, how = matrix.direction(row, year)
    cap_note = f", capped at {cap:g} → {shown:.2f}" if shown != recomputed.value else ""
    other_cap = f", capped at {cap:g} → {other_shown:.2f}" if other_shown != other.value else ""
    gap = printed.value - other_shown
    field = f"progress_{year}"
    message = (
        f"{row.code} {field}: printed {printed.raw}{operands_relation(matrix, row, year)} agrees only "
        f"if the indicator is read as {how}, as CEPLAN's application reads it from the targets: "
        f"{recomputed.arithmetic}{cap_note}. Its {change_text(support)} say {change_direction(support)}: "
        f"{other.arithmetic}{other_cap}, {abs(gap):.2f} {'below' if gap > 0 else 'above'} the printed value"
    )
    recomputed_text = f"{other_shown:.2f}"
    return finding("progress_mismatch", severity, message, row, field, printed.raw, recomputed_text)


def operands_relation(matrix: Matrix, row: Row, year: int) -> str:
    """' with obtained 25.00 below expected 57.00': what tells the direction apart at a glance."""
    operands = matrix.operands(row, year)
    if isinstance(operands, str) or operands.obtained == operands.expected:
        return ""
    word = "below" if operands.obtained < operands.expected else "above"
    return f" with obtained {operands.obtained_text} {word} expected {operands.expected_text}"


def rollup_findings(
    matrix: Matrix, rows: Sequence[Row], rule: str, compute: Callable[[Row, int], Recomputed]
) -> list[Finding]:
    """Objectives (or the index) against the mean they should be."""
    out = []
    for row in rows:
        for year in matrix.checked_years(row):
            field = f"progress_{year}"
            printed = parse_value(row.get(field))
            recomputed = compute(row, year)
            if recomputed.value is None:
                note = unchecked(row, field, printed, recomputed)
                out += [note] if note else []
            elif printed.is_number and differs(recomputed.value, printed):
                out.append(rollup_mismatch(matrix, row, year, rule, printed, recomputed))
    return out


def rollup_mismatch(
    matrix: Matrix, row: Row, year: int, rule: str, printed: Value, recomputed: Recomputed
) -> Finding:
    assert printed.value is not None and recomputed.value is not None
    field = f"progress_{year}"
    name = row.code or row.get("name")
    message = (
        f"{name} {field} = {recomputed.arithmetic}; printed {printed.raw} differs by "
        f"{printed.value - recomputed.value:+.2f} (tolerance {tolerance_text(printed.decimals)})"
    )
    if rule == "index_mismatch":
        from_printed = matrix.printed_objectives_mean(year)
        if from_printed:
            message += f"; from the printed, rounded objective values: {from_printed}"
    recomputed_text = f"{recomputed.value:.{printed.decimals}f}"
    return finding(rule, "error", message, row, field, printed.raw, recomputed_text)


def summary_findings(matrix: Matrix, summary: Sequence[SummaryRow]) -> list[Finding]:
    out = []
    labels = {b.column: b.label for b in matrix.settings.bands}
    for line in summary:
        level = matrix.level_of_group(line.group)
        if level is None:
            continue
        tally = matrix.tally(level, matrix.report_year)
        for column in matrix.settings.count_columns:
            printed = parse_value(str(getattr(line, column, "")))
            members = tally[column]
            if printed.value is None or printed.value == len(members):
                continue
            field = f"{line.group}.{column}"
            message = (
                f"Summary table, {line.group} / {labels.get(column, column)}: printed "
                f"{printed.raw}; counting the {level} rows by their printed "
                f"progress_{matrix.report_year} gives {len(members)}{members_text(matrix, members)}"
            )
            out.append(
                count_finding(
                    "summary_count_mismatch", "error", message, field, printed.raw, len(members), line.page
                )
            )
    return out


def members_text(matrix: Matrix, members: Sequence[Row]) -> str:
    if not members or len(members) > LISTED_MEMBERS:
        return ""
    year = matrix.report_year
    listed = ", ".join(f"{r.code} ({r.get(f'progress_{year}') or 'empty'})" for r in members)
    return f": {listed}"


# ---- findings: narrative claims -------------------------------------------------------------


def narrative_findings(matrix: Matrix, claims: Sequence[Claim]) -> list[Finding]:
    by_statement: dict[int, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_statement[claim.statement].append(claim)
    checks: dict[str, Callable[[Matrix, Claim, Sequence[Claim]], Finding | None]] = {
        UNATTRIBUTED: lambda m, c, s: unattributed_claim(c, "the text does not say what it is about"),
        "band_count": check_band_claim,
        "row_count": check_row_count_claim,
        "services_below_target": check_services_below_target,
    }
    out = []
    for claim in claims:
        check = checks.get(claim.kind, check_figure_claim)
        result = check(matrix, claim, by_statement[claim.statement])
        if result:
            out.append(result)
    return out


def unattributed_claim(claim: Claim, why: str) -> Finding:
    message = f'The text states {claim.printed} in "{claim.context}" but {why}; not compared.'
    return finding("narrative_unattributed", "info", message, printed=claim.printed, page=claim.page)


def quote(claim: Claim) -> str:
    return f'"{claim.context}"'


def resolve_field(matrix: Matrix, field: str) -> str:
    """A field without a year ("progress") is about the report year."""
    return f"{field}_{matrix.report_year}" if "_" not in field else field


def check_figure_claim(matrix: Matrix, claim: Claim, _: Sequence[Claim]) -> Finding | None:
    """A figure of one matrix cell: equal to the printed cell or to its recomputed value."""
    row, why = matrix.resolve(claim.subject)
    if row is None:
        return unattributed_claim(claim, why)
    field = resolve_field(matrix, claim.field)
    claimed = parse_value(claim.printed)
    printed = parse_value(row.get(field))
    recomputed = matrix.figure(row, field)
    exact = recomputed.value if recomputed else None
    if claimed.value is None or (printed.value is None and exact is None):
        return None
    if printed.value is not None and agrees_with_printed(claimed, printed):
        return None
    if exact is not None and agrees_with_exact(claimed, exact):
        return None
    return figure_mismatch(claim, row, field, claimed, printed, recomputed)


def figure_mismatch(
    claim: Claim,
    row: Row,
    field: str,
    claimed: Value,
    printed: Value,
    recomputed: Recomputed | None,
) -> Finding:
    subject = row.code if claim.subject == row.code else f"{claim.subject} ({row.code})"
    parts = [f"The text says {claim.printed} for {subject} {field}: {quote(claim)}"]
    if printed.value is not None:
        decimals = min(claimed.decimals, printed.decimals)
        parts.append(
            f"the matrix prints {printed.raw} (→ {rounded(printed.value, decimals)} at "
            f"{plural(decimals, 'decimal')})"
        )
    else:
        parts.append(f"the matrix prints no {field}, so the text is compared with a recomputation")
    if recomputed and recomputed.value is not None:
        parts.append(
            f"recomputed {recomputed.arithmetic} (→ "
            f"{rounded(recomputed.value, claimed.decimals)} at the text's precision)"
        )
    if printed.value is not None:
        # the text against a printed cell: the report contradicts itself
        severity: Severity = "error"
        shown = printed.raw
    else:
        # the text against a value the matrix does not print: our recomputation could be the
        # odd one out (rounding of the inputs, an inferred rule), so only a warning
        severity = "warning"
        shown = f"{recomputed.value:.2f}" if recomputed and recomputed.value is not None else ""
    message = "; ".join(parts) + "."
    return finding("narrative_mismatch", severity, message, row, field, claim.printed, shown, claim.page)


def check_band_claim(matrix: Matrix, claim: Claim, statement: Sequence[Claim]) -> Finding | None:
    """Text such as "35 indicadores tienen un avance alto": a recount of the rows by printed progress."""
    group = claim.subject or matrix.group_with_total(statement_total(statement))
    level = matrix.level_of_group(group) if group else None
    if not group or level is None:
        return unattributed_claim(claim, "no single group of indicators has that total")
    tally = matrix.tally(level, matrix.report_year)
    if claim.field not in tally or claim.value is None:
        return None
    members = tally[claim.field]
    if claim.value == len(members):
        return None
    labels = {b.column: b.label for b in matrix.settings.bands}
    message = (
        f"The text counts {claim.printed} {group} in {labels.get(claim.field, claim.field)}: "
        f"{quote(claim)}; counting the {level} rows by their printed "
        f"progress_{matrix.report_year} gives {len(members)}{members_text(matrix, members)}."
    )
    field = f"{group}.{claim.field}"
    return count_finding(
        "narrative_mismatch", "error", message, field, claim.printed, len(members), claim.page
    )


def statement_total(statement: Sequence[Claim]) -> float | None:
    totals = [c.value for c in statement if c.field == "total"]
    return totals[0] if totals else None


def check_row_count_claim(matrix: Matrix, claim: Claim, _: Sequence[Claim]) -> Finding | None:
    """Text such as "19 lineamientos", "42 servicios": rows of one level."""
    count = sum(r.level == claim.subject for r in matrix.rows)
    if claim.value is None or count == 0 or claim.value == count:
        return None  # a level the matrix does not have is another family's word, not a contradiction
    message = f"The text counts {claim.printed} {claim.subject} rows: {quote(claim)}; the matrix has {count}."
    field = f"{claim.subject}.count"
    return count_finding("narrative_mismatch", "error", message, field, claim.printed, count, claim.page)


def check_services_below_target(matrix: Matrix, claim: Claim, _: Sequence[Claim]) -> Finding | None:
    """Text such as "7 servicios no alcanzaron la meta": services with an indicator printing below 100."""
    field = resolve_field(matrix, claim.field)
    below = {}
    for number, indicators in sorted(matrix.services().items()):
        late = [r for r in indicators if (v := parse_value(r.get(field)).value) is not None and v < 100]
        if late:
            below[number] = late
    if claim.value is None or claim.value == len(below):
        return None
    listed = ", ".join(
        f"S.{n:02d} " + "/".join(f"{r.code} ({r.get(field)})" for r in rows) for n, rows in below.items()
    )
    message = (
        f"The text says {claim.printed} services missed the target: {quote(claim)}; "
        f"{len(below)} services have an indicator whose printed {field} is below 100 "
        f"(the reading taken here of 'no alcanzaron la meta'): {listed}."
    )
    field = f"services.{field}"
    return count_finding(
        "narrative_mismatch", "warning", message, field, claim.printed, len(below), claim.page
    )


# ---- findings: implausible values and target design -----------------------------------------


def numeric_series(matrix: Matrix, row: Row, prefix: str) -> list[tuple[int, Value]]:
    values = [(y, parse_value(row.get(f"{prefix}_{y}"))) for y in matrix.years]
    return [(y, v) for y, v in values if v.value is not None]


def percent_overflows(matrix: Matrix, row: Row) -> list[tuple[str, Value, str]]:
    limit = matrix.settings.percent_max
    name = normalize_label(row.get("name"))
    if limit is None or not any(p.search(name) for p in matrix.settings.percent_names):
        return []
    return [
        (
            f"obtained_{y}",
            v,
            f"a percentage indicator ({row.get('name')[:60]}…) obtains {v.raw} in {y}, "
            f"above the {limit:g}% plausibility limit",
        )
        for y, v in numeric_series(matrix, row, "obtained")
        if (v.value or 0) > limit
    ]


def jumps(matrix: Matrix, row: Row) -> list[tuple[str, Value, str]]:
    limit = matrix.settings.jump_ratio
    if limit is None:
        return []
    series = [(y, v) for y, v in numeric_series(matrix, row, "obtained") if (v.value or 0) > 0]
    out = []
    for (y0, v0), (y1, v1) in itertools.pairwise(series):
        assert v0.value is not None and v1.value is not None
        ratio = max(v0.value, v1.value) / min(v0.value, v1.value)
        if ratio >= limit:
            change = "×" if v1.value > v0.value else "÷"
            out.append(
                (
                    f"obtained_{y1}",
                    v1,
                    f"obtained goes from {v0.raw} ({y0}) to {v1.raw} ({y1}), {change}{ratio:,.0f} "
                    f"in one year (limit ×{limit:g})",
                )
            )
    return out


def implausible_findings(matrix: Matrix) -> list[Finding]:
    out = []
    for row in matrix.indicators():
        reasons: dict[str, tuple[Value, list[str]]] = {}
        for field, value, reason in percent_overflows(matrix, row) + jumps(matrix, row):
            reasons.setdefault(field, (value, []))[1].append(reason)
        for field, (value, why) in reasons.items():
            message = f"{row.code} {field}: " + "; ".join(why)
            out.append(finding("implausible_value", "warning", message, row, field, value.raw))
    return out


def target_design_findings(matrix: Matrix) -> list[Finding]:
    """An ascending indicator whose target falls: progress against it overstates the result."""
    if not matrix.settings.falling_targets:
        return []
    out = []
    for row in matrix.indicators():
        if matrix.settings.directions.get(normalize_label(row.get("direction"))) != ASCENDING:
            continue  # only a printed ascending direction makes a falling target contradictory
        series = numeric_series(matrix, row, "expected")
        for (y0, v0), (y1, v1) in itertools.pairwise(series):
            if (v1.value or 0) < (v0.value or 0):
                message = (
                    f"{row.code} is {row.get('direction')} but its target falls from {v0.raw} ({y0}) to "
                    f"{v1.raw} ({y1}); progress against the lowered target overstates the result"
                )
                out.append(finding("target_design", "warning", message, row, f"expected_{y1}", v1.raw))
    return out


# ---- entry point ----------------------------------------------------------------------------


def reconcile(report: Report, rules: Rules) -> list[Finding]:
    """Every recomputation and narrative comparison the family's rules switch on."""
    settings = Settings.from_rules(rules)
    matrix = Matrix(report, settings)
    findings = indicator_findings(matrix)
    if settings.objective_rollup:
        findings += rollup_findings(
            matrix, matrix.objectives(), "op_progress_mismatch", matrix.objective_progress
        )
        findings += rollup_findings(matrix, matrix.index_rows(), "index_mismatch", matrix.index_progress)
    if settings.summary_counts:
        findings += summary_findings(matrix, report.summary)
    findings += narrative_findings(matrix, parse_claims(report.narrative, rules))
    findings += implausible_findings(matrix)
    findings += target_design_findings(matrix)
    return findings
