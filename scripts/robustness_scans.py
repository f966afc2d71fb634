#!/usr/bin/env python3
"""Scan robustness run: seeded scans of the samples (scripts/samplegen/scan_variants.py), each
extracted and scored against the truth of the born-digital sample it was scanned from.

- codes: gold rows whose (code, level) is extracted at the same place (rows aligned by the
  longest matching subsequence, so a lost or extra row does not shift the rest);
- cells: gold cells (every column but `repairs`) read exactly; a lost row loses all its cells;
- rows: rows extracted / gold rows; matrix pages: gold matrix pages with at least one row read;
- recall: the error and warning findings of the born-digital copy (rule, code, field) found again;
- OCR errors: error findings the born-digital copy does not have, i.e. caused by misreads
  (counting those the reader made warnings because they rest on a low-confidence OCR reading);
  "low conf" counts those flagged so (they are warnings, not errors, in the output).

Usage::

    .venv/bin/python scripts/robustness_scans.py                      # seeds 1-6
    .venv/bin/python scripts/robustness_scans.py --seeds 3,7 --samples salud-2025 --keep out/
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from robustness import parse_seeds  # noqa: E402  (one seed syntax for every run)
from samplegen.scan_variants import ScanVariant, make_scan_variant  # noqa: E402

SAMPLES = ROOT / "samples"
DEFAULT_SEEDS = "1-6"
DEFAULT_SAMPLES = ("salud-2025", "trata-2024")
MIN_CODES, MIN_CELLS, MIN_RECALL = 0.99, 0.97, 0.90
LOW_CONFIDENCE_MARK = "low-confidence OCR reading"  # the phrase a finding resting on a doubtful cell carries


# --------------------------------------------------------------------------- matrix accuracy


@dataclass(slots=True)
class Accuracy:
    """How much of a gold matrix an extraction reproduces (see the module docstring)."""

    gold_rows: int
    got_rows: int
    codes_right: int
    cells: int
    cells_right: int
    wrong: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # (row, column, gold, got)

    @property
    def codes(self) -> float:
        return self.codes_right / self.gold_rows if self.gold_rows else 1.0

    @property
    def cell_share(self) -> float:
        return self.cells_right / self.cells if self.cells else 1.0

    @property
    def extra(self) -> int:
        """Extracted rows aligned with no gold row."""
        return self.got_rows - self.codes_right


def measure(gold: list[dict[str, str]], got: list[dict[str, str]], columns: list[str]) -> Accuracy:
    """Codes and cells of `gold` that `got` reproduces, rows aligned on (code, level)."""

    def key(row: dict[str, str]) -> tuple[str, str]:
        return row.get("code", ""), row.get("level", "")

    matcher = difflib.SequenceMatcher(None, [key(r) for r in gold], [key(r) for r in got], autojunk=False)
    aligned = {b.a + k: b.b + k for b in matcher.get_matching_blocks() for k in range(b.size)}
    result = Accuracy(len(gold), len(got), len(aligned), 0, 0)
    for i, row in enumerate(gold):
        mate = got[aligned[i]] if i in aligned else None
        for column in columns:
            result.cells += 1
            value = mate.get(column, "") if mate is not None else None
            if value == row[column]:
                result.cells_right += 1
            else:
                result.wrong.append((row["code"] or row["level"], column, row[column], value))
    return result


# --------------------------------------------------------------------------- findings


FindingKey = tuple[str, str, str]  # rule, code, field


def finding_key(finding: dict) -> FindingKey:
    return finding["rule"], finding.get("code", ""), finding.get("field", "")


def revealed(findings: Iterable[dict]) -> set[FindingKey]:
    """What a report's extraction reveals about it: its errors and warnings (infos are repairs)."""
    return {finding_key(f) for f in findings if f["severity"] in ("error", "warning")}


# --------------------------------------------------------------------------- the score


@dataclass(slots=True)
class ScanScore:
    name: str
    sample: str
    seed: int
    scan: str  # the drawn scanner and page damage, in words
    pages: int = 0
    codes: float = 0.0
    cells: float = 0.0
    rows: int = 0
    gold_rows: int = 0
    matrix_pages: int = 0
    gold_matrix_pages: int = 0
    expected: int = 0  # born-digital findings to find again
    found: int = 0
    errors: int = 0  # error findings raised on the scan
    ocr_errors: int = 0  # …that the born-digital copy does not raise
    ocr_errors_flagged: int = 0  # …that say they rest on a low-confidence cell
    seconds: float = 0.0
    scan_seconds: float = 0.0
    failure: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def passed(self) -> bool:
        return (not self.failure and self.codes >= MIN_CODES and self.cells >= MIN_CELLS
                and self.matrix_pages == self.gold_matrix_pages and self.recall >= MIN_RECALL)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def extracted_rows(doc: dict) -> list[dict[str, str]]:
    """report.json rows back to the text rows.csv holds (value cells carry raw/value/unit)."""
    rows = []
    for rec in doc["rows"]:
        row = {}
        for key, value in rec.items():
            if isinstance(value, dict):
                row[key] = value.get("raw", "")
            elif isinstance(value, list):
                row[key] = "; ".join(value)
            else:
                row[key] = "" if value is None else str(value)
        rows.append(row)
    return rows


def score_matrix(score: ScanScore, gold: list[dict[str, str]], got: list[dict[str, str]]) -> None:
    columns = [c for c in gold[0] if c not in ("repairs", "page")]
    acc = measure(gold, got, columns)
    score.codes, score.cells = acc.codes, acc.cell_share
    score.rows, score.gold_rows = len(got), len(gold)
    gold_pages = {r["page"] for r in gold}
    score.gold_matrix_pages = len(gold_pages)
    score.matrix_pages = len(gold_pages & {r.get("page", "") for r in got})
    score.problems += [f"{row} {col}: {want!r} → {have!r}" for row, col, want, have in acc.wrong[:10]]


def score_findings(score: ScanScore, truth: set[FindingKey], findings: Sequence[dict]) -> None:
    got = revealed(findings)
    score.expected = len(truth)
    score.found = len(truth & got)
    score.problems += [f"missed {' '.join(k)}" for k in sorted(truth - got)[:6]]
    # an error the reader downgraded because it rests on a doubtful reading still counts, as flagged
    errors = [f for f in findings if f["severity"] == "error" or LOW_CONFIDENCE_MARK in f["message"]]
    own = [f for f in errors if finding_key(f) not in truth]
    score.errors, score.ocr_errors = len(errors), len(own)
    score.ocr_errors_flagged = sum(1 for f in own if LOW_CONFIDENCE_MARK in f["message"])
    score.problems += [f"OCR error {f['rule']} {f['code']} {f['field']} {f['printed']!r} vs {f['recomputed']!r}"
                       for f in own[:6]]


# --------------------------------------------------------------------------- the run




def born_digital_truth(sample: str, worker: object) -> set[FindingKey]:
    from extractor.export import report_document
    from extractor.pipeline import Options, run

    report = run(SAMPLES / f"{sample}.pdf", Options(ocr="never"), validation=worker)  # type: ignore[arg-type]
    return revealed(report_document(report)["findings"])


def run_variant(variant: ScanVariant, truth: set[FindingKey], worker: object, jobs: int,
                folder: Path) -> ScanScore:
    from extractor.export import report_document
    from extractor.pdf import InputError
    from extractor.pipeline import Options, run

    sample = variant.source.stem
    score = ScanScore(variant.name, sample, variant.profile.seed, variant.describe())
    started = time.perf_counter()
    try:
        report = run(variant.pdf, Options(jobs=jobs), validation=worker)  # type: ignore[arg-type]
    except InputError as exc:
        score.failure = str(exc)
        return score
    except Exception as exc:  # a crash is a result too: scored as a failed variant
        score.failure = f"{type(exc).__name__}: {exc}"
        return score
    score.seconds = time.perf_counter() - started
    doc = report_document(report)
    (folder / f"{variant.name}.report.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")
    score.pages = doc["source"]["pages"]
    score_matrix(score, read_csv(SAMPLES / sample / "expected" / "rows.csv"), extracted_rows(doc))
    score_findings(score, truth, doc["findings"])
    return score


def run_all(seeds: Sequence[int], samples: Sequence[str], folder: Path, jobs: int) -> list[ScanScore]:
    from extractor.pipeline import ValidationWorker

    scores = []
    with ValidationWorker(enabled=True) as worker:
        truths = {s: born_digital_truth(s, worker) for s in samples}
        for seed in seeds:
            for sample in samples:
                started = time.perf_counter()
                variant = make_scan_variant(SAMPLES / f"{sample}.pdf", seed, folder)
                made = time.perf_counter() - started
                (folder / f"{variant.name}.json").write_text(json.dumps(variant.as_dict(), indent=1), "utf-8")
                score = run_variant(variant, truths[sample], worker, jobs, folder)
                score.scan_seconds = made
                scores.append(score)
                print(progress_line(score), file=sys.stderr, flush=True)
    return scores


def progress_line(s: ScanScore) -> str:
    mark = "ok " if s.passed else "BAD"
    if s.failure:
        return f"{mark} {s.name:<22} FAILED {s.failure[:100]}  [{s.scan}]"
    return (f"{mark} {s.name:<22} codes {s.codes:6.1%} cells {s.cells:6.1%} rows {s.rows}/{s.gold_rows} "
            f"matrix pages {s.matrix_pages}/{s.gold_matrix_pages} recall {s.found}/{s.expected} "
            f"OCR errors {s.ocr_errors} ({s.ocr_errors_flagged} low-conf) {s.seconds / max(s.pages, 1):.1f} s/page"
            f"  [{s.scan}]")


def table(scores: Sequence[ScanScore]) -> str:
    head = (f"{'sample':<11} {'variants':>8} {'passed':>6} {'codes':>7} {'cells':>7} {'rows':>9} {'mx pages':>9} "
            f"{'recall':>7} {'errors':>6} {'OCR err':>7} {'low conf':>8} {'s/page':>7} {'scan s':>7}")
    lines = [head, "-" * len(head)]
    for name in [*sorted({s.sample for s in scores}), "all"]:
        group = [s for s in scores if name in ("all", s.sample)]
        ok = [s for s in group if not s.failure]
        pages = sum(s.pages for s in ok) or 1
        lines.append(
            f"{name:<11} {len(group):>8} {sum(s.passed for s in group):>6} "
            f"{min((s.codes for s in ok), default=0):>7.1%} {min((s.cells for s in ok), default=0):>7.1%} "
            f"{sum(s.rows for s in ok):>4}/{sum(s.gold_rows for s in ok):<4} "
            f"{sum(s.matrix_pages for s in ok):>4}/{sum(s.gold_matrix_pages for s in ok):<4} "
            f"{sum(s.found for s in ok) / max(sum(s.expected for s in ok), 1):>7.1%} "
            f"{sum(s.errors for s in ok):>6} {sum(s.ocr_errors for s in ok):>7} "
            f"{sum(s.ocr_errors_flagged for s in ok):>8} {sum(s.seconds for s in ok) / pages:>7.1f} "
            f"{sum(s.scan_seconds for s in group) / max(len(group), 1):>7.1f}")
    lines.append("codes, cells: the worst variant; rows, mx pages: summed; recall: over all born-digital "
                 "findings; OCR err: errors the born-digital copy has not (low conf: of those, flagged as such)")
    return "\n".join(lines)


def worst(scores: Sequence[ScanScore], n: int) -> str:
    bad = sorted((s for s in scores if not s.passed), key=lambda s: (not s.failure, s.codes + s.cells))
    out = []
    for s in bad[:n]:
        out.append(progress_line(s))
        out += [f"      {p}" for p in s.problems[:10]]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default=DEFAULT_SEEDS, help="e.g. 1-30 or 3,7,11 (default %(default)s)")
    parser.add_argument("--samples", default=",".join(DEFAULT_SAMPLES), help="comma-separated sample names")
    parser.add_argument("--keep", type=Path, help="folder to keep the scans, their plans and report.json in")
    parser.add_argument("--jobs", type=int, default=2, help="OCR processes (default %(default)s)")
    parser.add_argument("--worst", type=int, default=6, help="how many failing variants to list")
    parser.add_argument("--json", type=Path, help="write every score to this file")
    args = parser.parse_args(argv)
    samples = [s for s in args.samples.split(",") if s]
    missing = [s for s in samples if not (SAMPLES / f"{s}.pdf").exists()]
    if missing:
        parser.error(f"no sample {missing} in {SAMPLES}")
    with tempfile.TemporaryDirectory(prefix="scans-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        scores = run_all(parse_seeds(args.seeds), samples, folder, args.jobs)
    print(table(scores))
    listing = worst(scores, args.worst)
    if listing:
        print("\nfailing variants:\n" + listing)
    if args.json:
        args.json.write_text(json.dumps([asdict(s) | {"passed": s.passed} for s in scores], indent=1), "utf-8")
    return 0 if all(s.passed for s in scores) else 1


if __name__ == "__main__":
    raise SystemExit(main())
