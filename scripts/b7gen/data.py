"""The content of a B-7 variant: a PEI tree drawn from the gold rows, figures from a seed.

Names, measures and units come from the two real IGP printouts' gold rows (so the words,
accents and lengths are the application's own); codes, the period and every figure are drawn
from the seed, and each printed progress is computed the way CEPLAN's application prints it
(obtained / expected × 100, truncated at 100, `ND` where it cannot be computed).
"""

from __future__ import annotations

import csv
import os
import random
from dataclasses import dataclass, field, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GOLD_STEMS = ("IGP_PEI_AnexoB7_PEI2017-2019_year2019", "IGP_PEI_AnexoB7_seguimiento_2021")
MEASURES = ("Número", "Porcentaje", "Cantidad")


def reference_dir() -> Path:
    """Where the gold rows live: in the repository once moved there, else the shared folder."""
    candidates = [REPO / "tests" / "data" / "reference"]
    if os.environ.get("CEPLAN_SHARED"):
        candidates.append(Path(os.environ["CEPLAN_SHARED"]) / "reference")
    candidates.append(REPO.parent / "shared" / "reference")
    candidates.append(REPO.parents[1] / "shared" / "reference")
    for path in candidates:
        if (path / GOLD_STEMS[0] / "rows.csv").is_file():
            return path
    raise FileNotFoundError("no B-7 gold rows found (set CEPLAN_SHARED)")


@dataclass(frozen=True, slots=True)
class Pools:
    """Printed texts of the real printouts, by kind."""

    objectives: list[str]
    actions: list[str]
    indicators: list[str]
    executing_units: list[str]
    responsible_units: list[str]


def load_pools(reference: Path | None = None) -> Pools:
    base = reference or reference_dir()
    rows: list[dict[str, str]] = []
    for stem in GOLD_STEMS:
        with (base / stem / "rows.csv").open(encoding="utf-8", newline="") as fh:
            rows += list(csv.DictReader(fh))

    def texts(level: str, column: str) -> list[str]:
        return sorted({r[column] for r in rows if r["level"] == level and r[column]})

    return Pools(
        objectives=texts("OEI", "name"),
        actions=texts("AEI", "name"),
        indicators=texts("IND", "name"),
        executing_units=texts("IND", "executing_unit"),
        responsible_units=texts("IND", "responsible_unit"),
    )


@dataclass(frozen=True, slots=True)
class Look:
    """How the application (of some year) printed the annex."""

    years: tuple[int, ...]  # the PEI period: one column per year in each year group
    title: bool  # "Anexo B-7 / SEGUIMIENTO DEL PLAN ESTRATÉGICO INSTITUCIONAL (PEI)" above
    current_group: bool  # the group VALOR ACTUAL (Año, Valor)
    units_first: bool  # UE / UNIDAD ORGANICA RESPONSABLE right after INDICADOR, not at the end
    integers: bool  # whole numbers printed without decimals ("30" for 30.00)
    truncated: str  # how a progress truncated at 100 prints: "100" or "100.00"
    glued: bool  # no padding between cells: the text layer glues neighbouring cells
    long_table: bool  # one long table with OEI/AEI rows, not one table per OEI/AEI
    repeat_header: bool  # (long table) the header repeats on every page
    page: tuple[float, float]  # points, landscape
    font_size: float
    hidden_parent: bool  # the OEI code before an AEI bar, printed in the bar's colour
    labels: str = "application"  # header wording: "application", "accented" or "abbreviated"
    plain_header: bool = False  # header cells neither painted nor ruled: only their text tells them
    units_unwrapped: bool = False  # UE/UO texts on one line (beside a glued ND: "ND000084-…")

    @property
    def name(self) -> str:
        parts = [f"{len(self.years)}y", "long" if self.long_table else "blocks"]
        parts += ["title"] if self.title else ["notitle"]
        parts += [] if self.current_group else ["noactual"]
        parts += ["ue-first"] if self.units_first else []
        parts += ["int"] if self.integers else []
        parts += ["glued"] if self.glued else []
        parts += ["c100" if self.truncated == "100" else "c100.00"]
        parts += [] if self.labels == "application" else [self.labels]
        parts += ["plain"] if self.plain_header else []
        return "-".join(parts)


@dataclass(slots=True)
class Variant:
    seed: int
    look: Look
    metadata: dict[str, str]
    rows: list[dict[str, str]] = field(default_factory=list)  # the truth, in printed order

    @property
    def name(self) -> str:
        return f"b7-{self.seed:03d}-{self.look.name}"

    def columns(self) -> list[str]:
        """The contract's B-7 columns for this period (as extractor's rules name them)."""
        years = self.look.years
        return [
            "code", "level", "parent", "name", "priority", "measure", "baseline_year", "baseline_value",
            "current_year", "current_value",
            *[f"expected_{y}" for y in years], *[f"obtained_{y}" for y in years],
            *[f"progress_{y}" for y in years], "executing_unit", "responsible_unit",
        ]  # fmt: skip


def draw_look(rng: random.Random, later: random.Random | None = None) -> Look:
    """A look from the seed's stream; looks added since the first version draw from `later`,
    their own stream, so that every earlier seed keeps its content."""
    later = later or random.Random(rng.random())
    length = rng.randint(3, 7)
    start = rng.randint(2015, 2024)
    long_table = rng.random() < 0.4
    return Look(
        years=tuple(range(start, start + length)),
        title=rng.random() < 0.6,
        current_group=rng.random() < 0.7,
        units_first=rng.random() < 0.3,
        integers=rng.random() < 0.35,
        truncated=rng.choice(["100", "100.00"]),
        glued=rng.random() < 0.4,
        long_table=long_table,
        repeat_header=long_table and rng.random() < 0.5,
        page=rng.choice([(841.9, 595.3), (792.0, 612.0)]),
        font_size=rng.choice([6.0, 6.5, 7.0]),
        hidden_parent=rng.random() < 0.7,
        labels=rng.choice(["application", "application", "accented", "abbreviated"]),
        plain_header=later.random() < 0.25,
    )


def _issue_look(years: range, **changes: object) -> Look:
    base = Look(
        years=tuple(years), title=True, current_group=True, units_first=False, integers=False,
        truncated="100.00", glued=False, long_table=False, repeat_header=False, page=(841.9, 595.3),
        font_size=6.5, hidden_parent=True,
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


# The printouts issue 9 describes, which are not here to measure: the 2020 printout (PEI
# 2020-2024, five years in each group, VALOR ACTUAL, UE and UO on the right; refused as "no
# pei-b7 matrix found" - perhaps a header neither painted nor ruled, so both are drawn) and the
# older 2017-2019 layout (no title, UE/UO at the end, integers without decimals, ND glued to
# the executing unit's text).
ISSUE_LOOKS: dict[str, Look] = {
    "2020": _issue_look(range(2020, 2025)),
    "2020-plain": _issue_look(range(2020, 2025), plain_header=True),
    "2017-2019": _issue_look(
        range(2017, 2020), title=False, integers=True, glued=True, truncated="100", units_unwrapped=True
    ),
}


def make_variant(seed: int, pools: Pools | None = None, look: Look | None = None) -> Variant:
    rng = random.Random(seed)
    pools = pools or load_pools()
    look = look or draw_look(rng, random.Random(f"b7-later-looks-{seed}"))
    start = look.years[0]
    variant = Variant(seed, look, metadata={
        "periodo": f"{start} - {look.years[-1]}",
        "nivel_de_gobierno": "E - GOBIERNO NACIONAL",
        "sector": rng.choice(["05 - AMBIENTAL", "10 - EDUCACION", "11 - SALUD"]),
        "pliego": rng.choice(["112 - INSTITUTO GEOFISICO DEL PERU", "114 - CONSEJO NACIONAL DE CIENCIA"]),
    })  # fmt: skip
    reported = rng.randint(1, len(look.years))  # years with obtained values so far
    for o in range(1, rng.randint(2, 4) + 1):
        oei = f"OEI.{o:02d}"
        variant.rows.append(_heading(oei, "OEI", "", rng.choice(pools.objectives), rng))
        _indicators(variant, oei, rng.randint(1, 2), pools, rng, reported)
        for a in range(1, rng.randint(1, 3) + 1):
            aei = f"AEI.{o:02d}.{a:02d}"
            variant.rows.append(_heading(aei, "AEI", oei, rng.choice(pools.actions), rng))
            _indicators(variant, aei, rng.randint(1, 2), pools, rng, reported)
    return variant


def _heading(code: str, level: str, parent: str, name: str, rng: random.Random) -> dict[str, str]:
    return {"code": code, "level": level, "parent": parent, "name": name, "priority": str(rng.randint(1, 5))}


def _indicators(variant: Variant, block: str, count: int, pools: Pools, rng: random.Random, reported: int) -> None:
    for n in range(1, count + 1):
        row = {"code": f"IND.{n:02d}.{block}", "level": "IND", "parent": block,
               "name": rng.choice(pools.indicators), "measure": rng.choice(MEASURES),
               "executing_unit": rng.choice(pools.executing_units),
               "responsible_unit": rng.choice(pools.responsible_units)}  # fmt: skip
        row |= _figures(variant.look, rng, reported)
        variant.rows.append(row)


def _figures(look: Look, rng: random.Random, reported: int) -> dict[str, str]:
    whole = rng.random() < 0.7
    base = rng.randint(1, 80) if whole else round(rng.uniform(1, 80), 2)
    out = {"baseline_year": str(look.years[0] - rng.randint(1, 3)), "baseline_value": _number(base, look)}
    if look.current_group:
        out |= {"current_year": str(look.years[0] - 1), "current_value": _number(base + rng.randint(0, 5), look)}
    falling = rng.random() < 0.15
    target = base
    for i, year in enumerate(look.years):
        step = rng.choice([0, 1, 2, 3, 5]) if whole else round(rng.uniform(0, 4), 2)
        target = max(0, target - step) if falling else target + step
        expected = target if rng.random() > 0.05 else 0
        obtained = None
        if i < reported and rng.random() > 0.05:
            spread = rng.uniform(0.6, 1.3)
            obtained = round(expected * spread) if whole else round(expected * spread, 2)
        out[f"expected_{year}"] = _number(expected, look)
        out[f"obtained_{year}"] = "ND" if obtained is None else _number(obtained, look)
        out[f"progress_{year}"] = _progress(expected, obtained, falling, look)
    return out


def _number(value: float, look: Look) -> str:
    if look.integers and float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}"


def _progress(expected: float, obtained: float | None, falling: bool, look: Look) -> str:
    if obtained is None or not expected or (falling and not obtained):
        return "ND"
    ratio = (expected / obtained if falling else obtained / expected) * 100
    if ratio >= 100:
        return look.truncated if ratio > 100 else _number(100, look)
    return f"{ratio:.2f}"
