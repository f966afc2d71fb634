"""The printed summary-counts table against a recount of the rows by printed progress."""

from __future__ import annotations

from collections.abc import Sequence

from extractor.model import Finding, Row, SummaryRow
from extractor.reconcile.arithmetic import count_finding
from extractor.reconcile.matrix import Matrix
from extractor.values import parse_value

LISTED_MEMBERS = 12  # a recount lists the rows it counted when there are at most this many


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
