"""The long fuzz run: mutated samples through `extract` for as long as you give it.

Same mutators and checks as tests/test_fuzz.py (tests/fuzzing.py): exit 0/1/2, no traceback,
one line and nothing written on exit 2, the process tree's peak memory under the budget, no
hang. Prints one line per variant and a summary (variants tried, problems, maximum memory).

    python scripts/fuzz.py [--minutes 30] [--start-seed 0] [--mutators truncate,flate_bomb]
                           [--only flate_bomb:3] [--keep failing/] [--json results.jsonl]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fuzzing import MUTATORS, SEEDS, Outcome, make_variant, run_variant  # noqa: E402


def main() -> int:
    args = parse_args()
    names = args.mutators.split(",") if args.mutators else list(MUTATORS)
    unknown = [n for n in names if n not in MUTATORS]
    if unknown:
        sys.exit(f"unknown mutators {unknown}; known: {', '.join(MUTATORS)}")
    plan = [tuple_of(item) for item in args.only] if args.only else schedule(names, args.start_seed)
    deadline = time.monotonic() + args.minutes * 60
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        for name, seed in plan:
            if time.monotonic() > deadline:
                break
            source = SEEDS[seed % len(SEEDS)]
            outcome = run_variant(name, seed, source, Path(tmp))
            outcomes.append(outcome)
            print(line(outcome), flush=True)
            if outcome.problems and args.keep:
                keep(name, seed, source, args.keep)
            if args.json:
                with args.json.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(asdict(outcome), ensure_ascii=False) + "\n")
    print(summary(outcomes))
    return 1 if any(o.problems for o in outcomes) else 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--start-seed", type=int, default=0)
    parser.add_argument("--mutators", help="comma-separated subset of: " + ", ".join(MUTATORS))
    parser.add_argument("--only", action="append", help="run exactly MUTATOR:SEED (repeatable)")
    parser.add_argument("--keep", type=Path, help="copy every variant that misbehaves here")
    parser.add_argument("--json", type=Path, help="append one JSON line per variant")
    return parser.parse_args()


def schedule(names: list[str], start: int) -> list[tuple[str, int]]:
    """Round-robin: every mutator at one seed, then the next seed."""
    return [(name, seed) for seed in range(start, start + 100_000) for name in names]


def tuple_of(item: str) -> tuple[str, int]:
    name, _, seed = item.partition(":")
    return name, int(seed or 0)


def keep(name: str, seed: int, source: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(make_variant(name, seed, source, Path(tmp)), folder)


def line(o: Outcome) -> str:
    status = "ok" if not o.problems else "PROBLEM: " + "; ".join(o.problems)
    first = o.stderr.strip().splitlines()[0][:140] if o.stderr.strip() else ""
    figures = f"exit {o.returncode!s:>3} {o.peak_mb:7.0f} MB {o.wall_s:6.1f} s"
    return f"{o.mutator}:{o.seed:<4} {o.source:<16} {figures}  {status}  {first}"


def summary(outcomes: list[Outcome]) -> str:
    if not outcomes:
        return "no variant ran"
    by_mutator: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_mutator.setdefault(o.mutator, []).append(o)
    rows = [
        f"  {name:<13} {len(runs):>4} variants  exits "
        + ",".join(f"{code}×{sum(r.returncode == c for r in runs)}" for code, c in _codes(runs))
        + f"  max {max(r.peak_mb for r in runs):.0f} MB  max {max(r.wall_s for r in runs):.0f} s"
        + f"  problems {sum(bool(r.problems) for r in runs)}"
        for name, runs in by_mutator.items()
    ]
    problems = sum(bool(o.problems) for o in outcomes)
    peak = max(outcomes, key=lambda o: o.peak_mb)
    return "\n".join(
        [
            f"{len(outcomes)} variants, {problems} with problems, "
            f"maximum memory {peak.peak_mb:.0f} MB ({peak.mutator}:{peak.seed})",
            *rows,
        ]
    )


def _codes(runs: list[Outcome]) -> list[tuple[str, int | None]]:
    return [(str(c), c) for c in sorted({r.returncode for r in runs}, key=str)]


if __name__ == "__main__":
    raise SystemExit(main())
