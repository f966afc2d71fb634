"""Speed and memory of `extract` next to pdfplumber's and camelot's own table finders.

Each measurement runs in a fresh process (so imports and peak memory are counted as a user
would see them), repeated `--repeat` times; the median wall time is reported per page, with
the peak resident memory of that process. Targets (born-digital path, 2 cores):
`extract` ≤ 0.15 s per page end to end, `extract --help` < 0.3 s.

    python scripts/bench.py [--repeat 3] [--samples samples/trata-2024.pdf ...] [--no-camelot]
    python scripts/bench.py --ocr-cost samples/scanned/salud-2025-image.pdf [--pages 1,4]

`--ocr-cost` times our OCR of the pages (one process) against tesseract alone reading the same
page images (rendered at the same dpi, `--psm 3`, one call per page): target ≤ OCR_COST_TARGET×.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGE_TARGET_S = 0.15
HELP_TARGET_S = 0.3
OCR_COST_TARGET = 1.5  # our OCR of a page / tesseract alone on the same page image

# Each probe is a small program run in its own process; it prints {"wall": s, "rss_mb": MB}.
_PROBE = r"""
import json, resource, subprocess, sys, time
kind, pdf, out = sys.argv[1], sys.argv[2], sys.argv[3]
start = time.perf_counter()
if kind == "extract-folder":
    subprocess.run([sys.executable, "-m", "extractor", pdf, "--out", out, "--quiet"], check=False)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
elif kind.startswith("extract"):
    extra = ["--no-validate"] if kind == "extract-novalidate" else []
    subprocess.run([sys.executable, "-m", "extractor", pdf, "--out", out, "--quiet", *extra], check=False)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
elif kind == "help":
    subprocess.run([sys.executable, "-m", "extractor", "--help"], check=True, capture_output=True)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
elif kind == "pdfplumber":
    import pdfplumber
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            page.extract_tables()
            page.flush_cache()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
elif kind == "camelot":
    import camelot
    camelot.read_pdf(pdf, pages="all", flavor="lattice")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"wall": time.perf_counter() - start, "rss_mb": rss / 1024}))
"""


def measure(kind: str, pdf: Path, repeat: int) -> tuple[float, float]:
    walls, rss = [], 0.0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.run(
                [sys.executable, "-c", _PROBE, kind, str(pdf), str(Path(tmp) / "out")],
                capture_output=True, text=True, cwd=REPO, check=True,
            )
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        walls.append(result["wall"])
        rss = max(rss, result["rss_mb"])
    return statistics.median(walls), rss


def ocr_cost(pdf: Path, pages: list[int]) -> bool:
    """Our OCR of `pages` (0-based) against tesseract alone on the same renders; prints both."""
    import time

    import pypdfium2 as pdfium
    import pytesseract

    sys.path.insert(0, str(REPO))
    from extractor.ocr import ocr_page, render, scan_dpi

    ours = alone = 0.0
    for index in pages:
        doc = pdfium.PdfDocument(str(pdf))
        try:
            page = doc[index]
            dpi, (width, height) = scan_dpi(page), page.get_size()
            image = render(page, dpi)
        finally:
            doc.close()
        started = time.perf_counter()
        pytesseract.image_to_data(image, lang="spa", config="--psm 3")
        alone += time.perf_counter() - started
        started = time.perf_counter()
        ocr_page(pdf, index, width, height, dpi=dpi)
        ours += time.perf_counter() - started
        print(f"page {index + 1} at {dpi} dpi: tesseract alone {alone:.1f} s, ours {ours:.1f} s (cumulative)")
    ratio = ours / alone if alone else float("inf")
    print(f"{pdf.name}: our OCR takes {ratio:.2f}× tesseract alone on the same pages "
          f"(target ≤ {OCR_COST_TARGET}×: {'met' if ratio <= OCR_COST_TARGET else 'NOT met'})")
    return ratio <= OCR_COST_TARGET


def has_camelot() -> bool:
    """camelot is a bench-only extra (pip install .[bench]): without it the bench goes on."""
    import importlib.util

    if importlib.util.find_spec("camelot") is None:
        print("camelot is not installed (pip install .[bench]): its column is left out", file=sys.stderr)
        return False
    return True


def page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", nargs="*", type=Path)
    parser.add_argument("--no-camelot", action="store_true", help="skip camelot (slow: ~1.5 s a page)")
    parser.add_argument("--ocr-cost", type=Path, metavar="SCAN", help="time our OCR against tesseract alone")
    parser.add_argument("--pages", default="1", help="with --ocr-cost: 1-based pages, comma-separated")
    args = parser.parse_args()
    if args.ocr_cost:
        return 0 if ocr_cost(args.ocr_cost, [int(p) - 1 for p in args.pages.split(",")]) else 1
    samples = args.samples or sorted((REPO / "samples").glob("*.pdf"))
    with_camelot = not args.no_camelot and has_camelot()
    kinds = ["extract", "extract-novalidate", "pdfplumber"] + (["camelot"] if with_camelot else [])

    help_wall, help_rss = measure("help", samples[0], args.repeat)
    print(f"extract --help: {help_wall:.3f} s (target < {HELP_TARGET_S} s), {help_rss:.0f} MB")
    print()
    header = f"{'sample':<22}{'pages':>6}  " + "".join(f"{k + ' s/page':>26}{'MB':>7}" for k in kinds)
    print(header)
    ok = help_wall < HELP_TARGET_S
    for pdf in samples:
        pages = page_count(pdf)
        results = {k: measure(k, pdf, args.repeat) for k in kinds}
        cells = "".join(f"{results[k][0] / pages:>26.3f}{results[k][1]:>7.0f}" for k in kinds)
        print(f"{pdf.stem:<22}{pages:>6}  {cells}")
        ours = results["extract"][0] / pages
        for k in kinds[2:]:
            full = results[k][0] / results["extract"][0]
            light = results[k][0] / results["extract-novalidate"][0]
            print(f"    {k:<11} takes {full:.2f}× the time of extract ({light:.2f}× of extract --no-validate)")
        ok &= ours <= PAGE_TARGET_S
        print(f"    target {PAGE_TARGET_S} s/page end to end: {'met' if ours <= PAGE_TARGET_S else 'NOT met'}"
              f" ({ours:.3f}; without the GE import: {results['extract-novalidate'][0] / pages:.3f})")
    folder_wall, folder_rss = measure_folder(samples, args.repeat)
    total_pages = sum(page_count(p) for p in samples)
    per_page = folder_wall / total_pages
    print(f"\nall samples as one folder ({total_pages} pages, one Great Expectations process): "
          f"{per_page:.3f} s/page, {folder_rss:.0f} MB — target {PAGE_TARGET_S}: "
          f"{'met' if per_page <= PAGE_TARGET_S else 'NOT met'}")
    return 0 if ok else 1


def measure_folder(samples: list[Path], repeat: int) -> tuple[float, float]:
    import shutil

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        for pdf in samples:
            shutil.copy(pdf, folder / pdf.name)
        return measure("extract-folder", folder, repeat)


if __name__ == "__main__":
    sys.exit(main())
