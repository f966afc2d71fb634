"""Mutation fuzzing of `extract` for a bounded time (the longer run: scripts/fuzz.py).

The mutator is a seeded random one (tests/fuzzing.py says why not hypothesis or atheris):
every variant is named by (mutator, seed) and rebuilt exactly from it, so a failure here is
reproduced with `scripts/fuzz.py --only MUTATOR:SEED`. Variants run round-robin, seed 0 of
every mutator first, until FUZZ_BUDGET_S seconds (default 90) are spent; every variant that
ran must behave: exit 0/1/2, no traceback, one line and nothing written on exit 2, the process
tree under the memory budget, no hang.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from tests.fuzzing import MUTATORS, SEEDS, Outcome, run_variant

BUDGET_S = float(os.environ.get("FUZZ_BUDGET_S", "90"))


def schedule(rounds: int = 100) -> list[tuple[str, int]]:
    return [(name, seed) for seed in range(rounds) for name in MUTATORS]


def test_mutated_samples_fail_cleanly_within_the_memory_budget(tmp_path: Path) -> None:
    deadline = time.monotonic() + BUDGET_S
    outcomes: list[Outcome] = []
    for name, seed in schedule():
        if outcomes and time.monotonic() > deadline:
            break
        outcomes.append(run_variant(name, seed, SEEDS[seed % len(SEEDS)], tmp_path))
    bad = [f"{o.mutator}:{o.seed} ({o.source}): {'; '.join(o.problems)} — {o.stderr[-300:]}" for o in outcomes]
    bad = [b for b, o in zip(bad, outcomes, strict=True) if o.problems]
    assert not bad, "\n".join(bad)
    assert {o.returncode for o in outcomes} <= {0, 1, 2}


def test_variants_are_reproducible(tmp_path: Path) -> None:
    from tests.fuzzing import make_variant

    for name in MUTATORS:
        if name in ("encrypt",):  # encryption salts every file at random by design
            continue
        a = make_variant(name, 3, SEEDS[0], tmp_path / "a").read_bytes()
        b = make_variant(name, 3, SEEDS[0], tmp_path / "b").read_bytes()
        assert a == b, name
