"""Deliberate errors, each with the finding it must raise (and nothing else).

Matrix errors are made the way a real report gets them — one cell typed wrong after everything
else was computed — so no other printed figure changes: a changed obtained value (its printed
progress no longer follows), a changed progress (within its band, so the summary still counts
right), an implausible percentage (its progress follows, on a service indicator so no objective
moves). Printed-table errors swap two counts of the summary; narrative errors change one
claim's figure wherever the text states it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from variety.figures import band
from variety.narrative import Claim
from variety.numbers import printed_decimals
from variety.policy import Policy, print_progress

KINDS = ["obtained", "progress", "implausible", "summary_swap", "narrative"]


@dataclass(frozen=True, slots=True)
class Anchor:
    """A finding the extractor must raise: its rule and what it is about (code or group.column)."""

    rule: str
    subject: str
    field: str = ""


@dataclass(slots=True)
class Injection:
    kind: str
    description: str
    anchors: list[Anchor]


@dataclass(slots=True)
class Plan:
    """Errors to put into one variant: matrix cell changes are applied at once, the summary swap
    and the narrative override when the document and the text are written."""

    injections: list[Injection] = field(default_factory=list)
    summary_swap: tuple[str, str, str] | None = None  # group, column, column
    overrides: dict[str, str] = field(default_factory=dict)


def candidates(
    policy: Policy, levels: tuple[str, ...], check: Callable[[dict[str, str]], bool]
) -> list[dict[str, str]]:
    return [r for r in policy.rows if r["level"] in levels and check(r)]


def _numeric(policy: Policy, row: dict[str, str], *fields: str) -> bool:
    return all(policy.numbers.parse(row.get(f, "")) is not None for f in fields)


def change_obtained(policy: Policy, rng: random.Random) -> Injection | None:
    y = policy.report_year
    fields = (f"expected_{y}", f"obtained_{y}", f"progress_{y}")

    def ok(r: dict[str, str]) -> bool:
        return _numeric(policy, r, *fields) and (policy.numbers.parse(r[f"obtained_{y}"]) or 0) > 0
    rows = candidates(policy, ("ISS",), ok)
    if not rows:
        return None
    row = rng.choice(rows)
    text = row[f"obtained_{y}"]
    value = policy.numbers.parse(text) or 0.0
    decimals = printed_decimals(text, policy.numbers)
    factor = rng.choice([0.6, 0.7, 1.3, 1.45])
    if text.endswith("%") and value * factor > 100:
        factor = 0.6
    new = value * factor
    new_text = policy.numbers.fixed(new, decimals) + ("%" if text.endswith("%") else "")
    before = policy.progress(row, y)
    row[f"obtained_{y}"] = new_text
    after = policy.progress(row, y)
    if before is None or after is None or abs(after - before) < 1.0 or new_text == text:
        row[f"obtained_{y}"] = text
        return None
    return Injection("obtained", f"{row['code']} obtained_{y}: {text} → {new_text}",
                     [Anchor("progress_mismatch", row["code"], f"progress_{y}")])


def change_progress(policy: Policy, rng: random.Random) -> Injection | None:
    y = policy.report_year
    col = f"progress_{y}"
    # an objective averaging its indicators' printed figures moves with them: a typo there is
    # then two contradictions, so objective indicators take one only under exact averaging
    levels = ("ISS", "IOP") if policy.averaging == "exact" else ("ISS",)
    rows = candidates(policy, levels, lambda r: _numeric(policy, r, col))
    rng.shuffle(rows)
    for row in rows:
        text = row[col]
        value = policy.numbers.parse(text) or 0.0
        decimals = printed_decimals(text, policy.numbers)
        for delta in rng.sample([-9.0, -4.5, -2.5, 2.5, 4.5, 9.0, 23.0], 7):
            new = value + delta
            if new < 0 or band(new) != band(value) or band(round(new, decimals)) != band(value):
                continue
            new_text = print_progress(policy, new, decimals)
            row[col] = new_text
            return Injection("progress", f"{row['code']} {col}: {text} → {new_text}",
                             [Anchor("progress_mismatch", row["code"], col)])
    return None


def implausible_percentage(policy: Policy, rng: random.Random) -> Injection | None:
    y = policy.report_year
    fields = (f"expected_{y}", f"obtained_{y}")

    def ok(r: dict[str, str]) -> bool:
        return (r[f"obtained_{y}"].endswith("%") and r["direction"] == "ascendente"
                and r["aggregation"] == "no acumulado" and _numeric(policy, r, *fields)
                and r["name"].split()[0] in ("Porcentaje", "Proporción")
                and (policy.numbers.parse(r[f"expected_{y}"]) or 0) > 0)
    rows = candidates(policy, ("ISS",), ok)
    if not rows:
        return None
    row = rng.choice(rows)
    text = row[f"obtained_{y}"]
    value = max(policy.numbers.parse(text) or 0.0, 20.0)
    decimals = printed_decimals(text, policy.numbers)
    new_text = policy.numbers.percent(value * rng.choice([25, 40, 60]), decimals)
    if (policy.numbers.parse(new_text) or 0) <= 1000:
        new_text = policy.numbers.percent(3000.0, decimals)
    row[f"obtained_{y}"] = new_text
    progress = f"progress_{y}"
    row[progress] = print_progress(policy, policy.progress(row, y), printed_decimals(row[progress], policy.numbers))
    return Injection("implausible", f"{row['code']} obtained_{y}: {text} → {new_text}",
                     [Anchor("implausible_value", row["code"], f"obtained_{y}")])


def swap_summary(policy: Policy, rng: random.Random, plan: Plan) -> Injection | None:
    lines = [s for s in policy.summary if int(s["total"]) > 0]
    rng.shuffle(lines)
    for line in lines:
        cols = ["low_0_75", "mid_75_95", "high_95", "nd"]
        pairs = [(a, b) for i, a in enumerate(cols) for b in cols[i + 1:] if line[a] != line[b]]
        if pairs:
            a, b = rng.choice(pairs)
            plan.summary_swap = (line["group"], a, b)
            return Injection("summary_swap", f"summary {line['group']}: {a} {line[a]} ↔ {b} {line[b]}",
                             [Anchor("summary_count_mismatch", line["group"], a),
                              Anchor("summary_count_mismatch", line["group"], b)])
    return None


def change_claim(claims: list[Claim], policy: Policy, rng: random.Random, plan: Plan) -> Injection | None:
    """One claim of the text gets a wrong figure (everywhere the text states it)."""
    usable = [c for c in claims if c.place == "text" and not c.field.endswith("nd")]
    if not usable:
        return None
    claim = rng.choice(usable)
    if claim.kind in ("band_count", "row_count"):
        n = int(claim.printed)
        new = str(n + rng.choice([1, 2, 3]) if n < 3 or rng.random() < 0.5 else n - rng.choice([1, 2]))
        anchor = Anchor("narrative_mismatch", claim.subject, claim.field)
    else:
        value = policy.numbers.parse(claim.printed) or 0.0
        decimals = printed_decimals(claim.printed, policy.numbers)
        shift = rng.choice([-7.0, 6.0, 11.0, 15.0]) if value > 16 else 11.0
        new = policy.numbers.fixed(value + shift, decimals)
        anchor = Anchor("narrative_mismatch", claim.subject, "")
    plan.overrides[claim.id] = new
    return Injection("narrative", f"text {claim.id}: {claim.printed} → {new}", [anchor])


MATRIX_INJECTORS = {"obtained": change_obtained, "progress": change_progress, "implausible": implausible_percentage}
