"""Rasterising within the memory budget: scale capped by pixels, blank pages stay thumbnails."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extractor import raster
from tests.memwatch import run_measured


def _page_pdf(path: Path, side: float, *, ink: bool) -> Path:
    doc = pdfium.PdfDocument.new()
    page = doc.new_page(side, side)
    if ink:
        rect = pdfium.raw.FPDFPageObj_CreateNewRect(side * 0.1, side * 0.1, side * 0.5, side * 0.5)
        pdfium.raw.FPDFPageObj_SetFillColor(rect, 0, 0, 0, 255)
        pdfium.raw.FPDFPath_SetDrawMode(rect, pdfium.raw.FPDF_FILLMODE_ALTERNATE, False)
        pdfium.raw.FPDFPage_InsertObject(page.raw, rect)
        pdfium.raw.FPDFPage_GenerateContent(page.raw)
    doc.save(str(path))
    doc.close()
    return path


def test_scale_is_capped_by_pixel_count_not_points() -> None:
    a4 = raster.capped_scale(595, 842, 200 / 72)
    assert a4 == pytest.approx(200 / 72)  # a report page keeps its OCR resolution
    huge = raster.capped_scale(14400, 14400, 200 / 72)
    assert (14400 * huge) ** 2 <= raster.MAX_PAGE_PIXELS * 1.0001


def test_a_blank_page_is_only_drawn_as_a_thumbnail(tmp_path: Path) -> None:
    pdf = _page_pdf(tmp_path / "blank.pdf", 14400, ink=False)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        drawn = raster.render_gray(doc[0], 200)
    finally:
        doc.close()
    assert drawn.blank
    assert drawn.image.size <= raster.PROBE_PIXELS


def test_a_page_with_ink_is_drawn_within_the_pixel_cap(tmp_path: Path) -> None:
    pdf = _page_pdf(tmp_path / "ink.pdf", 2384, ink=True)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        drawn = raster.render_gray(doc[0], 200)
    finally:
        doc.close()
    assert not drawn.blank
    assert raster.PROBE_PIXELS < drawn.image.size <= raster.MAX_PAGE_PIXELS
    assert drawn.dpi == pytest.approx(72 * drawn.image.shape[1] / 2384, rel=0.01)


def test_a_page_too_big_to_read_is_refused_by_name(tmp_path: Path) -> None:
    pdf = _page_pdf(tmp_path / "poster.pdf", 14400, ink=True)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        with pytest.raises(raster.PageTooLarge, match=r"poster\.pdf: page 1: 14400×14400 pt is too large"):
            raster.render_gray(doc[0], 200, name=f"{pdf}: page 1")
    finally:
        doc.close()


def test_workers_are_limited_by_the_budget() -> None:
    assert raster.workers_within_budget(1) == 1
    assert 1 <= raster.workers_within_budget(64) < 64


@pytest.mark.parametrize("side", [3600, 7200, 14400])
def test_blank_pages_stay_under_the_memory_budget(tmp_path: Path, side: int) -> None:
    """The issue's probe: blank pages went to OCR at 200 dpi (18.5 GB at 14400 pt)."""
    import sys

    pdf = _page_pdf(tmp_path / f"blank-{side}.pdf", side, ink=False)
    out = tmp_path / "out"
    measured = run_measured([sys.executable, "-m", "extractor", str(pdf), "--out", str(out), "-q"], timeout=300)
    assert measured.returncode == 2, measured.stderr
    assert "no CEPLAN matrix found" in measured.stderr and measured.stderr.count("\n") == 1
    assert measured.peak_mb < raster.MEMORY_BUDGET_MB, measured
    assert not out.exists()
