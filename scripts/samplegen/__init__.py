"""Render realistic CEPLAN-format sample reports (PDF) from data, with their expected outputs.

Two samples, each described by a file in ``data/``:

* ``trata-2024`` — the real "Reporte de Cumplimiento 2024" of the Política Nacional frente a la
  Trata de Personas, rendered from its gold reference (``tests/data/reference/trata-2024``) and
  the narrative of the text dump it was read from (``tests/data/seed``).
* ``salud-2025`` — a fictitious policy (``data/salud-2025.yaml``) whose figures are drawn from a
  fixed seed so that every printed figure agrees with the CEPLAN methodology.

Each sample is written as ``samples/<name>.pdf`` plus ``samples/<name>/expected/`` (``rows.csv``,
``summary.csv``, ``metadata.json``); ``--scanned`` adds degraded copies in ``samples/scanned/``.

Modules: ``model`` (data handed to the renderer), ``trata`` + ``seed`` (the real report and its
text dump), ``policies`` + ``synthetic`` + ``narrative`` (synthetic policies), ``layout`` +
``render`` + ``flowables`` (reportlab drawing), ``expected`` (expected outputs), ``scan``
(degraded variants), ``cli``.

Tests build data with :func:`load_trata` / :func:`make_salud_data`, change figures, and call
:func:`render_report`, which returns the page of every row, so they know the expected output of
the PDF they made::

    import samplegen
    data = samplegen.make_salud_data()
    data.rows[3]["progress_2025"] = "999.9"
    result = samplegen.render_report(data, tmp_path / "bad.pdf")   # result.row_pages: page per row
"""

from samplegen.cli import BUILDERS, make_sample
from samplegen.expected import expected_metadata, expected_rows, write_expected
from samplegen.layout import build_geometry
from samplegen.model import Block, Note, NoteGroup, ReportData
from samplegen.printed import band, compute_summary
from samplegen.render import RenderResult, render_report
from samplegen.style import GREEN, GREY, RED, YELLOW, MatrixStyle
from samplegen.synthetic import make_policy_data, make_salud_data
from samplegen.trata import load_trata

__all__ = [
    "BUILDERS", "GREEN", "GREY", "RED", "YELLOW", "Block", "MatrixStyle", "Note", "NoteGroup",
    "RenderResult", "ReportData", "band", "build_geometry", "compute_summary", "expected_metadata",
    "expected_rows", "load_trata", "make_policy_data", "make_salud_data", "make_sample",
    "render_report", "write_expected",
]  # fmt: skip
