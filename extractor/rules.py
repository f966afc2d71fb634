"""Report-family knowledge, loaded from `rules/*.yaml`.

A new report family is a new rules file; the stages only ever ask this module.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from extractor import schema

# Family files ship inside the package (a wheel or pipx install has no repository beside it).
FAMILIES_DIR = Path(str(resources.files("extractor") / "families"))
RULES_DIR = FAMILIES_DIR / "rules"


M = TypeVar("M", bound=BaseModel)


class RulesError(ValueError):
    """A rules file is missing or malformed."""


@dataclass(frozen=True, slots=True)
class CodeLevel:
    level: str
    pattern: re.Pattern[str]
    parent: str | None


@dataclass(frozen=True, slots=True)
class ParsedCode:
    code: str
    level: str
    parent: str
    parts: dict[str, str]


PROGRESS, NOT_NUMERIC, ALL = "progress", "not_numeric", "all"  # what a summary column counts


@dataclass(frozen=True, slots=True)
class SummaryColumn:
    """One count column of a family's printed summary table (`summary.columns`)."""

    name: str  # the summary.csv column
    labels: tuple[str, ...]  # printed header synonyms; the first names the column in messages
    counts: str  # PROGRESS (rows whose printed progress is in [start, below)), NOT_NUMERIC or ALL
    start: float | None = None  # inclusive; None = unbounded
    below: float | None = None  # exclusive; None = unbounded

    @property
    def label(self) -> str:
        return self.labels[0] if self.labels else self.name

    def holds(self, progress: float) -> bool:
        """A printed progress falls in this column's range."""
        return (
            self.counts == PROGRESS
            and (self.start is None or progress >= self.start)
            and (self.below is None or progress < self.below)
        )


@dataclass(slots=True)
class Rules:
    """One family's rules file, checked against `extractor.schema`: typed sections in `spec`, the
    file as written (no defaults added) in `raw`."""

    family: str
    raw: dict[str, Any]
    spec: schema.FamilyRules  # the checked file, typed section by section
    levels: list[CodeLevel] = field(default_factory=list)
    source: Path | None = None  # the rules file; its family's suites sit in ../expectations beside it

    @property
    def header(self) -> dict[str, Any]:
        return self.raw.get("header", {})

    def section(self, name: str) -> dict[str, Any]:
        return self.raw.get(name) or {}

    @classmethod
    def from_mapping(cls, raw: dict[str, Any], source: Path | None = None) -> Rules:
        """Rules from a mapping shaped like a rules file, checked against the schema as a file is."""
        where = source or Path(f"{raw.get('family', 'rules')}.yaml")
        spec = _checked(where, raw, schema.FamilyRules)
        unnamed = schema.unnamed_roles(spec)
        if unnamed:
            key, role = unnamed[0]
            raise RulesError(f"{_shown(where)}: {key}: column role {role!r} is named by no output column")
        checked = spec.model_dump(mode="python", by_alias=True, exclude_unset=True)
        return cls(family=spec.family, raw=checked, levels=_compile_levels(checked), spec=spec, source=source)

    @property
    def summary_columns(self) -> list[SummaryColumn]:
        """The count columns of the printed summary table, in printed order (none: no table)."""
        columns = self.spec.summary.columns
        return [SummaryColumn(c.name, tuple(c.labels), c.counts, c.from_, c.below) for c in columns]

    def parse_code(self, code: str) -> ParsedCode | None:
        """Level and parent of a well-formed code, or None if the grammar rejects it."""
        for lvl in self.levels:
            m = lvl.pattern.match(code)
            if m:
                parts = m.groupdict()
                parent = lvl.parent.format(**parts) if lvl.parent else ""
                return ParsedCode(code, lvl.level, parent, parts)
        return None

    def output_columns(self, years: list[int], progress_years: list[int]) -> list[str]:
        """Expand the `{years}` templates of `output_columns` over the printed years."""
        out: list[str] = []
        for col in self.raw["output_columns"]:
            if "{years}" in col:
                out += [col.replace("{years}", str(y)) for y in years]
            elif "{progress_years}" in col:
                out += [col.replace("{progress_years}", str(y)) for y in progress_years]
            else:
                out.append(col)
        return out


def normalize_label(text: str) -> str:
    """Lower-case, accent-free, single-spaced: how header labels are compared."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip().lower()


def _compile_levels(raw: dict[str, Any]) -> list[CodeLevel]:
    """The code grammar; its patterns were checked to compile by the schema."""
    return [CodeLevel(d["level"], re.compile(d["pattern"]), d.get("parent")) for d in raw["codes"]["levels"]]


@cache
def load_rules(family: str) -> Rules:
    """A shipped family's rules file."""
    path = RULES_DIR / f"{family}.yaml"
    if not path.is_file():
        known = ", ".join(available_families()) or "none"
        raise RulesError(f"unknown report family {family!r} (known: {known})")
    return load_rules_file(path)


@cache
def load_rules_file(path: Path) -> Rules:
    """Any rules file (`extract --rules FILE`), checked against the schema; its family is the file's stem."""
    if not path.is_file():
        raise RulesError(f"{path}: rules file not found")
    rules = Rules.from_mapping(_read_yaml(path), source=path)
    if rules.family != path.stem:
        raise RulesError(f"{_shown(path)}: family: must be {path.stem!r} (the file's name)")
    return rules


@cache
def load_ocr_confusions() -> schema.OcrConfusions:
    """The print and OCR confusions every family shares (`_ocr.yaml`)."""
    path = RULES_DIR / "_ocr.yaml"
    return _checked(path, _read_yaml(path), schema.OcrConfusions)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RulesError(f"{_shown(path)}: cannot be read as YAML ({first})") from None
    if not isinstance(raw, dict):
        raise RulesError(f"{_shown(path)}: must be a mapping of sections")
    return raw


def _checked(path: Path, raw: dict[str, Any], model: type[M]) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise RulesError(f"{_shown(path)}: {schema.first_error(exc, model)}") from None


def _shown(path: Path) -> str:
    """How a rules file is named in messages: as the repository shows it (rules/<name>)."""
    return f"rules/{path.name}" if path.parent == RULES_DIR else str(path)


def available_families() -> list[str]:
    return sorted(p.stem for p in RULES_DIR.glob("*.yaml") if not p.stem.startswith("_"))


def detect_family(text: str) -> str | None:
    """The family whose `detect` patterns all match the given page text, if exactly one does."""
    matches = []
    for family in available_families():
        detect = load_rules(family).section("detect")
        every = all(re.search(p, text, re.I) for p in detect.get("all", []))
        some = not detect.get("any") or any(re.search(p, text, re.I) for p in detect["any"])
        if every and some:
            matches.append(family)
    return matches[0] if len(matches) == 1 else None
