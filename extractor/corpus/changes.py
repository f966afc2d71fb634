"""Cross-report reconciliation: what a later report of the same plan prints differently.

Reports are grouped by the plan they follow (the family's `corpus.group_by` metadata: entity and
plan period, or the policy), ordered by the year they report, and each is compared with the one
before it, row by row: by code, or by name where a code changed. Values are compared as numbers,
so "29" and "29.00" are one value: a change of print format is not a change.

Rule ids (CONTRACT.md): value_restated, progress_restated, target_changed, baseline_changed,
priority_changed (the columns each one watches are listed in the family's rules file),
indicator_added / indicator_dropped / indicator_renamed / indicator_recoded for indicator rows,
row_added / row_dropped / row_renamed / row_recoded for the other levels.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from extractor.model import Report
from extractor.rules import Rules, load_rules, load_rules_file, normalize_label
from extractor.schema import Corpus as CorpusSpec
from extractor.values import parse_value

PROGRESS_RULE = "progress_restated"
YEAR = "{year}"
NUMBER_TOLERANCE = 1e-9  # printed figures are equal when their numbers are; no rounding is forgiven


@dataclass(frozen=True, slots=True)
class Identity:
    """Where a report sits in its series: the plan it belongs to and the year it reports."""

    group_key: str | None
    report_year: int | None


@dataclass(slots=True)
class RowView:
    code: str
    level: str
    name: str
    page: int
    fields: dict[str, str]


@dataclass(slots=True)
class Snapshot:
    """One stored report as the comparison needs it."""

    sha256: str
    path: str
    family: str
    year: int | None
    group_key: str | None
    rows: list[RowView] = field(default_factory=list)


# ---- identity: computed once per report, stored in `reports` -----------------------------------


def identify(report: Report, rules: Rules) -> Identity:
    spec = rules.spec.corpus
    return Identity(group_key(report, spec.group_by), report_year(report, spec.year_from))


def group_key(report: Report, keys: Sequence[str]) -> str | None:
    """The plan a report follows, from its metadata; None (never grouped) when a part is missing."""
    if not keys:
        return None
    parts = []
    for key in keys:
        if key == "first_year":
            value = str(min(report.years)) if report.years else ""
        else:
            value = normalize_label(report.metadata.get(key, ""))
        if not value:
            return None
        parts.append(value)
    return "|".join([report.family, *parts])


def report_year(report: Report, template: str = "obtained_{year}") -> int | None:
    """The last year the report prints a number for in `template` (`corpus.year_from`)."""
    for year in sorted(report.years, reverse=True):
        column = template.replace(YEAR, str(year))
        if any(parse_value(row.fields.get(column, "")).is_number for row in report.rows):
            return year
    fallback = report.progress_years or report.years
    return max(fallback) if fallback else None


# ---- loading from the database -------------------------------------------------------------------


def load_snapshots(store: Any) -> list[Snapshot]:
    """Every grouped report, with its rows and the path it is known by (the first of its aliases)."""
    reports = store.query(
        "SELECT r.report_sha256, min(f.path), r.family, r.report_year, r.group_key FROM reports r "
        "JOIN files f ON f.report_sha256 = r.report_sha256 AND f.status = 'ok' "
        "WHERE r.group_key IS NOT NULL GROUP BY ALL"
    )
    snapshots = {sha: Snapshot(sha, path, family, year, key) for sha, path, family, year, key in reports}
    if not snapshots:
        return []
    lines = store.query(
        "SELECT report_sha256, code, level, name, page, fields FROM rows "
        "WHERE report_sha256 IN (SELECT report_sha256 FROM reports WHERE group_key IS NOT NULL) "
        "ORDER BY report_sha256, row_index"
    )
    for sha, code, level, name, page, fields in lines:
        if sha in snapshots:
            snapshots[sha].rows.append(RowView(code, level, name, page, json.loads(fields)))
    return list(snapshots.values())


# ---- comparison --------------------------------------------------------------------------------------


def family_rules(family: str, rules_file: Path | None = None) -> Rules:
    """A shipped family's rules, or the user's own rules file (`--rules`) when it is that family."""
    if rules_file is not None and rules_file.stem == family:
        return load_rules_file(rules_file)
    return load_rules(family)


def find_changes(snapshots: Iterable[Snapshot], rules_file: Path | None = None) -> list[dict[str, Any]]:
    """Changes between consecutive reports of every plan, in group and year order."""
    groups: dict[str, list[Snapshot]] = defaultdict(list)
    for snap in snapshots:
        if snap.group_key:
            groups[snap.group_key].append(snap)
    changes: list[dict[str, Any]] = []
    for key in sorted(groups):
        series = sorted(groups[key], key=lambda s: (s.year or 0, s.path))
        for old, new in pairwise(series):
            changes += compare_reports(old, new, family_rules(new.family, rules_file))
    return changes


def compare_reports(old: Snapshot, new: Snapshot, rules: Rules) -> list[dict[str, Any]]:
    spec = rules.spec.corpus
    indicator_levels = set(rules.spec.codes.indicator_levels)
    pairs, dropped, added, recoded = match_rows(old.rows, new.rows)
    found: list[dict[str, Any]] = []

    def emit(rule: str, row_old: RowView | None, row_new: RowView | None, column: str, a: str, b: str) -> None:
        found.append(_change(rule, old, new, row_old, row_new, column, a, b))

    for row in dropped:
        emit(_row_rule("dropped", row, indicator_levels), row, None, "code", row.code or row.name, "")
    for row in added:
        emit(_row_rule("added", row, indicator_levels), None, row, "code", "", row.code or row.name)
    for a, b in pairs:
        if (id(a), id(b)) in recoded:
            emit(_row_rule("recoded", b, indicator_levels), a, b, "code", a.code, b.code)
        if squash(a.name) != squash(b.name):
            emit(_row_rule("renamed", b, indicator_levels), a, b, "name", a.name, b.name)
        for rule, column in watched_columns(spec, a, b):
            before, after = a.fields.get(column, ""), b.fields.get(column, "")
            if same_value(before, after) or _not_yet_known(before, column, old.year):
                continue
            if rule == PROGRESS_RULE and not _same_inputs(spec, column, a, b):
                continue  # the progress follows a changed input, which is reported itself
            emit(rule, a, b, column, before, after)
    return found


def match_rows(
    old: Sequence[RowView], new: Sequence[RowView]
) -> tuple[list[tuple[RowView, RowView]], list[RowView], list[RowView], set[tuple[int, int]]]:
    """Pairs of the same row (by code, then by name where the code changed), dropped and added rows."""
    old_by_key, new_by_key = _keyed(old), _keyed(new)
    pairs = [(old_by_key[k], new_by_key[k]) for k in old_by_key if k in new_by_key]
    left = [old_by_key[k] for k in old_by_key if k not in new_by_key]
    right = [new_by_key[k] for k in new_by_key if k not in old_by_key]
    recoded = set()
    names_left = Counter((r.level, squash(r.name)) for r in left)
    names_right = Counter((r.level, squash(r.name)) for r in right)
    for a in list(left):
        key = (a.level, squash(a.name))
        if not a.name or names_left[key] != 1 or names_right[key] != 1:
            continue  # only an unambiguous name says two codes are one row
        b = next(r for r in right if (r.level, squash(r.name)) == key)
        pairs.append((a, b))
        recoded.add((id(a), id(b)))
        left.remove(a)
        right.remove(b)
    return pairs, left, right, recoded


def _keyed(rows: Sequence[RowView]) -> dict[tuple[str, str, int], RowView]:
    """Rows by (level, code or name, occurrence): rows without a code (an index) go by name."""
    seen: Counter[tuple[str, str]] = Counter()
    keyed = {}
    for row in rows:
        base = (row.level, row.code or squash(row.name))
        keyed[(*base, seen[base])] = row
        seen[base] += 1
    return keyed


def watched_columns(spec: CorpusSpec, a: RowView, b: RowView) -> list[tuple[str, str]]:
    """(rule, column) for every watched column both rows print."""
    present = set(a.fields) & set(b.fields)
    out = []
    for rule, templates in spec.compare.items():
        for template in templates:
            out += [(rule, c) for c in _expand(template, present)]
    return out


def _expand(template: str, present: set[str]) -> list[str]:
    if YEAR not in template:
        return [template] if template in present else []
    pattern = re.compile(re.escape(template).replace(re.escape(YEAR), r"(\d{4})") + "$")
    return sorted(c for c in present if pattern.match(c))


def _same_inputs(spec: CorpusSpec, column: str, a: RowView, b: RowView) -> bool:
    """Whether the figures a progress is computed from are the same in both reports."""
    year = re.search(r"\d{4}", column)
    if not year:
        return False
    inputs = [t.replace(YEAR, year.group()) for t in spec.progress_inputs]
    return bool(inputs) and all(same_value(a.fields.get(c, ""), b.fields.get(c, "")) for c in inputs)


def _not_yet_known(before: str, column: str, old_year: int | None) -> bool:
    """A later year that the earlier report could not print yet: filling it in is no change."""
    year = re.search(r"(?<!\d)(\d{4})$", column)
    return bool(year and old_year and int(year.group(1)) > old_year and not parse_value(before).is_number)


def same_value(a: str, b: str) -> bool:
    """Printed figures compared as numbers (29 == 29.00 == 29%); no value (empty, ND) equals no value."""
    va, vb = parse_value(a), parse_value(b)
    if va.is_number and vb.is_number:
        return math.isclose(va.value, vb.value, rel_tol=0, abs_tol=NUMBER_TOLERANCE)  # type: ignore[arg-type]
    if va.is_number or vb.is_number:
        return False
    if va.unit in ("", "ND") and vb.unit in ("", "ND"):
        return True
    return squash(a) == squash(b)


def squash(text: str) -> str:
    """Text compared without case, accents, spacing or punctuation (wraps and typography differ)."""
    return re.sub(r"[\W_]+", "", normalize_label(text))


def _row_rule(kind: str, row: RowView, indicator_levels: set[str]) -> str:
    return f"{'indicator' if row.level in indicator_levels else 'row'}_{kind}"


def _change(
    rule: str,
    old: Snapshot,
    new: Snapshot,
    a: RowView | None,
    b: RowView | None,
    column: str,
    before: str,
    after: str,
) -> dict[str, Any]:
    row = b or a
    assert row is not None
    label = row.code or row.name
    where_old = f"{old.path} ({old.year}, p. {a.page})" if a else f"{old.path} ({old.year})"
    where_new = f"{new.path} ({new.year}, p. {b.page})" if b else f"{new.path} ({new.year})"
    return {
        "group_key": new.group_key,
        "rule": rule,
        "code": row.code,
        "level": row.level,
        "field": column,
        "from_sha256": old.sha256,
        "from_path": old.path,
        "from_year": old.year,
        "from_page": a.page if a else None,
        "from_value": before,
        "to_sha256": new.sha256,
        "to_path": new.path,
        "to_year": new.year,
        "to_page": b.page if b else None,
        "to_value": after,
        "message": f"{label} {column}: {before or '(none)'} in {where_old} → {after or '(none)'} in {where_new}",
    }


CHANGE_COLUMNS = [
    "group_key", "rule", "code", "level", "field",
    "from_sha256", "from_path", "from_year", "from_page", "from_value",
    "to_sha256", "to_path", "to_year", "to_page", "to_value", "message",
]  # fmt: skip
