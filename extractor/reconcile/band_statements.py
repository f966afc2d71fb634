"""Sentences that count a group's indicators by progress band, in whatever phrasing.

"Asimismo, de los 33 indicadores de servicios, 19 indicadores tienen un avance alto (igual o
mayor al 95%), 6 … intermedio …, 1 indicador tiene un avance bajo": the total may come first or
last, the bands are named in words or as ranges, the counts are digits or words ("dos
indicadores"), singular or plural, in any order. A sentence is read in three steps, each from
the rules (`narrative.band_statements`): the group it is about, the total it states, then every
"<count> … <band>" part, the band told by its words or by the range limits of the summary
columns ("entre el 75% y 95%" names the column counting [75, 95)).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from extractor.reconcile.narrative import Claim, count_pattern, excerpt
from extractor.rules import Rules, SummaryColumn, normalize_label

# a full stop not inside "47.1", and not before a lower-case word: a speck a scan read as a point
# ("3 indicadores tiener. un avance intermedio") does not end the sentence
_SENTENCE_END = re.compile(r"(?<=[^\d\s])\.(?:\s+(?![a-záéíóúñ])|$)")


@dataclass(frozen=True, slots=True)
class BandStatementRules:
    groups: Sequence[tuple[re.Pattern[str], str]]  # how the text names each summary group
    totals: Sequence[re.Pattern[str]]  # phrases with the total in group `total`
    part: re.Pattern[str]  # one "<count> … <band words>" part: groups `count`, `band`
    bands: Mapping[str, Sequence[re.Pattern[str]]]  # column → words naming it
    ranges: Sequence[SummaryColumn]  # columns counting a progress range, for "entre el 75% y 95%"
    number_words: Mapping[str, int]


def compile_band_statements(rules: Rules) -> BandStatementRules | None:
    section = rules.spec.narrative.band_statements
    if section is None:
        return None
    printed_words = dict(rules.spec.narrative.number_words)
    count = count_pattern(printed_words)
    number_words = {normalize_label(k): v for k, v in printed_words.items()}

    def expand(pattern: str) -> re.Pattern[str]:
        return re.compile(pattern.replace(" ", r"\s+").replace("{C}", count), re.I)

    groups = []
    for group in rules.spec.summary.groups:
        words = [re.escape(w) for w in normalize_label(group).split()]
        # "indicadores de servicios" is also written "indicadores de los servicios"
        text = r"\s+".join(w + (r"(?:\s+(?:los|las))?" if w == "de" else "") for w in words)
        groups.append((re.compile(rf"\b{text}\b", re.I), group))
    groups.sort(key=lambda item: -len(item[1]))  # the longest name first: it contains the others
    return BandStatementRules(
        groups=groups,
        totals=[expand(p) for p in section.total],
        part=expand(section.part),
        bands={col: [re.compile(str(p), re.I) for p in pats] for col, pats in section.bands.items()},
        ranges=[c for c in rules.summary_columns if c.start is not None or c.below is not None],
        number_words=number_words,
    )


def sentences(paragraph: str) -> Iterator[tuple[int, str]]:
    start = 0
    for m in _SENTENCE_END.finditer(paragraph):
        yield start, paragraph[start : m.start()]
        start = m.end()
    if start < len(paragraph):
        yield start, paragraph[start:]


def count_value(text: str, spec: BandStatementRules) -> int | None:
    word = normalize_label(text)
    if word.isdigit():
        return int(word)
    return spec.number_words.get(word)


def band_of(text: str, spec: BandStatementRules) -> str | None:
    """The summary column a part's band text names: by its words, else by the range it quotes."""
    flat = normalize_label(text)
    for column, patterns in spec.bands.items():
        if any(p.search(flat) for p in patterns):
            return column
    numbers = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", flat)}
    for column in spec.ranges:
        limits = {x for x in (column.start, column.below) if x not in (None, 0)}
        if limits and limits <= numbers and not (numbers - limits - {0.0}):
            return column.name
    return None


def band_claims(paragraph: str, page: int, spec: BandStatementRules, statement: Iterator[int]) -> list[Claim]:
    """Claims of every sentence of the paragraph that counts a group's indicators by band."""
    out = []
    for start, sentence in sentences(paragraph):
        for offset, part in statements(sentence, page, spec):
            claims = sentence_claims(part, page, spec)
            if claims:
                number = next(statement)
                context = excerpt(paragraph, start + offset, start + offset + len(part))
                out += [Claim(c.kind, c.subject, c.printed, c.value, page, context, c.field, number) for c in claims]
    return out


def statements(sentence: str, page: int, spec: BandStatementRules) -> list[tuple[int, str]]:
    """The sentence's statements, each with its offset: one, unless it states two totals or more
    and each, from its total up to the next, reads as a statement of its own (a scan read the
    full stop between two as a comma: "… bajo (entre el 0% 75%),\nAsimismo, de los 44 …" made
    the second group's name take the first's total)."""
    starts = _total_starts(sentence, spec)
    if len(starts) < 2:
        return [(0, sentence)]
    bounds = [0, *starts[1:], len(sentence)]
    parts = [(a, sentence[a:b]) for a, b in itertools.pairwise(bounds)]
    if all(sentence_claims(part, page, spec) for _, part in parts):
        return parts
    return [(0, sentence)]


def _total_starts(sentence: str, spec: BandStatementRules) -> list[int]:
    """Where each total the sentence states starts, the first pattern's reading kept where two overlap."""
    spans: list[tuple[int, int]] = []
    for rx in spec.totals:
        for m in rx.finditer(sentence):
            if not any(m.start() < end and start < m.end() for start, end in spans):
                spans.append(m.span())
    return sorted(start for start, _ in spans)


def sentence_claims(sentence: str, page: int, spec: BandStatementRules) -> list[Claim]:
    group = next((name for rx, name in spec.groups if rx.search(sentence)), "")
    rest = sentence
    claims = []
    for rx in spec.totals:
        m = rx.search(rest)
        if m:
            claims.append(_claim(group, "total", m["total"], page, spec))
            rest = rest[: m.start()] + " " * (m.end() - m.start()) + rest[m.end() :]
            break
    parts = []
    for m in spec.part.finditer(rest):
        column = band_of(m["band"], spec)
        if column and count_value(m["count"], spec) is not None:
            parts.append(_claim(group, column, m["count"], page, spec))
    if len(parts) < 2:  # one count is no statement about the bands
        return []
    return claims + parts


def _claim(group: str, field: str, printed: str, page: int, spec: BandStatementRules) -> Claim:
    value = count_value(printed, spec)
    return Claim("band_count", group, printed, float(value) if value is not None else None, page, "", field)
