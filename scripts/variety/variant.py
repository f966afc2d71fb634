"""One seeded variant: a policy, its errors, its text, its look, one producer — and its truth.

`make_variant(seed, producer, folder)` writes `<folder>/<name>.pdf` and `<folder>/<name>.truth/`:
`matrix.csv` (rows as printed), `summary.csv` (the summary table as printed), `claims.csv` (every
figure of the text), `expected_findings.csv` (rule, subject, field of each finding the extractor
must raise) and `variant.json` (policy shape, number style, readings, layout, injections).
"""

from __future__ import annotations

import csv
import json
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from variety import inject
from variety.document import Document, Layout, build_document, draw_layout
from variety.inject import Anchor, Injection, Plan
from variety.narrative import Claim, write_narrative
from variety.numbers import NumberStyle
from variety.policy import Policy, gold_folder, load_trata, synthetic_policy
from variety.producers import PRODUCERS, render

NUMBER_STYLES = [NumberStyle(".", ","), NumberStyle(".", ","), NumberStyle(".", ""), NumberStyle(",", ".")]
TRATA_SHARE = 0.15  # share of seeds that print the real report instead of a synthetic one
CONSISTENT_SHARE = 0.5
PERCENT_MAX = 1000.0  # the policy family's implausible percentage (rules: reconcile.implausible)


@dataclass(slots=True)
class Variant:
    seed: int
    producer: str
    name: str
    pdf: Path
    policy: Policy
    layout: Layout
    consistent: bool
    injections: list[Injection]
    expected: list[Anchor]
    claims: list[Claim]
    summary: list[dict[str, str]]  # as printed (a swapped count stays swapped)
    render_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def draw_policy(rng: random.Random) -> Policy:
    if rng.random() < TRATA_SHARE:
        return load_trata()
    return synthetic_policy(rng, rng.choice(NUMBER_STYLES))


def plan_errors(policy: Policy, rng: random.Random, consistent: bool, text_seed: int) -> Plan:
    """Matrix errors are applied now; the summary swap and the text changes wait for the text."""
    plan = Plan()
    if consistent or policy.gold:  # the real report brings its own contradictions
        return plan
    kinds = rng.sample(inject.KINDS, rng.choice([1, 1, 2]))
    for kind in kinds:
        if kind in inject.MATRIX_INJECTORS:
            done = inject.MATRIX_INJECTORS[kind](policy, rng)
        elif kind == "summary_swap":
            done = inject.swap_summary(policy, rng, plan)
        else:
            continue  # the text is injected once it is written
        if done:
            plan.injections.append(done)
    if "narrative" in kinds or not plan.injections:
        claims = write_narrative(policy, text_seed).claims
        done = inject.change_claim(claims, policy, rng, plan)
        if done:
            plan.injections.append(done)
    return plan


def gold_anchors(policy: Policy) -> list[Anchor]:
    """The real report's own contradictions in its matrix (its text is ours, consistent)."""
    if not policy.gold:
        return []
    anchors = []
    with (gold_folder() / "inconsistencies.csv").open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            if rec["rule"] == "avance_recompute":
                anchors.append(Anchor("progress_mismatch", rec["code"], rec["field"]))
            elif rec["rule"] == "implausible_value":
                value = policy.numbers.parse(rec["printed"])
                if value is not None and value > PERCENT_MAX:
                    anchors.append(Anchor("implausible_value", rec["code"], rec["field"]))
    return anchors


def make_variant(seed: int, producer: str, folder: Path) -> Variant:
    rng = random.Random(seed)
    policy = draw_policy(rng)
    consistent = not policy.gold and rng.random() < CONSISTENT_SHARE
    text_seed = rng.randrange(1 << 30)
    plan = plan_errors(policy, rng, consistent, text_seed)
    consistent = consistent and not plan.injections
    narrative = write_narrative(policy, text_seed, plan.overrides)
    look = random.Random(f"{seed}:{producer}")
    doc = build_document(policy, narrative, look)
    summary = printed_summary(policy, plan)
    doc.summary = [doc.summary[0]] + [[s["group"], s["low_0_75"], s["mid_75_95"], s["high_95"], s["nd"], s["total"]]
                                      for s in summary]
    layout = draw_layout(look, doc.n_columns)
    name = f"v{seed:04d}-{producer}"
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / f"{name}.pdf"
    started = time.perf_counter()
    render(producer, doc, layout, pdf)
    variant = Variant(
        seed=seed, producer=producer, name=name, pdf=pdf, policy=policy, layout=layout,
        consistent=consistent, injections=plan.injections,
        expected=[a for i in plan.injections for a in i.anchors] + gold_anchors(policy),
        claims=narrative.claims, summary=summary, render_seconds=time.perf_counter() - started,
    )  # fmt: skip
    write_truth(variant, doc, folder / f"{name}.truth")
    return variant


def printed_summary(policy: Policy, plan: Plan) -> list[dict[str, str]]:
    summary = [dict(s) for s in policy.summary]
    if plan.summary_swap:
        group, a, b = plan.summary_swap
        for line in summary:
            if line["group"] == group:
                line[a], line[b] = line[b], line[a]
    return summary


def _write_csv(path: Path, columns: Sequence[str], records: Sequence[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)


def write_truth(variant: Variant, doc: Document, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    policy = variant.policy
    _write_csv(folder / "matrix.csv", policy.columns, policy.rows)
    _write_csv(folder / "summary.csv", ["group", "low_0_75", "mid_75_95", "high_95", "nd", "total"], variant.summary)
    _write_csv(folder / "claims.csv", ["id", "kind", "subject", "field", "printed", "place"],
               [asdict(c) for c in variant.claims])
    _write_csv(folder / "expected_findings.csv", ["rule", "subject", "field"], [asdict(a) for a in variant.expected])
    meta = {
        "seed": variant.seed, "producer": variant.producer, "policy": policy.name, "gold": policy.gold,
        "consistent": variant.consistent, "years": policy.years, "progress_years": policy.progress_years,
        "numbers": asdict(policy.numbers), "readings": policy.readings, "averaging": policy.averaging,
        "layout": asdict(variant.layout), "labels": doc.labels,
        "injections": [i.description for i in variant.injections],
    }  # fmt: skip
    (folder / "variant.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")


__all__ = ["PRODUCERS", "Variant", "make_variant"]
