"""Audit artefacts: show the auditor where each finding is on the page.

- `annotated.pdf` (`--format pdf`): the report's PDF with a mark on every finding's cell;
- `report.html` (`--format html`): one self-contained page with the findings, page crops,
  the matrix and the repairs, readable offline and printable.

Both place findings with `locate`, from the cell boxes kept by extraction.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from extractor.model import Report

AUDIT_FORMATS = ("pdf", "html")


def write_audit(report: Report, folder: Path, formats: Sequence[str]) -> None:
    """Write the audit artefacts asked for into `folder`."""
    wanted = [f for f in AUDIT_FORMATS if f in formats]
    if not wanted:
        return
    from extractor.audit.locate import locate, page_sizes

    source = Path(report.source.path)
    marks = locate(report, source)
    if "pdf" in wanted:
        import pikepdf

        from extractor.audit.annotate import write_annotated
        from extractor.pdf import InputError

        try:
            write_annotated(source, marks, page_sizes(source), folder / "annotated.pdf")
        except pikepdf.PdfError as exc:
            raise InputError(f"{source}: annotated.pdf cannot be written ({exc}); nothing was written") from None
    if "html" in wanted:
        from extractor.audit.html import write_html

        write_html(report, marks, folder / "report.html")
