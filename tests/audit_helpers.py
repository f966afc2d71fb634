"""Read back the audit artefacts: annotations of a PDF (pypdfium2) and report.html in chromium."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


@dataclass(frozen=True, slots=True)
class Annotation:
    page: int
    subtype: int
    name: str  # /NM
    contents: str
    rect: tuple[float, float, float, float]  # PDF user space: left, bottom, right, top
    color: tuple[float, ...]  # /C (pdfium reads no colour once an appearance stream is set)
    page_box: tuple[float, float, float, float]


def read_annotations(path: Path) -> list[Annotation]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    out = []
    colors = _colors(path)
    doc = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(doc)):
            page = doc[index]
            page_box = tuple(page.get_mediabox())
            for i in range(raw.FPDFPage_GetAnnotCount(page.raw)):
                annot = raw.FPDFPage_GetAnnot(page.raw, i)
                try:
                    out.append(_annotation(raw, annot, index + 1, page_box, colors[index][i]))
                finally:
                    raw.FPDFPage_CloseAnnot(annot)
            page.close()
    finally:
        doc.close()
    return out


def _colors(path: Path) -> list[list[tuple[float, ...]]]:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return [
            [tuple(round(float(c), 2) for c in a.get("/C", [])) for a in page.obj.get("/Annots", [])]
            for page in pdf.pages
        ]


def _annotation(raw, annot, page: int, page_box, color: tuple[float, ...]) -> Annotation:
    rect = raw.FS_RECTF()
    raw.FPDFAnnot_GetRect(annot, rect)
    return Annotation(
        page,
        raw.FPDFAnnot_GetSubtype(annot),
        _string(raw, annot, "NM"),
        _string(raw, annot, "Contents"),
        (rect.left, rect.bottom, rect.right, rect.top),
        color,
        page_box,
    )


def _string(raw, annot, key: str) -> str:
    size = raw.FPDFAnnot_GetStringValue(annot, key.encode(), None, 0)
    buffer = ctypes.create_string_buffer(size)
    raw.FPDFAnnot_GetStringValue(annot, key.encode(), ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)), size)
    return buffer.raw[: max(size - 2, 0)].decode("utf-16-le")


def text_under(pdf: Path, page: int, rect: tuple[float, float, float, float]) -> str:
    """The text layer's characters inside a rectangle (PDF user space)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        textpage = doc[page - 1].get_textpage()
        return textpage.get_text_bounded(*rect)
    finally:
        doc.close()


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "chromium is needed to test report.html (scripts/setup.sh installs it)"
    return found


def chromium_run(html: Path, profile: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, html.resolve().as_uri()],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
