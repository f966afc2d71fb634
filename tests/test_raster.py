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


def _image_pdf(path: Path, width_px: int, height_px: int) -> Path:
    import zlib

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    image = pikepdf.Stream(pdf, b"")
    image.write(zlib.compress(b"\x00" * width_px * height_px), filter=pikepdf.Name.FlateDecode)
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height = width_px, height_px
    image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceGray, 8
    page = pdf.pages[0]
    page.add_resource(image, pikepdf.Name.XObject, pikepdf.Name.Im0)
    page.contents_add(pikepdf.Stream(pdf, b"q 500 0 0 500 0 0 cm /Im0 Do Q"))
    pdf.save(path)
    return path


def test_an_image_too_big_to_decode_is_refused_before_drawing(tmp_path: Path, monkeypatch) -> None:
    """pdfium decodes images at full size whatever the scale: a flate bomb in pixels."""
    monkeypatch.setattr(raster, "MAX_IMAGE_PIXELS", 1_000_000)
    pdf = _image_pdf(tmp_path / "bomb.pdf", 1200, 1000)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        with pytest.raises(raster.PageTooLarge, match=r"page 1: holds an image of 1200×1000 pixels"):
            raster.render_gray(doc[0], 200, name="bomb.pdf: page 1")
        monkeypatch.setattr(raster, "MAX_IMAGE_PIXELS", 2_000_000)
        assert not raster.render_gray(doc[0], 200).blank
    finally:
        doc.close()


def test_a_flate_bomb_is_refused_before_pdfium_inflates_it(tmp_path: Path, monkeypatch) -> None:
    from extractor import pdf as pdf_stage

    monkeypatch.setattr(pdf_stage, "MAX_INFLATED_BYTES", 8 * 2**20)
    bomb = _image_pdf(tmp_path / "bomb.pdf", 3000, 3000)  # 9 MB of pixels in a 9 kB stream
    with pytest.raises(pdf_stage.InputError, match=r"bomb\.pdf: a compressed stream .* inflates to more than 8 MiB"):
        pdf_stage.check_inflation(bomb)
    fine = _image_pdf(tmp_path / "fine.pdf", 2000, 2000)
    pdf_stage.check_inflation(fine)
