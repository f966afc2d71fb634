"""Seeded scan variants of a rendered sample, over the ranges real scanners and copiers produce.

`scan.py` makes the two committed scanned samples with one fixed kind of damage; the reader was
tuned on it. Here a seed draws a whole *scanner* (`ScanProfile`: resolution, grey or bitonal,
JPEG quality, blur, speckle, toner dropout, uneven light, binding shadow, with or without an
ocrmypdf text layer) and, page by page, how the sheet lay on the glass (`PagePlan`: skew up to
±2°, a quarter or half turn, stored upright or corrected by a /Rotate entry as the real IGP scan
does, cropped margins). The same seed gives the same PDF, so a robustness run is reproducible and
a bad seed can be looked at again.

Every variant keeps the truth of its source: the scan shows the same pages as the born-digital
sample, so `samples/<name>/expected/` is its truth too.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

DPI_RANGE = (150, 400)
JPEG_RANGE = (30, 95)
MAX_SKEW_DEG = 2.0
# a margin cut off by the scanner: up to 6 mm clips the first letters of the codes of a matrix that
# starts 4.9 mm from the edge, as "LN.02.06" came out "N.02.06" in the real 2024 report
MAX_CROP_MM = 6.0


@dataclass(frozen=True, slots=True)
class ScanProfile:
    """One scanner and its settings: the same for every page of a document."""

    seed: int
    dpi: int
    bitonal: bool  # fax-like thresholding to black and white (the real IGP scan: 1 bit, 150 dpi)
    jpeg_quality: int  # grey scans only; bitonal pages are stored losslessly as 1-bit images
    blur_px: float  # Gaussian sigma at 200 dpi, scaled with the resolution
    speckle: float  # share of pixels hit by dust or toner specks
    dropout: float  # 0–1: how badly worn toner leaves white streaks and faint patches (breaking rules)
    light: float  # 0–1: brightness falling off across the glass (uneven lamp)
    shadow: float  # 0–1: darkness of the binding shadow along one edge
    shadow_side: str  # left | right | top | bottom
    threshold: int  # bitonal only: the grey level below which a pixel turns black
    text_layer: bool  # ocrmypdf's text layer under the images, or images only
    turn_stored: bool  # turned pages carry a /Rotate entry that shows them upright (as IGP does)

    def describe(self) -> str:
        kind = f"bitonal t{self.threshold}" if self.bitonal else f"grey q{self.jpeg_quality}"
        layer = "ocr-layer" if self.text_layer else "image-only"
        return (f"{self.dpi}dpi {kind} blur{self.blur_px:.2f} speck{self.speckle * 1e4:.0f} drop{self.dropout:.2f} "
                f"light{self.light:.2f} shadow{self.shadow:.2f} {layer}{' /Rotate' if self.turn_stored else ''}")


@dataclass(frozen=True, slots=True)
class PagePlan:
    """How one sheet lay on the glass."""

    angle: float  # degrees, counter-clockwise, as PIL turns
    quarter: int  # 0/90/180/270: clockwise turn of the stored image
    crop_mm: tuple[float, float, float, float]  # left, top, right, bottom
    noise_seed: int


def draw_profile(seed: int) -> ScanProfile:
    rng = random.Random(f"scan-profile-{seed}")
    bitonal = rng.random() < 0.35
    return ScanProfile(
        seed=seed,
        dpi=rng.choice((150, 200, 200, 240, 300, 300, 400)) if rng.random() < 0.7 else rng.randint(*DPI_RANGE),
        bitonal=bitonal,
        jpeg_quality=rng.randint(*JPEG_RANGE),
        blur_px=rng.uniform(0.0, 0.9),
        speckle=rng.choice((0.0, rng.uniform(0.00005, 0.0006))),
        dropout=rng.choice((0.0, rng.uniform(0.2, 1.0))),
        light=rng.uniform(0.0, 1.0) if rng.random() < 0.5 else 0.0,
        shadow=rng.uniform(0.2, 1.0) if rng.random() < 0.4 else 0.0,
        shadow_side=rng.choice(("left", "right", "top", "bottom")),
        threshold=rng.randint(130, 185),
        text_layer=rng.random() < 0.5,
        turn_stored=rng.random() < 0.5,
    )


def draw_pages(profile: ScanProfile, n_pages: int) -> list[PagePlan]:
    rng = random.Random(f"scan-pages-{profile.seed}")
    turned = rng.random() < 0.6  # most stacks have no turned sheet at all
    plans = []
    for _ in range(n_pages):
        quarter = rng.choice((90, 180, 180, 270)) if turned and rng.random() < 0.35 else 0
        crop = tuple(rng.uniform(0.0, MAX_CROP_MM) if rng.random() < 0.15 else 0.0 for _ in range(4))
        plans.append(PagePlan(rng.uniform(-MAX_SKEW_DEG, MAX_SKEW_DEG), quarter, crop,  # type: ignore[arg-type]
                              rng.getrandbits(32)))
    return plans


# --------------------------------------------------------------------------- one page's damage


def degrade_page(clean: Any, profile: ScanProfile, plan: PagePlan) -> Any:
    """A clean greyscale page image → the scanner's image of it (PIL, mode L or 1), stored turned."""
    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(plan.noise_seed)
    image = _crop_margins(clean, plan.crop_mm, profile.dpi)
    image = image.rotate(plan.angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if profile.blur_px:
        image = image.filter(ImageFilter.GaussianBlur(profile.blur_px * profile.dpi / 200))
    pixels = np.asarray(image, dtype=np.float32)
    pixels = _toner_dropout(pixels, profile, rng)
    pixels = pixels * 0.92 + 12  # greyish paper, ink less than full black
    pixels = _uneven_light(pixels, profile.light, rng)
    pixels = _binding_shadow(pixels, profile.shadow, profile.shadow_side, profile.dpi)
    pixels += rng.normal(0, 4.0, pixels.shape)
    pixels = _speckle(pixels, profile, rng)
    grey = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    stored = grey.point(lambda v: 255 if v >= profile.threshold else 0).convert("1") if profile.bitonal else grey
    return _turned(stored, plan.quarter)


def _crop_margins(image: Any, crop_mm: Sequence[float], dpi: int) -> Any:
    """The sheet shifted off the glass: what lies past the cut is white (the lid), size kept."""
    from PIL import Image

    left, top, right, bottom = (round(mm / 25.4 * dpi) for mm in crop_mm)
    if not any((left, top, right, bottom)):
        return image
    kept = image.crop((left, top, image.width - right, image.height - bottom))
    page = Image.new("L", image.size, 255)
    page.paste(kept, (left, top))
    return page


def _toner_dropout(pixels: Any, profile: ScanProfile, rng: Any) -> Any:
    """Worn toner: thin white streaks down the page (they break every horizontal rule they
    cross) and faint patches where ink comes out half as dark."""
    import cv2
    import numpy as np

    if not profile.dropout:
        return pixels
    height, width = pixels.shape
    out = pixels.copy()
    streaks = int(profile.dropout * width / profile.dpi * 2.5)  # up to ~2.5 per inch
    for x in rng.integers(0, width, streaks):
        w = int(rng.integers(1, max(2, profile.dpi // 100) + 1))
        out[:, x : x + w] = 255 - (255 - out[:, x : x + w]) * rng.uniform(0.0, 0.25)
    cells = rng.random((max(2, height // 120), max(2, width // 120))).astype(np.float32)
    fade = cv2.resize(cells, (width, height), interpolation=cv2.INTER_CUBIC)
    # faded, not erased: past ~40% a bitonal threshold loses whole words, which no reader recovers
    faint = np.clip((fade - (1 - 0.5 * profile.dropout)) * 3, 0, 0.4)
    return 255 - (255 - out) * (1 - faint)


def _uneven_light(pixels: Any, strength: float, rng: Any) -> Any:
    """A lamp brighter at one end: the paper greys by up to 60 levels towards the other."""
    import numpy as np

    if not strength:
        return pixels
    height, width = pixels.shape
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    ramp = (xs / width - 0.5) * np.cos(angle) + (ys / height - 0.5) * np.sin(angle) + 0.5
    return pixels - 60 * strength * np.clip(ramp, 0, 1)


def _binding_shadow(pixels: Any, strength: float, side: str, dpi: int) -> Any:
    """The dark band along a bound edge that did not lie flat (up to 25 mm wide)."""
    import numpy as np

    if not strength:
        return pixels
    height, width = pixels.shape
    reach = 25 / 25.4 * dpi * strength
    along = np.arange(width if side in ("left", "right") else height, dtype=np.float32)
    if side in ("right", "bottom"):
        along = along[::-1]
    dark = 170 * strength * np.exp(-along / max(reach / 3, 1))
    return pixels - (dark[None, :] if side in ("left", "right") else dark[:, None])


def _speckle(pixels: Any, profile: ScanProfile, rng: Any) -> Any:
    """Dust and toner specks, single pixels and small clusters."""
    import cv2
    import numpy as np

    if not profile.speckle:
        return pixels
    seeds = (rng.random(pixels.shape) < profile.speckle).astype(np.uint8)
    grown = cv2.dilate(seeds, np.ones((2, 2), np.uint8)) if profile.dpi >= 250 else seeds
    out = pixels.copy()
    hit = grown.astype(bool)
    out[hit] = rng.uniform(20, 150, int(hit.sum()))
    return out


def _turned(image: Any, quarter: int) -> Any:
    from PIL import Image

    turns = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
    return image.transpose(turns[quarter]) if quarter else image


# --------------------------------------------------------------------------- the document


def rasterise_pages(pdf_path: Path, dpi: int) -> list[Any]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in pdf]
    finally:
        pdf.close()


def write_image_pdf(images: Sequence[Any], profile: ScanProfile, out: Path) -> None:
    """One image per page at the scan's resolution: grey pages as JPEG, bitonal as 1-bit."""
    first, rest = images[0], list(images[1:])
    options = {} if profile.bitonal else {"quality": profile.jpeg_quality}  # 1-bit pages go CCITT G4
    first.save(out, "PDF", save_all=True, append_images=rest, resolution=float(profile.dpi), **options)


def store_turns(pdf: Path, plans: Sequence[PagePlan]) -> None:
    """A /Rotate entry on each turned page that shows it upright, as scanning software writes."""
    import pikepdf

    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
        for page, plan in zip(doc.pages, plans, strict=True):
            if plan.quarter:
                page.obj["/Rotate"] = (360 - plan.quarter) % 360
        doc.save(pdf)


def add_text_layer(image_pdf: Path, out: Path) -> None:
    if not shutil.which("ocrmypdf"):
        raise RuntimeError("ocrmypdf is not installed (apt-get install ocrmypdf tesseract-ocr-spa)")
    subprocess.run(["ocrmypdf", "-q", "-l", "spa", "--output-type", "pdf", "--optimize", "0", "--jobs", "1",
                    str(image_pdf), str(out)], check=True)


@dataclass(frozen=True, slots=True)
class ScanVariant:
    name: str  # <sample>-scan<seed>
    pdf: Path
    source: Path  # the born-digital sample whose expected outputs are the truth
    profile: ScanProfile
    pages: tuple[PagePlan, ...]

    def describe(self) -> str:
        turned = sum(1 for p in self.pages if p.quarter)
        cropped = sum(1 for p in self.pages if any(p.crop_mm))
        skew = max(abs(p.angle) for p in self.pages)
        return f"{self.profile.describe()} skew≤{skew:.1f}° turned {turned} cropped {cropped}"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "pdf": str(self.pdf), "source": str(self.source),
                "profile": asdict(self.profile), "pages": [asdict(p) for p in self.pages]}


def make_scan_variant(source: Path, seed: int, out_dir: Path, profile: ScanProfile | None = None) -> ScanVariant:
    """Scan `source` with the scanner drawn from `seed` into ``out_dir/<stem>-scan<seed>.pdf``."""
    profile = profile or draw_profile(seed)
    cleans = rasterise_pages(source, profile.dpi)
    plans = draw_pages(profile, len(cleans))
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{source.stem}-scan{seed}.pdf"
    images = [degrade_page(clean, profile, plan) for clean, plan in zip(cleans, plans, strict=True)]
    with tempfile.TemporaryDirectory() as tmp:
        image_pdf = Path(tmp) / "images.pdf"
        write_image_pdf(images, profile, image_pdf)
        if profile.turn_stored:
            store_turns(image_pdf, plans)
        if profile.text_layer:
            add_text_layer(image_pdf, out)
        else:
            shutil.copyfile(image_pdf, out)
    return ScanVariant(out.stem, out, source, profile, tuple(plans))
