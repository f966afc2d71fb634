"""What the repair stage reads from the family's rules and `rules/_ocr.yaml`, read once."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.rules import RULES_DIR, CodeShape, Rules, code_shapes, load_ocr_confusions
from extractor.schema import NEVER, HeadWordSpec, LookAlike, Weights
from extractor.values import fits_grammar


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


def _head_words(specs: list[HeadWordSpec]) -> list[HeadWord]:
    out = []
    for spec in specs:
        word = rf"(?:{spec.pattern})\b,?\s+(?=[a-záéíóúüñ])"
        out.append(
            HeadWord(frozenset(spec.levels), re.compile("^" + word), re.compile(r"(?<=\s)" + word))
        )
    return out


@dataclass(frozen=True, slots=True)
class LookAlikeSteps:
    """`_ocr.yaml` `look_alike`, ready to use: the glyph runs a look-alike run may stand for (both
    ways), by their first glyph; the glyphs a scan loses or adds; how many steps a word of so many
    letters may take."""

    runs: dict[str, list[tuple[str, list[str]]]]
    thin: frozenset[str]
    max_steps: tuple[tuple[int, int], ...]
    listed_from: int  # letters a word needs for the word list's words to be candidates

    @classmethod
    def of(cls, spec: LookAlike) -> LookAlikeSteps:
        swaps = {(a, b) for group in spec.groups for a in group for b in group if a != b}
        swaps |= {pair for a, b in spec.pairs for pair in ((a, b), (b, a))}
        meant: dict[str, list[str]] = {}
        for read, other in sorted(swaps):
            meant.setdefault(read, []).append(other)
        runs: dict[str, list[tuple[str, list[str]]]] = {}
        for read, others in meant.items():
            runs.setdefault(read[0], []).append((read, others))
        steps = tuple(sorted(((n, k) for n, k in spec.max_steps), reverse=True))
        return cls(runs, frozenset(spec.thin), steps, spec.listed_from)

    def swaps_from(self, word: str, at: int) -> list[tuple[str, list[str]]]:
        """The runs of `word` starting at `at` that a look-alike run may stand for, with those runs."""
        return [(run, others) for run, others in self.runs.get(word[at], []) if word.startswith(run, at)]

    def allowed(self, letters: int) -> int:
        """The steps a word read with this many letters may be from the word it was printed as."""
        return next((k for n, k in self.max_steps if letters >= n), 0)


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
    confusions: list[tuple[str, str]]  # misreadings in any text (a text layer may be an old OCR's)
    image_confusions: list[tuple[str, str]]  # misreadings only OCR of a page image makes
    lone_mark: re.Pattern[str]  # specks read as punctuation in text cells (`text_marks`)
    edge_mark: re.Pattern[str]
    glued_mark: re.Pattern[str]
    lone_letter: re.Pattern[str]
    in_capitals: dict[str, str]
    value_strip: list[re.Pattern[str]]  # marks around an OCR'd value (`value_marks`)
    value_readings: dict[str, str]
    edge_glyphs: int  # non-digit glyphs an OCR'd value may lose at either end (`value_marks`)
    speck_digits: frozenset[str]  # digits a speck reads as inside an OCR'd figure (`value_marks`)
    vocabulary: frozenset[str]  # `_ocr.yaml` words of every family and the family's own
    inflection_letters: frozenset[str]  # `_ocr.yaml`: what the language's word endings differ by
    word_list: Path | None  # `_ocr.yaml` `word_list`: the language's words (read by words.language_words)
    accented_endings: tuple[tuple[str, str], ...]  # `_ocr.yaml`: endings always written accented
    word_forms: tuple[tuple[str, str], ...]  # `_ocr.yaml` `word_forms`: endings the list's words take
    strokes: str  # `_ocr.yaml` `strokes`: glyphs that are one vertical stroke, read one for another
    stroke_letter: str  # `_ocr.yaml` `stroke_letter`: the lower-case letter such a stroke is
    look_alike: LookAlikeSteps  # `_ocr.yaml` `look_alike`: glyphs a scan reads one for another
    # `codes.named_rows`, matched case-insensitively (as reconcile.py does): a scan or another
    # producer may print the index row's name in capitals
    named_rows: list[tuple[str, str, re.Pattern[str]]]
    numbering: dict[str, Any]
    join_hyphen_wraps: bool  # `text.join_hyphen_wraps`: "05.06-" + "OBSERVATORIO" → "05.06-OBSERVATORIO"

    @classmethod
    def from_rules(cls, rules: Rules) -> RepairConfig:
        sec, codes, ocr = rules.spec.repair, rules.spec.codes, load_ocr_confusions()
        marks, values = ocr.text_marks, ocr.value_marks
        return cls(
            rules=rules,
            shapes={s.level: s for s in code_shapes(rules)},
            parent_level=_parent_levels(rules),
            head_words=_head_words(sec.head_words),
            indicator_levels=frozenset(codes.indicator_levels),
            evidence_columns=list(sec.indicator_evidence.columns),
            evidence_min=sec.indicator_evidence.min_cells,
            level_cells={k: list(v or []) for k, v in sec.level_cells.items()},
            text_columns=frozenset(sec.text_columns),
            label_columns=frozenset(sec.label_columns),
            stray_cells=[re.compile(p) for p in sec.stray_cells],
            rule_marks=re.compile(sec.rule_marks),
            code_mark=re.compile(sec.code_trailing_mark),
            markup=re.compile("|".join(ocr.markup) or NEVER),
            function_words=frozenset(sec.function_words),
            completion=sec.complete_cut_names.model_dump(),
            accept=sec.confidence.accept,
            margin=sec.confidence.margin,
            weights=sec.confidence.weights,
            prefix_readings={k: list(v) for k, v in ocr.code_prefix_readings.items()},
            digit_readings=dict(ocr.code_digit_readings),
            confusions=list(ocr.letter_confusions),
            image_confusions=list(ocr.image_letter_confusions),
            lone_mark=re.compile(marks.lone),
            edge_mark=re.compile(marks.edge),
            glued_mark=re.compile(marks.glued),
            lone_letter=re.compile(marks.letter),
            in_capitals=dict(marks.in_capitals),
            value_strip=[re.compile(p) for p in values.strip],
            value_readings=dict(values.readings),
            edge_glyphs=values.edge_glyphs,
            speck_digits=frozenset(values.speck_digits),
            vocabulary=frozenset(w.lower() for w in [*ocr.vocabulary, *sec.vocabulary]),
            inflection_letters=frozenset(ocr.inflection_letters),
            word_list=RULES_DIR / ocr.word_list if ocr.word_list else None,
            word_forms=tuple((a, b) for a, b in ocr.word_forms),
            accented_endings=tuple((a, b) for a, b in ocr.accented_endings),
            strokes=ocr.strokes,
            stroke_letter=ocr.stroke_letter,
            look_alike=LookAlikeSteps.of(ocr.look_alike),
            named_rows=[(n.level, n.code, re.compile(n.name_pattern, re.I)) for n in codes.named_rows],
            numbering=codes.numbering.model_dump() if codes.numbering else {},
            join_hyphen_wraps=rules.spec.text.join_hyphen_wraps,
        )

    def is_value_column(self, role: str) -> bool:
        return role not in self.text_columns and role not in ("code", "name")

    def grammar(self, role: str) -> str:
        """The grammar its column's cells follow (`repair.value_grammar`: value, year, …)."""
        return self.rules.value_grammar(role)

    def fits(self, role: str, text: str) -> bool:
        """Whether `text` is a value of the grammar of the column `role` (`value` unless named)."""
        return fits_grammar(text, self.grammar(role))

