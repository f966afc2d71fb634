"""Means over one value chosen per term: which choice of documented readings gives a figure.

An objective is the mean of its indicators and the index the mean of its objectives; where the
methodology lets a term be read more than one way (an `acumulado` indicator summed or already
cumulative, an objective whose readings differ by less than its rounding), a printed mean is
explained when *some* choice of one reading per term gives it. The choices multiply (2 readings
× 8 terms is 256 means), so the search is depth-first, pruned by the least and greatest sum the
terms still to choose can add.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

SEARCH_BUDGET = 200_000  # nodes visited before the search gives up (a safe "not explained")
ENUMERATION_LIMIT = 4096  # means listed for one row's readings (an objective's, for its index)


def distinct(values: Sequence[float]) -> list[int]:
    """Indices of the first occurrence of each value (float noise folded)."""
    seen: set[float] = set()
    keep = []
    for i, v in enumerate(values):
        key = round(v, 9)
        if key not in seen:
            seen.add(key)
            keep.append(i)
    return keep


def mean_within(choices: Sequence[Sequence[float]], low: float, high: float) -> tuple[int, ...] | None:
    """One index per choice such that the mean of the chosen values lies in [low, high], if any."""
    n = len(choices)
    if n == 0:
        return None
    options = [distinct(c) for c in choices]
    least = _suffix_sums([min(c[i] for i in o) for c, o in zip(choices, options, strict=True)])
    most = _suffix_sums([max(c[i] for i in o) for c, o in zip(choices, options, strict=True)])
    low_sum, high_sum = low * n, high * n
    picked: list[int] = []
    visited = 0

    def search(k: int, total: float) -> bool:
        nonlocal visited
        visited += 1
        if visited > SEARCH_BUDGET or total + most[k] < low_sum or total + least[k] > high_sum:
            return False
        if k == n:
            return True
        for i in options[k]:
            picked.append(i)
            if search(k + 1, total + choices[k][i]):
                return True
            picked.pop()
        return False

    return tuple(picked) if search(0, 0.0) else None


def _suffix_sums(values: Sequence[float]) -> list[float]:
    """s[k] = values[k] + … + values[-1]; s[len] = 0."""
    out = [0.0] * (len(values) + 1)
    for k in range(len(values) - 1, -1, -1):
        out[k] = out[k + 1] + values[k]
    return out


def every_choice(choices: Sequence[Sequence[float]]) -> list[tuple[int, ...]]:
    """Every choice of one index per term giving a distinct mean (at most ENUMERATION_LIMIT)."""
    options = [distinct(c) for c in choices]
    out: list[tuple[int, ...]] = []
    seen: set[float] = set()
    for pick in itertools.islice(itertools.product(*options), ENUMERATION_LIMIT):
        key = round(sum(c[i] for c, i in zip(choices, pick, strict=True)), 9)
        if key not in seen:
            seen.add(key)
            out.append(pick)
    return out
