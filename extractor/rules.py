"""Report-family knowledge, loaded from `rules/*.yaml`.

A new report family is a new rules file; the stages only ever ask this module.
"""

from __future__ import annotations

import fnmatch
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
from extractor.values import fits_grammar

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

    def value_grammar(self, role: str) -> str:
        """The grammar of a value column's cells (`repair.value_grammar`; `value` unless named)."""
        globs = self.spec.repair.value_grammar.items()
        return next((grammar for glob, grammar in globs if fnmatch.fnmatch(role, glob)), "value")

    def cell_fits(self, role: str, text: str) -> bool:
        """Whether `text` may be a whole cell of the column `role`: anything in a text column (the
        code, the name and `repair.text_columns`), a value of its grammar in a value column."""
        if role in ("code", "name") or role in self.spec.repair.text_columns:
            return True
        return fits_grammar(text, self.value_grammar(role))

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


LABEL_FILLERS = {"de", "del", "la", "el", "los", "las", "y", "e"}  # words an acronym leaves out
MIN_ABBREVIATION = 3  # a one-word abbreviation keeps at least this many letters ("COD")


def label_words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9%]+", normalize_label(text))


def abbreviates(short: str, long: str) -> bool:
    """`short` is `long` abbreviated: each word a prefix of the word it stands for, or the initials
    ("PARÁM. DE MEDICIÓN", "U.O. RESPONSABLE", "CÓD." for "CÓDIGO", "UE" for "UNIDAD EJECUTORA")."""
    return abbreviates_words(label_words(short), label_words(long))


def abbreviates_words(short_words: list[str], long_words: list[str]) -> bool:
    if not short_words or not long_words or short_words == long_words:
        return False
    if len(short_words) == len(long_words):
        prefixes = all(b.startswith(a) for a, b in zip(short_words, long_words, strict=True))
        return prefixes and (len(short_words) > 1 or len(short_words[0]) >= MIN_ABBREVIATION)
    initials = "".join(w[0] for w in long_words if w not in LABEL_FILLERS)
    return len(short_words) == 1 and len(initials) >= 2 and short_words[0] == initials


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


@dataclass(frozen=True, slots=True)
class CodeShape:
    """A grammar level seen as a literal prefix and a number of two-digit groups ("ISS" + 4)."""

    level: str
    literal: str
    width: int


_SHAPE = re.compile(r"^\^(?P<lit>[A-Za-z]+)(?P<groups>(?:\\\.\(\?P<\w+>\\d\{2\}\))+)\$$")


def code_shapes(rules: Rules) -> list[CodeShape]:
    """The shape of every level whose pattern is `^LITERAL\\.(?P<x>\\d{2})…$`."""
    shapes = []
    for lvl in rules.levels:
        m = _SHAPE.match(lvl.pattern.pattern)
        if m:
            shapes.append(CodeShape(lvl.level, m["lit"], m["groups"].count("(?P<")))
    return shapes


_LAST_NUMBER = re.compile(r"(?P<stem>.*?)(?P<number>\d+)(?P<tail>\D*)")


def renumbered(code: str, step: int) -> str | None:
    """The code with its last number moved by `step`, printed as wide ("OP.01", 1 → "OP.02";
    "SS.01.01.08", -1 → "SS.01.01.07"); None where it has no number or would fall below 1."""
    m = _LAST_NUMBER.fullmatch(code)
    if m is None or int(m["number"]) + step < 1:
        return None
    return f"{m['stem']}{int(m['number']) + step:0{len(m['number'])}d}{m['tail']}"


def available_families() -> list[str]:
    return sorted(p.stem for p in RULES_DIR.glob("*.yaml") if not p.stem.startswith("_"))


# Detection from the table itself (no title needed): a family's header labels printed on the
# page, and codes its grammar reads, are the evidence.
LABELS_NEEDED = 0.6  # share of a family's long header labels found in the text
CODES_NEEDED = 2  # distinct codes of the family's grammar found in the text
SHORT_LABEL = 4  # labels this short ("UE", "Año") occur inside any text: no evidence


def detect_family(text: str) -> str | None:
    """The family a report belongs to: by its `detect` patterns (a title), else by its table.

    A printout may lack the title ("Anexo B-7") the patterns look for; then the family whose
    header labels and code grammar the text carries, clearly more than any other's, is taken.
    """
    by_patterns = [f for f in available_families() if _patterns_match(load_rules(f), text)]
    if len(by_patterns) == 1:
        return by_patterns[0]
    candidates = by_patterns or available_families()
    scored = sorted(((table_evidence(load_rules(f), text), f) for f in candidates), reverse=True)
    if not scored or scored[0][0] < LABELS_NEEDED:
        return None
    if len(scored) > 1 and scored[1][0] >= LABELS_NEEDED:
        return None  # two families fit the text equally: let the user say which (--family)
    return scored[0][1]


def _patterns_match(rules: Rules, text: str) -> bool:
    detect = rules.spec.detect
    every = all(re.search(p, text, re.I) for p in detect.all)
    some = not detect.any or any(re.search(p, text, re.I) for p in detect.any)
    return every and some


def table_evidence(rules: Rules, text: str) -> float:
    """Share of the family's header labels found in the text, or 0 without codes of its grammar.

    Text is compared squashed (accent- and case-free, without spaces or punctuation), so a
    label split over lines or glued to its neighbours in the text layer still counts; a label of
    several words also counts abbreviated ("PARÁM. DE MEDICIÓN").
    """
    if len(codes_in_text(rules, text)) < CODES_NEEDED:
        return 0.0
    squashed, words = squash_label(text), label_words(text)
    label_sets = [s for s in header_label_sets(rules) if any(len(squash_label(x)) > SHORT_LABEL for x in s)]
    if not label_sets:
        return 0.0
    found = sum(any(_label_in_text(x, squashed, words) for x in labels) for labels in label_sets)
    return found / len(label_sets)


def _label_in_text(label: str, squashed: str, words: list[str]) -> bool:
    """The label printed in the text, whole (perhaps split over lines) or abbreviated word by word."""
    if squash_label(label) in squashed:
        return True
    wanted = label_words(label)
    if len(wanted) < 2:
        return False  # a one-word abbreviation ("IND") is too loose to count as evidence
    n = len(wanted)
    return any(abbreviates_words(words[i:i + n], wanted) for i in range(len(words) - n + 1))


def header_label_sets(rules: Rules) -> list[list[str]]:
    """The synonyms of every header column and group of a family."""
    header = rules.header
    sets = [list(labels) for labels in header.get("columns", {}).values()]
    return sets + [list(g["labels"]) for g in header.get("groups", [])]


def codes_in_text(rules: Rules, text: str) -> set[str]:
    """Distinct codes of the family's grammar found anywhere in the text (glued or not)."""
    found: set[str] = set()
    for level in rules.levels:
        unanchored = level.pattern.pattern.removeprefix("^").removesuffix("$")
        found |= {m.group(0) for m in re.finditer(rf"(?<![\w.]){unanchored}(?![.\d])", text)}
    return found


def leading_code_length(rules: Rules, text: str) -> int:
    """Characters of the family's code the text opens with, glued to what follows or not
    (`IND.01.AEI.03.01porcentaje` → 16); 0 when it opens with none."""
    ends = [0]
    for level in rules.levels:
        unanchored = level.pattern.pattern.removeprefix("^").removesuffix("$")
        found = re.match(rf"{unanchored}(?![.\d])", text)
        ends.append(found.end() if found else 0)
    return max(ends)


def squash_label(text: str) -> str:
    return re.sub(r"[^a-z0-9%]", "", normalize_label(text))
