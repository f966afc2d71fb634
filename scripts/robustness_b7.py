#!/usr/bin/env python3
"""Robustness run for the PEI "Anexo B-7" family: seeded printouts, extracted and scored.

Each seed draws a B-7 variant (`scripts/b7gen`: period, column order, VALOR ACTUAL, title,
integers, `100`/`100.00`, glued text layer, one long table or one per OEI/AEI), chromium prints
it, and `extract`'s pipeline reads it back with family detection (no `--family`):

- family: detected as pei-b7;
- codes: the codes read, against those printed (a missing or an extra code both count);
- cells: every cell of every printed row (code, level, parent, page and each column of the
  contract) exactly as printed; a cell empty on both sides is not counted.

Same shape as scripts/robustness.py (branch variety), so it can be folded into it.

Usage::

    .venv/bin/python scripts/robustness_b7.py                 # seeds 1-12
    .venv/bin/python scripts/robustness_b7.py --seeds 1-40 --keep out/
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from b7gen import ISSUE_LOOKS, make_variant, render_variant
from robustness import norm, parse_seeds  # one seed syntax for every run

DEFAULT_SEEDS = "1-12"
CELLS_NEEDED = 0.995


@dataclass(slots=True)
class Score:
    name: str
    seed: int
    family: str = ""
    pages: int = 0
    codes: float = 0.0
    cells: float = 0.0
    right: int = 0
    total: int = 0
    extract_seconds: float = 0.0
    render_seconds: float = 0.0
    failure: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failure and self.family == "pei-b7" and self.codes == 1.0 and self.cells >= CELLS_NEEDED




def score_rows(score: Score, truth: Sequence[dict[str, str]], got: Sequence[dict[str, str]]) -> None:
    """Codes and cells of the extraction against the truth; problems name the first misses."""
    got_by: dict[str, dict[str, str]] = {}
    for row in got:
        got_by.setdefault(row.get("code", ""), row)
    truth_codes, got_codes = [r["code"] for r in truth], [r.get("code", "") for r in got]
    common = set(truth_codes) & set(got_codes)
    score.codes = len(common) / max(len(set(truth_codes)), len(set(got_codes)), 1)
    missing = [c for c in truth_codes if c not in common]
    extra = [c for c in got_codes if c not in common]
    if missing or extra:
        score.problems.append(f"codes missing {missing[:4]} extra {extra[:4]}")
    right = total = 0
    for row in truth:
        other = got_by.get(row["code"], {})
        for col, want in row.items():
            have = norm(other.get(col, ""))
            if not norm(want) and not have:
                continue
            total += 1
            if norm(want) == have:
                right += 1
            elif len(score.problems) < 12:
                score.problems.append(f"{row['code']} {col}: {have!r} ≠ {norm(want)!r}")
    score.right, score.total = right, total
    score.cells = right / total if total else 1.0


def extracted_rows(report: object) -> list[dict[str, str]]:
    rows = []
    for row in report.rows:  # type: ignore[attr-defined]
        rec = {"code": row.code, "level": row.level, "parent": row.parent, "page": str(row.page)}
        rec |= {k: row.get(k) for k in row.fields}
        rows.append(rec)
    return rows


def run_seed(seed: int, keep: Path | None, look: str | None = None) -> Score:
    """One variant drawn from the seed, with the seed's look or a named one (`ISSUE_LOOKS`)."""
    from extractor.pipeline import Options, run

    variant = make_variant(seed, look=ISSUE_LOOKS[look] if look else None)
    score = Score(variant.name, seed)
    with tempfile.TemporaryDirectory(prefix="b7-robust-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        pdf = folder / f"{variant.name}.pdf"
        started = time.perf_counter()
        try:
            truth = render_variant(variant, pdf)
        except Exception as exc:  # a broken producer is reported, not fatal to the run
            score.failure = f"render: {exc}"
            return score
        score.render_seconds = time.perf_counter() - started
        if keep:
            (folder / f"{variant.name}.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1))
        started = time.perf_counter()
        try:
            report = run(pdf, Options(validate=False))
        except Exception as exc:
            score.failure = f"extract: {type(exc).__name__}: {exc}"
            return score
        score.extract_seconds = time.perf_counter() - started
        score.family, score.pages = report.family, report.source.pages
        score_rows(score, truth, extracted_rows(report))
    return score




def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default=DEFAULT_SEEDS, help="e.g. 1-12 or 3,7,9")
    parser.add_argument("--keep", type=Path, help="keep PDFs and truth in this folder")
    parser.add_argument("--json", type=Path, help="write the scores as JSON")
    parser.add_argument("--look", choices=sorted(ISSUE_LOOKS), help="every seed printed in this look of the issue")
    args = parser.parse_args(argv)
    scores = []
    print(f"{'variant':<52} {'pages':>5} {'codes':>6} {'cells':>7}  {'s':>5}")
    for seed in parse_seeds(args.seeds):
        s = run_seed(seed, args.keep, args.look)
        scores.append(s)
        mark = "ok" if s.passed else "FAIL"
        print(f"{s.name:<52} {s.pages:>5} {s.codes:>6.1%} {s.cells:>7.2%}  {s.extract_seconds:>5.1f} {mark}"
              f" {s.failure}")
        for problem in s.problems[:6] if not s.passed else []:
            print(f"    {problem}")
    passed = sum(s.passed for s in scores)
    print(f"{passed}/{len(scores)} variants pass (family pei-b7, all codes, ≥ {CELLS_NEEDED:.1%} cells)")
    if args.json:
        args.json.write_text(json.dumps([asdict(s) for s in scores], ensure_ascii=False, indent=1))
    return 0 if passed == len(scores) else 1


if __name__ == "__main__":
    sys.exit(main())
