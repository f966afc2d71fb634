"""What the repair stage reads from the family's rules and `rules/_ocr.yaml`, read once."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

import yaml

from extractor.rules import RULES_DIR, Rules, RulesError

SHARED_OCR = RULES_DIR / "_ocr.yaml"
NEVER = r"(?!x)x"  # a pattern for a rule the family does not set


@cache
def shared_ocr() -> dict[str, Any]:
    """The family-agnostic confusion maps and vocabulary (`rules/_ocr.yaml`)."""
    if not SHARED_OCR.is_file():
        return {}
    return yaml.safe_load(SHARED_OCR.read_text(encoding="utf-8")) or {}


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


def _parent_levels(rules: Rules) -> dict[str, str]:
    """Level of each level's parent, found by filling its parent template with "01"s."""
    out = {}
    for lvl in rules.levels:
        if lvl.parent:
            parsed = rules.parse_code(lvl.parent.format_map(defaultdict(lambda: "01")))
            if parsed:
                out[lvl.level] = parsed.level
    return out


@dataclass(frozen=True, slots=True)
class HeadWord:
    """Words a name of these levels starts with; a lower-case word must follow (a phrase)."""

    levels: frozenset[str]
    at_start: re.Pattern[str]
    inside: re.Pattern[str]


def _head_words(specs: list[dict[str, Any]]) -> list[HeadWord]:
    out = []
    for spec in specs:
        word = rf"(?:{spec['pattern']})\b,?\s+(?=[a-záéíóúüñ])"
        out.append(
            HeadWord(frozenset(spec["levels"]), re.compile("^" + word), re.compile(r"(?<=\s)" + word))
        )
    return out


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each piece of evidence counts for a code candidate (`repair.confidence.weights`;
    the rules file says why each has its value)."""

    printed_exact: float  # the printed text (or its prefix) is the code as the grammar prints it
    prefix_clipped: float  # the prefix is missing or clipped on the left ("S.03…" for "SS.03…")
    prefix_read: float  # the prefix is the literal once OCR confusions are read ("55" → "SS")
    prefix_read_clipped: float  # … and clipped on the left
    prefix_fuzzy: float  # the most a prefix that is merely alike earns
    other_level: float  # the printed text has another number of groups: another level
    alike_neutral: float  # % likeness at which a printed code neither supports nor contradicts
    alike_span: float  # % likeness more than that for full support (or less for full contradiction)
    fills_values: float  # the row fills values as rows of the level do, or does not (negative)
    head_word: float  # the name starts with a head word of the level, or of another (negative)
    parent_known: float  # the code's parent was printed above
    parent_above: float  # … on the row just above (an indicator follows its service)
    expected_next: float  # the next sibling or first child of the codes above
    child_below: float  # the parent of the next row's printed code
    in_catalog: float  # a code of the catalog
    catalog_name: float  # evidence of a catalog code whose row's name is this row's
    seen_before: float  # a code already given to a row above (negative)

    @classmethod
    def from_spec(cls, spec: dict[str, Any], family: str) -> Weights:
        names = {f.name for f in fields(cls)}
        missing, unknown = names - set(spec), set(spec) - names
        if missing or unknown:
            raise RulesError(
                f"rules/{family}.yaml repair.confidence.weights: "
                f"missing {sorted(missing)}, unknown {sorted(unknown)}"
            )
        return cls(**{name: float(spec[name]) for name in names})


@dataclass(slots=True)
class RepairConfig:
    """Everything the repair stage reads from the family's rules and `rules/_ocr.yaml`."""

    rules: Rules
    shapes: dict[str, CodeShape]
    parent_level: dict[str, str]
    head_words: list[HeadWord]
    indicator_levels: frozenset[str]
    evidence_columns: list[str]
    evidence_min: int
    level_cells: dict[str, list[str]]
    text_columns: frozenset[str]
    label_columns: frozenset[str]  # short labels: a full stop after one is a speck
    stray_cells: list[re.Pattern[str]]
    rule_marks: re.Pattern[str]
    code_mark: re.Pattern[str]
    markup: re.Pattern[str]
    function_words: frozenset[str]
    completion: dict[str, float]
    accept: float
    margin: float
    weights: Weights
    prefix_readings: dict[str, list[str]]
    digit_readings: dict[str, str]
    confusions: list[tuple[str, str]]
    lone_mark: re.Pattern[str]  # specks read as punctuation in text cells (`text_marks`)
    edge_mark: re.Pattern[str]
    glued_mark: re.Pattern[str]
    lone_letter: re.Pattern[str]
    in_capitals: dict[str, str]
    value_strip: list[re.Pattern[str]]  # marks around an OCR'd value (`value_marks`)
    value_readings: dict[str, str]
    vocabulary: frozenset[str]  # `_ocr.yaml` words of every family and the family's own
    # `codes.named_rows`, matched case-insensitively (as reconcile.py does): a scan or another
    # producer may print the index row's name in capitals
    named_rows: list[tuple[str, str, re.Pattern[str]]]
    numbering: dict[str, Any]
    join_hyphen_wraps: bool  # `text.join_hyphen_wraps`: "05.06-" + "OBSERVATORIO" → "05.06-OBSERVATORIO"

    @classmethod
    def from_rules(cls, rules: Rules) -> RepairConfig:
        sec, ocr, codes = rules.section("repair"), shared_ocr(), rules.section("codes")
        evidence = sec.get("indicator_evidence", {})
        confidence = sec.get("confidence", {})
        marks = ocr.get("text_marks", {})
        values = ocr.get("value_marks", {})
        return cls(
            rules=rules,
            shapes={s.level: s for s in code_shapes(rules)},
            parent_level=_parent_levels(rules),
            head_words=_head_words(sec.get("head_words", [])),
            indicator_levels=frozenset(codes.get("indicator_levels", [])),
            evidence_columns=list(evidence.get("columns", [])),
            evidence_min=int(evidence.get("min_cells", 2)),
            level_cells={k: list(v or []) for k, v in sec.get("level_cells", {}).items()},
            text_columns=frozenset(sec.get("text_columns", ["name"])),
            label_columns=frozenset(sec.get("label_columns", [])),
            stray_cells=[re.compile(p) for p in sec.get("stray_cells", [])],
            rule_marks=re.compile(sec.get("rule_marks", r"^[|]$")),
            code_mark=re.compile(sec.get("code_trailing_mark", NEVER)),
            markup=re.compile("|".join(ocr.get("markup", [])) or NEVER),
            function_words=frozenset(sec.get("function_words", [])),
            completion=dict(sec.get("complete_cut_names", {})),
            accept=_threshold(confidence, "accept", rules.family),
            margin=_threshold(confidence, "margin", rules.family),
            weights=Weights.from_spec(confidence.get("weights", {}), rules.family),
            prefix_readings={str(k): list(v) for k, v in ocr.get("code_prefix_readings", {}).items()},
            digit_readings={str(k): str(v) for k, v in ocr.get("code_digit_readings", {}).items()},
            confusions=[(a, b) for a, b in ocr.get("letter_confusions", [])],
            lone_mark=re.compile(marks.get("lone", NEVER)),
            edge_mark=re.compile(marks.get("edge", NEVER)),
            glued_mark=re.compile(marks.get("glued", NEVER)),
            lone_letter=re.compile(marks.get("letter", NEVER)),
            in_capitals={str(k): str(v) for k, v in marks.get("in_capitals", {}).items()},
            value_strip=[re.compile(p) for p in values.get("strip", [])],
            value_readings={str(k): str(v) for k, v in values.get("readings", {}).items()},
            vocabulary=frozenset(
                str(w).lower() for w in [*ocr.get("vocabulary", []), *sec.get("vocabulary", [])]
            ),
            named_rows=[
                (n["level"], n.get("code", ""), re.compile(n["name_pattern"], re.I))
                for n in codes.get("named_rows", [])
            ],
            numbering=dict(codes.get("numbering", {})),
            join_hyphen_wraps=bool(rules.section("text").get("join_hyphen_wraps", False)),
        )

    def is_value_column(self, role: str) -> bool:
        return role not in self.text_columns and role not in ("code", "name")


def _threshold(confidence: dict[str, Any], key: str, family: str) -> float:
    if key not in confidence:
        raise RulesError(f"rules/{family}.yaml repair.confidence.{key} is missing")
    return float(confidence[key])
