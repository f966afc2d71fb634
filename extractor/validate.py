"""Validation stage: the Great Expectations suites of `expectations/` run over the report.

The checks are data, not code: `expectations/<family>.<table>.json` holds one Great Expectations
suite per table. This module only

1. builds the tables in plain Python — `rows` (one record per matrix row), `summary` (the printed
   counts table), `years` (one record per year of the year columns) — with helper columns named
   `<column>__<kind>` computed from the rules file's `validate:` section and the code grammar,
2. expands the `{year}` column templates of the suites over the report's year columns,
3. runs the suites in an ephemeral Great Expectations context (optionally building HTML Data
   Docs), in as few and as narrow GE runs as give the same outcomes (see `_run_suites`), and
4. turns every failed expectation into `expectation_failed` findings, one per offending row.

Great Expectations costs ~3 s and ~240 MB to import, so it (and pandas) is imported inside
`_run_suites` only: `extract --help` and runs that never validate stay instant.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.model import ROW_KEYS, Finding, Report, Severity
from extractor.rules import ALL, FAMILIES_DIR, CodeLevel, Rules, normalize_label
from extractor.values import decimal_separator, parse_value

if TYPE_CHECKING:
    import pandas as pd

EXPECTATIONS_DIR = FAMILIES_DIR / "expectations"
RULE = "expectation_failed"
YEAR = "{year}"  # the placeholder for a year in rules and suite column names
COUNT = "{count}"  # the placeholder for a summary count column in suite column names
PLACEHOLDERS = {YEAR: r"(?P<year>\d{4})", COUNT: r"(?P<count>.+?)"}
HELPER = "__"  # `<column>__<kind>`: a helper column about report column `<column>`
ROW_LABEL = "_row"  # how a finding's message names the record ("IOP.01.01", a group, a year)
ROW_FIELD = "_field"  # the report columns a record stands for, when not the checked column
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
MAX_LISTED = 10  # offending rows named in one message; the findings list them all anyway

Record = dict[str, Any]


class SuiteError(ValueError):
    """An expectation suite file (or the parameters it needs) is missing or malformed."""


# ---- rules --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Spec:
    """Which helper columns to compute: the rules file's `validate:` section, and the count
    columns of its `summary:` section (every count `__integer`/`__number`; the column counting
    all rows `__sum`, the sum of the others)."""

    values: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    sums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    printed_years: tuple[str, ...] = ()
    within_years: tuple[str, ...] = ()

    @classmethod
    def from_rules(cls, rules: Rules) -> Spec:
        section = rules.spec.validate_
        counts = rules.summary_columns
        return cls(
            values=tuple(section.values),
            counts=tuple(c.name for c in counts),
            sums={c.name: tuple(p.name for p in counts if p.counts != ALL) for c in counts if c.counts == ALL},
            allowed={k: tuple(v) for k, v in section.allowed.items()},
            printed_years=tuple(section.years.printed),
            within_years=tuple(section.years.within),
        )

    def parameters(self) -> dict[str, list[str]]:
        """Expectation parameters (`{"$PARAMETER": "allowed_direction"}` in a suite)."""
        return {f"allowed_{col}": list(values) for col, values in self.allowed.items()}


def _template(template: str) -> re.Pattern[str]:
    """'progress_{year}__number' → a regex matching 'progress_2024__number', year as a group
    (and '{count}__integer' one matching 'total__integer', the count column as a group)."""
    pattern = re.escape(template)
    for placeholder, group in PLACEHOLDERS.items():
        pattern = pattern.replace(re.escape(placeholder), group, 1)
    return re.compile(pattern)


def _is_template(value: Any) -> bool:
    return isinstance(value, str) and any(p in value for p in PLACEHOLDERS)


def _filled(template: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def expand(template: str, columns: Iterable[str]) -> list[str]:
    """The columns a name stands for: itself if present, every year's column for a template."""
    if YEAR not in template:
        return [c for c in columns if c == template]
    pattern = _template(template)
    return [c for c in columns if pattern.fullmatch(c)]


def template_years(template: str, columns: Iterable[str]) -> set[int]:
    pattern = _template(template)
    return {int(m["year"]) for c in columns if (m := pattern.fullmatch(c))}


# ---- helper columns -----------------------------------------------------------------------------


def _value_helpers(record: Record, spec: Spec) -> Record:
    """`__parses`/`__number` of value cells, `__integer` of counts, `__sum`, `__norm`."""
    columns = list(record)
    out: Record = {}
    for col in (c for t in spec.values for c in expand(t, columns)):
        value = parse_value(record[col] or "")
        # an empty cell is not a parse failure: whether it may be empty is another question
        out[f"{col}{HELPER}parses"] = None if not value.raw else value.unit != "?"
        out[f"{col}{HELPER}number"] = value.value
    for col in (c for t in spec.counts for c in expand(t, columns)):
        value = parse_value(record[col] or "")
        # a count must be printed, as a whole number: "3.0", "ND" or an empty cell are not counts
        whole = value.unit == "" and value.value is not None and value.decimals == 0
        out[f"{col}{HELPER}integer"] = whole and float(value.value).is_integer()
        out[f"{col}{HELPER}number"] = value.value
    for col, parts in ((c, p) for c, p in spec.sums.items() if c in record):
        numbers = [out.get(f"{p}{HELPER}number") for p in parts]
        # a missing part is already flagged as not a count; a sum of the rest would only add noise
        out[f"{col}{HELPER}sum"] = None if None in numbers else sum(numbers)
    for col in (c for c in spec.allowed if c in record):
        out[f"{col}{HELPER}norm"] = normalize_label(record[col]) if record[col] else None
    return out


def _code_helpers(rows: list[Record], rules: Rules) -> list[Record]:
    """Grammar, parent and order helpers of each row, from `codes` of the rules file."""
    levels = {lvl.level: lvl for lvl in rules.levels}
    named = {n.level: n.code for n in rules.spec.codes.named_rows}
    first_at: dict[str, int] = {}
    for i, row in enumerate(rows):
        if row["code"]:
            first_at.setdefault(row["code"], i)
    return [_code_checks(row, i, levels, named, first_at) for i, row in enumerate(rows)]


def _code_checks(
    row: Record,
    position: int,
    levels: dict[str, CodeLevel],
    named: dict[str, str],
    first_at: dict[str, int],
) -> Record:
    """One row's code helpers (None = not applicable to the row).

    `code__grammar`: the code matches the pattern of the row's level (a named row such as the
    index: the code the rules give it). `parent__present`: a row that has or needs a parent
    names a code of the report. `parent__matches_code`: the parent is the one the code implies.
    `parent__precedes`: the parent comes earlier in document order.
    """
    code, parent, level = row["code"] or "", row["parent"] or "", levels.get(row["level"])
    match = level.pattern.fullmatch(code) if level else None
    grammar = code == named[row["level"]] if row["level"] in named else match is not None
    # a level without a parent template (a PEI indicator's parent is its block) is still
    # checked when the row names a parent
    needs_parent = bool(parent) or bool(level and level.parent)
    present = parent in first_at if needs_parent else None
    implied = level.parent.format(**match.groupdict()) if match and level.parent else None
    return {
        f"code{HELPER}grammar": grammar,
        f"parent{HELPER}present": present,
        f"parent{HELPER}matches_code": None if implied is None else parent == implied,
        f"parent{HELPER}precedes": first_at[parent] < position if present else None,
    }


# ---- tables -------------------------------------------------------------------------------------


def rows_table(report: Report, rules: Rules, spec: Spec) -> list[Record]:
    """One record per matrix row: its printed cells (empty → None) and the helper columns."""
    columns = [c for c in report.columns if c not in ROW_KEYS]
    records: list[Record] = []
    for i, row in enumerate(report.rows):
        record: Record = {
            ROW_LABEL: row.code or (f"{row.level} (row {i + 1})" if row.level else f"row {i + 1}"),
            "code": row.code or None,
            "level": row.level or None,
            "parent": row.parent or None,
            "page": row.page,
        }
        record |= {col: row.get(col) or None for col in columns}
        records.append(record)
    for record, helpers in zip(records, _code_helpers(records, rules), strict=True):
        record |= helpers
        record |= _value_helpers(record, spec)
    return records


def summary_table(report: Report, rules: Rules, spec: Spec) -> list[Record]:
    """One record per line of the printed counts table: its group and every count column."""
    records = []
    for line in report.summary:
        record: Record = {ROW_LABEL: line.group, "page": line.page}
        record |= {name: line.get(name) or None for name in spec.counts}
        records.append(record | _value_helpers(record, spec))
    return records


def years_table(report: Report, rules: Rules, spec: Spec) -> list[Record]:
    """One record per year of the year columns, saying which groups print it.

    `printed__in_all`: every `printed` group has the year. `printed__step`: years since the
    previous printed year (1 when contiguous). `within__printed`: a `within` group's year is a
    printed one. None = not applicable.
    """
    columns = report.columns
    printed = [template_years(t, columns) for t in spec.printed_years]
    within = [template_years(t, columns) for t in spec.within_years]
    any_printed = set().union(*printed)
    records = []
    previous: int | None = None
    for year in sorted(any_printed.union(*within)):
        in_printed = year in any_printed
        step = year - previous if in_printed and previous is not None else None
        templates = (*spec.printed_years, *spec.within_years)
        year_columns = [c for t in templates for c in expand(t.replace(YEAR, str(year)), columns)]
        records.append(
            {
                ROW_LABEL: str(year),
                ROW_FIELD: ", ".join(year_columns),
                "year": year,
                # the YEAR_CHECKS columns
                f"printed{HELPER}in_all": all(year in s for s in printed) if in_printed else None,
                f"printed{HELPER}step": step,
                f"within{HELPER}printed": in_printed if any(year in s for s in within) else None,
            }
        )
        previous = year if in_printed else previous
    return records


TableBuilder = Callable[[Report, Rules, Spec], list[Record]]
TABLES: dict[str, TableBuilder] = {
    "rows": rows_table,
    "summary": summary_table,
    "years": years_table,
}


# ---- suites -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Suite:
    """One suite file as written (column templates not yet expanded)."""

    name: str  # "<family>.<table>"
    table: str
    expectations: list[dict[str, Any]]
    meta: dict[str, Any]


def suites_dir(rules: Rules) -> Path:
    """A family's suites sit in `expectations/` beside its `rules/` folder (shipped or `--rules`)."""
    if rules.source is not None:
        beside = rules.source.resolve().parent.parent / "expectations"
        if any(beside.glob(f"{rules.family}.*.json")):
            return beside
    return EXPECTATIONS_DIR


def load_suites(family: str, directory: Path = EXPECTATIONS_DIR) -> list[Suite]:
    """Every `<family>.<table>.json` suite, checked for what this stage relies on."""
    return [_load_suite(path) for path in sorted(directory.glob(f"{family}.*.json"))]


def _load_suite(path: Path) -> Suite:
    name = path.name.removesuffix(".json")
    table = name.rsplit(".", 1)[1]
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SuiteError(f"{path.name}: not JSON: {exc}") from exc
    if isinstance(doc, dict) and doc.get("name", name) != name:
        raise SuiteError(f"{path.name}: 'name' must be {name!r}, as the file is named")
    if table not in TABLES:
        raise SuiteError(f"{path.name}: unknown table {table!r} (known: {', '.join(TABLES)})")
    expectations = doc.get("expectations") if isinstance(doc, dict) else None
    if not isinstance(expectations, list):
        raise SuiteError(f"{path.name}: needs an 'expectations' list")
    for i, exp in enumerate(expectations):
        meta = exp.get("meta") or {}
        # every check must say why it exists: the note is what an auditor reads in the finding
        if not meta.get("notes"):
            raise SuiteError(f"{path.name}: expectation {i} ({exp.get('type')}) has no meta.notes")
        if meta.get("severity", "error") not in SEVERITIES:
            raise SuiteError(f"{path.name}: expectation {i}: bad severity {meta['severity']!r}")
    return Suite(name, table, expectations, doc.get("meta") or {})


def expand_expectation(exp: dict[str, Any], columns: list[str]) -> list[dict[str, Any]]:
    """One expectation per year (or count column) when its column names hold `{year}` (or
    `{count}`) and the table has every column it then names; else itself."""
    fills = template_fills(exp, columns)
    if fills is None:
        return [exp]
    kwargs = exp.get("kwargs") or {}
    return [exp | {"kwargs": {k: _filled(v, f) if _is_template(v) else v for k, v in kwargs.items()}} for f in fills]


def template_fills(exp: dict[str, Any], columns: list[str]) -> list[dict[str, str]] | None:
    """What the placeholders of an expectation's column names stand for in the table (each a
    `{"year": "2024"}`), in column order; None when it has no placeholder."""
    kwargs = exp.get("kwargs") or {}
    templated = [k for k, v in kwargs.items() if _is_template(v)]
    if not templated:
        return None
    fills: list[dict[str, str]] = []
    for n, key in enumerate(templated):
        pattern = _template(kwargs[key])
        found = [m.groupdict() for c in columns if (m := pattern.fullmatch(c))]
        fills = found if n == 0 else [f for f in fills if f in found]
    return fills


def _parameter_names(value: Any) -> set[str]:
    """The `{"$PARAMETER": name}` references anywhere in an expectation."""
    if isinstance(value, dict):
        if set(value) == {"$PARAMETER"}:
            return {value["$PARAMETER"]}
        return set().union(*(_parameter_names(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_parameter_names(v) for v in value))
    return set()


def _check_parameters(suites: list[Suite], parameters: dict[str, Any]) -> None:
    missing = {
        (suite.name, name)
        for suite in suites
        for name in _parameter_names(suite.expectations)
        if name not in parameters
    }
    if missing:
        listed = ", ".join(f"{s}: {n}" for s, n in sorted(missing))
        raise SuiteError(f"suite parameters missing from the rules' validate section: {listed}")


# ---- results → findings -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """One expectation's result, reduced to plain data."""

    table: str
    type: str
    kwargs: dict[str, Any]
    meta: dict[str, Any]
    success: bool
    unexpected: list[int] | None  # record positions; None for table-level expectations
    observed: str = ""
    error: str = ""

    @property
    def column(self) -> str:
        """The (first) column checked; '' for a table-level expectation."""
        kw = self.kwargs
        return kw.get("column") or kw.get("column_A") or ", ".join(kw.get("column_list") or [])


_CHECKED = re.compile(rf" on \w+?{HELPER}(?P<kind>\w+):")
_CHECKED_COLUMN = re.compile(rf" on (?P<column>\w+?{HELPER}\w+):")
# the years table's helper columns: how the header's year columns are printed
YEAR_CHECKS = frozenset({f"printed{HELPER}in_all", f"printed{HELPER}step", f"within{HELPER}printed"})


def checked_kind(finding: Finding) -> str:
    """The kind of helper column a failed expectation checked ('grammar' of `code__grammar`,
    'parses' of `obtained_2024__parses`); '' for any other finding."""
    m = _CHECKED.search(finding.message) if finding.rule == RULE else None
    return m["kind"] if m else ""


def checks_header_years(finding: Finding) -> bool:
    """Whether a failed expectation is about the header's year columns (the years table)."""
    m = _CHECKED_COLUMN.search(finding.message) if finding.rule == RULE else None
    return bool(m) and m["column"] in YEAR_CHECKS


def source_column(column: str) -> str:
    """The report column a helper column is about: 'progress_2024__number' → 'progress_2024'."""
    return column.split(HELPER, 1)[0]


def findings_from(outcomes: list[Outcome], tables: dict[str, list[Record]]) -> list[Finding]:
    findings: list[Finding] = []
    for outcome in outcomes:
        if not outcome.success:
            findings += _outcome_findings(outcome, tables[outcome.table])
    return findings


def _outcome_findings(outcome: Outcome, records: list[Record]) -> list[Finding]:
    severity: Severity = outcome.meta.get("severity", "error")
    head = f"{outcome.type} on {outcome.column or 'table'}: {outcome.meta.get('notes', '')}"
    src = source_column(outcome.column)
    if outcome.error:
        return [Finding(RULE, severity, f"{head}; could not run: {outcome.error}", field=src)]
    if outcome.unexpected is None:
        return [Finding(RULE, severity, f"{head}; observed: {outcome.observed}", field=src)]
    labels = [str(records[i][ROW_LABEL]) for i in outcome.unexpected]
    return [
        _row_finding(outcome, records[i], f"{head}; offending rows: {label}{_others(labels)}")
        for i, label in zip(outcome.unexpected, labels, strict=True)
    ]


def _others(labels: list[str]) -> str:
    """Where the row sits among all the expectation's offending rows, when there are several."""
    if len(labels) < 2:
        return ""
    more = f", … (+{len(labels) - MAX_LISTED})" if len(labels) > MAX_LISTED else ""
    return f" (one of {len(labels)}: {', '.join(labels[:MAX_LISTED])}{more})"


def _row_finding(outcome: Outcome, record: Record, message: str) -> Finding:
    src = source_column(outcome.column)
    other = outcome.kwargs.get("column_B")  # a pair expectation compares with a recomputation
    return Finding(
        rule=RULE,
        severity=outcome.meta.get("severity", "error"),
        message=message,
        code=record.get("code") or "",
        field=record.get(ROW_FIELD) or src,
        printed=_text(record.get(src)),
        recomputed=_text(record.get(other)) if other else "",
        page=record.get("page") or 0,
    )


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---- the stage ----------------------------------------------------------------------------------


def validate(report: Report, rules: Rules, data_docs: Path | None = None) -> list[Finding]:
    """Run the family's suites over the report; one finding per offending row.

    With `data_docs`, Great Expectations' HTML Data Docs are built in that directory
    (`index.html`).
    """
    with decimal_separator(report.metadata.get("decimal_separator")):
        return _validate(report, rules, data_docs)


def _validate(report: Report, rules: Rules, data_docs: Path | None) -> list[Finding]:
    suites = load_suites(rules.family, suites_dir(rules))
    if not suites:
        note = f"no expectation suites for family {rules.family!r} in {EXPECTATIONS_DIR.name}/"
        return [Finding("validation_skipped", "info", note)]
    spec = Spec.from_rules(rules)
    parameters = spec.parameters()
    _check_parameters(suites, parameters)
    tables = {s.table: TABLES[s.table](report, rules, spec) for s in suites}
    outcomes = _run_suites(suites, tables, parameters, data_docs)
    return findings_from(outcomes, tables)


def _run_suites(
    suites: list[Suite],
    tables: dict[str, list[Record]],
    parameters: dict[str, Any],
    data_docs: Path | None,
) -> list[Outcome]:
    """Validate each table with its suite in an ephemeral context (the only GE import).

    GE's cost is per expectation and per metric, not per row, so the same checks are handed to
    it in fewer, cheaper pieces; outcomes come back in the suite's order, as if each expanded
    expectation had run alone:
    - a year-templated row-wise expectation runs once over the year columns stacked
      (validate_long.py) instead of once per year;
    - GE re-applies a `row_condition` (a `DataFrame.query` over every column) for each metric it
      computes, so the expectations of one condition run together on the rows it selects,
      filtered once the way GE does (row labels kept, so the offending rows are the same);
    - each run sees only the columns its expectations name (GE copies every column it reads).
    """
    from extractor.validate_long import Stacked, long_table, per_column, stackable

    context = _context(data_docs)
    source = context.data_sources.add_pandas("report")
    outcomes: list[Outcome] = []
    for suite in suites:
        frame = _frame(tables[suite.table], suite)
        wide: list[dict[str, Any]] = []
        stacks: dict[str, list[Stacked]] = {}
        for x, exp in enumerate(suite.expectations):
            position = x * EXPANSIONS
            fills = template_fills(exp, list(frame))
            if fills is not None and stackable(exp, fills) and len(fills) < EXPANSIONS:
                stacks.setdefault(json.dumps(fills), []).append(Stacked(exp, position, fills))
                continue
            for j, one in enumerate(expand_expectation(exp, list(frame))):
                wide.append(one | {"meta": (one.get("meta") or {}) | {POSITION: position + j}})
        docs = data_docs is not None
        placed = _run_table(context, source, suite, wide, frame, parameters, docs)
        for stack in stacks.values():
            long, expectations = long_table(frame, stack)
            by_position = {s.position: s for s in stack}
            for position, outcome in _run_table(context, source, suite, expectations, long, parameters, docs):
                placed += per_column(outcome, by_position[position], len(frame))
        outcomes += [o for _, o in sorted(placed, key=lambda p: p[0])]
    if data_docs is not None:
        context.build_data_docs()
    return outcomes


EXPANSIONS = 10_000  # positions reserved per suite expectation, to keep the suite's order


def _run_table(
    context: Any,
    source: Any,
    suite: Suite,
    expectations: list[dict[str, Any]],
    frame: pd.DataFrame,
    parameters: dict[str, Any],
    docs: bool,
) -> list[tuple[int, Outcome]]:
    """Every expectation over one table, a run per row condition; outcomes with positions."""
    placed: list[tuple[int, Outcome]] = []
    for part, rows in _condition_groups(expectations, frame):
        name = f"{suite.name}#{next(_RUNS)}"
        placed += _run_part(context, source, name, suite, part, rows, parameters, docs)
    return placed


_RUNS = itertools.count()  # suite, asset and run names must be unique within a context


def _run_part(
    context: Any,
    source: Any,
    name: str,
    suite: Suite,
    expectations: list[dict[str, Any]],
    frame: pd.DataFrame,
    parameters: dict[str, Any],
    docs: bool,
) -> list[tuple[int, Outcome]]:
    """One validation run: `expectations` over `frame`, each outcome with the expectation's
    position in the suite (`meta.position`, as GE does not keep the suite's order)."""
    import great_expectations as gx

    gx_suite = gx.ExpectationSuite(name=name, expectations=expectations, meta=suite.meta)
    batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
    result_format = {"result_format": "COMPLETE"}
    if not docs:  # the stored suite and run are only what Data Docs are built from
        result = batch.get_batch(batch_parameters={"dataframe": frame}).validate(
            gx_suite, expectation_parameters=parameters, result_format=result_format
        )
        return [(r.expectation_config.meta[POSITION], _outcome(suite.table, r)) for r in result.results]
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch, suite=context.suites.add(gx_suite))
    )
    result = definition.run(
        batch_parameters={"dataframe": frame}, expectation_parameters=parameters, result_format=result_format
    )
    return [(r.expectation_config.meta[POSITION], _outcome(suite.table, r)) for r in result.results]


POSITION = "_position"  # an expectation's place in its expanded suite, carried in its meta
Group = tuple[list[dict[str, Any]], "pd.DataFrame"]


def _condition_groups(expectations: list[dict[str, Any]], frame: pd.DataFrame) -> list[Group]:
    """The expectations grouped by row condition: (themselves without the condition, position
    in `meta`; the rows it selects, narrowed to the columns they name). A condition that cannot
    be applied here stays on its expectations, for GE to apply and report."""
    by_condition: dict[str, tuple[list[dict[str, Any]], pd.DataFrame]] = {}
    unfiltered: set[str] = set()
    for i, exp in enumerate(expectations):
        kwargs = exp.get("kwargs") or {}
        condition = kwargs.get("row_condition")
        key = json.dumps(condition, sort_keys=True)
        if key not in by_condition:
            rows = _rows_where(frame, condition) if condition else frame
            by_condition[key] = ([], frame) if rows is None else ([], rows)
            unfiltered |= {key} if rows is None else set()
        if key in unfiltered:  # left to GE as written, alone
            key = f"#{i}"
            by_condition[key] = ([], frame)
        else:
            exp = exp | {"kwargs": {k: v for k, v in kwargs.items() if k != "row_condition"}}
        by_condition[key][0].append(exp)
    return [(part, _narrowed(rows, part)) for part, rows in by_condition.values() if part]


def _rows_where(frame: pd.DataFrame, condition: Any) -> pd.DataFrame | None:
    """The rows a GE row condition selects, filtered the way GE's pandas engine does; None when
    it cannot be applied (GE then reports why, as for any expectation that cannot run)."""
    from great_expectations.execution_engine import PandasExecutionEngine

    try:
        return PandasExecutionEngine()._apply_row_condition_filter(frame, condition, {})
    except Exception:  # any failure is GE's to report, on the expectation itself
        return None


# expectations about the table that do not depend on which columns it has
COLUMN_FREE = frozenset({"expect_table_row_count_to_be_between", "expect_table_row_count_to_equal"})


def _narrowed(frame: pd.DataFrame, expectations: list[dict[str, Any]]) -> pd.DataFrame:
    """Only the columns the expectations name (GE copies every column of a domain it reads),
    unless one of them is about the table's columns as a whole."""
    named: set[str] = set()
    for exp in expectations:
        kwargs = exp.get("kwargs") or {}
        if exp["type"] not in COLUMN_FREE and not {"column", "column_A", "column_list"} & set(kwargs):
            return frame
        named |= {v for v in _strings(kwargs) if v in frame.columns}
    return frame[[c for c in frame.columns if c in named]]


def _strings(value: Any) -> set[str]:
    """Every string in an expectation's kwargs (column names among them)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values()))
    if isinstance(value, list | tuple):
        return set().union(*(_strings(v) for v in value))
    return set()


def _context(data_docs: Path | None) -> Any:
    """An in-memory context, without progress bars, with a docs site only when asked for."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    sites = {}
    if data_docs is not None:
        sites["extract"] = {
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(Path(data_docs).resolve()),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        data_docs_sites=sites,
        progress_bars=ProgressBarsConfig(globally=False),  # tqdm bars would litter stderr
    )
    return gx.get_context(project_config=config, mode="ephemeral")


def _frame(records: list[Record], suite: Suite) -> pd.DataFrame:
    """The table as a DataFrame; an empty table still has the columns its suite names."""
    import pandas as pd

    if records:
        return pd.DataFrame.from_records(records)
    named = {
        v
        for exp in suite.expectations
        for k, v in (exp.get("kwargs") or {}).items()
        if k in ("column", "column_A", "column_B") and not _is_template(v)
    }
    return pd.DataFrame(columns=sorted(named))


def _outcome(table: str, result: Any) -> Outcome:
    """Plain data from a GE `ExpectationValidationResult`."""
    config = result.expectation_config
    details = result.result or {}
    unexpected = details.get("unexpected_index_list")
    return Outcome(
        table=table,
        type=config.type,
        kwargs=dict(config.kwargs),
        meta={k: v for k, v in (config.meta or {}).items() if k != POSITION},
        success=bool(result.success),
        unexpected=[int(i) for i in unexpected] if unexpected is not None else None,
        observed=_text(details.get("observed_value")),
        error=_exception_message(result.exception_info),
    )


def _exception_message(info: Any) -> str:
    """GE reports an exception flat, or keyed by the metric that raised it."""
    if not isinstance(info, dict):
        return ""
    if "raised_exception" in info:
        return str(info.get("exception_message") or "") if info["raised_exception"] else ""
    # several metrics of one expectation often fail for the same reason: say it once
    messages = dict.fromkeys(_exception_message(v) for v in info.values())
    return "; ".join(m for m in messages if m)
