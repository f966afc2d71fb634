"""The printed summary-counts table against a recount of the rows by printed progress."""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.model import Finding, Row, SummaryRow
from extractor.reconcile.arithmetic import count_finding
from extractor.reconcile.matrix import Matrix
from extractor.values import parse_value

LISTED_MEMBERS = 12  # a recount lists the rows it counted when there are at most this many
# how a recount names what it counted (the summary table's and the text's band counts alike)
RECOUNT = "counting the {level} rows by their printed {field} gives"
_RECOUNTED = re.compile(RECOUNT.format(level=r"(?P<level>\S+)", field=r"(?P<field>\w+)"))


def recounted(finding: Finding) -> tuple[str, str] | None:
    """(level, column) of the rows a count finding recounted, e.g. ("ISS", "progress_2024")."""
    m = _RECOUNTED.search(finding.message)
    return (m["level"], m["field"]) if m else None


def summary_findings(matrix: Matrix, summary: Sequence[SummaryRow]) -> list[Finding]:
    out = []
    labels = matrix.settings.count_labels
    for line in summary:
        level = matrix.level_of_group(line.group)
        if level is None:
            continue
        tally = matrix.tally(level, matrix.report_year)
        for column in matrix.settings.count_columns:
            printed = parse_value(line.get(column))
            members = tally[column]
            if printed.value is None or printed.value == len(members):
                continue
            field = f"{line.group}.{column}"
            message = (
                f"Summary table, {line.group} / {labels.get(column, column)}: printed "
                f"{printed.raw}; {recount_text(level, matrix.report_year)} {len(members)}"
                f"{members_text(matrix, members)}"
            )
            out.append(
                count_finding(
                    "summary_count_mismatch", "error", message, field, printed.raw, len(members), line.page
                )
            )
    return out


def recount_text(level: str, year: int) -> str:
    return RECOUNT.format(level=level, field=f"progress_{year}")


def members_text(matrix: Matrix, members: Sequence[Row]) -> str:
    if not members or len(members) > LISTED_MEMBERS:
        return ""
    year = matrix.report_year
    listed = ", ".join(f"{r.code} ({r.get(f'progress_{year}') or 'empty'})" for r in members)
    return f": {listed}"
