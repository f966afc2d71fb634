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

Everything a report family does its own way (caps, which years, directions, thresholds, the words
its messages use) is read from the `reconcile:` section of its rules file, the counted ranges from
`summary.columns`, the text's phrases from `narrative:`. The stage is pure: the report is not
touched.
"""

from __future__ import annotations

from extractor.model import Finding, Report
from extractor.reconcile.claims import narrative_findings
from extractor.reconcile.counts import summary_findings
from extractor.reconcile.matrix import Matrix
from extractor.reconcile.narrative import parse_claims
from extractor.reconcile.plausibility import implausible_findings, target_design_findings
from extractor.reconcile.progress import indicator_findings
from extractor.reconcile.rollups import rollup_findings
from extractor.reconcile.settings import Settings
from extractor.rules import Rules
from extractor.values import decimal_separator

__all__ = ["reconcile"]


def reconcile(report: Report, rules: Rules) -> list[Finding]:
    """Every recomputation and narrative comparison the family's rules switch on."""
    with decimal_separator(report.metadata.get("decimal_separator")):
        return _reconcile(report, rules)


def _reconcile(report: Report, rules: Rules) -> list[Finding]:
    settings = Settings.from_rules(rules)
    matrix = Matrix(report, settings)
    findings = indicator_findings(matrix)
    if settings.objective_rollup:
        findings += rollup_findings(
            matrix, matrix.objectives(), "op_progress_mismatch", matrix.objective_progress, matrix.objective_readings
        )
        findings += rollup_findings(
            matrix, matrix.index_rows(), "index_mismatch", matrix.index_progress, matrix.index_readings
        )
    if settings.summary_counts:
        findings += summary_findings(matrix, report.summary)
    findings += narrative_findings(matrix, parse_claims(report.narrative, rules, report.source.ocr_pages))
    findings += implausible_findings(matrix)
    findings += target_design_findings(matrix)
    return findings
