"""Figures stated in the text (`narrative.py`) against the matrix."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence

from extractor.model import Finding, Row, Severity
from extractor.reconcile.arithmetic import (
    Recomputed,
    agrees_with_exact,
    agrees_with_printed,
    count_finding,
    finding,
    plural,
    rounded,
)
from extractor.reconcile.counts import members_text, recount_text
from extractor.reconcile.matrix import Matrix
from extractor.reconcile.narrative import UNATTRIBUTED, Claim
from extractor.reconcile.readings import explain
from extractor.values import Value, parse_value


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
    return merge_repeated(out)


_QUOTED = re.compile(r'"([^"]*)"')
_PROGRESS_YEAR = re.compile(r"progress_(\d{4})")


def merge_repeated(findings: Sequence[Finding]) -> list[Finding]:
    """The same claim read twice (a sentence and a small table, a call-out and a paragraph) is
    one finding that names every place it is stated."""
    merged: dict[tuple[str, str, str, float | str | None, str], Finding] = {}
    out = []
    for f in findings:
        if f.rule == "narrative_unattributed":
            out.append(f)
            continue
        value = parse_value(f.printed).value
        key = (f.rule, f.code, f.field, value if value is not None else f.printed, f.recomputed)
        first = merged.get(key)
        if first is None:
            merged[key] = f
            out.append(f)
            continue
        quoted = _QUOTED.search(f.message)
        where = f'page {f.page}: "{quoted.group(1)}"' if quoted else f"page {f.page}"
        first.message = first.message.rstrip(".") + f"; the text states it again on {where}."
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
    if printed.value is None and recomputed is not None:
        other = explained_otherwise(matrix, row, field, claimed)
        if other is not None:
            return claim_reading_note(claim, row, field, claimed, other, recomputed)
    return figure_mismatch(claim, row, field, claimed, printed, recomputed)


def explained_otherwise(matrix: Matrix, row: Row, field: str, claimed: Value) -> Recomputed | None:
    """Another documented reading of a figure the matrix does not print that the text's rounds."""
    m = _PROGRESS_YEAR.fullmatch(field)
    return explain(matrix, row, int(m.group(1)), claimed) if m else None


def claim_reading_note(
    claim: Claim, row: Row, field: str, claimed: Value, explained: Recomputed, first: Recomputed
) -> Finding:
    """The text's figure for a cell the matrix does not print agrees with a documented reading
    other than the first: say which (info)."""
    subject = row.code if claim.subject == row.code else f"{claim.subject} ({row.code})"
    message = (
        f"The text says {claim.printed} for {subject} {field}, which the matrix does not print: "
        f"{quote(claim)}; it is explained by {explained.basis}: {explained.arithmetic} (the first "
        f"reading, {first.basis}: {first.arithmetic})."
    )
    shown = f"{explained.value:.{claimed.decimals}f}" if explained.value is not None else ""
    return finding("reading", "info", message, row, field, claim.printed, shown, claim.page)


_NUMBERED = re.compile(r"^The text says \S+ for (?P<subject>\S+) \((?P<code>[^)\s]+)\) ")


def numbered_subject(finding: Finding) -> str:
    """The subject ("S.21") of a narrative finding whose row was found by the matrix's numbering
    of its units rather than by a code the text prints; "" for any other finding."""
    m = _NUMBERED.match(finding.message) if finding.rule == "narrative_mismatch" else None
    return m["subject"] if m and m["code"] == finding.code else ""


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
    labels = matrix.settings.count_labels
    message = (
        f"The text counts {claim.printed} {group} in {labels.get(claim.field, claim.field)}: "
        f"{quote(claim)}; {recount_text(level, matrix.report_year)} {len(members)}{members_text(matrix, members)}."
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
    settings = matrix.settings
    listed = ", ".join(
        f"{settings.service_subject.name(n)} " + "/".join(f"{r.code} ({r.get(field)})" for r in rows)
        for n, rows in below.items()
    )
    message = (
        f"The text says {claim.printed} {settings.unit_word}s missed the target: {quote(claim)}; "
        f"{len(below)} {settings.unit_word}s have an indicator whose printed {field} is below 100 "
        f"(the reading taken here of '{settings.below_target}'): {listed}."
    )
    field = f"{claim.subject or settings.unit_word + 's'}.{field}"
    return count_finding(
        "narrative_mismatch", "warning", message, field, claim.printed, len(below), claim.page
    )
