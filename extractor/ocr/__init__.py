"""Read a page that has no usable text layer: render it, turn it upright, find its ruled grid, OCR it.

The chain, each step a small pure function on a grayscale numpy image (pdfplumber-style):

    render_page → orient (rotation; skew when it measured it) → turn → estimate_skew / deskew (+ scan_frame) → find_grid
    → ocr_words (erase rules → despeckle → read cells, then the rest of the page)

one file per concern: `image.py` (render, turn, deskew, ink, despeckle), `rotation.py` (which
way up), `grid.py` (ruling lines and the cells they close), `read.py` (mosaics, digit re-reads),
`engine.py` (tesseract: its library in this process, or runs of many images each); this module runs the chain.

`ocr_page` runs the chain for one page and returns a `PageContent` like `pdf.py` does for a text
page (``source="ocr"``); `ocr_pages` runs it for many pages in a process pool.

Why it works this way (measured on 6–7 pt CEPLAN-like tables rasterised at 200 dpi):
- Ruling lines are erased before OCR: with them, tesseract reads a ruled table as noise.
- When a grid is found every cell is read on its own (`--psm 6`), the cells pasted one under the
  other into a few tall "mosaic" images, read by tesseract's library in this process, each
  model loaded once (`engine.py`: a start of the command costs as much as reading a dozen cells;
  without the library, all the mosaics of a page go to one run). Whole-page
  `--psm 6` mixed the lines of wrapped cells with their neighbours and glued values across
  erased lines (81% of cells right); per cell, 100%, and every word lies inside its cell.
- A scan is rendered at its own resolution (150-300 dpi), and every region's print is scaled
  for tesseract from the measured height of its letters: small print to ~19 px letters (6–7 pt
  at 200 dpi, 2×), body text to ~11.5 px (0.75× at 200 dpi: read as well as at 2× and in less
  than half the time). A narrative page costs ~3.5 s, a matrix ~6 s.
- Uneven light and the shadow of a binding are divided out first (`image.flatten_light`); areas
  of solid ink (a grey fill or a shadow a photocopy burnt black) are inverted after the deskew
  (`image.solid_fill_areas`, `image.invert_areas`), or the rules joined to them are lost with them. The page keeps
  those areas (`PageContent.blacked`): a cell under one is unread, not printed blank.
- Rules broken by worn toner or a faint patch are mended: pieces whose facing ends no crossing
  rule closes are one rule (`grid.bridge_broken_lines`).
- Where a piece of a rule is lost, the rules still close a wide cell over the small ones the
  rest of it bounds; only cells over no other are read (`grid.innermost_cells`), or every word
  in them came out twice ("Línea Línea base base").
- Rules cut off by the edge of the scan (a sheet cropped by a few millimetres loses the
  table's outer border) are closed along that edge, or the first column has no cells and the
  header its "Código". The edge is the scan's frame, followed through the deskew. A sheet
  shifted on the glass is cut inside the image (past the cut, the blank lid): rules ending in
  one line with only specks beyond them are closed there too, or the last column's values are
  left to the page pass, which drops them.
- A bitonal scan's hairline, levelled by the deskew, comes out as dashes alternating between
  two pixel rows, none as long as a rule in either row: rules are looked for over each row and
  the next together too (`grid.with_stepped_runs`), or two table rows share one band.
- Borders of shaded areas stand in for the rules shading printed over (a shaded row's top
  rule comes out a few grey levels dark): without them two rows read as one.
- Lone specks (dust, paper noise) are painted over before reading, and what tesseract still
  makes of specks beside the print (a low-confidence ":" or a dot-sized "letter") is dropped:
  tesseract reads specks as "." ":" "'" glued to words and values ("62.0.").
- Words with digits are read a second time with the English model: "spa" turns code letters
  into digits (ISS.03 → 155.03, IOP → 10P: 13 of 28 codes right), "eng" does not (28 of 28)
  but loses accents, so words without digits keep the Spanish reading. Outside the grid only
  the words with digits are read again, each from its own box.
- A cell whose two readings disagree on a number ("1221" / "221") is read once more alone:
  now and then a mosaic's neighbours mislead tesseract (a tile alone reads right), and so is a
  tile whose reading has a word spanning two of its lines.
- A cell read as one doubtful figure (tesseract below 70%, or no value) is read a second time,
  differently: at another scale, with only a figure's characters. Compared digit by digit,
  agreement raises its confidence; disagreement keeps the value-shaped (else surer) reading,
  doubtful, with the other beside it, so a finding resting on it is a warning naming both.
  All doubtful cells of a page go in one mosaic: one more tesseract call, on a few small tiles.
- Text outside the grid is read with tesseract's own layout analysis (`--psm 3`), which sets
  logos and halftone banners aside instead of reading them as letters.
- Rotation is judged from the image, not from the page's /Rotate entry (scanners store pages
  upside down and set /Rotate, or don't); /Rotate only breaks a tie.

Coordinates returned are PDF points, origin top-left, in the upright (and deskewed) page.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import as_completed
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytesseract

from extractor.geometry import Edge, text_lines
from extractor.lifeline import process_pool, tesseract_dies_with_caller
from extractor.model import PageContent, Word
from extractor.ocr.grid import LineMasks, erase_lines, find_grid, page_line_masks, table_cells
from extractor.ocr.image import (
    DEFAULT_DPI,
    area_boxes,
    blank,
    deskew,
    despeckle,
    estimate_skew,
    flatten_light,
    ink_box,
    ink_mask,
    invert_areas,
    render,
    render_page,
    scan_frame,
    solid_fill_areas,
    turn,
)
from extractor.ocr.read import (
    DIGITS_LANG,
    LANG,
    PSM_PAGE,
    ocr_boxes,
    read_unread_print,
    reading_order,
    reading_scale,
    split_at_lines,
    through_dither,
    to_word,
)
from extractor.ocr.rotation import detect_rotation, orient
from extractor.raster import workers_within_budget

__all__ = [
    "DEFAULT_DPI",
    "OcrUnavailable",
    "check_tesseract",
    "deskew",
    "despeckle",
    "detect_rotation",
    "estimate_skew",
    "find_grid",
    "flatten_light",
    "ocr_page",
    "ocr_pages",
    "ocr_words",
    "page_text",
    "render_page",
    "scan_frame",
    "turn",
]

MIN_GRID_CELLS = 4  # fewer cells than this is a box around text, not a table
MIN_DPI, MAX_DPI = 150, 300  # a scan is read at its own resolution, within these

ProgressCallback = Callable[[int, int], None]


class OcrUnavailable(RuntimeError):
    """tesseract or its language data is missing."""


def ocr_page(
    pdf_path: str | Path,
    page_index: int,
    page_width_pt: float,
    page_height_pt: float,
    dpi: int | None = None,  # None: the scan's own resolution
) -> PageContent:
    """One page read by OCR: upright words, ruling edges and reading-order text, in PDF points."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        page = pdf[page_index]
        dpi = dpi or scan_dpi(page)
        stored_rotation = page.get_rotation()
        # a huge page is drawn at a lower dpi, a blank one at thumbnail size (raster.py)
        raster = render(page, dpi, name=f"{pdf_path}: page {page_index + 1}")
    finally:
        pdf.close()
    if raster.blank:
        return PageContent(page_index + 1, page_width_pt, page_height_pt, [], [], source="ocr")
    # uneven light and binding shadow are evened out before anything reads the page
    image, dpi = flatten_light(raster.image, raster.dpi), raster.dpi
    upright = orient(image, prior=stored_rotation, dpi=dpi)
    rotation = upright.rotation
    image = turn(image, rotation)
    # the letters' test has often measured the skew and deskewed this very image already
    skew = estimate_skew(image, dpi) if upright.skew is None else upright.skew
    frame = scan_frame(image.shape, skew)
    image = deskew(image, skew) if upright.level is None else upright.level
    solid = solid_fill_areas(image, dpi)
    image = invert_areas(image, solid)
    masks = page_line_masks(image, dpi)  # once: the grid and the erasing of its rules read the same ink
    edges = find_grid(image, dpi=dpi, frame=frame, masks=masks)
    words = ocr_words(image, dpi=dpi, grid=edges, masks=masks)
    width, height = _upright_size(image, page_width_pt, page_height_pt)
    return PageContent(
        number=page_index + 1,
        width=width,
        height=height,
        words=words,
        edges=edges,
        text=page_text(words),
        source="ocr",
        rotation=rotation,
        skew=skew,
        blacked=area_boxes(solid, dpi),
    )


def ocr_words(
    image: np.ndarray,
    *,
    dpi: int = DEFAULT_DPI,
    grid: Sequence[Edge] | None = None,
    lang: str = LANG,
    upscale: float | None = None,  # None: from the measured height of the letters
    per_cell: bool = True,  # False: the whole page in one reading (for measuring; worse on tables)
    masks: LineMasks | None = None,  # the image's page_line_masks, when the caller has them
) -> list[Word]:
    """Words of an upright page image in PDF points, none straddling a vertical ruling line."""
    masks = masks or page_line_masks(image, dpi)
    if grid is None:
        grid = find_grid(image, dpi=dpi, masks=masks)
    scale = 72 / dpi
    lines = [e.scaled(1 / scale) for e in grid]
    clean = despeckle(erase_lines(image, lines, dpi, masks), dpi)
    cells = [box.scaled(1 / scale) for box in table_cells(grid)] if per_cell else []
    if len(cells) < MIN_GRID_CELLS:
        cells = []
    upscale = upscale or reading_scale(ink_mask(clean), dpi, table=bool(cells))
    clean = through_dither(clean, cells, dpi, upscale=upscale, lang=lang)
    found = [w for words in ocr_boxes(clean, cells, upscale=upscale, lang=lang) for w in words]
    rest = blank(clean, cells)
    rest_ink = ink_mask(rest)
    rest_box = ink_box(rest_ink)
    if rest_box is not None:
        scale_rest = reading_scale(rest_ink, dpi)
        loose = ocr_boxes(rest, [rest_box], upscale=scale_rest, lang=lang, psm=PSM_PAGE)[0]
        if cells:  # a table's print the page pass left unread, read like its cells (read.unread_print)
            loose += read_unread_print(rest, rest_ink, loose, dpi, upscale=upscale, lang=lang)
        verticals = [ln for ln in lines if ln.orientation == "v"]
        found += split_at_lines(loose, verticals, clean, upscale=upscale, lang=lang)
    return [to_word(w, scale) for w in reading_order(found)]


def page_text(words: Iterable[Word]) -> str:
    """The words as text: one line per visual line, top to bottom, left to right."""
    return "\n".join(" ".join(w.text for w in line) for line in text_lines(words, "middle"))


def scan_dpi(page: pdfium.PdfPage) -> int:
    """The resolution of the page's scan (its largest image), within MIN_DPI..MAX_DPI.

    Rendering a 300-dpi scan at 200 dpi throws away a third of what the scanner saw; rendering a
    150-dpi one at 200 only adds blur. Pages with no image (vector print read with --ocr always)
    are rendered at DEFAULT_DPI.
    """
    best = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            pixels = max(obj.get_px_size())
            left, bottom, right, top = obj.get_bounds()
        except pdfium.PdfiumError:
            continue
        extent = max(right - left, top - bottom)  # a turned scan's long side lies either way
        if extent >= max(page.get_size()) / 2:  # the scan, not a logo
            best = max(best, pixels / (extent / 72))
    if not best:
        return DEFAULT_DPI
    return round(min(max(best, MIN_DPI), MAX_DPI))


def _upright_size(image: np.ndarray, width: float, height: float) -> tuple[float, float]:
    """The page size in points, swapped when the content had to be turned a quarter."""
    image_landscape = image.shape[1] > image.shape[0]
    return (width, height) if image_landscape == (width > height) else (height, width)


def ocr_pages(
    pdf_path: str | Path,
    page_indexes: Sequence[int],
    jobs: int = 2,
    progress: ProgressCallback | None = None,
    dpi: int | None = None,  # None: each page at its scan's own resolution
) -> list[PageContent]:
    """Pages read by OCR in a pool of `jobs` processes, in the order asked; reports (done, total)."""
    check_tesseract()
    tesseract_dies_with_caller()  # a killed `extract` leaves no tesseract behind (lifeline.py)
    total = len(page_indexes)
    if progress:
        progress(0, total)
    if jobs <= 1 or total <= 1:
        return [_report(_ocr_job(str(pdf_path), i, dpi), progress, n + 1, total) for n, i in enumerate(page_indexes)]
    results: dict[int, PageContent] = {}
    # spawn, not fork: the parent may hold pdfium state, which must not be shared with children.
    context = multiprocessing.get_context("spawn")
    # workers die with this process and stop at once on Ctrl-C or an error (lifeline.py)
    with process_pool(min(workers_within_budget(jobs), total), context) as pool:
        futures = {pool.submit(_ocr_job, str(pdf_path), i, dpi): i for i in page_indexes}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if progress:
                progress(done, total)
    return [results[i] for i in page_indexes]


def _report(page: PageContent, progress: ProgressCallback | None, done: int, total: int) -> PageContent:
    if progress:
        progress(done, total)
    return page


def _ocr_job(pdf_path: str, page_index: int, dpi: int | None) -> PageContent:
    """Worker entry: open the PDF in this process (pdfium handles are not shareable)."""
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        width, height = pdf[page_index].get_size()
    finally:
        pdf.close()
    return ocr_page(pdf_path, page_index, width, height, dpi=dpi)


def check_tesseract(lang: str = LANG) -> None:
    """Raise OcrUnavailable unless tesseract runs and has the language and OSD data."""
    try:
        languages = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, pytesseract.TesseractError) as error:
        raise OcrUnavailable(f"tesseract is not installed or does not run: {error}") from error
    missing = {lang, DIGITS_LANG, "osd"} - languages
    if missing:
        raise OcrUnavailable(f"tesseract lacks language data {', '.join(sorted(missing))} (Debian: tesseract-ocr-spa)")
