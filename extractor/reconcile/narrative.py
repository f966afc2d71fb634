"""Figures stated in a report's text, found with the phrase patterns of the family's rules.

The pages around the matrix say things like "de los 44 indicadores de servicios, 35 indicadores
tienen un avance alto", "Este servicio tiene un cumplimiento del 176%", and print small tables
("OP.03 50.00% 33.30%"). `parse_claims` turns each such figure into a `Claim`: what it is about
(`subject`, `field`), the number as printed, and where it was read. Which phrases count and what
they are about lives in the `narrative:` section of `rules/<family>.yaml`; `extractor/reconcile/`
compares the claims with the matrix. Nothing here knows the matrix: a claim only names its
subject ("OP.03", "S.02", "S.16.1", a summary group, a level).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from extractor.reconcile.ocr_text import OcrText, loose_accents, ocr_text
from extractor.rules import Rules, normalize_label, renumbered
from extractor.values import parse_value

# A printed number: "33.3", "1,196", "0.0004" (the unit is matched by the patterns themselves).
NUMBER = r"(?:\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
CONTEXT_CHARS = 200
HEADING_CHARS = 80  # of a service heading quoted in front of an "este servicio" sentence
UNATTRIBUTED = "unattributed"  # kind of a claim whose subject the text does not make clear

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_BLANKS = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True, slots=True)
class Claim:
    """One figure the text states about the matrix."""

    kind: str  # service_progress, op_progress, band_count, row_count, …, or "unattributed"
    subject: str  # "OP.03", "IOP.02.01", "S.02", "S.16.1", a summary group, a level, "" = unknown
    printed: str  # the figure as printed, with its unit ("33.3%")
    value: float | None
    page: int
    context: str  # the sentence or table row it was read from, whitespace collapsed
    field: str = ""  # "progress_2024", "expected_2022", "high_95", "count"; "progress" = report year
    statement: int = 0  # claims read from one sentence or table row share this number


# ---- compiled rules -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """What one named group of a phrase pattern states: a field, and maybe its own subject."""

    field: str  # template over the pattern's named groups
    subject: str | None = None  # overrides the pattern's subject (row counts name a level each)


@dataclass(frozen=True, slots=True)
class Phrase:
    kind: str
    regex: re.Pattern[str]
    subject: str = ""
    values: Mapping[str, Target] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TableSpec:
    kind: str
    layout: str  # year_columns | labelled_columns | year_runs
    header: re.Pattern[str]
    row: re.Pattern[str]
    subject: str
    field: str = ""
    column: re.Pattern[str] | None = None  # year_columns: one match per column
    columns: Sequence[tuple[re.Pattern[str], str]] = ()  # labelled_columns: label → field
    runs: Sequence[str] = ()  # year_runs: the column groups, in order
    after: re.Pattern[str] | None = None  # the line before the header must match this
    total_subject: str = ""  # year_runs: subject of a lone value before the first row


@dataclass(frozen=True, slots=True)
class NarrativeRules:
    replacements: Sequence[tuple[re.Pattern[str], str]]
    service_headings: Sequence[re.Pattern[str]]
    section_ends: Sequence[re.Pattern[str]]
    service_claims: Sequence[Phrase]
    orphans: Sequence[re.Pattern[str]]
    claims: Sequence[Phrase]
    tables: Sequence[TableSpec]
    group_aliases: Mapping[str, str]
    service_subject: ServiceSubject
    number_words: Mapping[str, int] = field(default_factory=dict)  # normalised word → count


@dataclass(frozen=True, slots=True)
class ServiceSubject:
    """How a claim names the unit numbered by `codes.numbering` (rules `narrative.service_subject`):
    `prefix` + its number zero-padded to `digits` ("S.02"), + ".K" for its K-th indicator."""

    prefix: str = ""
    digits: int = 1

    def name(self, number: int) -> str:
        return f"{self.prefix}{number:0{self.digits}d}"

    def pattern(self) -> re.Pattern[str] | None:
        """A subject read back: groups `number` and, for one of its indicators, `indicator`."""
        if not self.prefix:
            return None  # the family names no numbered unit in its text
        return re.compile(re.escape(self.prefix) + r"(?P<number>\d{1,3})(?:\.(?P<indicator>\d{1,2}))?")

    @classmethod
    def from_section(cls, section: Mapping[str, Any]) -> ServiceSubject:
        spec = section.get("service_subject") or {}
        return cls(str(spec.get("prefix", "")), int(spec.get("digits", 1)))


PERCENT = r"(?:\s*%|\s+por\s+ciento\b)"  # `{P}`: a percent sign, or the words


def count_pattern(number_words: Mapping[str, int]) -> str:
    """A count as printed: digits (not a percentage, a year or a decimal) or a number word."""
    words = "|".join(sorted((re.escape(w) for w in number_words), key=len, reverse=True))
    digits = r"\d{1,3}(?![\d.,]*\d)(?!\s*%)(?!\s+por\s+ciento)"
    return rf"(?:{digits}|\b(?:{words})\b)" if words else digits


def compile_phrase(pattern: str, count: str = count_pattern({})) -> re.Pattern[str]:
    """A rules pattern as a regex: a space matches any whitespace run, `{N}` a printed number,
    `{P}` a percent written as '%' or 'por ciento', `{C}` a count in digits or in words."""
    expanded = pattern.replace("{P}", PERCENT).replace(" ", r"\s+").replace("{N}", NUMBER)
    return re.compile(expanded.replace("{C}", count), re.I | re.M)


def _phrase(spec: Mapping[str, Any], count: str) -> Phrase:
    values: dict[str, Target] = {}
    for group, target in (spec.get("values") or {"value": "progress"}).items():
        if isinstance(target, Mapping):
            values[group] = Target(target["field"], target.get("subject"))
        else:
            values[group] = Target(str(target))
    return Phrase(spec["kind"], compile_phrase(spec["pattern"], count), spec.get("subject", ""), values)


def _table(spec: Mapping[str, Any]) -> TableSpec:
    def optional(key: str) -> re.Pattern[str] | None:
        return compile_phrase(spec[key]) if spec.get(key) else None

    return TableSpec(
        kind=spec["kind"],
        layout=spec["layout"],
        header=compile_phrase(spec["header"]),
        row=compile_phrase(spec["row"]),
        subject=spec.get("subject", ""),
        field=spec.get("field", ""),
        column=optional("column"),
        columns=[(compile_phrase(label), name) for label, name in spec.get("columns", [])],
        runs=list(spec.get("runs", [])),
        after=optional("after"),
        total_subject=spec.get("total_subject", ""),
    )


def compile_narrative_rules(section: Mapping[str, Any]) -> NarrativeRules:
    number_words = dict(section.get("number_words") or {})
    count = count_pattern(number_words)
    return NarrativeRules(
        replacements=[(re.compile(a), b) for a, b in section.get("replace", [])],
        service_headings=[compile_phrase(p) for p in section.get("service_headings", [])],
        section_ends=[compile_phrase(p) for p in section.get("section_ends", [])],
        service_claims=[_phrase(s, count) for s in section.get("service_claims", [])],
        orphans=[compile_phrase(p) for p in section.get("orphans", [])],
        claims=[_phrase(s, count) for s in section.get("claims", [])],
        tables=[_table(s) for s in section.get("tables", [])],
        group_aliases={normalize_label(k): v for k, v in (section.get("group_aliases") or {}).items()},
        service_subject=ServiceSubject.from_section(section),
        number_words={normalize_label(k): int(v) for k, v in number_words.items()},
    )


# ---- text handling --------------------------------------------------------------------------


def clean_text(text: str, spec: NarrativeRules) -> str:
    """Dump artefacts removed, blanks collapsed within each line, lines stripped."""
    for pattern, replacement in spec.replacements:
        text = pattern.sub(replacement, text)
    return "\n".join(_BLANKS.sub(" ", line).strip() for line in text.splitlines())


def paragraphs(text: str) -> list[str]:
    return [p.strip("\n") for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def excerpt(text: str, start: int = 0, end: int | None = None) -> str:
    """The matched text, whitespace collapsed; a long one keeps its start and its end."""
    flat = " ".join(text[start:end].split())
    if len(flat) <= CONTEXT_CHARS:
        return flat
    half = (CONTEXT_CHARS - 3) // 2
    return f"{flat[:half]} … {flat[-half:]}"


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_PERCENT_AFTER = re.compile(PERCENT)


def printed_number(text: str, match: re.Match[str], group: str) -> str:
    """The number of a group as printed, with the % sign (or 'por ciento') that follows it."""
    return match.group(group) + ("%" if _PERCENT_AFTER.match(text, match.end(group)) else "")


def figure_value(printed: str, spec: NarrativeRules) -> float | None:
    """A printed figure's value: a number, or a count written as a word ("doce")."""
    value = parse_value(printed).value
    if value is None and normalize_label(printed) in spec.number_words:
        return float(spec.number_words[normalize_label(printed)])
    return value


def fill(template: str, groups: Mapping[str, str | None]) -> str | None:
    """A subject/field template filled from match groups; None if a group it needs is missing."""
    try:
        return template.format(**groups)
    except (KeyError, IndexError, ValueError):
        return None


def _with_alias(subject: str, aliases: Mapping[str, str]) -> str:
    return aliases.get(normalize_label(subject), subject)


# ---- claims from phrases --------------------------------------------------------------------


def phrase_claims(
    phrase: Phrase,
    match: re.Match[str],
    text: str,
    page: int,
    statement: int,
    spec: NarrativeRules,
    subject: str | None = None,
    context: str = "",
) -> list[Claim]:
    """One claim per value group the match filled."""
    groups = {k: v for k, v in match.groupdict().items() if v is not None}
    base_subject = subject if subject is not None else fill(phrase.subject, groups)
    claims = []
    for group, target in phrase.values.items():
        if group not in groups:
            continue  # an optional part of the phrase that this sentence does not have
        field_name = fill(target.field, groups)
        claim_subject = fill(target.subject, groups) if target.subject else base_subject
        if field_name is None or claim_subject is None:
            continue
        printed = printed_number(text, match, group)
        claims.append(
            Claim(
                kind=phrase.kind,
                subject=_with_alias(claim_subject, spec.group_aliases),
                printed=printed,
                value=figure_value(printed, spec),
                page=page,
                context=context or excerpt(text, match.start(), match.end()),
                field=field_name,
                statement=statement,
            )
        )
    return claims


@dataclass(slots=True)
class ServiceContext:
    """The service whose section the reader is in, carried across paragraphs and pages."""

    service: str = ""
    heading: str = ""
    claimed: bool = False  # a heading owns one "este servicio" figure; a second is ambiguous

    def open(self, service: str, heading: str) -> None:
        self.service, self.heading, self.claimed = service, heading, False

    def close(self) -> None:
        self.service, self.heading = "", ""


class Event(NamedTuple):
    """Something met while reading a paragraph that matters to "este servicio" attribution."""

    position: int
    order: int  # at one position: a heading before a section end before a claim
    match: re.Match[str]
    phrase: Phrase | None = None  # set for claims

    @property
    def kind(self) -> str:
        return ("heading", "end", "claim")[self.order]


def service_events(paragraph: str, spec: NarrativeRules) -> list[Event]:
    """Headings, section ends and "este servicio" claims, in reading order."""
    events = [Event(m.start(), 0, m) for p in spec.service_headings for m in p.finditer(paragraph)]
    events += [Event(m.start(), 1, m) for p in spec.section_ends for m in p.finditer(paragraph)]
    events += [
        Event(m.start(), 2, m, phrase)
        for phrase in spec.service_claims
        for m in phrase.regex.finditer(paragraph)
    ]
    return sorted(events, key=lambda e: (e.position, e.order))


def _line_at(text: str, position: int) -> str:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text[start : end if end >= 0 else len(text)]


def service_claims(
    paragraph: str,
    page: int,
    spec: NarrativeRules,
    state: ServiceContext,
    statements: Iterator[int],
) -> tuple[list[Claim], list[tuple[int, int]]]:
    """Claims about "este servicio", attributed to the current heading; and the spans they used."""
    claims: list[Claim] = []
    spans: list[tuple[int, int]] = []
    for event in service_events(paragraph, spec):
        m = event.match
        if event.kind == "heading":
            state.open(m.group("service"), excerpt(_line_at(paragraph, m.start())))
        elif event.kind == "end":
            state.close()
        elif event.phrase:
            phrase = event.phrase
            spans.append(m.span())
            sentence = excerpt(paragraph, m.start(), m.end())
            if state.service and not state.claimed and spec.service_subject.prefix:
                state.claimed = True
                subject = spec.service_subject.name(int(state.service))
                context = excerpt(f"{shorten(state.heading, HEADING_CHARS)} […] {sentence}")
                claims += phrase_claims(phrase, m, paragraph, page, next(statements), spec, subject, context)
            else:
                claims.append(unattributed(paragraph, m, page, next(statements)))
    return claims, spans


def unattributed(text: str, match: re.Match[str], page: int, statement: int) -> Claim:
    has_value = match.groupdict().get("value") is not None
    printed = printed_number(text, match, "value") if has_value else match.group(0)
    return Claim(
        kind=UNATTRIBUTED,
        subject="",
        printed=printed,
        value=parse_value(printed).value,
        page=page,
        context=excerpt(text, max(0, match.start() - 80), match.end()),
        statement=statement,
    )


def _overlaps(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def paragraph_claims(
    paragraph: str,
    page: int,
    spec: NarrativeRules,
    state: ServiceContext,
    statements: Iterator[int],
) -> list[Claim]:
    claims, used = service_claims(paragraph, page, spec, state, statements)
    for phrase in spec.claims:
        for m in phrase.regex.finditer(paragraph):
            used.append(m.span())
            claims += phrase_claims(phrase, m, paragraph, page, next(statements), spec)
    for pattern in spec.orphans:
        for m in pattern.finditer(paragraph):
            if not _overlaps(m.span(), used):
                claims.append(unattributed(paragraph, m, page, next(statements)))
    return claims


# ---- claims from small tables ---------------------------------------------------------------


def _cells(text: str) -> list[str] | None:
    """The whitespace-separated cells of a table row, if every one is a number or ND."""
    cells = text.split()
    if all(parse_value(c).is_number or parse_value(c).unit == "ND" for c in cells):
        return cells
    return None


def year_runs(line: str, names: Sequence[str], template: str) -> list[str]:
    """Fields of a years line: each run of rising years is the next column group."""
    years = [int(y) for y in line.split()]
    runs: list[list[int]] = [[years[0]]]
    for year in years[1:]:
        if year <= runs[-1][-1]:
            runs.append([])
        runs[-1].append(year)
    if len(runs) != len(names):
        return []
    return [template.format(run=name, year=y) for name, run in zip(names, runs, strict=True) for y in run]


def table_fields(table: TableSpec, header: str) -> list[str]:
    if table.layout == "year_columns" and table.column:
        return [table.field.format(year=m.group("year")) for m in table.column.finditer(header)]
    if table.layout == "labelled_columns":
        found = [(m.start(), name) for label, name in table.columns if (m := label.search(header))]
        return [name for _, name in sorted(found)]
    if table.layout == "year_runs":
        return year_runs(header, table.runs, table.field)
    return []


def _previous_line(lines: Sequence[str], index: int) -> str:
    return next((lines[j] for j in range(index - 1, -1, -1) if lines[j]), "")


def table_claims(
    table: TableSpec,
    lines: Sequence[str],
    start: int,
    page: int,
    statements: Iterator[int],
    ocr: OcrText | None = None,
    header: str | None = None,  # the header line as read, when OCR's marks were cleaned from it
) -> list[Claim]:
    """The rows under the header at `start`, until the first line that is not a row. On an
    OCR'd page a row's code is read with the code digit readings, specks among its figures are
    dropped, and a row whose code stays unreadable but whose figures fill the columns is passed
    over rather than taken for the table's end; where the rows either side of it are numbered
    one apart but for it ("OP.01", "OPIO", "OP.03"), it is the one between."""
    fields = table_fields(table, header or lines[start])
    if not fields:
        return []
    claims: list[Claim] = []
    lone: list[tuple[str, str]] = []  # (value, line) printed before the first row
    unread: list[tuple[list[str], str]] = []  # (figures, line) of rows passed over since the last row
    last_code = ""
    for printed in lines[start + 1 :]:
        if not printed:
            continue
        read = _row_reading(table, printed, len(fields), ocr)
        if read is None:
            line = _scanned_row(printed, ocr) if ocr else printed
            if table.total_subject and not claims and (alone := _cells(line)) and len(alone) == 1:
                lone.append((alone[0], line))
                continue
            if ocr and _ends_in_figures(line, len(fields)):
                unread.append((line.split()[-len(fields) :], line))
                continue
            break
        m, cells, line = read
        if lone and not claims:
            claims += _lone_claims(table, lone, m.groupdict(), fields[-1], page, statements)
        if len(unread) == 1 and (between := _code_between(last_code, m.group(0))):
            figures, unread_line = unread[0]
            claims += _row_claims(table, table.row.match(between), figures, fields, unread_line, page, statements)
        unread, last_code = [], m.group(0)
        row = _row_claims(table, m, cells, fields, line, page, statements)
        if not row:
            break
        claims += row
    return claims


def _row_claims(
    table: TableSpec,
    m: re.Match[str] | None,
    cells: Sequence[str],
    fields: Sequence[str],
    line: str,
    page: int,
    statements: Iterator[int],
) -> list[Claim]:
    subject = fill(table.subject, m.groupdict()) if m else None
    if subject is None:
        return []
    statement = next(statements)
    return [
        Claim(table.kind, subject, cell, parse_value(cell).value, page, excerpt(line), field_name, statement)
        for cell, field_name in zip(cells, fields, strict=True)
    ]


def _row_reading(
    table: TableSpec, printed: str, count: int, ocr: OcrText | None
) -> tuple[re.Match[str], list[str], str] | None:
    """A table row's match, its `count` figures and the line as read; None when the line is
    no row. On a scan each reading of its code is tried (`OcrText.code_readings`), scraps past
    the figures and lone glyphs among them dropped ("OP.02 5 82.00% 94.00%")."""
    for line in _scanned_rows(printed, ocr) if ocr else [printed]:
        m = table.row.match(line)
        if m is None or (ocr and line[m.end() : m.end() + 1].strip()):  # "OP.003": no code ends inside a token
            continue
        cells = _cells(line[m.end() :])
        if ocr and cells is None:
            cells = _cells_before_scraps(line[m.end() :], count, ocr)
        if ocr and cells is not None and len(cells) > count:
            cells = _without_lone_glyphs(cells, count)
        if cells is not None and len(cells) == count:
            return m, cells, line
    return None


def _without_lone_glyphs(cells: list[str], count: int) -> list[str] | None:
    """A scanned row's figures with the one-glyph tokens among them dropped, when that leaves
    exactly `count` (a speck read as "5" between a code and its percentages)."""
    kept = [c for c in cells if len(c) > 1]
    return kept if len(kept) == count else None


def _code_between(before: str, after: str) -> str | None:
    """The code numbered between two ("OP.01", "OP.03" → "OP.02"), or None."""
    return renumbered(before, 1) if before and renumbered(before, 2) == after else None


def _scanned_rows(line: str, ocr: OcrText) -> list[str]:
    """`_scanned_row` for each reading of the line's code."""
    first, _, rest = line.partition(" ")
    return [_scanned_row(f"{code} {rest}", ocr) for code in ocr.code_readings(first)]


def _scanned_row(line: str, ocr: OcrText) -> str:
    """A small table's row as OCR read it: its code's digits read, a "%" split off its figure
    put back, specks among the figures dropped."""
    first, *rest = line.split()
    tokens = [ocr.code(first)]
    for token in rest:
        if token == "%" and tokens[-1][-1:].isdigit():
            tokens[-1] += token
        elif not ocr.is_speck(token):
            tokens.append(token)
    return " ".join(tokens)


def scanned_header(line: str, ocr: OcrText) -> str:
    """A table header line as a scan read it, its specks cleaned: scraps before it dropped
    ("dE Objetivo Prioritario …"), marks at the start of its words too ("“Avance")."""
    tokens = [ocr.edge.sub("", t, count=1) for t in line.split()]
    tokens = [t for t in tokens if t]
    while tokens and ocr.scrap.fullmatch(tokens[0]) and len(tokens) > 1:
        tokens.pop(0)
    return " ".join(tokens)


def _cells_before_scraps(text: str, count: int, ocr: OcrText) -> list[str] | None:
    """A scanned row's `count` figures where the line goes on past them with scraps only
    (`_ocr.yaml` `narrative_marks.scrap`; trata s260: "OP.01 78.00% 67.30% Ao", a speck line
    joined to the row's): the figures; else None."""
    tokens = text.split()
    figures, rest = tokens[:count], tokens[count:]
    if not rest or len(figures) != count or _cells(" ".join(figures)) is None:
        return None
    return figures if all(ocr.scrap.fullmatch(t) for t in rest) else None


def _ends_in_figures(line: str, count: int) -> bool:
    tokens = line.split()
    return len(tokens) > count and _cells(" ".join(tokens[-count:])) is not None


def _lone_claims(
    table: TableSpec,
    lone: Sequence[tuple[str, str]],
    groups: Mapping[str, str | None],
    field_name: str,
    page: int,
    statements: Iterator[int],
) -> list[Claim]:
    """A value alone on its line above the rows: the enclosing objective's figure."""
    subject = fill(table.total_subject, groups)
    if subject is None or len(lone) != 1:
        return []
    value, line = lone[0]
    return [
        Claim(
            table.kind,
            subject,
            value,
            parse_value(value).value,
            page,
            excerpt(line),
            field_name,
            next(statements),
        )
    ]


def tables_on_page(
    text: str, page: int, spec: NarrativeRules, statements: Iterator[int], ocr: OcrText | None = None
) -> list[Claim]:
    lines = text.splitlines()
    claims: list[Claim] = []
    for table in spec.tables:
        for index, line in enumerate(lines):
            header = _header_reading(table, line, ocr)
            if header is None:
                continue
            if table.after and not table.after.search(_previous_line(lines, index)):
                continue
            claims += table_claims(table, lines, index, page, statements, ocr, header)
    return claims


def _header_reading(table: TableSpec, line: str, ocr: OcrText | None) -> str | None:
    """The line as the table's header reads it: as printed, or on a scan with its specks cleaned."""
    if table.header.search(line):
        return line
    if ocr and table.header.search(cleaned := scanned_header(line, ocr)):
        return cleaned
    return None


# ---- entry point ----------------------------------------------------------------------------


def parse_claims(
    narrative: Sequence[tuple[int, str]], rules: Rules, ocr_pages: Collection[int] = ()
) -> list[Claim]:
    """Every figure the family's phrase and table patterns find in the text, in reading order.
    The text of an OCR'd page is read with its specks cleaned, by patterns loose about accents
    (`ocr_text`)."""
    section = rules.section("narrative")
    if not section:
        return []
    spec = compile_narrative_rules(section)
    scanned = _scanned_reading(section) if ocr_pages else None
    statements = itertools.count(1)
    state = ServiceContext()
    claims: list[Claim] = []
    # band statements read claims with this module's Claim: imported here, not at the top
    from extractor.reconcile.band_statements import band_claims, compile_band_statements

    bands = compile_band_statements(rules)
    for page, raw in narrative:
        page_spec, ocr = scanned if scanned and page in ocr_pages else (spec, None)
        text = clean_text(ocr.clean(raw) if ocr else raw, page_spec)
        claims += tables_on_page(text, page, page_spec, statements, ocr)
        for paragraph in paragraphs(text):
            claims += paragraph_claims(paragraph, page, page_spec, state, statements)
            if bands:
                claims += band_claims(paragraph, page, bands, statements)
    return claims


def _scanned_reading(section: Mapping[str, Any]) -> tuple[NarrativeRules, OcrText]:
    """The phrase patterns and the clean-up for a scanned page's text: the patterns take a vowel
    with or without an accent when `_ocr.yaml` says specks read as accents."""
    ocr = ocr_text()
    return compile_narrative_rules(loose_accents(section) if ocr.fold else section), ocr
