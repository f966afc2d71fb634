"""Specs of synthetic policies (data/<name>.yaml): the tree of objectives, guidelines, services
and indicators, the page furniture, and how each indicator should come out in the report year.

The figures themselves are drawn by :mod:`samplegen.synthetic` from a fixed seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast, get_args

from samplegen.datafiles import SpecError, check_keys, load_yaml

Kind = Literal["pct", "count", "rate"]
# How an indicator comes out in the progress year: high (97-125% of target), above (far above,
# 130-240%), mid (intermediate), low, on_target (exactly the target), nd (not reported).
Outcome = Literal["high", "above", "mid", "low", "on_target", "nd"]
ASCENDING, DESCENDING = "ascendente", "descendente"
NOT_ACCUMULATED, ACCUMULATED = "no acumulado", "acumulado"


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    name: str
    responsible: str
    indicator_type: str
    kind: Kind
    direction: str
    aggregation: str
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    name: str
    indicators: tuple[IndicatorSpec, ...]


@dataclass(frozen=True, slots=True)
class GuidelineSpec:
    name: str
    services: tuple[ServiceSpec, ...]


@dataclass(frozen=True, slots=True)
class ObjectiveSpec:
    name: str
    indicators: tuple[IndicatorSpec, ...]
    guidelines: tuple[GuidelineSpec, ...]


@dataclass(frozen=True, slots=True)
class PolicyForm:
    """The "Reporte de cumplimiento de políticas nacionales" box opening the narrative."""

    policy: str
    ministry: str
    problem: str
    legal_instrument: str
    summary: str  # may name the report year as {year}
    implementation_level: str  # Inicial, Intermedio or Avanzado


@dataclass(frozen=True, slots=True)
class PolicySpec:
    name: str
    title: str
    sector: str
    conductor_ministry: str
    tipo: str
    years: tuple[int, ...]
    progress_year: int
    seed: int  # of the random figures: the same seed gives the same PDF
    form: PolicyForm
    objectives: tuple[ObjectiveSpec, ...]


IMPLEMENTATION_LEVELS = ("Inicial", "Intermedio", "Avanzado")


def load_policy(path: Path) -> PolicySpec:
    """A policy spec from its YAML file; any missing, unknown or ill-valued key is a SpecError."""
    spec = load_yaml(path)
    where = str(path)
    check_keys(spec, ("name", "title", "sector", "conductor_ministry", "tipo", "years", "progress_year",
                      "seed", "form", "objectives"), (), where)
    years = tuple(int(y) for y in spec["years"])
    if int(spec["progress_year"]) not in years:
        raise SpecError(f"{where}: progress_year {spec['progress_year']} is not one of the years {years}")
    return PolicySpec(
        name=str(spec["name"]),
        title=str(spec["title"]),
        sector=str(spec["sector"]),
        conductor_ministry=str(spec["conductor_ministry"]),
        tipo=str(spec["tipo"]),
        years=years,
        progress_year=int(spec["progress_year"]),
        seed=int(spec["seed"]),
        form=policy_form(spec["form"], f"{where}: form"),
        objectives=tuple(objective(o, f"{where}: objective {i}")
                         for i, o in enumerate(spec["objectives"], start=1)),
    )


def policy_form(entry: dict[str, Any], where: str) -> PolicyForm:
    keys = ("policy", "ministry", "problem", "legal_instrument", "summary", "implementation_level")
    check_keys(entry, keys, (), where)
    form = PolicyForm(*(str(entry[k]) for k in keys))
    one_of(form.implementation_level, IMPLEMENTATION_LEVELS, f"{where}: implementation_level")
    return form


def objective(entry: dict[str, Any], where: str) -> ObjectiveSpec:
    check_keys(entry, ("name", "indicators"), ("guidelines",), where)
    return ObjectiveSpec(
        str(entry["name"]),
        tuple(indicator(x, f"{where}, indicator {i}") for i, x in enumerate(entry["indicators"], start=1)),
        tuple(guideline(g, f"{where}, guideline {i}")
              for i, g in enumerate(entry.get("guidelines") or (), start=1)),
    )


def guideline(entry: dict[str, Any], where: str) -> GuidelineSpec:
    check_keys(entry, ("name",), ("services",), where)
    return GuidelineSpec(str(entry["name"]), tuple(service(s, f"{where}, service {i}")
                                                   for i, s in enumerate(entry.get("services") or (), start=1)))


def service(entry: dict[str, Any], where: str) -> ServiceSpec:
    check_keys(entry, ("name", "indicators"), (), where)
    return ServiceSpec(str(entry["name"]), tuple(indicator(x, f"{where}, indicator {i}")
                                                 for i, x in enumerate(entry["indicators"], start=1)))


def indicator(entry: dict[str, Any], where: str) -> IndicatorSpec:
    check_keys(entry, ("name", "responsible", "kind", "outcome"), ("type", "direction", "aggregation"), where)
    return IndicatorSpec(
        name=str(entry["name"]),
        responsible=str(entry["responsible"]),
        indicator_type=str(entry.get("type", "")),
        kind=cast(Kind, one_of(entry["kind"], get_args(Kind), f"{where}: kind")),
        direction=one_of(entry.get("direction", ASCENDING), (ASCENDING, DESCENDING), f"{where}: direction"),
        aggregation=one_of(entry.get("aggregation", NOT_ACCUMULATED), (NOT_ACCUMULATED, ACCUMULATED),
                           f"{where}: aggregation"),
        outcome=cast(Outcome, one_of(entry["outcome"], get_args(Outcome), f"{where}: outcome")),
    )


def one_of(value: Any, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise SpecError(f"{where}: {value!r} is not one of {list(allowed)}")
    return str(value)
