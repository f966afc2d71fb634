"""The command line: ``python scripts/make_samples.py [--scanned] [--only NAME] [--out DIR]``."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from samplegen.expected import write_expected
from samplegen.model import ReportData
from samplegen.paths import SAMPLES
from samplegen.render import RenderResult, render_report
from samplegen.scan import make_scanned, write_readme
from samplegen.synthetic import make_salud_data
from samplegen.trata import load_trata

BUILDERS: dict[str, Callable[[], ReportData]] = {
    "trata-2024": load_trata,
    "salud-2025": make_salud_data,
}


def make_sample(name: str, out: Path) -> RenderResult:
    data = BUILDERS[name]()
    result = render_report(data, out / f"{name}.pdf")
    write_expected(data, result, out / name / "expected")
    return result


def describe(result: RenderResult) -> str:
    splits = ", ".join(f"{code} p{a}→p{b}" for code, a, b in result.splits)
    return (f"{result.path.name}: {result.pages} pages ({result.matrix_pages} matrix), "
            f"rendered in {result.seconds:.2f} s; split rows: {splits}")


def make_scanned_variants(name: str, out: Path) -> str:
    started = time.perf_counter()
    metadata = out / name / "expected" / "metadata.json"
    matrix_pages = json.loads(metadata.read_text(encoding="utf-8"))["matrix_pages"]
    made = make_scanned(out / f"{name}.pdf", matrix_pages, out / "scanned", name)
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in made)
    return f"{name}: {sizes} in {time.perf_counter() - started:.0f} s"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Render realistic CEPLAN-format sample reports (PDF) with their expected outputs.")
    parser.add_argument("--scanned", action="store_true",
                        help="make the degraded variants in <out>/scanned/ (slow; needs ocrmypdf)")
    parser.add_argument("--only", choices=sorted(BUILDERS), action="append",
                        help="make only this sample (repeatable)")
    parser.add_argument("--out", type=Path, default=SAMPLES, help="samples folder")
    args = parser.parse_args(argv)
    for name in args.only or list(BUILDERS):
        rendered = (args.out / f"{name}.pdf").exists() and (args.out / name / "expected" / "metadata.json").exists()
        if not args.scanned or not rendered:
            print(describe(make_sample(name, args.out)))
        if args.scanned:
            print(make_scanned_variants(name, args.out))
    if args.scanned:
        write_readme(args.out / "scanned")
    return 0
