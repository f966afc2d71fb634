"""Degraded variants of a rendered sample: what a cheap office scanner makes of its pages.

``<name>-ocr.pdf`` (rasterised, tilted, noisy, OCR'd by ocrmypdf) and ``<name>-image.pdf`` (the
same pages without a text layer, some upside down). The damage of each page is drawn from a
fixed seed per document, so the images are reproducible.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.pdfgen.canvas import Canvas

# Matrix pages need 200 dpi for their 6 pt text to be legible at all; the 9 pt narrative reads
# fine at 150 dpi, which keeps the files smaller (a 200 dpi page is ~350 KB at JPEG quality 60).
MATRIX_DPI = 200
NARRATIVE_DPI = 150
JPEG_QUALITY = 60


@dataclass(frozen=True, slots=True)
class ScanPlan:
    """How one page is damaged; shared by the -ocr and -image variants of a document."""

    dpi: int
    angle: float
    crop_mm: float
    noise_seed: int
    upside_down: bool


def scan_plans(n_pages: int, matrix_pages: int, seed: str) -> list[ScanPlan]:
    rng = random.Random(seed)
    cropped = set(rng.sample(range(matrix_pages), k=max(1, (matrix_pages + 1) // 2)))
    # a third of the matrix pages and a quarter of the narrative pages come out upside down
    narrative = range(matrix_pages, n_pages)
    flipped = set(rng.sample(range(matrix_pages), k=max(1, matrix_pages // 3)))
    flipped |= set(rng.sample(narrative, k=min(len(narrative), max(1, len(narrative) // 4))))
    plans = []
    for i in range(n_pages):
        angle = rng.uniform(0.3, 1.0) * rng.choice((-1, 1))
        # the matrix starts 14 pt (4.9 mm) from the edge: cutting 6-7 mm clips the first
        # characters of the codes, the way "LN.02.06" came out as "N.02.06" in the real report
        crop = rng.uniform(6.0, 7.2) if i in cropped else 0.0
        dpi = MATRIX_DPI if i < matrix_pages else NARRATIVE_DPI
        plans.append(ScanPlan(dpi, angle, crop, rng.getrandbits(32), i in flipped))
    return plans


def rasterise(pdf_path: Path, dpis: Sequence[int]) -> list[Any]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
                for page, dpi in zip(pdf, dpis, strict=True)]
    finally:
        pdf.close()


def degrade(image: Any, plan: ScanPlan, upside_down: bool) -> Any:
    """A clean page image → what a cheap office scanner returns."""
    import numpy as np
    from PIL import Image, ImageFilter

    if plan.crop_mm:
        px = round(plan.crop_mm / 25.4 * plan.dpi)
        shifted = Image.new("L", image.size, 255)
        shifted.paste(image.crop((px, 0, image.width, image.height)), (0, 0))
        image = shifted
    image = image.rotate(plan.angle, resample=Image.Resampling.BICUBIC, expand=False,
                         fillcolor=250)
    image = image.filter(ImageFilter.GaussianBlur(0.45 * plan.dpi / MATRIX_DPI))
    rng = np.random.default_rng(plan.noise_seed)
    pixels = np.asarray(image, dtype=np.float32)
    pixels = pixels * 0.93 + 8  # greyish paper, less than full black ink
    pixels += rng.normal(0, 3.5, pixels.shape)
    specks = rng.random(pixels.shape) < 0.0004
    pixels[specks] = rng.uniform(40, 160, int(specks.sum()))
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    return image.rotate(180) if upside_down else image


def images_to_pdf(jpegs: Sequence[Path], sizes: Sequence[tuple[float, float]], out: Path) -> None:
    """One JPEG per page, embedded as is (reportlab passes JPEG files through unchanged)."""
    from reportlab import rl_config

    a85 = rl_config.useA85
    rl_config.useA85 = 0  # ASCII85 would wrap each JPEG stream and add 25% to the file
    try:
        canvas = Canvas(str(out), invariant=True)
        for jpeg, (w, h) in zip(jpegs, sizes, strict=True):
            canvas.setPageSize((w, h))
            canvas.drawImage(str(jpeg), 0, 0, width=w, height=h)
            canvas.showPage()
        canvas.save()
    finally:
        rl_config.useA85 = a85


def page_sizes(pdf_path: Path) -> list[tuple[float, float]]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return [tuple(page.get_size()) for page in pdf]  # type: ignore[misc]
    finally:
        pdf.close()


def make_scanned(pdf_path: Path, matrix_pages: int, out_dir: Path, name: str) -> list[Path]:
    """Write ``<name>-image.pdf`` and ``<name>-ocr.pdf`` into ``out_dir``."""
    if not shutil.which("ocrmypdf"):
        sys.exit("ocrmypdf is not installed (apt-get install ocrmypdf tesseract-ocr-spa)")
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = page_sizes(pdf_path)
    plans = scan_plans(len(sizes), matrix_pages, seed=f"{name}-scan")
    outputs = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        upright, flipped = [], []
        cleans = rasterise(pdf_path, [p.dpi for p in plans])
        for i, (clean, plan) in enumerate(zip(cleans, plans, strict=True)):
            for upside_down, bucket in ((False, upright), (plan.upside_down, flipped)):
                jpeg = folder / f"p{i:03d}-{int(upside_down)}.jpg"
                if not jpeg.exists():
                    degrade(clean, plan, upside_down).save(
                        jpeg, "JPEG", quality=JPEG_QUALITY, dpi=(plan.dpi, plan.dpi))
                bucket.append(jpeg)
        image_pdf = out_dir / f"{name}-image.pdf"
        images_to_pdf(flipped, sizes, image_pdf)
        upright_pdf = folder / "upright.pdf"
        images_to_pdf(upright, sizes, upright_pdf)
        ocr_pdf = out_dir / f"{name}-ocr.pdf"
        subprocess.run(["ocrmypdf", "-q", "-l", "spa", "--output-type", "pdf", "--optimize", "0",
                        "--jobs", "2", str(upright_pdf), str(ocr_pdf)], check=True)
        outputs += [ocr_pdf, image_pdf]
    return outputs


SCANNED_README = """\
# Degraded samples (OCR path)

Made by `scripts/make_samples.py --scanned` from the born-digital samples in `samples/`.
Every page is rendered in greyscale ({dpi}), cropped {crop} on the left edge of some
matrix pages (so the first characters of codes are cut off, like `N.02.06` in the real report),
turned by 0.3–1° (random sign), blurred slightly, given paper tint, noise and specks, and saved
as JPEG quality {quality}. The random choices use a fixed seed per document, so the files are
reproducible.

- `<name>-ocr.pdf`: those images, then `ocrmypdf -l spa --output-type pdf --optimize 0` (a real,
  naturally damaged Tesseract text layer under each image).
- `<name>-image.pdf`: the same images with no text layer; a third of the matrix pages and a
  quarter of the narrative pages are upside down (turned 180°).

The expected outputs are those of the born-digital files: `samples/<name>/expected/`.
"""


def write_readme(folder: Path) -> None:
    text = SCANNED_README.format(dpi=f"matrix pages {MATRIX_DPI} dpi, narrative {NARRATIVE_DPI} dpi",
                                 crop="6–7.2 mm", quality=JPEG_QUALITY)
    (folder / "README.md").write_text(text, encoding="utf-8")
