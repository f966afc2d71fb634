"""Pages → printed row bands, header metadata, the summary-counts table and the narrative.

Repeated page headers, summary tables and column headers are page furniture, never rows; a
band that opens a page without a code continues the last row of the previous page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from extractor.layout import (
    Box,
    TableHeader,
    cells_of_band,
    fill_color_at,
    find_headers,
    horizontal_rules,
    line_text,
    row_bands_from_anchors,
    row_bands_from_rules,
    split_glued_words,
    text_lines,
)
from extractor.model import Extraction, PageContent, RawRow, SourceInfo, SummaryRow, Word
from extractor.rules import Rules


@dataclass(slots=True)
class PageTables:
    """What one page contributes to the extraction."""

    number: int
    raw_rows: list[RawRow] = field(default_factory=list)
    outside_lines: list[str] = field(default_factory=list)  # text outside the tables
    headers: list[TableHeader] = field(default_factory=list)


def read_page_tables(page: PageContent, rules: Rules) -> PageTables:
    """Find the headers of a page and cut the body under each into row bands."""
    result = PageTables(page.number)
    headers = find_headers(page, rules)
    if not headers:
        result.outside_lines = [line_text(line) for line in text_lines(page.words)]
        return result
    result.headers = headers
    furniture = _furniture_patterns(rules)
    words = [w for line in text_lines(page.words) if not _is_furniture(line, furniture) for w in line]
    words = split_glued_words(words, [c for h in headers for c in h.columns])
    table_boxes: list[Box] = []
    for i, header in enumerate(headers):
        body_top = header.box.bottom
        body_bottom = headers[i + 1].box.top if i + 1 < len(headers) else _table_bottom(page, header)
        rows = _rows_under_header(page, words, header, body_top, body_bottom, rules)
        result.raw_rows += rows
        table_boxes.append(Box(header.box.x0, header.box.x1, header.box.top, rows[-1].bottom if rows else body_top))
    outside = [w for w in page.words if not any(b.contains(w) for b in table_boxes)]
    result.outside_lines = [line_text(line) for line in text_lines(outside)]
    return result


def _table_bottom(page: PageContent, header: TableHeader) -> float:
    """The last horizontal rule under a ruled table, else the page's foot."""
    ys = horizontal_rules(page.edges, header.box.x0, header.box.x1, header.box.bottom, page.height)
    return ys[-1] if len(ys) >= 2 else page.height


def _rows_under_header(
    page: PageContent, words: Sequence[Word], header: TableHeader, top: float, bottom: float, rules: Rules
) -> list[RawRow]:
    bands = row_bands_from_rules(page, header, top, bottom)
    if not bands:
        code_col = header.column("code")
        token = re.compile(rules.section("codes").get("token", r"\d{2}(?:\.\d{2})+"))
        bands = row_bands_from_anchors(words, code_col, top, bottom, token) if code_col else []
    join_hyphens = bool(rules.section("text").get("join_hyphen_wraps", False))
    progress_col = next((c for c in header.columns if c.role.startswith("progress_")), None)
    rows = []
    for band_top, band_bottom in bands:
        cells = cells_of_band(words, header.columns, band_top, band_bottom, join_hyphens)
        if not any(v.strip() for v in cells.values()):
            continue
        fill = fill_color_at(page.fills, progress_col, band_top, band_bottom)
        rows.append(RawRow(page.number, band_top, band_bottom, cells, fill=fill))
    return rows


def _furniture_patterns(rules: Rules) -> list[re.Pattern[str]]:
    return [re.compile(p, re.I) for p in rules.raw.get("furniture", [])]


def _is_furniture(line: Sequence[Word], patterns: Sequence[re.Pattern[str]]) -> bool:
    text = line_text(line)
    return any(p.search(text) for p in patterns)


def read_matrix(pages: Sequence[PageContent], rules: Rules, source: SourceInfo) -> Extraction:
    """Assemble the whole document: rows in order, joined across page breaks."""
    per_page = [read_page_tables(p, rules) for p in pages]
    return assemble(per_page, rules, source)


def assemble(per_page: Sequence[PageTables], rules: Rules, source: SourceInfo) -> Extraction:
    raw_rows: list[RawRow] = []
    narrative: list[tuple[int, str]] = []
    metadata: dict[str, str] = {}
    summaries: list[tuple[int, list[SummaryRow]]] = []
    years: list[int] = []
    progress_years: list[int] = []
    matrix_pages: list[int] = []
    for page in per_page:
        if page.headers:
            matrix_pages.append(page.number)
            years = years or _years_of(page.headers, "expected_")
            progress_years = progress_years or _years_of(page.headers, "progress_")
            _mark_continuation(page.raw_rows, bool(raw_rows))
            raw_rows += page.raw_rows
            for key, value in read_metadata(page.outside_lines, rules).items():
                metadata.setdefault(key, value)
            summary = read_summary(page.outside_lines, rules, page.number)
            if summary:
                summaries.append((page.number, summary))
        leftover = [ln for ln in page.outside_lines if not _is_meta_or_furniture(ln, rules)]
        if leftover:
            narrative.append((page.number, "\n".join(leftover)))
    summary = summaries[0][1] if summaries else []
    return Extraction(
        source, rules.family, metadata, years, progress_years, raw_rows, summary, narrative,
        matrix_pages, summaries,
    )


def _mark_continuation(rows: list[RawRow], has_previous: bool) -> None:
    """A page's first band without a code continues the previous page's last row."""
    if rows and has_previous and not rows[0].cells.get("code", "").strip():
        rows[0].continues_previous = True


def _years_of(headers: Sequence[TableHeader], prefix: str) -> list[int]:
    found = sorted({int(c.role.rsplit("_", 1)[1]) for h in headers for c in h.columns if c.role.startswith(prefix)})
    return found


def read_metadata(lines: Sequence[str], rules: Rules) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, pattern in (rules.raw.get("metadata") or {}).items():
        rx = re.compile(pattern, re.I)
        for line in lines:
            m = rx.search(line)
            if m:
                out[key] = " ".join(m.group("v").split())
                break
    return out


def read_summary(lines: Sequence[str], rules: Rules, page: int) -> list[SummaryRow]:
    groups = (rules.raw.get("summary") or {}).get("groups", [])
    out = []
    for group in groups:
        rx = re.compile(r"^\s*" + re.escape(group) + r"\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", re.I)
        for line in lines:
            m = rx.match(line)
            if m:
                out.append(SummaryRow(group, *m.groups(), page=page))
                break
    return out


def _is_meta_or_furniture(line: str, rules: Rules) -> bool:
    patterns = list(rules.raw.get("furniture", [])) + list((rules.raw.get("metadata") or {}).values())
    return any(re.search(p, line, re.I) for p in patterns)
