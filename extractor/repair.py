"""Repair stage: printed row bands → logical matrix rows, codes parsed against the grammar.

A printed matrix breaks in a few recurring ways. Each is fixed by a small function below and
listed on the row it touched (`Row.repairs`, as `kind:before->after`) and as an `info` finding:

- codes (`code_prefix`, `code_ocr`): a clipped or misread prefix ("5.03.05.01.01"), an indicator
  printed with its service's prefix ("SS.02.07.01.01"), a code cell left empty. Candidates come
  from the grammar (`codes.levels`) and the OCR readings of `rules/_ocr.yaml`, and are scored on
  what the row holds (an indicator fills values, a service's name starts with "Servicio"), on the
  hierarchy (its parent was printed above, the next row is its child) and on the sequence of
  siblings. A code without a clear winner stays as printed, with an `unrepaired_code` warning.
- rows (`split_row`, `spill`): bands without a code are joined to the row they belong to, a
  duplicated band of one row is merged into it, and the tail of a name printed at the start of
  the next row's name goes back where it belongs (`repair.head_words` tell where a name starts).
- strays (`stray`): border marks, markup, punctuation runs, cells a level never prints.
- words (`wrap_join`, `ocr_letter`): a word broken by wrapping or misread by OCR, changed only
  into a word the document itself (or the vocabulary of `rules/_ocr.yaml`) knows.

The helpers at the end (`clean_header_labels`, `clean_furniture_text`, `clean_narrative`,
`strip_markup`) apply the same ideas to the page furniture and the narrative, for the stages
that read those.
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import islice, product
from typing import Any

import yaml
from rapidfuzz import fuzz

from extractor.layout import join_wrapped
from extractor.model import CellBox, Finding, RawRow, Row
from extractor.rules import RULES_DIR, Rules, normalize_label
from extractor.values import parse_value

SHARED_OCR = RULES_DIR / "_ocr.yaml"
WORD = re.compile(r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+")
LOWER_START = re.compile(r"^[a-záéíóúüñ]")
TERMINAL = re.compile(r"[.:;!?\"”)»]$")
CODE_SEPARATOR = re.compile(r"\s*[.,:;]\s*")  # "LN.02:01", "SS. 03.01": a dot misread or spaced
QUOTES = "\"'“”‘’«»`´"
GLUED_MARK = re.compile(r"([A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+)([.:])([a-záéíóúüñ]+)")  # "la.trata"
TRAILING_MARK = re.compile(r"([A-Za-zÁÉÍÓÚÜÑáéíóúüñ]+)([.-])")  # "por." "de-"
LONE_PUNCTUATION = re.compile(r"(?<=\s)[.,:;·](?=\s)")  # "para investigar y . sancionar"
MAX_READINGS = 256  # OCR readings tried for one code prefix; prefixes are 1-4 characters


# ---- configuration ------------------------------------------------------------------------------


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
    vocabulary: frozenset[str]
    named_rows: list[tuple[str, str, re.Pattern[str]]]
    numbering: dict[str, Any]
    join_hyphen_wraps: bool  # `text.join_hyphen_wraps`: "05.06-" + "OBSERVATORIO" → "05.06-OBSERVATORIO"

    @classmethod
    def from_rules(cls, rules: Rules) -> RepairConfig:
        sec, ocr, codes = rules.section("repair"), shared_ocr(), rules.section("codes")
        evidence = sec.get("indicator_evidence", {})
        confidence = sec.get("confidence", {})
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
            code_mark=re.compile(sec.get("code_trailing_mark", r"(?!x)x")),
            markup=re.compile("|".join(ocr.get("markup", [])) or r"(?!x)x"),
            function_words=frozenset(sec.get("function_words", [])),
            completion=dict(sec.get("complete_cut_names", {})),
            accept=float(confidence.get("accept", 2.0)),
            margin=float(confidence.get("margin", 1.0)),
            prefix_readings={str(k): list(v) for k, v in ocr.get("code_prefix_readings", {}).items()},
            digit_readings={str(k): str(v) for k, v in ocr.get("code_digit_readings", {}).items()},
            confusions=[(a, b) for a, b in ocr.get("letter_confusions", [])],
            lone_mark=re.compile(ocr.get("text_marks", {}).get("lone", r"(?!x)x")),
            edge_mark=re.compile(ocr.get("text_marks", {}).get("edge", r"(?!x)x")),
            glued_mark=re.compile(ocr.get("text_marks", {}).get("glued", r"(?!x)x")),
            lone_letter=re.compile(ocr.get("text_marks", {}).get("letter", r"(?!x)x")),
            in_capitals={str(k): str(v) for k, v in ocr.get("text_marks", {}).get("in_capitals", {}).items()},
            value_strip=[re.compile(p) for p in ocr.get("value_marks", {}).get("strip", [])],
            value_readings={str(k): str(v) for k, v in ocr.get("value_marks", {}).get("readings", {}).items()},
            vocabulary=frozenset(str(w).lower() for w in ocr.get("vocabulary", [])),
            named_rows=[
                (n["level"], n.get("code", ""), re.compile(n["name_pattern"]))
                for n in codes.get("named_rows", [])
            ],
            numbering=dict(codes.get("numbering", {})),
            join_hyphen_wraps=bool(rules.section("text").get("join_hyphen_wraps", False)),
        )

    def is_value_column(self, role: str) -> bool:
        return role not in self.text_columns and role not in ("code", "name")


# ---- small records ------------------------------------------------------------------------------


@dataclass(slots=True)
class Repair:
    """One repair on a row. `to_row` names the row a moved fragment went to, once its code is known."""

    kind: str
    before: str
    after: str = ""
    field: str = ""
    to_row: Draft | None = None

    def render(self) -> str:
        after = self.to_row.code if self.to_row is not None else self.after
        return f"{self.kind}:{self.before}->{after}"


@dataclass(frozen=True, slots=True)
class Candidate:
    code: str
    level: str
    evidence: float  # how well the printed code supports it (0 when only the context does)


@dataclass(frozen=True, slots=True)
class Content:
    """What a row's cells say about its level."""

    indicator: bool | None  # fills values like an indicator / clearly not / cannot tell
    head_levels: frozenset[str] | None  # levels whose head word the name starts with


@dataclass(slots=True)
class Band:
    """A RawRow after cleaning: cells without the code, and first guesses about it."""

    page: int
    cells: dict[str, str]
    code_text: str
    repairs: list[Repair]
    continues_previous: bool = False
    head: frozenset[str] | None = None
    guess: Candidate | None = None
    named: tuple[str, str] | None = None
    boxes: dict[str, CellBox] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.cells.get("name", "")


@dataclass(slots=True)
class Draft:
    """A logical row under construction."""

    page: int
    last_page: int
    cells: dict[str, str]
    origin: dict[str, bool]  # column → True when its value came from a band with a code
    code_texts: list[str] = field(default_factory=list)
    name_parts: list[str] = field(default_factory=list)  # from the row's own bands, in order
    page_joins: int = 0  # bands that carry the row on over a page break (layout, not damage)
    repairs: list[Repair] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    head: frozenset[str] | None = None
    guess: Candidate | None = None
    named: tuple[str, str] | None = None
    code: str = ""
    level: str = ""
    parent: str = ""
    unrepaired: str = ""  # why the code could not be repaired, if it could not
    boxes: dict[str, list[CellBox]] = field(default_factory=dict)  # the bands' cells, per page

    @property
    def name(self) -> str:
        return self.cells.get("name", "")

    @property
    def printed_code(self) -> str:
        return self.code_texts[0] if self.code_texts else ""


# ---- the stage ----------------------------------------------------------------------------------


def repair(
    raw_rows: list[RawRow],
    rules: Rules,
    catalog: list[Row] | None = None,
    *,
    document_text: Iterable[str] = (),
) -> tuple[list[Row], list[Finding]]:
    """Printed row bands (document order) → logical rows and info findings for every repair.

    `catalog` (rows of a previous extraction of the same policy) helps match codes and names;
    `document_text` (e.g. the narrative) widens the vocabulary words are checked against.
    """
    cfg = RepairConfig.from_rules(rules)
    catalog = catalog or []
    findings: list[Finding] = []
    bands = [clean_band(raw, cfg) for raw in raw_rows]
    drafts = group_bands(bands, cfg, findings)
    note_split_rows(drafts)
    resolve_codes(drafts, cfg, catalog)
    drop_level_strays(drafts, cfg)
    complete_cut_names(drafts, cfg, catalog)
    lexicon = Lexicon.build(
        [_row_text(d, cfg) for d in drafts]
        + [" ".join(r.fields.values()) for r in catalog]
        + list(document_text),
        cfg,
    )
    for draft in drafts:
        fix_words(draft, cfg, lexicon)
    number_rows(drafts, cfg)
    columns = _field_columns(raw_rows, cfg)
    rows = [_to_row(d, columns) for d in drafts]
    findings += [f for d in drafts for f in _findings(d)]
    return rows, findings


# ---- 1. bands: strays out, first guesses ---------------------------------------------------------


def clean_band(raw: RawRow, cfg: RepairConfig) -> Band:
    """Whitespace normalised, stray marks removed, and a first reading of code and level."""
    cells = {role: " ".join(text.split()) for role, text in raw.cells.items()}
    repairs: list[Repair] = []
    code_text = _drop_code_mark(cells.pop("code", ""), cfg, repairs)
    named = _named_row(cells.get("name", ""), cfg)
    coded = bool(code_text) or named is not None  # a named row's values are its own
    for role, text in cells.items():
        if text and role in cfg.text_columns:
            cells[role] = _clean_text_cell(text, role, coded, cfg, repairs)
        elif text:
            base = " ".join(cfg.markup.sub(" ", text).split())
            clean = _read_value(base, role, cfg, repairs)
            if _is_stray(clean, role, coded, cfg):
                clean = ""
            if base != text or not clean:
                repairs.append(Repair("stray", text, "", role))
            cells[role] = clean
    band = Band(raw.page, cells, code_text, repairs, raw.continues_previous, boxes=dict(raw.boxes))
    band.named = named
    band.head = head_levels(band.name, cfg)
    if code_text:
        band.guess = provisional_code(code_text, content_of(cells, cfg), cfg)
    return band


def _clean_text_cell(
    text: str, role: str, coded: bool, cfg: RepairConfig, repairs: list[Repair]
) -> str:
    """A text cell without markup and lone punctuation marks ("investigar y . sancionar")."""
    marks = cfg.markup.findall(text) + LONE_PUNCTUATION.findall(text)
    clean = " ".join(LONE_PUNCTUATION.sub(" ", cfg.markup.sub(" ", text)).split())
    words = clean.split()
    clean = " ".join(_read_capitals(w, cfg) for w in words)
    repairs += [Repair("ocr_letter", a, b, role) for a, b in zip(words, clean.split(), strict=True) if a != b]
    clean = _drop_marks(clean, cfg, marks)
    if role != "name" and _is_stray(clean, role, coded, cfg):
        marks, clean = [text], ""
    repairs += [Repair("stray", mark, "", role) for mark in marks]
    return clean


def _drop_marks(text: str, cfg: RepairConfig, marks: list[str]) -> str:
    """Specks read as punctuation (`text_marks`): lone mark tokens, marks or a stray letter alone
    at either end of the cell, marks glued to its first or last word; what was dropped is added
    to `marks`."""
    kept = []
    for token in text.split():
        (marks if cfg.lone_mark.fullmatch(token) else kept).append(token)

    def at_edge(token: str) -> bool:
        return bool(cfg.edge_mark.fullmatch(token) or cfg.lone_letter.fullmatch(token))

    while kept and at_edge(kept[-1]):
        marks.append(kept.pop())
    while kept and at_edge(kept[0]):
        marks.append(kept.pop(0))
    if kept:
        kept[0] = _unglue(kept[0], text, cfg, marks, at_start=True)
        kept[-1] = _unglue(kept[-1], text, cfg, marks, at_start=False)
    return " ".join(kept)


def _read_capitals(token: str, cfg: RepairConfig) -> str:
    """A word in capitals with a mark misread for one of its letters ("INE!" → "INEI")."""
    letters = [c for c in token if c not in cfg.in_capitals]
    if len(letters) < 2 or len(letters) == len(token) or not all(c.isupper() for c in letters):
        return token
    return "".join(cfg.in_capitals.get(c, c) for c in token)


def _unglue(token: str, text: str, cfg: RepairConfig, marks: list[str], *, at_start: bool) -> str:
    """The word without the marks glued to its outer side ("'Número" → "Número"); a mark whose
    partner is elsewhere in the cell (`“Programa Juntos”`, "'SIS'") is punctuation and stays."""
    chars = token if at_start else token[::-1]
    n = 0
    while n < len(chars) and cfg.glued_mark.fullmatch(chars[n]):
        n += 1
    core = token[n:] if at_start else token[: len(token) - n]
    glued = token[:n] if at_start else token[len(token) - n :]
    rest = text[n:] if at_start else text[: len(text) - n]
    if not n or not any(c.isalnum() for c in core) or any(_partner_in(c, rest) for c in glued):
        return token
    marks.append(glued)
    return core


def _partner_in(mark: str, text: str) -> bool:
    """Whether `text` holds the other half of a pair the mark may belong to (quotes of any kind)."""
    return any(q in text for q in QUOTES) if mark in QUOTES else mark in text


def _read_value(text: str, role: str, cfg: RepairConfig, repairs: list[Repair]) -> str:
    """An OCR'd value cell read as a value: marks around it dropped ("62.0.", "- 50.9"), letters
    inside a number read as digits ("1,O15"). Changed only when that makes it parse; the change
    is listed as an `ocr_value` repair."""
    if not text or not cfg.is_value_column(role):
        return text
    stripped = text
    for pattern in cfg.value_strip:
        stripped = pattern.sub("", stripped).strip()
    for candidate in (stripped, _value_digits(stripped, cfg)):
        if candidate != text and candidate and parse_value(candidate).unit != "?":
            repairs.append(Repair("ocr_value", text, candidate, role))
            return candidate
    return text


def _value_digits(text: str, cfg: RepairConfig) -> str:
    """Characters next to a digit read as the digit or separator they stand for."""
    out = list(text)
    for i, ch in enumerate(text):
        beside = text[i - 1 : i] + text[i + 1 : i + 2]
        if ch in cfg.value_readings and any(c.isdigit() for c in beside):
            out[i] = cfg.value_readings[ch]
    return "".join(out)


def _drop_code_mark(code_text: str, cfg: RepairConfig, repairs: list[Repair]) -> str:
    """Remove a margin mark printed after the code ("SS.03.06.01 d")."""
    m = cfg.code_mark.search(code_text)
    if not m:
        return code_text
    cleaned = code_text[: m.start()].rstrip()
    repairs.append(Repair("stray", code_text, cleaned, "code"))
    return cleaned


def _is_stray(text: str, role: str, coded: bool, cfg: RepairConfig) -> bool:
    if any(p.fullmatch(text) for p in cfg.stray_cells):
        return True
    if coded:
        return False
    # On a band without a code the real values sit on the row's coded band: what is left here
    # is a vertical rule read as a character, or something that is not a value at all.
    if cfg.rule_marks.fullmatch(text):
        return True
    return cfg.is_value_column(role) and parse_value(text).unit == "?"


def _named_row(name: str, cfg: RepairConfig) -> tuple[str, str] | None:
    for level, code, pattern in cfg.named_rows:
        if pattern.search(name):
            return level, code
    return None


def head_levels(name: str, cfg: RepairConfig) -> frozenset[str] | None:
    """Levels whose head word the name starts with, or None if it starts with none."""
    levels = [lvl for hw in cfg.head_words if hw.at_start.match(name) for lvl in hw.levels]
    return frozenset(levels) if levels else None


def inner_head(name: str, level: str | None, cfg: RepairConfig) -> int | None:
    """Where, past the first word, a name of `level` starts inside `name` (a spill before it)."""
    starts = [
        m.start()
        for hw in cfg.head_words
        if level is None or level in hw.levels
        for m in [hw.inside.search(name)]
        if m
    ]
    return min(starts) if starts else None


def content_of(cells: dict[str, str], cfg: RepairConfig) -> Content:
    values = [
        text
        for role, text in cells.items()
        if text and any(fnmatch.fnmatch(role, p) for p in cfg.evidence_columns)
    ]
    filled = sum(1 for text in values if parse_value(text).unit != "?")
    indicator = True if filled >= cfg.evidence_min else False if not values else None
    return Content(indicator, head_levels(cells.get("name", ""), cfg))


def content_score(level: str, content: Content, cfg: RepairConfig) -> float:
    score = 0.0
    if content.indicator is not None:
        score += 1.0 if (level in cfg.indicator_levels) == content.indicator else -1.0
    if content.head_levels is not None:
        score += 0.5 if level in content.head_levels else -0.5
    return score


# ---- 2. codes as printed → candidates ------------------------------------------------------------


def interpret_code(printed: str, cfg: RepairConfig) -> list[Candidate]:
    """Every grammar code the printed text can be read as, with how well the prefix fits."""
    text = CODE_SEPARATOR.sub(".", printed.strip())
    if not text:
        return []
    parsed = cfg.rules.parse_code(text)
    if parsed:
        return [Candidate(text, parsed.level, 1.0)]
    tokens = text.split(".")
    out = []
    for shape in cfg.shapes.values():
        split = _split_groups(tokens, shape.width, cfg)
        if split is None:
            continue
        prefix, groups = split
        code = ".".join([shape.literal, *groups])
        if cfg.rules.parse_code(code):
            out.append(Candidate(code, shape.level, prefix_evidence(prefix, shape.literal, cfg)))
    return out


def _split_groups(
    tokens: list[str], width: int, cfg: RepairConfig
) -> tuple[str, list[str]] | None:
    """The last `width` two-digit groups of a code's tokens (OCR letters read as digits)."""
    groups: list[str] = []
    i = len(tokens)
    while len(groups) < width and i > 0:
        digits = _as_digits(tokens[i - 1], cfg)
        if not digits or len(digits) % 2:
            break
        chunks = [digits[j : j + 2] for j in range(0, len(digits), 2)]  # "0202": a dot lost
        if len(groups) + len(chunks) > width:
            break
        groups = chunks + groups
        i -= 1
    return (".".join(tokens[:i]), groups) if len(groups) == width else None


def _as_digits(token: str, cfg: RepairConfig) -> str | None:
    # A token with no digit at all ("SS", "OP") is a prefix, never a numeric group.
    if not any(c.isdigit() for c in token):
        return None
    out = [c if c.isdigit() else cfg.digit_readings.get(c, "") for c in token]
    return "".join(out) if all(out) else None


def prefix_evidence(prefix: str, literal: str, cfg: RepairConfig) -> float:
    """1 exact, .8 clipped on the left, .7/.6 once OCR confusions are read, else fuzzy (≤ .5);
    -1 when the prefix holds numeric groups of its own (the code has more groups than this)."""
    if prefix == literal:
        return 1.0
    if len([t for t in prefix.split(".") if t]) > 1:
        return -1.0
    if not prefix or (prefix.isalpha() and literal.endswith(prefix)):
        return 0.8
    readings = _readings(prefix, cfg)
    if literal in readings:
        return 0.7
    if any(literal.endswith(r) for r in readings if r):
        return 0.6
    return 0.5 * max(fuzz.ratio(r, literal) for r in readings) / 100


def _readings(prefix: str, cfg: RepairConfig) -> set[str]:
    options = [[c.upper(), *cfg.prefix_readings.get(c, [])] for c in prefix[:6]]
    return {"".join(p) for p in islice(product(*options), MAX_READINGS)}


def provisional_code(printed: str, content: Content, cfg: RepairConfig) -> Candidate | None:
    """Best reading of a code from its own text and row alone (before the hierarchy is known)."""
    cands = interpret_code(printed, cfg)
    if not cands:
        return None
    return max(cands, key=lambda c: c.evidence + content_score(c.level, content, cfg))


# ---- 3. bands → rows ------------------------------------------------------------------------------


def group_bands(bands: list[Band], cfg: RepairConfig, findings: list[Finding]) -> list[Draft]:
    """Join bands without a code to their row, merge duplicated bands, return spilled text.

    A band without a code is the start of the next coded row when its name starts with a head
    word of that row's level and the coded band's own name does not (the code is printed on the
    middle line of a tall cell); it is a row of its own (code lost) when the next row starts its
    own name; otherwise it continues the row above, possibly up to a head word where the next
    row's name begins.
    """
    drafts: list[Draft] = []
    pending: Draft | None = None  # a row begun by bands without a code, waiting for its code
    for i, band in enumerate(bands):
        if band.named:
            pending = _close(pending, drafts)
            drafts.append(_new_draft(band, cfg))
        elif band.code_text:
            _take_coded(band, pending, drafts, cfg)
            pending = None
        elif not band.name and not any(band.cells.values()):
            _drop_band(band, findings)
        else:
            pending = _take_codeless(band, _next_coded(bands, i), pending, drafts, cfg)
    _close(pending, drafts)
    return drafts


def _take_coded(band: Band, pending: Draft | None, drafts: list[Draft], cfg: RepairConfig) -> None:
    """A coded band ends the pending row, repeats the row above, or starts a row."""
    level = band.guess.level if band.guess else None
    if pending and band.head is None and _compatible(pending.head, level):
        _absorb(pending, band, cfg, coded=True)
        drafts.append(pending)
        return
    _close(pending, drafts)
    prev = drafts[-1] if drafts else None
    if prev and _same_row(prev, band, cfg):
        _merge_duplicate(prev, band, drafts, cfg)
        return
    draft = _new_draft(band, cfg)
    if band.head is None and prev and not prev.named:
        _return_spill(draft, prev, level, cfg)
    drafts.append(draft)


def _take_codeless(
    band: Band, nxt: Band | None, pending: Draft | None, drafts: list[Draft], cfg: RepairConfig
) -> Draft | None:
    """A band without a code starts a row (returned as the new pending row) or continues one."""
    target = pending or (drafts[-1] if drafts and not drafts[-1].named else None)
    next_level = nxt.guess.level if nxt and nxt.guess else None
    opens_next = nxt is not None and nxt.head is None and not nxt.named
    # An indicator's own values on the band: a row whose code was lost, never a continuation.
    has_values = bool(content_of(band.cells, cfg).indicator)
    if band.head is not None and (has_values or not band.continues_previous):
        starts_next = opens_next and _compatible(band.head, next_level)
        # A row of its own when nothing above is waiting for its end ("…del delito de").
        if starts_next or has_values or target is None or not ends_cut(target.name, cfg):
            _close(pending, drafts)
            return _new_draft(band, cfg)
    if target is None:
        return _new_draft(band, cfg)
    cut = inner_head(band.name, next_level, cfg) if opens_next else None
    if cut is None:
        _absorb(target, band, cfg, coded=False)
        return pending
    # The band ends one row and starts the next: "personas y delitos conexos Porcentaje de …".
    _absorb_text(target, band.name[:cut].strip(), hyphen_wraps=cfg.join_hyphen_wraps)
    if target is pending:
        drafts.append(pending)
    rest = Band(band.page, {**band.cells, "name": band.name[cut:].strip()}, "", band.repairs, boxes=band.boxes)
    rest.head = head_levels(rest.name, cfg)
    return _new_draft(rest, cfg)


def note_split_rows(drafts: list[Draft]) -> None:
    """List the rows whose name was printed over several bands, piece by piece."""
    for draft in drafts:
        if len(draft.name_parts) - draft.page_joins > 1:
            joined = " ".join(draft.name_parts)
            draft.repairs.append(Repair("split_row", " | ".join(draft.name_parts), joined, "name"))


def _close(pending: Draft | None, drafts: list[Draft]) -> None:
    if pending is not None:
        drafts.append(pending)


def _compatible(levels: frozenset[str] | None, level: str | None) -> bool:
    return levels is None or level is None or level in levels


def _next_coded(bands: list[Band], i: int) -> Band | None:
    for band in bands[i + 1 :]:
        if band.code_text or band.named:
            return band
        if band.head is not None:  # another row starts first
            return None
    return None


def ends_cut(name: str, cfg: RepairConfig) -> bool:
    """A name ending in a word no name ends with ("de", "y") was cut."""
    words = name.split()
    return bool(words) and words[-1].lower() in cfg.function_words


def _new_draft(band: Band, cfg: RepairConfig) -> Draft:
    draft = Draft(band.page, band.page, {}, {}, head=band.head, guess=band.guess, named=band.named)
    _absorb(draft, band, cfg, coded=bool(band.code_text))
    return draft


def _drop_band(band: Band, findings: list[Finding]) -> None:
    for rep in band.repairs:
        findings.append(
            Finding(
                "repair",
                "info",
                f"stray band dropped: {rep.before!r} in {rep.field}",
                field=rep.field,
                printed=rep.before,
                page=band.page,
            )
        )


def _absorb(draft: Draft, band: Band, cfg: RepairConfig, *, coded: bool) -> None:
    """Add one band's cells to a row: names joined, values merged (a coded band's win)."""
    draft.repairs += band.repairs
    if band.continues_previous and not coded and band.page != draft.last_page:
        # a row printed over a page break is joined as the layout says; not a repair
        draft.page_joins += 1
        draft.assumptions.append(f"continued_on_page:{band.page}")
    draft.last_page = band.page
    add_boxes(draft.boxes, band.boxes)
    if coded:
        draft.code_texts.append(band.code_text)
        draft.guess = band.guess
    _absorb_text(draft, band.name, hyphen_wraps=cfg.join_hyphen_wraps)
    for role, text in band.cells.items():
        if role != "name" and text:
            _merge_cell(draft, role, text, coded, cfg)


def add_boxes(boxes: dict[str, list[CellBox]], band: dict[str, CellBox]) -> None:
    """A row's cells grow by a band's: one box per cell and page, the union of its bands."""
    for role, box in band.items():
        on_pages = boxes.setdefault(role, [])
        same = next((i for i, b in enumerate(on_pages) if b.page == box.page), None)
        if same is None:
            on_pages.append(box)
        else:
            on_pages[same] = on_pages[same].union(box)


def _absorb_text(draft: Draft, text: str, *, hyphen_wraps: bool = False) -> None:
    """Add a piece of name printed on one band: kept as a part, and joined to the name."""
    if text:
        draft.name_parts.append(text)
        draft.cells["name"] = join_wrapped(draft.name, text, hyphen_wraps)


def _merge_cell(draft: Draft, role: str, text: str, coded: bool, cfg: RepairConfig) -> None:
    current = draft.cells.get(role, "")
    if not current or current == text:
        draft.cells[role], draft.origin[role] = text, coded or draft.origin.get(role, False)
        return
    if not cfg.is_value_column(role):
        # a text cell wrapped over two bands
        draft.cells[role] = join_wrapped(current, text, cfg.join_hyphen_wraps)
        return
    # Two values for one cell: the band carrying the code holds the row's values; a number on a
    # band without a code is something else printed there (a stray).
    if coded and not draft.origin.get(role, False):
        draft.repairs.append(Repair("stray", current, "", role))
        draft.cells[role], draft.origin[role] = text, True
    else:
        draft.repairs.append(Repair("stray", text, "", role))


def _same_row(prev: Draft, band: Band, cfg: RepairConfig) -> bool:
    """A coded band repeating the row above: same code once read, and the same values."""
    if not prev.code_texts or not prev.guess or not band.guess:
        return False
    if prev.guess.code != band.guess.code:
        return False
    pairs = [
        (prev.cells.get(role, ""), text)
        for role, text in band.cells.items()
        if role != "name" and text and prev.cells.get(role)
    ]
    return bool(pairs) and sum(a == b for a, b in pairs) / len(pairs) >= 0.7


def _merge_duplicate(draft: Draft, band: Band, drafts: list[Draft], cfg: RepairConfig) -> None:
    """Merge a duplicated band: keep agreeing cells, fill empty ones, pick the sound variant."""
    draft.repairs += band.repairs
    draft.repairs.append(Repair("split_row", f"duplicate band {band.code_text}", to_row=draft))
    draft.code_texts.append(band.code_text)
    draft.last_page = band.page
    add_boxes(draft.boxes, band.boxes)
    _absorb_text(draft, band.name, hyphen_wraps=cfg.join_hyphen_wraps)
    for role, text in band.cells.items():
        current = draft.cells.get(role, "")
        if role == "name" or not text or current == text:
            continue
        if not current:
            draft.cells[role] = text
            continue
        winner = _sounder(current, text, role, drafts, cfg)
        if winner is None:
            draft.repairs.append(Repair("conflict", f"{current} | {text}", current, role))
            continue
        loser = text if winner == current else current
        draft.cells[role] = winner
        draft.repairs.append(Repair("ocr_letter", loser, winner, role))


def _sounder(a: str, b: str, role: str, drafts: list[Draft], cfg: RepairConfig) -> str | None:
    """Of two printings of one cell, the one that parses (a value) or that other rows print."""
    if cfg.is_value_column(role):
        ok = [v for v in (a, b) if parse_value(v).unit != "?"]
        return ok[0] if len(ok) == 1 else None
    seen = Counter(d.cells.get(role, "") for d in drafts)
    if seen[a] != seen[b]:
        return a if seen[a] > seen[b] else b
    return None


def _return_spill(draft: Draft, prev: Draft, level: str | None, cfg: RepairConfig) -> None:
    """Give the row above the tail of its name printed at the start of this row's name."""
    cut = inner_head(draft.name, level, cfg)
    if cut is None:
        return
    fragment = draft.name[:cut].strip()
    if not _continues_text(fragment):
        return
    draft.cells["name"] = draft.name[cut:].strip()
    draft.name_parts = [draft.name]
    prev.cells["name"] = f"{prev.name} {fragment}".strip()
    prev.repairs.append(Repair("spill", fragment, to_row=prev))
    draft.repairs.append(Repair("spill", fragment, to_row=prev))


def _continues_text(fragment: str) -> bool:
    """Text that continues a sentence: starts lower-case or with an acronym, not a new phrase."""
    first = fragment.split()[0] if fragment else ""
    return bool(first) and (first[0].islower() or first.isupper() or not first[0].isalpha())


# ---- 4. codes: grammar, OCR, content, hierarchy, sequence -----------------------------------------


class Lineage:
    """What the rows resolved so far say about the next code: parents seen, last code per level."""

    def __init__(self, cfg: RepairConfig) -> None:
        self.cfg = cfg
        self.seen: set[str] = set()
        self.known: set[str] = set()  # seen codes and their ancestors
        self.last: dict[str, str] = {}
        self.previous = ""  # the row just above

    def add(self, code: str) -> None:
        self.seen.add(code)
        self.previous = code
        while code and (parsed := self.cfg.rules.parse_code(code)):
            self.known.add(code)
            self.last[parsed.level] = code
            code = parsed.parent

    def expected(self, level: str) -> str | None:
        """The code that would come next at this level: next sibling, or first child."""
        last = self.last.get(level)
        plevel = self.cfg.parent_level.get(level)
        if plevel is None:
            return _next_sibling(last, self.cfg) if last else self._first(level, [])
        lparent = self.last.get(plevel)
        if last and lparent and self._parent(last) == lparent:
            return _next_sibling(last, self.cfg)
        if lparent:
            parsed = self.cfg.rules.parse_code(lparent)
            return self._first(level, list(parsed.parts.values())) if parsed else None
        return None

    def _first(self, level: str, parent_groups: list[str]) -> str | None:
        shape = self.cfg.shapes.get(level)
        if not shape or shape.width != len(parent_groups) + 1:
            return None
        return ".".join([shape.literal, *parent_groups, "01"])

    def _parent(self, code: str) -> str:
        parsed = self.cfg.rules.parse_code(code)
        return parsed.parent if parsed else ""

    def score(self, cand: Candidate, lookahead: set[str], catalog: set[str]) -> float:
        parent = self._parent(cand.code)
        score = 0.5 if parent and parent in self.known else 0.0
        score += 0.5 if parent and parent == self.previous else 0.0  # an ISS follows its SS
        score += 0.5 if cand.code == self.expected(cand.level) else 0.0
        score += 0.5 if cand.code in lookahead else 0.0
        score += 0.5 if cand.code in catalog else 0.0
        return score - (2.0 if cand.code in self.seen else 0.0)


def _next_sibling(code: str, cfg: RepairConfig) -> str | None:
    parsed = cfg.rules.parse_code(code)
    shape = cfg.shapes.get(parsed.level) if parsed else None
    if not parsed or not shape:
        return None
    groups = list(parsed.parts.values())
    if int(groups[-1]) >= 99:
        return None
    return ".".join([shape.literal, *groups[:-1], f"{int(groups[-1]) + 1:02d}"])


def resolve_codes(drafts: list[Draft], cfg: RepairConfig, catalog: list[Row]) -> None:
    """Give every row a code and level: as printed when the grammar accepts it, else repaired."""
    lineage = Lineage(cfg)
    for i, draft in enumerate(drafts):
        if draft.named:
            draft.level, draft.code = draft.named
            continue
        lookahead = _lookahead_parents(drafts, i, cfg)
        best = choose_code(draft, cfg, lineage, lookahead, catalog)
        if best is None:
            draft.code = draft.printed_code
            lineage.previous = ""
            continue
        draft.code, draft.level = best.code, best.level
        parsed = cfg.rules.parse_code(best.code)
        draft.parent = parsed.parent if parsed else ""
        lineage.add(best.code)
        for printed in dict.fromkeys(draft.code_texts or [""]):
            if printed != best.code:
                kind = "code_prefix" if best.code.endswith(printed) else "code_ocr"
                draft.repairs.append(Repair(kind, printed, best.code, "code"))


def _lookahead_parents(drafts: list[Draft], i: int, cfg: RepairConfig) -> set[str]:
    """Parent of the next row's code as printed: a row is often confirmed by its child."""
    for draft in drafts[i + 1 :]:
        if draft.named:
            continue
        if draft.guess:
            parsed = cfg.rules.parse_code(draft.guess.code)
            return {parsed.parent} if parsed and parsed.parent else set()
        return set()
    return set()


def choose_code(
    draft: Draft, cfg: RepairConfig, lineage: Lineage, lookahead: set[str], catalog: list[Row]
) -> Candidate | None:
    """The confident best code for a row, or None (with `draft.unrepaired` saying why)."""
    printed = draft.printed_code
    exact = cfg.rules.parse_code(printed)
    if exact and printed not in lineage.seen:
        return Candidate(printed, exact.level, 1.0)
    pool = _candidate_pool(draft, cfg, lineage, lookahead, catalog)
    content = content_of(draft.cells, cfg)
    catalog_codes = {r.code for r in catalog if r.code}
    scored = sorted(
        (
            (c.evidence + content_score(c.level, content, cfg)
             + lineage.score(c, lookahead, catalog_codes), c)
            for c in pool.values()
        ),
        key=lambda sc: -sc[0],
    )
    if not scored:
        draft.unrepaired = "no code of the grammar fits the printed text or the rows around it"
        return None
    best_score, best = scored[0]
    runner = scored[1][0] if len(scored) > 1 else float("-inf")
    if best_score >= cfg.accept and best_score - runner >= cfg.margin:
        return best
    shown = ", ".join(f"{c.code} ({s:.1f})" for s, c in scored[:3])
    draft.unrepaired = f"no confident reading; best candidates {shown}"
    if len({c.level for _, c in scored[:2]}) == 1 or len(scored) == 1:
        draft.level = best.level
    return None


def _candidate_pool(
    draft: Draft, cfg: RepairConfig, lineage: Lineage, lookahead: set[str], catalog: list[Row]
) -> dict[str, Candidate]:
    """Codes worth scoring: readings of the printed text, the expected next codes, the parent
    of the next row, and catalog codes whose name matches this row's."""
    printed = draft.printed_code
    pool: dict[str, Candidate] = {}

    def add(cand: Candidate) -> None:
        if cand.code not in pool or pool[cand.code].evidence < cand.evidence:
            pool[cand.code] = cand

    for cand in interpret_code(printed, cfg):
        add(cand)
    context = [lineage.expected(level) for level in cfg.shapes] + sorted(lookahead)
    for code in filter(None, context):
        parsed = cfg.rules.parse_code(code)
        if parsed:
            add(Candidate(code, parsed.level, _fuzzy_evidence(printed, code)))
    for row in catalog:
        if row.code and draft.name and fuzz.token_set_ratio(draft.name, row.get("name")) >= 95:
            parsed = cfg.rules.parse_code(row.code)
            if parsed:
                add(Candidate(row.code, parsed.level, 1.0))
    return pool


def _fuzzy_evidence(printed: str, code: str) -> float:
    """How far a printed code supports a candidate it does not read as: 1 when identical, 0 at
    75% alike, -1 when unlike. A printed code with another number of parts is another level."""
    if not printed:
        return 0.0
    if len(CODE_SEPARATOR.split(printed.strip())) != len(code.split(".")):
        return -1.0
    return max(-1.0, min(1.0, (fuzz.ratio(printed, code) - 75) / 25))


# ---- 5. strays by level, cut names ---------------------------------------------------------------


def drop_level_strays(drafts: list[Draft], cfg: RepairConfig) -> None:
    """Empty the cells a row of its level never prints (overflow from a neighbour's cell)."""
    for draft in drafts:
        allowed = cfg.level_cells.get(draft.level)
        if allowed is None:
            continue
        for role, text in draft.cells.items():
            if role != "name" and text and not any(fnmatch.fnmatch(role, p) for p in allowed):
                draft.repairs.append(Repair("stray", text, "", role))
                draft.cells[role] = ""


def complete_cut_names(drafts: list[Draft], cfg: RepairConfig, catalog: list[Row]) -> None:
    """Complete a name cut at a page break whose continuation was never printed.

    From the catalog when it knows the row; otherwise from the phrase the document always
    continues the name's last words with — an assumption, listed on the row.
    """
    if not cfg.completion:
        return
    for i, draft in enumerate(drafts):
        nxt = drafts[i + 1] if i + 1 < len(drafts) else None
        if draft.named or not ends_cut(draft.name, cfg):
            continue
        if nxt is not None and nxt.page == draft.last_page:
            continue  # not at a page break: a cut name there is a spill, handled before
        full = _catalog_name(draft, catalog)
        note = "name completed from the catalog"
        if full is None:
            others = [d.name for d in drafts if d is not draft]
            tail = complete_phrase(draft.name, others, cfg)
            full = f"{draft.name} {tail}" if tail else None
            note = f"name cut at a page break; completed with {tail!r}, the phrase the document "
            note += "always continues its last words with"
        if full:
            draft.repairs.append(Repair("split_row", draft.name, full, "name"))
            draft.assumptions.append(note)
            draft.cells["name"] = full


def _catalog_name(draft: Draft, catalog: list[Row]) -> str | None:
    for row in catalog:
        name = row.get("name")
        longer = row.code == draft.code and len(name) > len(draft.name)
        if longer and normalize_label(name).startswith(normalize_label(draft.name)):
            return name
    return None


def complete_phrase(name: str, others: Sequence[str], cfg: RepairConfig) -> str | None:
    """How the other names always continue this name's last words, or None if they disagree."""
    words = name.split()
    min_words = int(cfg.completion.get("min_words", 2))
    for n in range(min(6, len(words)), min_words - 1, -1):
        tail = re.escape(" ".join(words[-n:]))
        follow = [
            _phrase_after(m.group(1))
            for text in others
            for m in re.finditer(rf"(?<!\S){tail}\s+(\S.*)", text)
        ]
        if len(follow) >= cfg.completion.get("min_occurrences", 2):
            return _consensus(follow, cfg) or None
    return None


def _phrase_after(text: str) -> list[str]:
    words = []
    for word in text.split()[:8]:
        words.append(word.rstrip(".,;:)"))
        if word[-1] in ".,;:)":
            break
    return words


def _consensus(phrases: list[list[str]], cfg: RepairConfig) -> str:
    out: list[str] = []
    for k in range(8):
        top = Counter(p[k] for p in phrases if len(p) > k).most_common(1)
        if not top or top[0][1] / len(phrases) < cfg.completion.get("agreement", 0.8):
            break
        out.append(top[0][0])
    while out and out[-1].lower() in cfg.function_words:
        out.pop()
    return " ".join(out)


# ---- 6. words: wrapping, OCR letters -------------------------------------------------------------


class Lexicon:
    """Words the document knows: counted once per row (or paragraph), plus the vocabulary."""

    def __init__(self, counts: Counter[str], cfg: RepairConfig) -> None:
        self.counts = counts
        self.cfg = cfg

    @classmethod
    def build(cls, units: Iterable[str], cfg: RepairConfig) -> Lexicon:
        return cls(Counter(w for unit in units for w in set(WORD.findall(unit))), cfg)

    def count(self, word: str) -> int:
        extra = self.counts[word.lower()] if word[:1].isupper() and word[1:].islower() else 0
        return self.counts[word] + extra

    def in_vocabulary(self, word: str) -> bool:
        # "nacionaL" is not "nacional": only the usual casings of a word count.
        usual = word.islower() or word.isupper() or (word[:1].isupper() and word[1:].islower())
        return usual and word.lower() in self.cfg.vocabulary

    def known(self, word: str, min_count: int = 2) -> bool:
        return self.in_vocabulary(word) or self.count(word) >= min_count

    def real(self, word: str) -> bool:
        """Safe to leave as printed: a listed word, a frequent one, or a short function word."""
        if len(word) <= 2:
            # "ia" twice in a damaged matrix is no word; "es" all over a narrative is one
            short = word.lower() in self.cfg.function_words or self.in_vocabulary(word)
            return short or self.count(word) >= 3
        plural = any(self.in_vocabulary(word + s) for s in ("s", "es"))
        return plural or self.in_vocabulary(word) or self.count(word) >= 3


def fix_words(draft: Draft, cfg: RepairConfig, lexicon: Lexicon) -> None:
    for role in sorted(cfg.text_columns):
        text = draft.cells.get(role, "")
        if text:
            text, marks = fix_marks(text, lexicon, label=role in cfg.label_columns)
            fixed, repairs = fix_text(text, lexicon)
            draft.cells[role] = fixed
            draft.repairs += [Repair("stray", b, a, role) for b, a in marks]
            draft.repairs += [Repair(k, b, a, role) for k, b, a in repairs]


def fix_marks(text: str, lexicon: Lexicon, *, label: bool = False) -> tuple[str, list[tuple[str, str]]]:
    """Specks read as punctuation next to a word the document knows: between two words
    ("la.trata"), a stop before a lower-case word ("por. trata"), a hyphen after a whole word
    ("de- Trabajo"), a final stop on a label ("MIMP."); the fixes as (printed, fixed)."""
    tokens = text.split(" ")
    fixes = []
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        fixed = _unmark(token, following, lexicon, label=label)
        if fixed != token:
            fixes.append((token, fixed))
            tokens[i] = fixed
    return " ".join(tokens), fixes


def _unmark(token: str, following: str, lexicon: Lexicon, *, label: bool) -> str:
    glued = GLUED_MARK.fullmatch(token)
    if glued and lexicon.real(glued[1]) and lexicon.real(glued[3]):
        return f"{glued[1]} {glued[3]}"
    trailing = TRAILING_MARK.fullmatch(token)
    if not trailing or not lexicon.real(trailing[1]):
        return token
    if following and (trailing[2] == "-" or following[:1].islower()):
        return trailing[1]
    if not following and label and trailing[2] == ".":
        return trailing[1]
    return token


def fix_text(text: str, lexicon: Lexicon) -> tuple[str, list[tuple[str, str, str]]]:
    """Words broken by wrapping joined, misread letters fixed; the repairs as (kind, from, to)."""
    repairs: list[tuple[str, str, str]] = []
    tokens = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(tokens):
        joined = _wrap_join(tokens, i, lexicon)
        if joined:
            repairs.append(("wrap_join", f"{tokens[i]} {tokens[i + 1]}", joined))
            out.append(joined)
            i += 2
            continue
        out.append(tokens[i])
        i += 1
    for k, token in enumerate(out):
        fixed = _fix_token(token, lexicon, last=k == len(out) - 1)
        if fixed != token:
            repairs.append(("ocr_letter", _core(token), _core(fixed)))
            out[k] = fixed
    return " ".join(out), list(dict.fromkeys(repairs))


def _core(token: str) -> str:
    m = WORD.search(token)
    return m.group(0) if m else token


def _wrap_join(tokens: list[str], i: int, lexicon: Lexicon) -> str | None:
    """"Superintendenc ia" → "Superintendencia": neither piece is a word, the joined one is."""
    if i + 1 >= len(tokens):
        return None
    a, b = tokens[i], tokens[i + 1]
    core_b = b.rstrip(".,;:)")
    if not (a.isalpha() and core_b.isalpha() and core_b[:1].islower()):
        return None
    if lexicon.real(a) or lexicon.real(core_b):
        return None  # "principal es", "en torno": either piece a word, no word was broken
    joined = a + core_b
    return joined + b[len(core_b) :] if lexicon.known(joined, min_count=1) else None


def _fix_token(token: str, lexicon: Lexicon, *, last: bool) -> str:
    m = WORD.search(token)
    if not m:
        return token
    word = m.group(0)
    if len(word) < 4 or word.isupper() or lexicon.real(word) or word != token.strip(".,;:()"):
        return token
    fixes = {c for c in _word_variants(word, lexicon.cfg, last=last) if lexicon.known(c)}
    if len(fixes) != 1:
        return token
    return token[: m.start()] + fixes.pop() + token[m.end() :]


def _word_variants(word: str, cfg: RepairConfig, *, last: bool) -> set[str]:
    """One OCR confusion undone; inner capitals lowered; a last letter clipped at a cell edge."""
    out = set()
    for wrong, right in cfg.confusions:
        start = word.find(wrong)
        while start >= 0:
            out.add(word[:start] + right + word[start + len(wrong) :])
            start = word.find(wrong, start + 1)
    if any(c.isupper() for c in word[1:]):
        out.add(word[0] + word[1:].lower())
    if last and len(word) >= 5:
        # Not "s": a clipped "s" cannot be told from a singular ("vulnerable").
        out |= {word + c for c in "abcdefghijlmnoprtuvyzáéíóúñ"}
    out.discard(word)
    return out


# ---- 7. numbering and output ---------------------------------------------------------------------


def number_rows(drafts: list[Draft], cfg: RepairConfig) -> None:
    """Service numbers 1..N in document order; children inherit their parent's."""
    column = cfg.numbering.get("column")
    if not column:
        return
    numbered, inherit = set(cfg.numbering.get("levels", [])), set(cfg.numbering.get("inherit", []))
    by_code: dict[str, str] = {}
    for draft in drafts:
        if draft.level in numbered:
            by_code[draft.code] = draft.cells[column] = str(len(by_code) + 1)
        elif draft.level in inherit:
            draft.cells[column] = by_code.get(draft.parent, "")


ROW_KEYS = ("code", "level", "parent", "page", "repairs")  # Row attributes, not fields


def _field_columns(raw_rows: list[RawRow], cfg: RepairConfig) -> list[str]:
    columns = dict.fromkeys(role for raw in raw_rows for role in raw.cells if role not in ROW_KEYS)
    numbering = cfg.numbering.get("column")
    return ([numbering] if numbering else []) + [c for c in columns if c != numbering]


def _to_row(draft: Draft, columns: list[str]) -> Row:
    fields = {col: draft.cells.get(col, "") for col in columns}
    repairs = list(dict.fromkeys(r.render() for r in draft.repairs))
    return Row(draft.code, draft.level, draft.parent, fields, draft.page, repairs,
               list(draft.assumptions), boxes=draft.boxes)


def _findings(draft: Draft) -> list[Finding]:
    out = []
    for rep in draft.repairs:
        severity = "warning" if rep.kind == "conflict" else "info"
        after = rep.to_row.code if rep.to_row is not None else rep.after
        out.append(
            Finding(
                "repair",
                severity,
                f"{rep.kind}: {rep.before!r} -> {after!r}",
                code=draft.code,
                field=rep.field,
                printed=rep.before,
                recomputed=after,
                page=draft.page,
            )
        )
    out += [
        Finding("assumption", "info", note, code=draft.code, field="name", page=draft.page)
        for note in draft.assumptions
    ]
    if draft.unrepaired:
        out.append(
            Finding(
                "unrepaired_code",
                "warning",
                f"code {draft.printed_code!r} kept as printed: {draft.unrepaired}",
                code=draft.printed_code,
                field="code",
                printed=draft.printed_code,
                page=draft.page,
            )
        )
    return out


def _row_text(draft: Draft, cfg: RepairConfig) -> str:
    return " ".join(draft.cells.get(role, "") for role in cfg.text_columns)


# ---- helpers for the page furniture and the narrative --------------------------------------------


def strip_markup(text: str) -> str:
    """Text without underline tags or markdown bold markers ("**67.3%**" → "67.3%")."""
    markup = "|".join(shared_ocr().get("markup", [])) or r"(?!x)x"
    return re.sub(markup, "", text)


def fold_homoglyphs(text: str) -> str:
    """Words written entirely in Cyrillic look-alikes read as Latin ("Х" → "X")."""
    table = shared_ocr().get("homoglyphs", {})

    def fold(m: re.Match[str]) -> str:
        word = m.group(0)
        return "".join(table[c] for c in word) if all(c in table for c in word) else word

    return re.sub(r"[^\W\d_]+", fold, text)


def header_label_groups(rules: Rules) -> list[list[str]]:
    """Header labels of the family, grouped by column; the first label of a group is canonical."""
    header = rules.header
    groups = [list(v) for v in header.get("columns", {}).values()]
    for group in header.get("groups", []):
        groups.append(list(group.get("labels", [])))
        groups += [list(v) for v in group.get("sub", {}).values()]
    return groups


def clean_header_labels(
    cells: Sequence[str], label_groups: Sequence[Sequence[str]]
) -> tuple[list[str], list[str]]:
    """A header line's cells with labels split over cells joined, misread labels corrected and
    OCR garbage dropped. Positions are kept: a label joined from several cells stands in the
    first of them and the others become empty. Returns (cells, repairs)."""
    out = [""] * len(cells)
    repairs: list[str] = []
    i = 0
    while i < len(cells):
        cell = _strip_noise(cells[i])
        if cell != cells[i].strip() and cells[i].strip():
            repairs.append(f"stray:{cells[i].strip()}->{cell}")
        if not cell:
            i += 1
            continue
        span, label = _best_label(cells, i, label_groups)
        if label is None:
            repairs.append(f"stray:{cell}->")
            i += 1
            continue
        printed = " | ".join(c.strip() for c in cells[i : i + span])
        if label != cell or span > 1:
            # a label whose end wrapped to the next line vs a label misread
            wrapped = span > 1 or normalize_label(label).startswith(normalize_label(cell).rstrip(" /-"))
            kind = "wrap_join" if wrapped else "ocr_letter"
            repairs.append(f"{kind}:{printed}->{label}")
        out[i] = label
        i += span
    return out, repairs


def _strip_noise(text: str) -> str:
    """A header cell without the marks OCR leaves around it (an ideographic stop, a dot)."""
    return re.sub(r"^[\s。·•∙*_~^|`]+|[\s。·•∙*_~^|`]+$", "", text)


def _best_label(
    cells: Sequence[str], i: int, groups: Sequence[Sequence[str]]
) -> tuple[int, str | None]:
    """The best-matching label for cells i, i+1, i+2 joined (with or without a space):
    (cells used, label)."""
    best: tuple[float, int, str | None] = (0.0, 1, None)
    for span in (1, 2, 3):
        parts = [_strip_noise(c) for c in cells[i : i + span]]
        if len(parts) < span or not all(parts):
            break
        for text in _joins(parts):
            score, label = _label_match(text, groups, joined=span > 1)
            if label is None or (score, span) <= best[:2]:
                continue
            # "e" | "Logros esperados": the first cell adds nothing to a label the rest makes
            rest = max((_label_match(t, groups, joined=span > 2)[0] for t in _joins(parts[1:])),
                       default=0.0)
            if span == 1 or rest < score:
                best = (score, span, label)
    return best[1], best[2]


def _joins(parts: Sequence[str]) -> list[str]:
    """Cells joined as one text, each seam with or without a space."""
    if not parts:
        return []
    return [
        parts[0] + "".join(s + p for s, p in zip(seps, parts[1:], strict=True))
        for seps in product(("", " "), repeat=len(parts) - 1)
    ]


def _label_match(
    text: str, groups: Sequence[Sequence[str]], *, joined: bool
) -> tuple[float, str | None]:
    """(score, label): exact 4, fuzzy 3, a label clipped at the cell edge 2, a wrapped tail 1."""
    norm = normalize_label(text)
    if re.fullmatch(r"(?:19|20)\d\d", norm):
        return 1.0, text
    best: tuple[float, str | None] = (0.0, None)
    for group in groups:
        for label in group:
            lab = normalize_label(label)
            if norm == lab:
                return 4.0, group[0] if joined else text
            ratio = fuzz.ratio(norm, lab)
            if ratio >= 90:
                best = max(best, (3.0 + ratio / 1000, group[0]), key=lambda b: b[0])
            elif len(norm) >= max(4, len(lab) // 2) and fuzz.ratio(norm, lab[: len(norm)]) >= 88:
                best = max(best, (2.0, group[0]), key=lambda b: b[0])
            elif not joined and _is_wrapped_tail(norm, lab):
                best = max(best, (1.0, text), key=lambda b: b[0])
    return best


def _is_wrapped_tail(norm: str, label: str) -> bool:
    words = label.split()
    return any(norm == " ".join(words[k:]) for k in range(1, len(words)))


def clean_furniture_text(lines: Sequence[str], rules: Rules) -> tuple[list[str], list[str]]:
    """Page-header lines with call-out markers dropped, labels wrapped around their value or
    misread put back ("Ministerio 007: … conductor:" → "Ministerio conductor: 007: …"), a bare
    label joined with the value printed lines below it, and clipped headings restored."""
    spec = rules.section("repair").get("furniture", {})
    labels: list[str] = spec.get("labels", [])
    markers = [re.compile(p) for p in spec.get("markers", [])]
    repairs: list[str] = []
    kept = []
    for line in (" ".join(raw.split()) for raw in lines):
        if line and any(m.match(line) for m in markers):
            repairs.append(f"stray:{line}->")
        elif line:
            kept.append(line)
    out: list[str] = []
    for line in kept:
        fixed = _fix_heading(_fix_label(line, labels), spec.get("headings", []))
        if fixed != line:
            repairs.append(f"furniture:{line}->{fixed}")
        if out and out[-1] in labels and not _starts_with_label(fixed, labels):
            repairs.append(f"split_row:{out[-1]} | {fixed}->{out[-1]} {fixed}")
            out[-1] = f"{out[-1]} {fixed}"
        else:
            out.append(fixed)
    return out, repairs


def _starts_with_label(line: str, labels: Sequence[str]) -> bool:
    return any(normalize_label(line).startswith(normalize_label(lab)) for lab in labels)


def _fix_label(line: str, labels: Sequence[str]) -> str:
    if _starts_with_label(line, labels):
        return line
    for label in labels:
        words = label.split()
        for k in range(1, len(words)):
            head, tail = " ".join(words[:k]), " ".join(words[k:])
            if line.startswith(head + " ") and line.endswith(" " + tail):
                value = line[len(head) : len(line) - len(tail)].strip()
                return f"{label} {value}".strip()
        first = " ".join(line.split()[: len(words)])
        if fuzz.ratio(normalize_label(first), normalize_label(label)) >= 85:
            return f"{label} {line[len(first):].strip()}".strip()
    return line


def _fix_heading(line: str, headings: Sequence[str]) -> str:
    """A known heading misread or clipped on the left; the shortest completion when several fit."""
    core = line.rstrip(":").strip()
    colon = ":" if line.endswith(":") else ""
    if len(core.split()) > 8 or not core:
        return line
    fuzzy = [(fuzz.ratio(normalize_label(core), normalize_label(h)), h) for h in headings]
    good = [fh for fh in fuzzy if fh[0] >= 85]
    if good:
        return max(good)[1] + colon
    clipped = [h for h in headings if len(core) >= 8 and h.endswith(core) and h != core]
    return min(clipped, key=len) + colon if clipped else line


@dataclass(slots=True)
class NarrativeText:
    """The narrative with footnotes and margin labels taken out of the running text."""

    body: str
    footnotes: list[str]
    side_labels: list[str]
    repairs: list[str]


def clean_narrative(
    text: str, rules: Rules, vocabulary: Iterable[str] = ()
) -> NarrativeText:
    """Repair the narrative's text the way the matrix is repaired.

    Footnotes, lone marks and margin labels ("OP.01.") come out of the running text, and a
    paragraph cut by them is joined again with its orphaned end; misread service labels
    ("\\$.06.", "S. 28.") are put back; tables get their header labels joined and clipped
    duplicate cells dropped; words misread by OCR are fixed against the document's vocabulary.
    Markdown markers stay (they are part of the verbatim text; see `strip_markup`).
    """
    cfg = RepairConfig.from_rules(rules)
    spec = rules.section("repair").get("narrative", {})
    footnote = re.compile(spec.get("footnote", r"(?!x)x"))
    side_label = re.compile(spec.get("side_label", r"(?!x)x"))
    groups = header_label_groups(rules) + [list(g) for g in spec.get("table_labels", [])]
    headings = rules.section("repair").get("furniture", {}).get("headings", [])
    paragraphs = [p.strip("\n") for p in re.split(r"\n[ \t]*\n", text) if p.strip()]
    lexicon = Lexicon.build([*paragraphs, *vocabulary], cfg)
    result = NarrativeText("", [], [], [])
    kept: list[str] = []
    for para in paragraphs:
        line = para.strip()
        if re.fullmatch(r"[\W_]{1,3}", line):
            result.repairs.append(f"stray:{line}->")
        elif footnote.match(line):
            result.footnotes.append(line)
            result.repairs.append(f"spill:{line}->footnotes")
        elif side_label.match(line):
            result.side_labels.append(line)
            result.repairs.append(f"spill:{line}->side labels")
        elif "\t" in para:
            kept.append(_clean_table(para, groups, result.repairs))
        else:
            kept.append(_clean_paragraph(para, spec, headings, lexicon, result.repairs))
    result.body = "\n\n".join(_rejoin_orphans(kept, spec, result.repairs))
    return result


def _clean_table(para: str, groups: list[list[str]], repairs: list[str]) -> str:
    lines = []
    for line in para.split("\n"):
        cells = fold_homoglyphs(line).split("\t")
        if fold_homoglyphs(line) != line:
            repairs.append(f"ocr_letter:{line.strip()}->{fold_homoglyphs(line).strip()}")
        labelled, label_repairs = clean_header_labels(cells, groups)
        if sum(1 for c in labelled if c and not c.isdigit()) >= 2:
            cells = labelled
            repairs += label_repairs
        cells = _drop_clipped_duplicates(cells, repairs)
        lines.append("\t".join(cells))
    return "\n".join(lines)


def _drop_clipped_duplicates(cells: list[str], repairs: list[str]) -> list[str]:
    """A short cell that is the clipped start of the next cell ("Mini" | "Ministerio …")."""
    out = list(cells)
    for k, cell in enumerate(cells):
        following = next((c for c in cells[k + 1 :] if c.strip()), "")
        text = cell.strip()
        clipped = text.isalpha() and len(text) <= 6 and len(text) < len(following)
        if clipped and following.startswith(text):
            repairs.append(f"stray:{text}->")
            out[k] = ""
    return out


def _clean_paragraph(
    para: str,
    spec: dict[str, Any],
    headings: Sequence[str],
    lexicon: Lexicon,
    repairs: list[str],
) -> str:
    text = para
    for label in spec.get("labels", []):
        pattern, template = re.compile(label["pattern"]), label["replace"]
        for m in pattern.finditer(text):
            fixed = template.format(**m.groupdict())
            if m.group(0) != fixed:
                repairs.append(f"code_ocr:{m.group(0)}->{fixed}")
        text = pattern.sub(lambda m, t=template: t.format(**m.groupdict()), text)
    lines = []
    for line in text.split("\n"):
        fixed = _fix_heading(line.strip(), headings)
        if fixed != line.strip():
            repairs.append(f"furniture:{line.strip()}->{fixed}")
            line = fixed
        folded = fold_homoglyphs(line)
        if folded != line:
            repairs.append(f"ocr_letter:{line}->{folded}")
        fixed, word_repairs = fix_text(folded, lexicon)
        repairs += [f"{k}:{b}->{a}" for k, b, a in word_repairs]
        lines.append(fixed)
    return "\n".join(lines)


def _rejoin_orphans(paragraphs: list[str], spec: dict[str, Any], repairs: list[str]) -> list[str]:
    """A paragraph starting lower-case is the end of the last unfinished paragraph above it
    (cut by a footnote, a margin label or a table); headings (service labels) are skipped."""
    labels = [re.compile(lab["pattern"]) for lab in spec.get("labels", [])]
    out: list[str] = []
    for para in paragraphs:
        if LOWER_START.match(para) and "\t" not in para:
            target = _unfinished(out, labels)
            if target is not None:
                joined = f"{out[target]} {para}"
                repairs.append(f"spill:{para}->{joined[-len(para) - 40:]}")
                out[target] = joined
                continue
        out.append(para)
    return out


def _unfinished(paragraphs: list[str], labels: list[re.Pattern[str]], window: int = 8) -> int | None:
    """The nearest paragraph above, within `window`, that ends mid-sentence."""
    for k in range(len(paragraphs) - 1, max(-1, len(paragraphs) - 1 - window), -1):
        para = paragraphs[k]
        if "\t" in para or any(p.match(para) for p in labels):
            continue
        if not TERMINAL.search(para.rstrip()):
            return k
    return None

