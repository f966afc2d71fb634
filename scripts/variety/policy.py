"""Policies to print: synthetic ones drawn from a seed, and the gold trata-2024 report.

A `Policy` is the truth of one report: every matrix row as the contract's rows.csv writes it
(cells exactly as printed), the summary table, and what the generator knows beyond the print
(which reading explains each `acumulado` indicator, how objectives were averaged).
"""

from __future__ import annotations

import csv
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from variety import vocabulary as vocab
from variety.figures import Averaging, Reading, indicator_progress, mean_capped, summary_counts
from variety.numbers import NumberStyle

REPO = Path(__file__).resolve().parents[2]
GOLD_TRATA = [REPO / "tests" / "gold" / "trata-2024", REPO.parent.parent / "shared" / "reference" / "trata-2024",
              Path("/work/shared/reference/trata-2024")]


@dataclass(slots=True)
class Policy:
    name: str
    title: str
    policy_name: str
    sector: str
    ministry: str
    tipo: str
    years: list[int]
    progress_years: list[int]
    rows: list[dict[str, str]]
    numbers: NumberStyle = field(default_factory=NumberStyle)
    readings: dict[str, Reading] = field(default_factory=dict)  # acumulado code → its reading
    averaging: Averaging = "exact"
    progress_decimals: int = 1
    percent_progress: bool = False  # progress cells printed with a '%' sign
    gold: bool = False  # the real report: its own contradictions are part of the truth

    @property
    def report_year(self) -> int:
        return self.progress_years[-1]

    @property
    def columns(self) -> list[str]:
        return row_columns(self.years, self.progress_years)

    @property
    def summary(self) -> list[dict[str, str]]:
        return summary_counts(self.rows, f"progress_{self.report_year}", self.numbers)

    def reading(self, row: dict[str, str]) -> Reading:
        return self.readings.get(row["code"], "own")

    def progress(self, row: dict[str, str], year: int) -> float | None:
        """The exact progress of an indicator row, in the reading the report used."""
        return indicator_progress(row, year, self.years, self.numbers, self.reading(row))

    def level(self, level: str) -> list[dict[str, str]]:
        return [r for r in self.rows if r["level"] == level]

    def children(self, code: str, level: str) -> list[dict[str, str]]:
        return [r for r in self.rows if r["level"] == level and r["parent"] == code]


def row_columns(years: Sequence[int], progress_years: Sequence[int]) -> list[str]:
    return [
        "code", "level", "parent", "service_no", "name", "responsible", "indicator_type",
        "direction", "aggregation", "baseline_year", "baseline_value",
        *(f"expected_{y}" for y in years), *(f"obtained_{y}" for y in years),
        *(f"progress_{y}" for y in progress_years),
    ]  # fmt: skip


# ---- derived figures ---------------------------------------------------------------------------


def print_progress(policy: Policy, value: float | None, decimals: int) -> str:
    if value is None:
        return "ND"
    text = policy.numbers.fixed(value, decimals)
    return f"{text}%" if policy.percent_progress else text


def objective_exact(policy: Policy, op: dict[str, str], year: int) -> float | None:
    """The objective's progress: its indicators capped at 100 and averaged (exact or printed)."""
    indicators = policy.children(op["code"], "IOP")
    if policy.averaging == "printed" and f"progress_{year}" in op:
        return mean_capped(policy.numbers.parse(r.get(f"progress_{year}", "")) for r in indicators)
    return mean_capped(policy.progress(r, year) for r in indicators)


def refresh_derived(policy: Policy, op_decimals: int = 1) -> None:
    """Print every objective's and the index's progress from the indicators as now printed."""
    for year in policy.progress_years:
        exact = []
        for op in policy.level("OP"):
            value = objective_exact(policy, op, year)
            op[f"progress_{year}"] = print_progress(policy, value, op_decimals)
            if value is not None:
                exact.append(value)
        for index in policy.level("INDEX"):
            mean = sum(exact) / len(exact) if exact else None
            index[f"progress_{year}"] = print_progress(policy, mean, 1)


# ---- the gold report ---------------------------------------------------------------------------


def gold_folder() -> Path:
    for folder in GOLD_TRATA:
        if (folder / "matrix.csv").exists():
            return folder
    raise FileNotFoundError("the trata-2024 gold reference is not available")


def load_trata() -> Policy:
    """The real 2024 report as a policy to print (with its real contradictions)."""
    folder = gold_folder()
    with (folder / "matrix.csv").open(encoding="utf-8", newline="") as fh:
        rows = [dict(r) for r in csv.DictReader(fh)]
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    columns = list(rows[0])
    years = sorted({int(c.split("_")[1]) for c in columns if c.startswith("expected_")})
    progress_years = sorted({int(c.split("_")[1]) for c in columns if c.startswith("progress_")})
    return Policy(
        name="trata-2024", title=meta["title"], policy_name=meta["policy_name"],
        sector=meta["sector"], ministry=meta["conductor_ministry"], tipo=meta["tipo"],
        years=years, progress_years=progress_years, rows=rows, gold=True,
    )  # fmt: skip


# ---- synthetic policies ------------------------------------------------------------------------

# outcome of an indicator in the report year: obtained / expected (descending: the inverse)
OUTCOMES = {"high": (0.97, 1.35), "mid": (0.77, 0.94), "low": (0.2, 0.72)}
OUTCOME_WEIGHTS = {"high": 0.6, "mid": 0.2, "low": 0.2}
KINDS = ["pct", "count", "rate_desc", "acum_flows", "acum_series", "pct_desc"]
KIND_WEIGHTS = [0.4, 0.2, 0.1, 0.1, 0.1, 0.1]


def synthetic_policy(rng: random.Random, numbers: NumberStyle) -> Policy:
    """A fictitious, internally consistent policy: its shape, values and print drawn from `rng`."""
    n_years = rng.randint(3, 7)
    last = rng.randint(2021, 2026)
    years = list(range(last - n_years + 1, last + 1))
    progress_years = [last] if rng.random() < 0.8 else [last - 1, last]
    theme = rng.choice(vocab.THEMES)
    policy = Policy(
        name=f"{theme.slug}-{last}",
        title=f"Reporte de Cumplimiento de la {theme.policy} al 2030",
        policy_name=f"{theme.policy} al 2030",
        sector=theme.sector, ministry=theme.ministry, tipo=rng.choice(["MULTISECTORIAL", "SECTORIAL"]),
        years=years, progress_years=progress_years, rows=[], numbers=numbers,
        averaging=rng.choice(["exact", "exact", "printed"]),
        progress_decimals=rng.choice([1, 1, 1, 2, 0]),
        percent_progress=rng.random() < 0.2,
    )  # fmt: skip
    build_rows(policy, rng, theme)
    refresh_derived(policy, op_decimals=rng.choice([1, 1, 0]))
    return policy


def build_rows(policy: Policy, rng: random.Random, theme: vocab.Theme) -> None:
    columns = policy.columns
    n_obj = rng.randint(1, 8)
    services_per_ln = max(1, 14 // n_obj)
    service_no = 0
    for o in range(1, n_obj + 1):
        op_code = f"OP.{o:02d}"
        policy.rows.append(empty_row(columns, code=op_code, level="OP", name=vocab.objective(rng, theme)))
        for i in range(1, rng.randint(1, 3) + 1):
            row = indicator_row(policy, rng, theme, f"IOP.{o:02d}.{i:02d}", "IOP", op_code, "")
            row["indicator_type"] = ""  # objective indicators print no type
            policy.rows.append(row)
        for g in range(1, rng.randint(1, 3) + 1):
            ln_code = f"LN.{o:02d}.{g:02d}"
            policy.rows.append(empty_row(columns, code=ln_code, level="LN", parent=op_code,
                                         name=vocab.guideline(rng, theme)))
            for s in range(1, rng.randint(1, services_per_ln) + 1):
                service_no += 1
                ss_code = f"SS.{o:02d}.{g:02d}.{s:02d}"
                policy.rows.append(empty_row(columns, code=ss_code, level="SS", parent=ln_code,
                                             service_no=str(service_no), name=vocab.service(rng, theme)))
                for k in range(1, (2 if rng.random() < 0.15 else 1) + 1):
                    code = f"ISS.{o:02d}.{g:02d}.{s:02d}.{k:02d}"
                    policy.rows.append(indicator_row(policy, rng, theme, code, "ISS", ss_code, str(service_no)))
    policy.rows.append(empty_row(columns, level="INDEX", name=rng.choice(vocab.INDEX_NAMES)))


def empty_row(columns: Sequence[str], **cells: str) -> dict[str, str]:
    return {c: cells.get(c, "") for c in columns}


def indicator_row(policy: Policy, rng: random.Random, theme: vocab.Theme, code: str, level: str,
                  parent: str, service_no: str) -> dict[str, str]:
    kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
    descending = kind in ("rate_desc", "pct_desc")
    row = empty_row(policy.columns, code=code, level=level, parent=parent, service_no=service_no,
                    name=vocab.indicator(rng, theme, kind), responsible=rng.choice(theme.responsible),
                    indicator_type=rng.choice(vocab.INDICATOR_TYPES),
                    direction="descendente" if descending else "ascendente",
                    aggregation="acumulado" if kind.startswith("acum") else "no acumulado")
    if kind == "acum_flows":
        policy.readings[code] = "sum"
    row.update(indicator_series(policy, rng, kind))
    for year in policy.progress_years:
        decimals = 0 if rng.random() < 0.1 else policy.progress_decimals
        row[f"progress_{year}"] = print_progress(policy, policy.progress(row, year), decimals)
    return row


def indicator_series(policy: Policy, rng: random.Random, kind: str) -> dict[str, str]:
    """Baseline, targets and obtained values of one indicator, as printed."""
    years, numbers = policy.years, policy.numbers
    start = rng.choice([0, 0, 0, 0, 1, 2])  # years before the indicator was measured print ND
    start = min(start, len(years) - 2)
    decimals = rng.choice([0, 1, 1, 2]) if "pct" in kind else (1 if kind == "rate_desc" else 0)
    targets = target_series(rng, kind, len(years) - start)
    out = {"baseline_year": str(years[0] - rng.choice([1, 1, 2])), "baseline_value": "ND"}
    if rng.random() < 0.85:
        out["baseline_value"] = fmt(numbers, targets[0] * rng.uniform(0.85, 0.97), kind, decimals)
    outcome = rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0]
    zero_target = kind == "count" and rng.random() < 0.15
    running, previous = 0.0, 0.0
    for k, year in enumerate(years):
        if k < start:
            out[f"expected_{year}"] = out[f"obtained_{year}"] = "ND"
            continue
        target = targets[k - start]
        last = year == years[-1]
        if zero_target and last:
            target = 0.0
        expected = fmt(numbers, target, kind, decimals)
        out[f"expected_{year}"] = expected
        target = numbers.parse(expected) or 0.0
        previous = target or previous
        if last and rng.random() < 0.07:
            out[f"obtained_{year}"] = "ND"
            continue
        factor = rng.uniform(*OUTCOMES[outcome]) if last else rng.uniform(0.85, 1.15)
        if kind == "acum_series":
            obtained = max(running, target * factor)
            running = obtained
        elif kind in ("rate_desc", "pct_desc"):
            obtained = target / factor
        else:
            obtained = (target or previous) * factor
        if "pct" in kind:
            obtained = min(obtained, 100.0)
        out[f"obtained_{year}"] = fmt(numbers, obtained, kind, decimals)
    return out


def target_series(rng: random.Random, kind: str, n: int) -> list[float]:
    """Targets that never fall for ascending indicators (a falling one is a design warning)."""
    if kind == "pct":
        base, step = rng.uniform(8, 60), rng.uniform(0.5, 5.0)
        return [min(base + step * k, 99.0) for k in range(n)]
    if kind == "pct_desc":
        base, step = rng.uniform(20, 60), rng.uniform(0.5, 3.0)
        return [max(base - step * k, 2.0) for k in range(n)]
    if kind == "rate_desc":
        base, step = rng.uniform(40, 160), rng.uniform(1.0, 6.0)
        return [max(base - step * k, 5.0) for k in range(n)]
    base = math.exp(rng.uniform(math.log(40), math.log(40000)))
    if kind == "acum_series":  # a running total: each year's target adds the year's amount
        step = base * rng.uniform(0.4, 1.1)
        return [base + step * k for k in range(n)]
    step = base * rng.uniform(0.0, 0.12)
    return [base + step * k for k in range(n)]


def fmt(numbers: NumberStyle, value: float, kind: str, decimals: int) -> str:
    if "pct" in kind:
        return numbers.percent(value, decimals)
    return numbers.fixed(value, decimals)
