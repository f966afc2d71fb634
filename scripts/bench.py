"""Speed and memory of `extract` next to pdfplumber's and camelot's own table finders.

Each measurement runs in a fresh process (so imports and peak memory are counted as a user
would see them), repeated `--repeat` times; the median wall time is reported per page, with
the peak resident memory of that process. Targets (born-digital path, 2 cores):
`extract` ≤ 0.15 s per page end to end, `extract --help` < 0.3 s, the audit artefacts
(`--format pdf,html`: annotated.pdf and report.html) < 2 s on top of the default output; a blank
page of 3600, 7200 or 14400 pt (issue 10: they went to OCR at full size) < 60 s and < 1.5 GB for
the whole process tree (PSS sampled from /proc, tests/memwatch.py).

    python scripts/bench.py [--repeat 3] [--samples samples/trata-2024.pdf ...] [--no-camelot] [--audit-only]
    python scripts/bench.py --ocr-cost samples/scanned/salud-2025-image.pdf [--pages 1,4] [--repeat 3] [--where]

`--ocr-cost` times our OCR of the pages (one process, wall and CPU time) against tesseract alone
reading the same page images (rendered at the same dpi, `-l spa --psm 3`, one call per page, the
same thread limit): target ≤ OCR_COST_TARGET× on both (see `ocr_cost`). `--where` then reads the
pages once more and says where our CPU goes: per kind of reading, its tesseract runs, images,
megapixels and CPU; then each stage of the image work (render, light, rotation, skew, grid,
specks, letter heights) and the rest (mosaics, tiles, words).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PAGE_TARGET_S = 0.15
HELP_TARGET_S = 0.3
AUDIT_TARGET_S = 2.0  # annotated.pdf + report.html, on top of csv,json
BLANK_TARGET_S = 60
BLANK_SIDES_PT = (3600, 7200, 14400)
OCR_COST_TARGET = 1.5  # our OCR of a page / tesseract alone on the same page image

# Each probe is a small program run in its own process; it prints {"wall": s, "rss_mb": MB}.
_PROBE = r"""
import json, resource, subprocess, sys, time
kind, pdf, out = sys.argv[1], sys.argv[2], sys.argv[3]
start = time.perf_counter()
if kind == "extract-folder":
    subprocess.run([sys.executable, "-m", "extractor", pdf, "--out", out, "--quiet"], check=False)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
elif kind.startswith("extract-corpus"):
    extra = ["--jobs", "2"] + (["--no-validate"] if kind == "extract-corpus-novalidate" else [])
    subprocess.run([sys.executable, "-m", "extractor", pdf, "--out", out, "--quiet", *extra], check=False)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
elif kind == "ge-import":
    subprocess.run([sys.executable, "-c", "import great_expectations"], check=True)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
elif kind == "pdfplumber-folder":
    import pathlib, pdfplumber
    for path in sorted(pathlib.Path(pdf).rglob("*.pdf")):
        with pdfplumber.open(path) as doc:
            for page in doc.pages:
                page.extract_tables()
                page.flush_cache()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
elif kind.startswith("extract"):
    extra = ["--no-validate"] if kind == "extract-novalidate" else []
    subprocess.run([sys.executable, "-m", "extractor", pdf, "--out", out, "--quiet", *extra], check=False)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
elif kind == "help":
    subprocess.run([sys.executable, "-m", "extractor", "--help"], check=True, capture_output=True)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
elif kind == "audit":
    # the pipeline once, then the default files alone and with the audit artefacts (their
    # imports included, as a user pays them); CPU time too, as the machine may be shared
    from pathlib import Path
    from extractor.export import write_report
    from extractor.pipeline import Options, run
    report = run(Path(pdf), Options())
    def timed(formats, folder):
        wall, cpu = time.perf_counter(), time.process_time()
        write_report(report, Path(out) / folder, formats)
        return time.perf_counter() - wall, time.process_time() - cpu
    plain = timed(["csv", "json"], "plain")
    audit = timed(["csv", "json", "pdf", "html"], "audit")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"wall": audit[0] - plain[0], "cpu": audit[1] - plain[1], "rss_mb": rss / 1024}))
    sys.exit(0)
elif kind == "validation":
    # the validation stage alone, on the report the pipeline built: GE's import and a first
    # warm-up run excluded, so what remains is what each further report of a folder costs
    from pathlib import Path
    from extractor.pipeline import Options, run
    from extractor.rules import load_rules
    from extractor.validate import validate
    report = run(Path(pdf), Options(validate=False))
    rules = load_rules(report.family)
    validate(report, rules)
    wall, cpu = time.perf_counter(), time.process_time()
    validate(report, rules)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "rss_mb": rss / 1024}))
    sys.exit(0)
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
usage = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
cpu = sum(u.ru_utime + u.ru_stime for u in usage)
print(json.dumps({"wall": time.perf_counter() - start, "rss_mb": rss / 1024, "cpu": cpu}))
"""


def _probe(kind: str, pdf: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [sys.executable, "-c", _PROBE, kind, str(pdf), str(Path(tmp) / "out")],
            capture_output=True, text=True, cwd=REPO, check=True,
        )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(kind: str, pdf: Path, repeat: int) -> tuple[float, float]:
    wall, rss, _ = measure_cpu(kind, pdf, repeat)
    return wall, rss


def measure_cpu(kind: str, pdf: Path, repeat: int) -> tuple[float, float, float]:
    """Median wall time, peak resident memory of the largest process, median CPU time (all processes)."""
    walls, cpus, rss = [], [], 0.0
    for _ in range(repeat):
        result = _probe(kind, pdf)
        walls.append(result["wall"])
        cpus.append(result["cpu"])
        rss = max(rss, result["rss_mb"])
    return statistics.median(walls), rss, statistics.median(cpus)


def _page_sizes(pdf: Path, pages: list[int] | None) -> tuple[list[int], dict[int, tuple[tuple[float, float], int]]]:
    """The pages to read (all when None) and each one's size in points and scan dpi."""
    import pypdfium2 as pdfium

    from extractor.ocr import scan_dpi  # sets OMP_THREAD_LIMIT=1 (read.py) for every tesseract run after

    document = pdfium.PdfDocument(str(pdf))
    try:
        indexes = pages if pages is not None else list(range(len(document)))
        return indexes, {i: (document[i].get_size(), scan_dpi(document[i])) for i in indexes}
    finally:
        document.close()


def ocr_cost(pdf: Path, pages: list[int] | None, repeat: int) -> bool:
    """Our OCR of `pages` (0-based; None: all) against tesseract alone on the same pages; prints both.

    The comparison, as a user would run tesseract on a scanned PDF, on equal terms:
    - the same pages drawn at the same dpi (the one `ocr_page` reads at: the scan's own, within
      MIN_DPI..MAX_DPI), the render counted on both sides;
    - tesseract alone reads the whole page image once: `-l spa`, `--psm 3` (its default: automatic
      layout analysis), `--oem 3` (its default: the LSTM engine), through pytesseract;
    - one process each, one tesseract run at a time, both with OMP_THREAD_LIMIT=1 (what `extract`
      sets: OpenMP threads only fight each other on 2 cores, and make tesseract alone slower);
    - wall time and CPU time (this process plus its tesseract runs); each page measured `repeat`
      times, the two alternating, and the median kept. CPU time is the steadier figure on a
      shared machine; the target is judged on both.
    """
    import os

    sys.path.insert(0, str(REPO))
    indexes, sizes = _page_sizes(pdf, pages)
    print(f"{pdf.name}: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"median of {repeat}; tesseract alone: -l spa --psm 3 --oem 3, OMP_THREAD_LIMIT=1")
    print(f"{'page':>5}{'dpi':>5}  {'alone wall':>10}{'ours wall':>10}{'ratio':>7}  "
          f"{'alone CPU':>10}{'ours CPU':>10}{'ratio':>7}")
    totals = {"alone": [0.0, 0.0], "ours": [0.0, 0.0]}
    for index in indexes:
        (width, height), dpi = sizes[index]
        runs: dict[str, list[tuple[float, float]]] = {"alone": [], "ours": []}
        for _ in range(repeat):
            runs["alone"].append(_timed(_tesseract_alone, pdf, index, dpi))
            runs["ours"].append(_timed(_our_ocr, pdf, index, width, height, dpi))
        median = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in runs.items()}
        for k in totals:
            totals[k][0] += median[k][0]
            totals[k][1] += median[k][1]
        print(_cost_line(f"{index + 1:>5}{dpi:>5}", median["alone"], median["ours"]))
    print(_cost_line(f"{'all':>10}", tuple(totals["alone"]), tuple(totals["ours"])))
    wall_ratio, cpu_ratio = totals["ours"][0] / totals["alone"][0], totals["ours"][1] / totals["alone"][1]
    met = wall_ratio <= OCR_COST_TARGET and cpu_ratio <= OCR_COST_TARGET
    print(f"{pdf.name}: our OCR takes {wall_ratio:.2f}× tesseract alone's wall time and {cpu_ratio:.2f}× its CPU time "
          f"(target ≤ {OCR_COST_TARGET}×: {'met' if met else 'NOT met'}; load average now {os.getloadavg()[0]:.1f})")
    return met


# the reading a tesseract run serves, by the first of these functions on the stack above it
READING_KINDS = {
    "orientation_report": "orientation: OSD",
    "_rotation_by_confidence": "orientation: read both ways",
    "second_opinion": "doubtful figures: second reading",
    "reread_misread_figures": "misread figures: without specks",
    "_reread_digit_words": "outside the grid: words with digits",
    "split_at_lines": "words across a rule: re-read",
}


def ocr_cpu_by_kind(pdf: Path, pages: list[int] | None) -> None:
    """Our OCR of the pages once more, its CPU split by kind of reading (`READING_KINDS`, and the
    cells' passes by language, alone or in mosaics): runs, images, megapixels, CPU seconds."""
    import inspect

    from extractor.ocr import engine, rotation
    from extractor.ocr import read as ocr_read

    spent: dict[str, list[float]] = {}

    def kind_of_reading(lang: str, options: list[str]) -> str:
        frames = inspect.stack()[2:20]
        names = [frame.function for frame in frames]
        named = next((READING_KINDS[n] for n in names if n in READING_KINDS), None)
        if named:
            return named
        if "--psm" in options and options[options.index("--psm") + 1] == str(ocr_read.PSM_PAGE):
            return f"outside the grid: page layout ({lang})"
        alone = any(f.function == "_read_boxes" and f.frame.f_locals.get("alone") for f in frames)
        tall = any(f.function == "_read_mosaics" and "found" in f.frame.f_locals for f in frames)
        return f"cells ({lang}): " + ("disputed, alone" if alone else "tall tiles, alone" if tall else "mosaics")

    def counted(work: Callable[..., object], kind: Callable[..., str]) -> Callable[..., object]:
        def run(images: Any, *args: Any, **kwargs: Any) -> object:
            single = hasattr(images, "shape")  # orientation_report reads one image
            listed = [images] if single else list(images)
            label = kind(*args, **kwargs)
            before = _cpu_seconds()
            result = work(images if single else listed, *args, **kwargs)
            row = spent.setdefault(label, [0, 0, 0.0, 0.0])
            row[0] += 1 if listed else 0
            row[1] += len(listed)
            row[2] += sum(image.size for image in listed) / 1e6
            row[3] += _cpu_seconds() - before
            return result
        return run

    ocr_read.read_images = counted(engine.read_images, lambda lang, options=(): kind_of_reading(lang, list(options)))
    rotation.orientation_report = counted(engine.orientation_report, lambda: READING_KINDS["orientation_report"])
    stages = _count_image_stages(spent)
    indexes, sizes = _page_sizes(pdf, pages)
    total = sum(_timed(_our_ocr, pdf, i, *sizes[i][0], sizes[i][1])[1] for i in indexes)
    print(f"\nwhere our CPU goes ({pdf.name}, pages {','.join(str(i + 1) for i in indexes)}, one reading):")
    print(f"{'reading':<42}{'runs':>6}{'images':>8}{'Mpx':>8}{'CPU s':>8}{'share':>7}")
    for label, (runs, images, mpx, cpu) in sorted(spent.items(), key=lambda item: -item[1][3]):
        if not images:
            continue  # a kind of reading these pages did not need
        print(f"{label:<42}{runs:>6.0f}{images:>8.0f}{mpx:>8.1f}{cpu:>8.2f}{cpu / total:>7.0%}")
    for label, cpu in sorted(stages.items(), key=lambda item: -item[1]):
        print(f"{'image: ' + label:<42}{'':>22}{cpu:>8.2f}{cpu / total:>7.0%}")
    rest = total - sum(row[3] for row in spent.values()) - sum(stages.values())
    print(f"{'the rest (mosaics, tiles, words)':<42}{'':>22}{rest:>8.2f}{rest / total:>7.0%}")


# the image work of `ocr_page` and `ocr_words`, by the name they call it under in extractor.ocr
IMAGE_STAGES = {
    "render": "render", "flatten_light": "light", "orient": "rotation by the letters",
    "estimate_skew": "skew", "deskew": "skew", "solid_fill_areas": "solid fills",
    "invert_areas": "solid fills", "find_grid": "grid", "page_line_masks": "grid", "table_cells": "grid",
    "erase_lines": "rules erased, specks", "despeckle": "rules erased, specks",
    "reading_scale": "letter heights", "ink_mask": "letter heights", "blank": "letter heights",
}


def _count_image_stages(spent: dict[str, list[float]]) -> dict[str, float]:
    """CPU of each image stage of the OCR from now on, by IMAGE_STAGES label, less the tesseract
    runs inside it (OSD in the rotation: already a kind of reading in `spent`)."""
    import extractor.ocr as ocr

    stages: dict[str, float] = {}

    def counted(name: str, work: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            readings, before = sum(row[3] for row in spent.values()), _cpu_seconds()
            result = work(*args, **kwargs)
            inside = sum(row[3] for row in spent.values()) - readings
            label = IMAGE_STAGES[name]
            stages[label] = stages.get(label, 0.0) + _cpu_seconds() - before - inside
            return result
        return run

    for name in IMAGE_STAGES:
        setattr(ocr, name, counted(name, getattr(ocr, name)))
    return stages


def _cost_line(label: str, alone: tuple[float, ...], ours: tuple[float, ...]) -> str:
    return (f"{label}  {alone[0]:>10.2f}{ours[0]:>10.2f}{ours[0] / alone[0]:>6.2f}×  "
            f"{alone[1]:>10.2f}{ours[1]:>10.2f}{ours[1] / alone[1]:>6.2f}×")


def _timed(work: Callable[..., object], *args: object) -> tuple[float, float]:
    """Wall and CPU seconds of `work(*args)`: this process and the child processes it waited for."""
    import time

    wall, used = time.perf_counter(), _cpu_seconds()
    work(*args)
    return time.perf_counter() - wall, _cpu_seconds() - used


def _cpu_seconds() -> float:
    """CPU time of this process (tesseract's library reads in it) and of the children it waited
    for (tesseract runs of the command)."""
    import resource

    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def _tesseract_alone(pdf: Path, index: int, dpi: int) -> None:
    import pypdfium2 as pdfium
    import pytesseract

    from extractor.ocr import render

    document = pdfium.PdfDocument(str(pdf))
    try:
        image = render(document[index], dpi).image
    finally:
        document.close()
    pytesseract.image_to_data(image, lang="spa", config="--psm 3 --oem 3")


def _our_ocr(pdf: Path, index: int, width: float, height: float, dpi: int) -> None:
    from extractor.ocr import ocr_page

    ocr_page(pdf, index, width, height, dpi=dpi)


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
    parser.add_argument("--audit-only", action="store_true", help="only the cost of annotated.pdf + report.html")
    parser.add_argument("--corpus-only", action="store_true", help="only the corpus targets (issue 12)")
    parser.add_argument("--ocr-cost", type=Path, metavar="SCAN", help="time our OCR against tesseract alone")
    parser.add_argument("--pages", help="with --ocr-cost: 1-based pages, comma-separated (default: all)")
    parser.add_argument("--where", action="store_true", help="with --ocr-cost: where our OCR's CPU goes")
    parser.add_argument("--validation-only", action="store_true", help="only the CPU of the validation stage")
    args = parser.parse_args()
    if args.ocr_cost:
        pages = [int(p) - 1 for p in args.pages.split(",")] if args.pages else None
        met = ocr_cost(args.ocr_cost, pages, args.repeat)
        if args.where:
            ocr_cpu_by_kind(args.ocr_cost, pages)
        return 0 if met else 1
    if args.validation_only:
        validation_cost(args.samples or sorted((REPO / "samples").glob("*.pdf")), args.repeat)
        return 0
    if args.corpus_only:
        return 0 if corpus_targets(args.repeat) else 1
    samples = args.samples or sorted((REPO / "samples").glob("*.pdf"))
    if args.audit_only:
        return 0 if audit_cost(samples, args.repeat) else 1
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
    ok &= audit_cost(samples, args.repeat)
    ok &= measure_blank_pages()
    ok &= corpus_targets(args.repeat)
    return 0 if ok else 1


def measure_blank_pages() -> bool:
    """Blank pages of growing size, one per PDF: time and peak memory of the whole process tree."""
    import pypdfium2 as pdfium

    sys.path.insert(0, str(REPO))
    from extractor.raster import MEMORY_BUDGET_MB
    from tests.memwatch import run_measured

    ok = True
    print(f"\nblank pages (targets < {BLANK_TARGET_S} s, < {MEMORY_BUDGET_MB} MB):")
    with tempfile.TemporaryDirectory() as tmp:
        for side in BLANK_SIDES_PT:
            pdf = Path(tmp) / f"blank-{side}.pdf"
            doc = pdfium.PdfDocument.new()
            doc.new_page(side, side)
            doc.save(str(pdf))
            doc.close()
            run = run_measured(
                [sys.executable, "-m", "extractor", str(pdf), "--out", str(Path(tmp) / "out"), "-q"], timeout=600
            )
            met = run.wall_s < BLANK_TARGET_S and run.peak_mb < MEMORY_BUDGET_MB
            ok &= met
            print(f"    {side:>6} pt: {run.wall_s:6.1f} s {run.peak_mb:6.0f} MB exit {run.returncode} "
                  f"{'met' if met else 'NOT met'}")
    return ok


def audit_cost(samples: list[Path], repeat: int) -> bool:
    """Extra time of `--format pdf,html` (annotated.pdf + report.html) over the default files."""
    import os

    ok = True
    print(f"\n(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for pdf in samples:
        runs = [_probe("audit", pdf) for _ in range(repeat)]
        extra = statistics.median(r["wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        met = extra < AUDIT_TARGET_S
        ok &= met
        print(f"{pdf.stem}: annotated.pdf + report.html cost {extra:.2f} s extra ({cpu:.2f} s CPU), "
              f"peak {max(r['rss_mb'] for r in runs):.0f} MB (target < {AUDIT_TARGET_S} s: "
              f"{'met' if met else 'NOT met'})")
    return ok


def measure_folder(samples: list[Path], repeat: int) -> tuple[float, float]:
    import shutil

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reports"
        folder.mkdir()
        for pdf in samples:
            shutil.copy(pdf, folder / pdf.name)
        return measure("extract-folder", folder, repeat)


# ---- corpus targets (issue 12): side by side with pdfplumber's extract_tables in one run ----------

CORPUS_SIZE = 16
CORPUS_TARGET = 0.4  # 16 born-digital reports, --jobs 2: ≤ 0.4 × pdfplumber's time on the same files
NO_VALIDATE_TARGET = 0.42  # one 10-20 page report, extraction alone
GE_IMPORT_TARGET = 1.15  # one report end to end ≤ 1.15 × a bare `import great_expectations`
WORKER_MB_TARGET = 400
SINGLE_REPORT = REPO / "samples" / "trata-2024.pdf"  # 20 pages


def build_corpus(folder: Path) -> list[Path]:
    """16 distinct born-digital reports: the samples, the real B-7 printouts, rendered yearly series."""
    import os
    import shutil

    sys.path.insert(0, str(REPO / "scripts"))
    import make_series

    real = Path(os.environ.get("CEPLAN_REAL_DIR", REPO.parent / "shared" / "real"))
    sources = sorted((REPO / "samples").glob("*.pdf")) + sorted(real.glob("IGP_PEI_AnexoB7_*.pdf"))
    for pdf in sources:
        shutil.copy(pdf, folder / pdf.name)
    sectors = ["10: EDUCACION", "12: TRABAJO", "13: AGRICULTURA", "16: ENERGIA", "18: TRANSPORTES"]
    for k, sector in enumerate(sectors):
        if len(list(folder.rglob("*.pdf"))) >= CORPUS_SIZE:
            break
        ministry = f"0{sector[:2]}: M. {sector.split(': ')[1]}"
        make_series.render_series(folder / f"series-{k}", seed=100 + k, sector=sector, ministry=ministry,
                                  stem=sector.split(": ")[1].lower())
    pdfs = sorted(folder.rglob("*.pdf"))
    for extra in pdfs[CORPUS_SIZE:]:
        extra.unlink()
    return pdfs[:CORPUS_SIZE]


def validation_cost(samples: list[Path], repeat: int) -> None:
    """CPU seconds of the validation stage (GE suites) per report, GE's import excluded: the
    part of a folder's run that grows with its reports (issue 12). No target: reported only."""
    print("validation stage per report (median of", repeat, "; CPU = user+sys of the process)")
    for pdf in samples:
        runs = [_probe("validation", pdf) for _ in range(repeat)]
        cpu = statistics.median(r["cpu"] for r in runs)
        wall = statistics.median(r["wall"] for r in runs)
        print(f"  {pdf.stem:<45} CPU {cpu:.2f} s, wall {wall:.2f} s")


def corpus_targets(repeat: int) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        pdfs = build_corpus(folder)
        pages = sum(page_count(p) for p in pdfs)
        ours = measure_cpu("extract-corpus", folder, repeat)
        ours_light = measure_cpu("extract-corpus-novalidate", folder, repeat)
        theirs = measure_cpu("pdfplumber-folder", folder, repeat)
    single = {k: measure_cpu(k, SINGLE_REPORT, repeat) for k in ("extract", "extract-novalidate", "pdfplumber")}
    ge = measure_cpu("ge-import", SINGLE_REPORT, repeat)
    rows = [
        (f"{len(pdfs)} reports ({pages} pages), --jobs 2 vs pdfplumber", ours, theirs, CORPUS_TARGET),
        (f"{len(pdfs)} reports, --jobs 2 --no-validate vs pdfplumber (no target)", ours_light, theirs, None),
        (f"{SINGLE_REPORT.name} --no-validate vs pdfplumber", single["extract-novalidate"], single["pdfplumber"],
         NO_VALIDATE_TARGET),
        (f"{SINGLE_REPORT.name} end to end vs import great_expectations", single["extract"], ge, GE_IMPORT_TARGET),
    ]
    print("\ncorpus targets (wall: median of", repeat, "; CPU: user+sys of every process)")
    ok = True
    for label, (wall, rss, cpu), (ref_wall, _, ref_cpu), target in rows:
        ratio = wall / ref_wall
        verdict = "" if target is None else f" (target ≤ {target}: {'met' if ratio <= target else 'NOT met'})"
        ok &= target is None or ratio <= target
        print(f"  {label}: {wall:.2f} s vs {ref_wall:.2f} s = {ratio:.2f}×{verdict}; "
              f"CPU {cpu:.2f} s vs {ref_cpu:.2f} s = {cpu / ref_cpu:.2f}×; peak {rss:.0f} MB")
    peak = max(ours[1], single["extract"][1])
    ok &= peak < WORKER_MB_TARGET
    print(f"  peak memory of any process (a worker or the main one): {peak:.0f} MB "
          f"(target < {WORKER_MB_TARGET}: {'met' if peak < WORKER_MB_TARGET else 'NOT met'})")
    return ok


if __name__ == "__main__":
    sys.exit(main())
