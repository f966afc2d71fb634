"""Rasterise PDF pages within a memory budget: the scale is capped by pixel count, not points.

Every image of a page (OCR, --debug pictures) comes from here. A page's size in points says
nothing about the memory its picture needs: a blank 14400 pt square at OCR's 200 dpi is 1.6
billion pixels, and the OCR chain keeps several copies of it (turned, deskewed, ink masks), so
one such page took 18 GB. Three rules keep every page inside the budget:

- the render scale is lowered until the picture holds at most `MAX_PAGE_PIXELS`;
- a page is first drawn as a small thumbnail: a page without ink (blank, or a white image)
  goes on at thumbnail size, since a bigger picture of nothing reads no better;
- a page with ink whose capped scale falls below `MIN_READABLE_DPI` is refused with one line
  (print is unreadable that coarse, and tiling the grid and OCR chain is not worth it for
  sizes no monitoring report is printed at), and so is a page holding an image bigger than
  `MAX_IMAGE_PIXELS`, which pdfium would decode at full size whatever the scale.

`workers_within_budget` bounds how many pages are rasterised at once (OCR's process pool).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium

from extractor.pdf import InputError

# The figures below were measured with tests/memwatch.py on a 2-core machine (scripts/fuzz.py
# and scripts/bench.py repeat the measurement): an OCR worker holds ~12 bytes per page pixel at
# its peak (grayscale image, turned and deskewed copies, ink masks, tesseract's own copy of a
# 2×-upscaled mosaic) on top of ~170 MB of libraries.
MEMORY_BUDGET_MB = 1500  # peak resident memory of `extract` and all its processes, any input
BASE_MB = 650  # the main process and the Great Expectations worker, while OCR runs
OCR_WORKER_BASE_MB = 170
BYTES_PER_PAGE_PIXEL = 12
MAX_PAGE_PIXELS = 10_000_000  # A3 at 200 dpi is 7.8 M pixels, an A4 scan 3.9 M
PROBE_PIXELS = 1_000_000  # the thumbnail that tells a blank page from one with ink
INK_LEVEL = 250  # grey level below which a thumbnail pixel is ink (white paper renders 255)
MIN_READABLE_DPI = 60  # 8 pt print is ~7 px high here: below this, OCR reads nothing reliable
# pdfium decodes a page's images at full size whatever the render scale: a 270 M pixel image
# (a 0.25 MB flate bomb) added ~400 MB. An A0 scan at 250 dpi is 95 M pixels.
MAX_IMAGE_PIXELS = 100_000_000
MAX_FORM_DEPTH = 15  # images inside forms inside forms…: pdfium's own default depth


class PageTooLarge(InputError):
    """A page with ink that cannot be rasterised legibly within the memory budget."""


@dataclass(frozen=True, slots=True)
class Raster:
    """A page picture and the resolution it was drawn at (pixels per inch, both axes)."""

    image: np.ndarray
    dpi: float
    blank: bool


def capped_scale(width_pt: float, height_pt: float, scale: float, max_pixels: int = MAX_PAGE_PIXELS) -> float:
    """`scale` (pixels per point), lowered so that the page's picture holds at most `max_pixels`."""
    width_pt, height_pt = max(width_pt, 1.0), max(height_pt, 1.0)
    capped = min(scale, math.sqrt(max_pixels / (width_pt * height_pt)))
    while math.ceil(width_pt * capped) * math.ceil(height_pt * capped) > max_pixels:
        capped *= 0.999  # pdfium rounds the picture's size up to whole pixels
    return capped


def render_gray(
    page: pdfium.PdfPage,
    dpi: float,
    *,
    rotation: int = 0,
    name: str = "page",
    max_pixels: int = MAX_PAGE_PIXELS,
) -> Raster:
    """The page as a grayscale uint8 image at `dpi` or less: see the module's three rules.

    `name` opens the message of `PageTooLarge` ("report.pdf: page 3").
    """
    width, height = page.get_size()
    check_images(page, name)
    probe_scale = capped_scale(width, height, dpi / 72, PROBE_PIXELS)
    probe = _gray(page, probe_scale, rotation)
    if not has_ink(probe):
        return Raster(probe, probe_scale * 72, blank=True)
    scale = capped_scale(width, height, dpi / 72, max_pixels)
    if scale * 72 < MIN_READABLE_DPI:
        raise PageTooLarge(
            f"{name}: {width:.0f}×{height:.0f} pt is too large to read by OCR within the memory budget "
            f"(it would be read at {scale * 72:.0f} dpi; at least {MIN_READABLE_DPI} are needed)"
        )
    if scale == probe_scale:
        return Raster(probe, scale * 72, blank=False)
    return Raster(_gray(page, scale, rotation), scale * 72, blank=False)


def render_color(page: pdfium.PdfPage, scale: float, *, rotation: int = 0, max_pixels: int = MAX_PAGE_PIXELS):
    """The page as an RGB PIL image at `scale` pixels per point or less, and the scale used."""
    width, height = page.get_size()
    check_images(page)
    used = capped_scale(width, height, scale, max_pixels)
    return page.render(scale=used, rotation=rotation).to_pil().convert("RGB"), used


def check_images(page: pdfium.PdfPage, name: str = "page") -> None:
    """Refuse a page holding an image too big to decode within the budget (a decompression bomb)."""
    for image in page.get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=MAX_FORM_DEPTH):
        width, height = image.get_px_size()
        if width * height > MAX_IMAGE_PIXELS:
            raise PageTooLarge(
                f"{name}: holds an image of {width}×{height} pixels, too large to draw within the memory "
                f"budget (at most {MAX_IMAGE_PIXELS // 1_000_000} M pixels)"
            )


def has_ink(image: np.ndarray) -> bool:
    return bool(image.size) and int(image.min()) < INK_LEVEL


def workers_within_budget(jobs: int, budget_mb: int = MEMORY_BUDGET_MB) -> int:
    """How many of `jobs` page rasterisers fit in the budget at once (at least one)."""
    per_worker = OCR_WORKER_BASE_MB + MAX_PAGE_PIXELS * BYTES_PER_PAGE_PIXEL / 2**20
    return max(1, min(jobs, int((budget_mb - BASE_MB) // per_worker)))


def _gray(page: pdfium.PdfPage, scale: float, rotation: int) -> np.ndarray:
    bitmap = page.render(scale=scale, rotation=rotation, grayscale=True)
    pixels = bitmap.to_numpy()
    if pixels.ndim == 3:  # a producer's colour space can still give a multi-channel bitmap
        pixels = pixels[..., :3].mean(axis=2).astype(np.uint8)
    return np.ascontiguousarray(pixels.reshape(bitmap.height, bitmap.width))
