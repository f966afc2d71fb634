#!/usr/bin/env python3
"""Our grid finder (extractor.ocr.find_grid) against camelot's lattice line detection, on scans.

Each matrix page of a seeded scan variant (scripts/samplegen/scan_variants.py) is turned upright
(from the plan the generator recorded: rotation detection is not under test here), deskewed as
the OCR path does, and handed to both finders. Their lines go through the same cell builder
(`ocr.grid.table_cells`) and are scored against the cells the born-digital page's own vector rules
close: a true cell counts as found when a detected cell has all four sides within 2.5 pt.
Deskewing turns the image back about its centre and a cropped margin keeps its place on the
sheet, so the upright scan and the born-digital page share coordinates.

camelot is a bench-only extra (`pip install .[bench]`); without it only our finder is scored.

    .venv/bin/python scripts/grid_compare.py --seeds 1-6 --samples salud-2025
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from samplegen.scan_variants import draw_profile, make_scan_variant  # noqa: E402

SAMPLES = ROOT / "samples"
DPI = 200  # what the OCR path renders at
SIDE_PT = 2.5

Cell = tuple[float, float, float, float]


@dataclass(slots=True)
class Tally:
    true_cells: int = 0
    pages: int = 0
    found: dict[str, int] = field(default_factory=dict)
    spurious: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, finder: str, found: int, spurious: int, seconds: float) -> None:
        self.found[finder] = self.found.get(finder, 0) + found
        self.spurious[finder] = self.spurious.get(finder, 0) + spurious
        self.seconds[finder] = self.seconds.get(finder, 0.0) + seconds


def cells_of(edges: Sequence) -> list[Cell]:
    from extractor.ocr.grid import table_cells

    return [(b.x0, b.top, b.x1, b.bottom) for b in table_cells(edges)]


def true_cells(pdf: Path, page_index: int) -> list[Cell]:
    from extractor.pdf import open_pdf, read_page

    with open_pdf(pdf) as doc:
        page = read_page(doc, page_index)
    return cells_of(page.edges)


def upright_page(pdf: Path, page_index: int, quarter: int) -> tuple[object, object]:
    """The scan of one page turned upright and deskewed, with its scan frame."""
    from extractor import ocr

    image = ocr.flatten_light(ocr.render_page(pdf, page_index, DPI), DPI)
    image = ocr.turn(image, (360 - quarter) % 360)  # the generator turned it `quarter` clockwise
    skew = ocr.estimate_skew(image, DPI)
    return ocr.deskew(image, skew), ocr.scan_frame(image.shape, skew)


def ours(image: object, frame: object) -> list:
    from extractor import ocr

    return ocr.find_grid(image, dpi=DPI, frame=frame)  # type: ignore[arg-type]


def camelots(image: object, _frame: object) -> list:
    """camelot's lattice image processing (adaptive threshold, morphological lines), its defaults."""
    import cv2
    from camelot.image_processing import adaptive_threshold, find_lines

    from extractor.model import Edge

    with tempfile.NamedTemporaryFile(suffix=".png") as png:
        cv2.imwrite(png.name, image)  # type: ignore[arg-type]
        _, threshold = adaptive_threshold(png.name)
    scale = 72 / DPI
    edges = []
    for direction, orientation in (("horizontal", "h"), ("vertical", "v")):
        _, lines = find_lines(threshold, direction=direction)
        for x1, y1, x2, y2 in lines:
            xs, ys = sorted((x1 * scale, x2 * scale)), sorted((y1 * scale, y2 * scale))
            edges.append(Edge(orientation, xs[0], xs[1], ys[0], ys[1]))  # type: ignore[arg-type]
    return edges


def matched(truth: Sequence[Cell], got: Sequence[Cell]) -> tuple[int, int]:
    def same(a: Cell, b: Cell) -> bool:
        return all(abs(p - q) <= SIDE_PT for p, q in zip(a, b, strict=True))

    found = sum(1 for t in truth if any(same(t, g) for g in got))
    spurious = sum(1 for g in got if not any(same(t, g) for t in truth))
    return found, spurious


def compare(seeds: Sequence[int], samples: Sequence[str], folder: Path, finders: dict) -> Tally:
    import json

    tally = Tally()
    for sample in samples:
        source = SAMPLES / f"{sample}.pdf"
        matrix_pages = json.loads((SAMPLES / sample / "expected" / "metadata.json").read_text())["matrix_pages"]
        truths = [true_cells(source, i) for i in range(matrix_pages)]
        for seed in seeds:
            # the text layer plays no part in the grid: no ocrmypdf run
            variant = make_scan_variant(source, seed, folder, replace(draw_profile(seed), text_layer=False))
            line = [f"{variant.name:<22}"]
            for i in range(matrix_pages):
                image, frame = upright_page(variant.pdf, i, variant.pages[i].quarter)
                tally.true_cells += len(truths[i])
                tally.pages += 1
                for name, finder in finders.items():
                    started = time.perf_counter()
                    cells = cells_of(finder(image, frame))
                    found, spurious = matched(truths[i], cells)
                    tally.add(name, found, spurious, time.perf_counter() - started)
                    line.append(f"p{i + 1} {name} {found}/{len(truths[i])} +{spurious}")
            print("  ".join(line) + f"  [{variant.describe()}]", file=sys.stderr, flush=True)
    return tally


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1-4")
    parser.add_argument("--samples", default="salud-2025")
    parser.add_argument("--keep", type=Path, help="folder to keep the scan variants in")
    parser.add_argument("--no-camelot", action="store_true", help="score our finder only")
    args = parser.parse_args(argv)
    from robustness_scans import parse_seeds

    finders = {"ours": ours}
    try:
        import camelot  # noqa: F401

        if not args.no_camelot:
            finders["camelot"] = camelots
    except ImportError:
        print("camelot is not installed (pip install .[bench]): scoring our finder only", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="grid-") as tmp:
        folder = args.keep or Path(tmp)
        tally = compare(parse_seeds(args.seeds), args.samples.split(","), folder, finders)
    print(f"{'finder':<8} {'cells found':>12} {'spurious':>9} {'s/page':>7}")
    for name in finders:
        print(f"{name:<8} {tally.found[name]:>6}/{tally.true_cells:<5} {tally.spurious[name]:>9} "
              f"{tally.seconds[name] / max(tally.pages, 1):>7.2f}  "
              f"({tally.found[name] / max(tally.true_cells, 1):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
