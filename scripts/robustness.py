#!/usr/bin/env python3
"""Robustness run: seeded report variants from independent producers, extracted and scored.

Each seed draws a policy (synthetic, or the real trata-2024 report), maybe some deliberate
errors, a narrative and a look; each producer prints it; `extract`'s pipeline reads it back and
is scored against the variant's truth:

- codes: the matrix codes read, against those printed (a missing or an extra code both count);
- cells: every other printed cell (values, responsible, type, direction, aggregation) exactly
  as printed; names: the full name of each row exactly;
- summary: the summary table read exactly (all groups, all counts);
- recall / precision of the findings the errors must raise; false errors: error findings on a
  variant that has no error.

Usage::

    .venv/bin/python scripts/robustness.py                       # 12 seeds × every producer
    .venv/bin/python scripts/robustness.py --seeds 1-40 --producers html,calc
    .venv/bin/python scripts/robustness.py --seeds 7 --keep out/  # keep PDFs, truth, extraction
    .venv/bin/python scripts/robustness.py --scans [options]      # seeded scans (robustness_scans.py)
    .venv/bin/python scripts/robustness.py --b7 [options]         # PEI B-7 printouts (robustness_b7.py)
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from variety.inject import Anchor
from variety.producers import PRODUCERS
from variety.variant import Variant, make_variant

DEFAULT_SEEDS = "1-12"
TEXT_CELLS = ["responsible", "indicator_type", "direction", "aggregation", "baseline_year", "baseline_value"]
VALUE_PREFIXES = ("expected_", "obtained_", "progress_")
# warnings scored like errors: those an injected error must raise (others are advice, unscored)
SCORED_WARNINGS = {"implausible_value", "narrative_mismatch"}


@dataclass(slots=True)
class Score:
    name: str
    producer: str
    seed: int
    policy: str
    consistent: bool
    pages: int = 0
    codes: float = 0.0
    cells: float = 0.0
    names: float = 0.0
    summary: bool = False
    expected: int = 0
    found: int = 0
    flagged: int = 0  # scored findings raised
    matched: int = 0  # of those, the ones an injected (or known) error explains
    false_errors: int = 0  # error findings on a consistent variant
    extract_seconds: float = 0.0
    render_seconds: float = 0.0
    failure: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.flagged if self.flagged else 1.0

    @property
    def passed(self) -> bool:
        return (not self.failure and self.codes == 1.0 and self.cells >= 0.995 and self.names >= 0.99
                and self.summary and self.recall == 1.0 and self.false_errors == 0)

    @property
    def badness(self) -> float:
        if self.failure:
            return 100.0
        return ((1 - self.codes) * 40 + (1 - self.cells) * 20 + (1 - self.names) * 10 + (not self.summary) * 3
                + (1 - self.recall) * 5 + (1 - self.precision) * 3 + self.false_errors)


# ---- reading the extraction ----------------------------------------------------------------------


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def extracted_rows(doc: dict) -> list[dict[str, str]]:
    """report.json rows back to printed text (value cells carry raw/value/unit)."""
    rows = []
    for rec in doc["rows"]:
        rows.append({k: (v.get("raw", "") if isinstance(v, dict) else str(v)) for k, v in rec.items()})
    return rows


def row_key(row: dict[str, str]) -> str:
    return row.get("code") or f"<{row.get('level', '')}>"


def score_matrix(score: Score, truth: Sequence[dict[str, str]], got: Sequence[dict[str, str]]) -> None:
    got_by = {}
    for row in got:
        got_by.setdefault(row_key(row), row)
    truth_keys = [row_key(r) for r in truth]
    got_keys = [row_key(r) for r in got]
    common = set(truth_keys) & set(got_keys)
    score.codes = len(common) / max(len(set(truth_keys)), len(set(got_keys)), 1)
    missing = [k for k in truth_keys if k not in common]
    extra = [k for k in got_keys if k not in common]
    if missing or extra:
        score.problems.append(f"codes missing {missing[:4]} extra {extra[:4]}")
    cells = right = names = names_right = 0
    columns = [c for c in truth[0] if c in TEXT_CELLS or c.startswith(VALUE_PREFIXES)]
    for row in truth:
        other = got_by.get(row_key(row), {})
        names += 1
        if norm(other.get("name", "")) == norm(row["name"]):
            names_right += 1
        elif other and len(score.problems) < 12:
            have = norm(other.get("name", ""))[:70]
            score.problems.append(f"name {row_key(row)}: {have!r} ≠ {norm(row['name'])[:70]!r}")
        for col in columns:
            want, have = norm(row.get(col, "")), norm(other.get(col, ""))
            if not want and not have:
                continue
            cells += 1
            if want == have:
                right += 1
            elif len(score.problems) < 12:
                score.problems.append(f"cell {row_key(row)} {col}: {have!r} ≠ {want!r}")
    score.cells = right / cells if cells else 1.0
    score.names = names_right / names if names else 1.0


def score_summary(score: Score, truth: Sequence[dict[str, str]], got: Sequence[dict]) -> None:
    cols = ["low_0_75", "mid_75_95", "high_95", "nd", "total"]
    want = {r["group"]: [r[c] for c in cols] for r in truth}
    have = {}
    for r in got:
        have.setdefault(r["group"], [norm(str(r.get(c, ""))) for c in cols])
    score.summary = want == have
    if not score.summary:
        score.problems.append(f"summary {have} ≠ {want}")


def matches(anchor: Anchor, finding: dict) -> bool:
    if finding["rule"] != anchor.rule:
        return False
    code, fld = finding.get("code", ""), finding.get("field", "")
    subject_ok = code == anchor.subject or fld.startswith(f"{anchor.subject}.") or (
        not code and anchor.subject in finding.get("message", ""))
    field_ok = not anchor.field or anchor.field in fld or fld.startswith(anchor.field.split("_")[0])
    return subject_ok and field_ok


def scored(finding: dict, gold: bool) -> bool:
    if finding["severity"] == "error":
        return True
    return finding["severity"] == "warning" and not gold and finding["rule"] in SCORED_WARNINGS


def score_findings(score: Score, variant: Variant, findings: Sequence[dict]) -> None:
    flagged = [f for f in findings if scored(f, variant.policy.gold)]
    score.expected = len(variant.expected)
    used: set[int] = set()
    for anchor in variant.expected:
        hit = next((i for i, f in enumerate(findings) if i not in used and matches(anchor, f)), None)
        if hit is None:
            score.problems.append(f"missed {anchor.rule} {anchor.subject} {anchor.field}")
            continue
        used.add(hit)
        score.found += 1
    score.flagged = len(flagged)
    score.matched = sum(1 for i, f in enumerate(findings) if i in used and scored(f, variant.policy.gold))
    unexplained = [f for i, f in enumerate(findings) if i not in used and scored(f, variant.policy.gold)]
    for f in unexplained[:6]:
        score.problems.append(f"unexpected {f['severity']} {f['rule']} {f['code']} {f['field']} "
                              f"{f['printed']!r} vs {f['recomputed']!r}")
    if variant.consistent:
        score.false_errors = sum(1 for f in findings if f["severity"] == "error")


# ---- the run -------------------------------------------------------------------------------------


def parse_seeds(text: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            seeds += range(int(a), int(b) + 1)
        elif part.strip():
            seeds.append(int(part))
    return seeds


def run_variant(seed: int, producer: str, folder: Path, worker: object) -> Score:
    from extractor.export import report_document
    from extractor.pdf import InputError
    from extractor.pipeline import Options, run

    variant = make_variant(seed, producer, folder)
    score = Score(variant.name, producer, seed, variant.policy.name, variant.consistent,
                  render_seconds=variant.render_seconds)
    started = time.perf_counter()
    try:
        report = run(variant.pdf, Options(), validation=worker)  # type: ignore[arg-type]
    except InputError as exc:
        score.failure = str(exc)
        return score
    except Exception as exc:  # a crash is a result too: scored as a failed variant
        score.failure = f"{type(exc).__name__}: {exc}"
        return score
    score.extract_seconds = time.perf_counter() - started
    doc = report_document(report)
    score.pages = doc["source"]["pages"]
    (folder / f"{variant.name}.report.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")
    score_matrix(score, variant.policy.rows, extracted_rows(doc))
    score_summary(score, variant.summary, doc["summary"])
    score_findings(score, variant, doc["findings"])
    return score


def run_all(seeds: Iterable[int], producers: Sequence[str], folder: Path, quiet: bool = False) -> list[Score]:
    from extractor.pipeline import ValidationWorker

    scores = []
    with ValidationWorker(enabled=True) as worker:
        for seed in seeds:
            for producer in producers:
                score = run_variant(seed, producer, folder, worker)
                scores.append(score)
                if not quiet:
                    print(progress_line(score), file=sys.stderr, flush=True)
    return scores


def progress_line(s: Score) -> str:
    mark = "ok " if s.passed else "BAD"
    if s.failure:
        return f"{mark} {s.name:<18} {s.policy:<15} FAILED {s.failure[:90]}"
    return (f"{mark} {s.name:<18} {s.policy:<15} codes {s.codes:6.1%} cells {s.cells:6.1%} names {s.names:6.1%} "
            f"summary {'yes' if s.summary else 'NO '} recall {s.found}/{s.expected} "
            f"precision {s.matched}/{s.flagged} false errors {s.false_errors}")


def table(scores: Sequence[Score]) -> str:
    head = (f"{'producer':<10} {'variants':>8} {'passed':>6} {'codes':>7} {'cells':>7} {'names':>7} {'summary':>8} "
            f"{'recall':>7} {'precis.':>7} {'false err':>9} {'s/page':>7} {'render s':>8}")
    lines = [head, "-" * len(head)]
    groups = sorted({s.producer for s in scores})
    for name in [*groups, "all"]:
        group = [s for s in scores if name in ("all", s.producer)]
        ok = [s for s in group if not s.failure]
        pages = sum(s.pages for s in ok) or 1
        lines.append(
            f"{name:<10} {len(group):>8} {sum(s.passed for s in group):>6} "
            f"{min((s.codes for s in ok), default=0):>7.1%} {min((s.cells for s in ok), default=0):>7.1%} "
            f"{min((s.names for s in ok), default=0):>7.1%} {sum(s.summary for s in ok):>4}/{len(group):<3} "
            f"{sum(s.found for s in ok) / max(sum(s.expected for s in ok), 1):>7.1%} "
            f"{sum(s.matched for s in ok) / max(sum(s.flagged for s in ok), 1):>7.1%} "
            f"{sum(s.false_errors for s in ok):>9} {sum(s.extract_seconds for s in ok) / pages:>7.2f} "
            f"{sum(s.render_seconds for s in group) / max(len(group), 1):>8.1f}")
    lines.append("codes, cells, names: the worst variant; summary: variants read exactly; recall, precision: "
                 "over all injected findings; false err: errors on consistent variants")
    return "\n".join(lines)


def worst(scores: Sequence[Score], n: int) -> str:
    out = []
    for s in sorted(scores, key=lambda s: -s.badness)[:n]:
        if s.passed:
            break
        out.append(progress_line(s))
        out += [f"      {p}" for p in s.problems[:8]]
    return "\n".join(out)


# the other report kinds have runs of their own, with their own truth and measures
OTHER_RUNS = {"--scans": "robustness_scans", "--b7": "robustness_b7"}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    for flag, module in OTHER_RUNS.items():
        if flag in argv:
            argv.remove(flag)
            return importlib.import_module(module).main(argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default=DEFAULT_SEEDS, help="e.g. 1-30 or 3,7,11 (default %(default)s)")
    parser.add_argument("--producers", default=",".join(PRODUCERS), help="comma-separated (default: all)")
    parser.add_argument("--keep", type=Path, help="folder to keep PDFs, truth and report.json in")
    parser.add_argument("--worst", type=int, default=8, help="how many worst variants to list")
    parser.add_argument("--json", type=Path, help="write every score to this file")
    args = parser.parse_args(argv)
    producers = [p for p in args.producers.split(",") if p]
    unknown = [p for p in producers if p not in PRODUCERS]
    if unknown:
        parser.error(f"unknown producer(s) {unknown}; known: {list(PRODUCERS)}")
    with tempfile.TemporaryDirectory(prefix="robustness-") as tmp:
        folder = args.keep or Path(tmp)
        scores = run_all(parse_seeds(args.seeds), producers, folder)
    print(table(scores))
    listing = worst(scores, args.worst)
    if listing:
        print("\nworst variants:\n" + listing)
    if args.json:
        args.json.write_text(json.dumps([asdict(s) | {"passed": s.passed} for s in scores], indent=1), "utf-8")
    return 0 if all(s.passed for s in scores) else 1


if __name__ == "__main__":
    raise SystemExit(main())
