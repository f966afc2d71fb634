"""The page image: rendered, turned upright, deskewed, its ink found and its specks painted over.

Every function takes and returns a grayscale uint8 numpy image (pixels, origin top-left).
Rendering happens in `render` only, so whatever bounds a page's pixels bounds them there.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

from extractor.geometry import Box
from extractor.raster import Raster, render_gray

DEFAULT_DPI = 200  # what the scans we see are made at; 6–7 pt text is ~13 px high
MAX_SKEW_DEG = 5.0
LIGHT_STEP_PT = 4.0  # the paper's brightness is measured on a grid this coarse
LIGHT_WINDOW_PT = 60.0  # wider than a shaded header (~40 pt): print and shading narrower than this are not paper
LIGHT_BLUR = 1.0  # smoothing of the paper's brightness, in LIGHT_STEP_PT cells: a shadow changes within a few
UNEVEN_LIGHT = 25  # grey levels between the darkest and brightest paper that make a page unevenly lit
MIN_INK_PX = 8  # fewer dark pixels than this in a cell is dust, not text
FILL_TEXT_PT = 2.0  # wider than any text stroke or rule: a closing this size leaves only fills
DUST_PT = 1.2  # a speck of ink at most this wide (and high) that stands apart is dust
DUST_CLEARANCE_PT = 2.0  # …apart: no other ink this near; a decimal point sits ~1.4 pt from its digits
BAND_THICKNESS_PT = 3.0  # ink solid this thick is no stroke nor rule (a rule is ≤ 2.5 pt) …
BAND_LENGTH_PT = 40.0  # … over this long: a band of shadow or fill, level with the scanner, not the page
SOLID_FILL_PT = 8.0  # ink solid across this much both ways is a fill gone black, not a stroke (bold ≤ ~1.5 pt)
DUST_CONTRAST = 45  # grey levels below the local background that make a mark (paper noise: ±15)
DOT_PT = 0.75  # a mark at most this wide and high (squared, in pixels: ≥ 4) is a dot of dither, no glyph
DITHER_DOTS = 0.002  # dots per pixel of a cell over which it is shaded dither (clean cells ≤ 0.0005, dithered ≥ 0.0036)
DITHER_MIN_DOTS = 15  # …and at least this many: a few accents and points in a small cell are no dither
DESCREEN_SIZES = (2, 3)  # pixel openings a dithered cell is read through: dots go, strokes that are wider stay


def render_page(pdf_path: str | Path, page_index: int, dpi: int = DEFAULT_DPI) -> np.ndarray:
    """Render one page as stored (its /Rotate entry not applied) to a grayscale uint8 image."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return render(pdf[page_index], dpi).image
    finally:
        pdf.close()


def render(page: pdfium.PdfPage, dpi: int, name: str = "page") -> Raster:
    """One pdfium page as a grayscale uint8 image at `dpi` or less, within the memory budget.

    raster.py draws a huge page at a lower dpi (`Raster.dpi` says which) and a blank one as a
    thumbnail; `name` ("report.pdf: page 3") opens the message of a page refused as too large.
    """
    # pdfium applies /Rotate itself; undo it so the image is the scan as stored and the
    # rotation we report is the one the content needed.
    undo = (360 - page.get_rotation()) % 360
    return render_gray(page, dpi, rotation=undo, name=name)


def turn(image: np.ndarray, rotation: int) -> np.ndarray:
    """The image turned clockwise by `rotation` degrees (a multiple of 90)."""
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    rotation %= 360
    return image if rotation == 0 else cv2.rotate(image, codes[rotation])


def estimate_skew(image: np.ndarray, dpi: int = DEFAULT_DPI) -> float:
    """Angle in degrees the lines of the page slope down to the right (negative: up).

    Bands of solid ink are left out (`_without_bands`): a binding shadow burnt black along the
    scan's edge lies level with the scanner, not with the page, and its rows of full ink outweigh
    the page's rules (trata seed 167: a 14-px band across the top made a 1.27° page read as 0°).
    """
    ink = _without_bands(ink_mask(image)[::2, ::2], dpi / 2)  # half resolution is plenty for a fraction of a degree
    ys, xs = np.nonzero(ink)
    if len(ys) < 100:
        return 0.0
    best = _sharpest_angle(ys, xs, np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + 1e-9, 0.2))
    return _sharpest_angle(ys, xs, np.arange(best - 0.2, best + 0.2 + 1e-9, 0.02))


def _without_bands(ink: np.ndarray, dpi: float) -> np.ndarray:
    """`ink` without its areas of solid ink BAND_THICKNESS_PT thick and BAND_LENGTH_PT long, either way."""
    thick, long = max(2, round(BAND_THICKNESS_PT * dpi / 72)), max(3, round(BAND_LENGTH_PT * dpi / 72))
    mask = ink.astype(np.uint8)
    bands = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((thick, long), np.uint8))
    bands |= cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((long, thick), np.uint8))
    return ink & (bands == 0) if bands.any() else ink


def _sharpest_angle(ys: np.ndarray, xs: np.ndarray, angles: np.ndarray) -> float:
    """The angle whose row profile of the sheared ink is most peaked (text lines, rules)."""
    scores = []
    for angle in angles:
        rows = np.round(ys - xs * math.tan(math.radians(angle))).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        scores.append(float(np.dot(counts, counts)))
    return float(angles[int(np.argmax(scores))])


def deskew(image: np.ndarray, angle: float) -> np.ndarray:
    """The image rotated by `angle` degrees about its centre so sloping lines become level."""
    if abs(angle) < 0.05:  # < 2 px over an A4 width at 200 dpi
        return image
    return cv2.warpAffine(
        image, _deskew_matrix(image.shape, angle), image.shape[::-1], flags=cv2.INTER_LINEAR, borderValue=(255,)
    )


def flatten_light(image: np.ndarray, dpi: int) -> np.ndarray:
    """The page as if lit evenly: each pixel divided by the paper's brightness around it.

    A lamp brighter at one end, or the shadow of a binding, darkens the paper by 60-170 grey
    levels over a few centimetres; one threshold for the page then takes the dark end for ink
    (a black band that buries the first column) or loses faint rules at the bright end. The
    paper is the page closed over LIGHT_WINDOW_PT (wider than any shaded header or row, so
    shading stays; see `_paper_of`); pages lit evenly are returned as they are.
    """
    shrink = max(1, px(LIGHT_STEP_PT, dpi))
    small = cv2.resize(image, (max(1, image.shape[1] // shrink), max(1, image.shape[0] // shrink)),
                       interpolation=cv2.INTER_AREA)
    window = max(3, round(LIGHT_WINDOW_PT / LIGHT_STEP_PT) | 1)
    paper = _paper_of(small, window)
    if int(np.percentile(paper, 98)) - int(np.percentile(paper, 2)) < UNEVEN_LIGHT:
        return image
    paper = cv2.resize(paper, image.shape[::-1], interpolation=cv2.INTER_LINEAR).astype(np.float32)
    level = float(np.percentile(paper, 95))
    return np.clip(image.astype(np.float32) * (level / np.maximum(paper, 1)), 0, 255).astype(np.uint8)


def _paper_of(small: np.ndarray, window: int) -> np.ndarray:
    """The paper's brightness under `small` (the page shrunk): a closing `window` wide fills the
    print, rules and shaded cells narrower than it, and follows any steady change of light.

    A dilation alone (the brightest paper within the window) took the paper half a window into a
    binding shadow for as bright as the paper beyond it: the shadowed column stayed 60 grey
    levels dark and its rule merged with the shadow. The page is padded with its own edge so
    the closing follows the shadow into the edge as well.
    """
    half = window // 2
    padded = cv2.copyMakeBorder(small, half, half, half, half, cv2.BORDER_REPLICATE)
    closed = cv2.morphologyEx(padded, cv2.MORPH_CLOSE, np.ones((window, window), np.uint8))
    closed = cv2.GaussianBlur(closed, (0, 0), LIGHT_BLUR)[half:-half, half:-half]
    # where the light changes gently both agree; the brightest paper, smoothed wide, is kept
    # there: it is steadier on dense print (the closing alone lost two rows of a lamp-lit scan)
    brightest = cv2.GaussianBlur(cv2.dilate(small, np.ones((window, window), np.uint8)), (0, 0), window / 2)
    steep = brightest.astype(np.int16) - closed.astype(np.int16) > UNEVEN_LIGHT
    return np.where(steep, closed, brightest)


def solid_fill_areas(image: np.ndarray, dpi: int) -> np.ndarray:
    """Mask of the page's areas of solid ink, the holes in them included: a grey header fill a
    photocopy thresholded to black (its dark text gone with it, or its white text left as holes),
    a binding shadow burnt black.

    Solid over SOLID_FILL_PT both ways, far thicker than any stroke of text or rule, such an area
    swallows the rules that run into it: the grid finder takes a column rule joined to it for one
    thick blob and drops it, and tesseract reads its dither as words ("RRE aa EE SEA").
    `invert_areas` makes a blacked-out fill paper, white text on it black text, and the rules
    leaving it stand alone. The holes white letters leave are taken into the area (a closing as
    wide), so they turn black with it.
    """
    size = px(SOLID_FILL_PT, dpi)
    kernel = np.ones((size, size), np.uint8)
    solid = cv2.morphologyEx(ink_mask(image).astype(np.uint8), cv2.MORPH_OPEN, kernel)
    if not solid.any():
        return solid.astype(bool)
    return cv2.morphologyEx(solid, cv2.MORPH_CLOSE, kernel).astype(bool)


def invert_areas(image: np.ndarray, area: np.ndarray) -> np.ndarray:
    if not area.any():
        return image
    out = image.copy()
    out[area] = 255 - image[area]
    return out


def area_boxes(area: np.ndarray, dpi: int) -> list[Box]:
    """The mask as disjoint rectangles in PDF points (the frame words are given in): tiles of half
    SOLID_FILL_PT, each taken when the mask covers most of it, joined along a line of tiles into
    runs and runs of the same span down the page into one box. What lay under the area is known
    to be lost to the scan: a later stage takes a blank cell there as unread, not as printed blank."""
    if not area.any():
        return []
    tile = max(1, px(SOLID_FILL_PT / 2, dpi))
    height, width = area.shape
    rows, cols = -(-height // tile), -(-width // tile)
    padded = np.zeros((rows * tile, cols * tile), bool)
    padded[:height, :width] = area
    cover = padded.reshape(rows, tile, cols, tile).mean(axis=(1, 3)) > 0.5
    scale = 72 / dpi * tile
    boxes: list[Box] = []
    open_runs: dict[tuple[int, int], int] = {}  # (first col, col past the last) → first tile row
    for r in range(rows + 1):
        runs = set(true_runs(cover[r])) if r < rows else set()
        for run in [k for k in open_runs if k not in runs]:
            start = open_runs.pop(run)
            boxes.append(Box(run[0] * scale, run[1] * scale, start * scale, r * scale))
        for run in runs:
            open_runs.setdefault(run, r)
    return boxes


def true_runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of True in a boolean line, `end` past its last index."""
    edges = np.flatnonzero(np.diff(np.r_[0, flags.astype(np.int8), 0]))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def scan_frame(shape: tuple[int, ...], angle: float) -> np.ndarray:
    """Which pixels of the image `deskew(…, angle)` returns come from the scan (True), and which
    are the white it filled the turned corners with: the scan's edge, where rules may be cut."""
    frame = np.ones(shape[:2], np.uint8)
    if abs(angle) < 0.05:
        return frame.astype(bool)
    turned = cv2.warpAffine(
        frame, _deskew_matrix(frame.shape, angle), frame.shape[::-1], flags=cv2.INTER_NEAREST, borderValue=(0,)
    )
    return turned.astype(bool)


def _deskew_matrix(shape: tuple[int, ...], angle: float) -> np.ndarray:
    height, width = shape[:2]
    return cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)


def connected_marks(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """`cv2.connectedComponentsWithStats` of a uint8 mask, 8-connected: count, labels, stats,
    centroids. Labelled in 16 bits where the marks fit (the same marks 2.6× faster: 28 vs 73 ms
    on a 300-dpi page, and the OCR labels each page ~25 times); OpenCV refuses a page of more
    than 65535 marks in 16 bits, and that page is labelled in 32."""
    try:
        return cv2.connectedComponentsWithStats(mask, connectivity=8, ltype=cv2.CV_16U)
    except cv2.error:
        return cv2.connectedComponentsWithStats(mask, connectivity=8, ltype=cv2.CV_32S)


def ink_mask(image: np.ndarray) -> np.ndarray:
    """Boolean mask of dark pixels (Otsu threshold, kept sane on near-blank pages)."""
    threshold, _ = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return image < min(max(threshold, 100), 200)


def px(value: float, dpi: int) -> int:
    return max(1, round(value * dpi / 72))


def ink_of(crop: np.ndarray) -> np.ndarray:
    # A fixed threshold: Otsu on a small, almost white crop picks up paper noise.
    return crop < 160


def ink_box(ink: np.ndarray, *, pad: int = 0) -> Box | None:
    """Bounding box of the dark pixels (with `pad` px around, inside the image), or None."""
    if int(ink.sum()) < MIN_INK_PX:
        return None
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    height, width = ink.shape
    return Box(
        float(max(cols[0] - pad, 0)),
        float(min(cols[-1] + 1 + pad, width)),
        float(max(rows[0] - pad, 0)),
        float(min(rows[-1] + 1 + pad, height)),
    )


def background_of(image: np.ndarray, dpi: int) -> np.ndarray:
    """The paper and shading under the print: a closing wider than any stroke of text or rule."""
    size = px(FILL_TEXT_PT, dpi)
    kernel = np.ones((size, size), np.uint8)
    return cv2.erode(cv2.dilate(image, kernel), kernel)


def despeckle(image: np.ndarray, dpi: int) -> np.ndarray:
    """The image with lone specks painted over with the background around them.

    Scanner dust and paper noise leave isolated dots that tesseract reads as "." ":" "'" or a
    letter after a word or value ("62.0." for 62.0), faint ones too once it has binarised the
    upscaled crop. Marks a pixel apart are taken together (JPEG splits a speck in two); such a
    group counts as dust when it is at most DUST_PT across and no other mark lies within
    DUST_CLEARANCE_PT: a decimal point or an accent, as small, always sits closer than that to
    its letters. The speck goes with its faint halo: the group's box, a pixel wider.
    """
    background = background_of(image, dpi)
    marks = (image.astype(np.int16) < background.astype(np.int16) - DUST_CONTRAST).astype(np.uint8)
    _, _, stats, _ = connected_marks(cv2.dilate(marks, np.ones((3, 3), np.uint8)))
    small, reach = px(DUST_PT, dpi) + 2, px(DUST_CLEARANCE_PT, dpi) - 1  # groups are a pixel wider
    out = image.copy()
    tiny = (stats[:, cv2.CC_STAT_WIDTH] <= small) & (stats[:, cv2.CC_STAT_HEIGHT] <= small)
    for label in np.flatnonzero(tiny):  # never 0: the background spans the image
        x, y, w, h, _ = stats[label]
        top, left = max(y - reach, 0), max(x - reach, 0)
        own = np.count_nonzero(marks[y : y + h, x : x + w])
        if np.count_nonzero(marks[top : y + h + reach, left : x + w + reach]) == own:
            speck = (slice(y, y + h), slice(x, x + w))
            out[speck] = background[speck]
    return out


def dithered(image: np.ndarray, boxes: Sequence[Box], dpi: int) -> list[int]:
    """Indices of the boxes whose ink is mostly dots: a shaded fill that a bitonal scan (or a
    fax) thresholded into dither, the print on it among the dots. Tesseract reads such a cell as
    lines of random letters ("RRE aa EE SEA"); `descreened` takes the dots away."""
    if not boxes:
        return []
    _, _, stats, centroids = connected_marks(ink_mask(image).astype(np.uint8))
    dot_area = max(4, px(DOT_PT, dpi) ** 2)
    dots = centroids[1:][stats[1:, cv2.CC_STAT_AREA] <= dot_area]
    out = []
    for index, box in enumerate(boxes):
        inside = np.count_nonzero(
            (dots[:, 0] >= box.x0) & (dots[:, 0] < box.x1) & (dots[:, 1] >= box.top) & (dots[:, 1] < box.bottom)
        )
        area = max((box.x1 - box.x0) * (box.bottom - box.top), 1.0)
        if inside >= DITHER_MIN_DOTS and inside / area > DITHER_DOTS:
            out.append(index)
    return out


def descreened(image: np.ndarray, boxes: Iterable[Box], size: int) -> np.ndarray:
    """The image with each box's ink opened by a `size`-pixel square: dots and strokes thinner
    than it go, the print's wider strokes stay, on white."""
    out = image.copy()
    kernel = np.ones((size, size), np.uint8)
    for box in boxes:
        area = pixels_of(box)
        if not image[area].size:
            continue
        kept = cv2.morphologyEx(ink_mask(image[area]).astype(np.uint8), cv2.MORPH_OPEN, kernel).astype(bool)
        out[area] = np.where(kept, image[area], 255)
    return out


def pixels_of(box: Box) -> tuple[slice, slice]:
    """The rows and columns of the pixels a box (in pixels) covers, for indexing an image."""
    return slice(max(int(box.top), 0), math.ceil(box.bottom)), slice(max(int(box.x0), 0), math.ceil(box.x1))


def blank(image: np.ndarray, boxes: Iterable[Box]) -> np.ndarray:
    """The image with the given boxes painted white."""
    out = image.copy()
    for b in boxes:
        out[int(b.top) : math.ceil(b.bottom) + 1, int(b.x0) : math.ceil(b.x1) + 1] = 255
    return out
