"""Pages → raw rows (one per printed row span), header metadata, the summary-counts table and the narrative.

Repeated page headers, summary tables and column headers are page furniture, never rows; a
row that opens a page without a code continues the last row of the previous page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from extractor.blocks import BlockSpec, Heading, find_headings
from extractor.brokengrid import MENDED_HEADER
from extractor.celltext import line_text
from extractor.codeheader import headers_over_codes, lent_over_codes, pieced_headers
from extractor.frames import to_stored_frame
from extractor.geometry import Box, text_lines
from extractor.glued import split_glued_words
from extractor.header import places_enough
from extractor.layout import (
    SNAP_TOLERANCE,
    TableHeader,
    carried_over,
    cells_of_row_span,
    column_borders,
    column_of,
    completed_from,
    fill_color_at,
    find_continued_header,
    find_headers,
    row_spans_from_anchors,
    row_spans_from_rules,
    ruled_table_bottom,
    split_spans_at_codes,
)
from extractor.matrix_columns import agree_years, complete_headers, place_headers, strongest_headers
from extractor.model import (
    CellBox,
    Column,
    Extraction,
    GluedCut,
    PageContent,
    RawRow,
    SourceInfo,
    SummaryRow,
    Word,
)
from extractor.rules import Rules, SummaryColumn, code_shapes, load_ocr_confusions, normalize_label
from extractor.summary import continued_summary, find_summary_table

ANY_CODE_TOKEN = r"\d{2}(?:\.\d{2})+"  # what a code looks like when a family names no `codes.token`


@dataclass(slots=True)
class OpenTable:
    """What a page leaves open for the next one (families with `blocks.continue_without_header`)."""

    header: TableHeader | None = None  # the table the page ended in
    header_words: list[Word] = field(default_factory=list)  # first lines of a header cut by the page end
    block: str = ""  # code of the block heading the page ended under


@dataclass(slots=True)
class PageTables:
    """What one page contributes to the extraction."""

    number: int
    raw_rows: list[RawRow] = field(default_factory=list)
    outside_lines: list[str] = field(default_factory=list)  # text outside the tables
    headers: list[TableHeader] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)  # every word of the page (the summary table)
    open_table: OpenTable = field(default_factory=OpenTable)


@dataclass(frozen=True, slots=True)
class _Table:
    """One table body on a page: its header and the vertical span of its rows."""

    header: TableHeader
    top: float
    bottom: float
    box_top: float  # where the table starts on this page (its header, or the page top)
    opening: bool = False  # the page opens with it: the rest of the previous page's table


def read_page_tables(
    page: PageContent, rules: Rules, open_table: OpenTable | None = None, headers: list[TableHeader] | None = None
) -> PageTables:
    """Find the headers (and block headings) of a page and cut the body under each into row spans.

    `headers`: the page's headers as found already (completed from the matrix's other pages).
    """
    result = PageTables(page.number, words=list(page.words))
    headers = find_headers(page, rules) if headers is None else headers
    if headers and open_table and open_table.header:
        headers[0] = completed_from(headers[0], open_table.header)
    blocks = BlockSpec.from_rules(rules)
    furniture = _furniture_patterns(rules)
    words = [w for line in text_lines(page.words) if not _is_furniture(line, furniture) for w in line]
    headings = find_headings(page, words, blocks) if blocks else []
    first_top = min([h.box.top for h in headers] + [h.top for h in headings], default=page.height)
    opening = None
    if blocks and blocks.continue_without_header and open_table:
        opening = _opening_table(page, rules, words, open_table, first_top)
    elif not blocks and open_table and open_table.header:
        opening = _continued_table(page, rules, words, open_table.header, first_top)
    if not headers and not headings and opening is None:
        result.outside_lines = [line_text(line) for line in text_lines(page.words)]
        return result
    in_force = opening.header if opening else open_table.header if open_table else None
    tables = ([opening] if opening else []) + _tables_of(page, headers, headings, in_force, words, rules)
    result.headers = [t.header for t in tables]
    words = _unglued(words, tables, rules)
    rows, taken = _rows_of_page(page, words, tables, headings, rules)
    block = _assign_blocks(rows, open_table.block if open_table else "")
    result.raw_rows = rows
    result.open_table = _left_open(words, tables, headings, block, in_force)
    if result.open_table.header_words:  # the header lines under the page's last heading
        taken.append(Box(0, page.width, headings[-1].bottom, page.height))
    outside = [w for w in page.words if not any(b.contains(w) for b in taken)]
    result.outside_lines = [line_text(line) for line in text_lines(outside)]
    return result


def _unglued(words: Sequence[Word], tables: Sequence[_Table], rules: Rules) -> list[Word]:
    """Words glued across cells cut apart, each table's by its own columns (the bodies of one
    header, cut apart by OEI/AEI rows, together: they show where its cells meet)."""
    out, rest = [], list(words)
    for header in {id(t.header): t.header for t in tables}.values():
        spans = [(t.box_top, t.bottom) for t in tables if t.header is header]
        inside = [w for w in rest if any(top <= w.ymid <= bottom for top, bottom in spans)]
        rest = [w for w in rest if not any(top <= w.ymid <= bottom for top, bottom in spans)]
        is_code = lambda text: rules.parse_code(text) is not None  # noqa: E731
        out += split_glued_words(inside, header.columns, is_code, rules.cell_fits)
    return out + rest


def _rows_of_page(
    page: PageContent,
    words: Sequence[Word],
    tables: Sequence[_Table],
    headings: Sequence[Heading],
    rules: Rules,
) -> tuple[list[RawRow], list[Box]]:
    """Heading rows and table rows in page order, and the boxes they take up on the page."""
    taken = [Box(0, page.width, h.top, h.bottom) for h in headings]
    rows = [_with_heading_boxes(h.raw_row(), page, h) for h in headings]
    for row in rows:
        row.source = page.source
    for table in tables:
        found = _rows_under_header(page, words, table.header, table.top, table.bottom, rules, table.opening)
        rows += found
        box_bottom = found[-1].bottom if found else table.top
        taken.append(Box(table.header.box.x0, table.header.box.x1, table.box_top, box_bottom))
    rows.sort(key=lambda r: r.top)
    return rows, taken


def _tables_of(
    page: PageContent,
    headers: Sequence[TableHeader],
    headings: Sequence[Heading],
    in_force: TableHeader | None,
    words: Sequence[Word],
    rules: Rules,
) -> list[_Table]:
    """Each header's body runs to the next header or block heading, else to the table's foot.

    A heading with indicator rows under it but no header of its own is a row of one long
    table (OEI/AEI rows printed inside it): the header in force goes on below it.
    """
    marks = sorted([(h.box.top, h) for h in headers] + [(h.top, h) for h in headings], key=lambda m: m[0])
    tables = []
    for i, (top, item) in enumerate(marks):
        if isinstance(item, TableHeader):
            in_force = item
            later = [t for t, _ in marks[i + 1:] if t > top + 0.5]
            bottom = later[0] if later else _table_bottom(page, item)
            tables.append(_Table(item, item.box.bottom, bottom, item.box.top))
            continue
        following = marks[i + 1][1] if i + 1 < len(marks) else None
        if in_force is None or isinstance(following, TableHeader):
            continue
        bottom = marks[i + 1][0] if following is not None else _table_bottom(page, in_force)
        if _has_code_below(words, in_force, item.bottom, bottom, rules):
            tables.append(_Table(in_force, item.bottom, bottom, item.bottom))
    return tables


def _has_code_below(words: Sequence[Word], header: TableHeader, top: float, bottom: float, rules: Rules) -> bool:
    code_col = header.column("code")
    if code_col is None:
        return False
    token = re.compile(rules.spec.codes.token or ANY_CODE_TOKEN)
    return any(
        top <= w.ymid <= bottom and code_col.x0 - 2 <= w.xmid <= code_col.x1 + 2 and token.search(w.text)
        for w in words
    )


def _opening_table(
    page: PageContent, rules: Rules, words: Sequence[Word], open_table: OpenTable, first_top: float
) -> _Table | None:
    """The rest of the previous page's table above this page's first header or heading.

    If the previous page ended inside a header (a block heading followed by the header's first
    lines), the header is completed from this page's top; otherwise the table keeps its header.
    """
    if open_table.header_words:
        header = find_continued_header(page, rules, words, open_table.header_words, 0.0, first_top)
        if header:
            return _Table(header, header.box.bottom, first_top, 0.0, opening=True)
    if open_table.header:
        header = carried_over(open_table.header, [w for w in words if w.bottom <= first_top], rules)
        return _Table(header, 0.0, first_top, 0.0, opening=True)
    return None


def _continued_table(
    page: PageContent, rules: Rules, words: Sequence[Word], header: TableHeader, first_top: float
) -> _Table | None:
    """The previous page's table going on without a header of its own (the producer did not
    repeat it): codes of the family's grammar printed in that table's code column.

    The table starts where its left border does on this page (a wrapped row's rest may sit above
    the first code), or at the first code when the table is not ruled.
    """
    code_col = header.column("code")
    if code_col is None:
        return None
    coded = [
        w for w in words
        if w.ymid < first_top and code_col.x0 - SNAP_TOLERANCE <= w.xmid <= code_col.x1 + SNAP_TOLERANCE
        and rules.parse_code(w.text) is not None
    ]  # fmt: skip
    coded = [w for w in coded if _opens_row(w, words, page, header)]
    if not coded:
        return _continued_by_named_row(rules, words, header, first_top)
    first = min(coded, key=lambda w: w.top)
    ruled = bool(_ruled_at(page, first.ymid))
    if not ruled and not _aligned_codes(coded):
        return None  # no grid and no column of codes: text that cites codes
    top = _border_top(page, header.box.x0, first.top) if ruled else first.top
    foot = ruled_table_bottom(page.edges, Box(header.box.x0, header.box.x1, top, top), column_borders(header))
    bottom = min(first_top, foot) if foot else first_top
    header = carried_over(header, [w for w in words if top <= w.top and w.bottom <= bottom], rules)
    return _Table(header, top, bottom, top, opening=True)


YEAR_COLUMN = re.compile(r"_\d{4}$")  # a value column: expected_2024, progress_2024, …
NAMED_ROW_ASSUMPTION = "continued_without_header:named_row"


def _continued_by_named_row(
    rules: Rules, words: Sequence[Word], header: TableHeader, first_top: float
) -> _Table | None:
    """The previous page's table going on with only a row the rules know by its name (the
    policy index line, which has no code), without a header: the page's first lines print that
    name in the table's name column and figures in its value columns, every word inside the
    table's columns. The row's wrapped lines follow each other closely; a gap or a line outside
    the columns (a summary table, the narrative) ends it. The rows carry the assumption."""
    patterns = [re.compile(n.name_pattern, re.I) for n in rules.spec.codes.named_rows]
    name_col = header.column("name")
    if not patterns or name_col is None:
        return None
    block = _aligned_block([ln for ln in text_lines(words) if ln[0].ymid < first_top], header)
    if not block or not _is_named_row(block, patterns, header, name_col):
        return None
    top, bottom = min(w.top for w in block), max(w.bottom for w in block)
    marked = replace(header, assumptions=[*header.assumptions, NAMED_ROW_ASSUMPTION])
    return _Table(marked, top - 0.5, bottom + 0.5, top - 0.5, opening=True)


def _aligned_block(lines: Sequence[Sequence[Word]], header: TableHeader) -> list[Word]:
    """The words of the page's first lines while they sit inside the table's columns, each
    close under the one before (no more than a line's height of white between them)."""
    block: list[Word] = []
    for line in lines:
        height = max(w.bottom - w.top for w in line)
        gap = min(w.top for w in line) - max(w.bottom for w in block) if block else 0.0
        if not _inside_columns(line, header) or gap > height:
            break
        block += line
    return block


def _is_named_row(
    block: Sequence[Word], patterns: Sequence[re.Pattern[str]], header: TableHeader, name_col: Column
) -> bool:
    # a merged cell may start the label under the code column
    label_cols = [c for c in (header.column("code"), name_col) if c is not None]
    label = " ".join(w.text for w in _text_order(block) if any(_within(w, c) for c in label_cols))
    figures = [w for w in block for c in header.columns
               if YEAR_COLUMN.search(c.role) and _within(w, c) and any(ch.isdigit() for ch in w.text)]
    return bool(figures) and any(p.search(label) or p.search(normalize_label(label)) for p in patterns)


def _text_order(words: Sequence[Word]) -> list[Word]:
    # by middles: a wrapped label's next line, close under a tall figure, stays its own line
    return [w for line in text_lines(words, "middle") for w in line]


def _within(word: Word, column: Column) -> bool:
    return column.x0 - SNAP_TOLERANCE <= word.xmid <= column.x1 + SNAP_TOLERANCE


def _inside_columns(line: Sequence[Word], header: TableHeader) -> bool:
    return all(any(_within(w, c) for c in header.columns) for w in line)


MIN_ALIGNED_CODES = 3  # an unruled table going on: codes starting at one x, one under the other


def _aligned_codes(coded: Sequence[Word]) -> bool:
    lefts = sorted(w.x0 for w in coded)
    return any(
        sum(1 for x in lefts if abs(x - left) <= SNAP_TOLERANCE) >= MIN_ALIGNED_CODES for left in lefts
    )


def _opens_row(code: Word, words: Sequence[Word], page: PageContent, header: TableHeader) -> bool:
    """A code that opens a row of this table: inside its grid, or first on its line when the
    table is not ruled (a text citing a code has words before it; another ruled table, a small
    table of the text that lists codes, has other column borders)."""
    ruled = _ruled_at(page, code.ymid)
    if ruled:
        return _rules_match_columns(ruled, header)
    height = code.bottom - code.top
    return not any(abs(w.ymid - code.ymid) < height / 2 and w.x1 <= code.x0 for w in words)


def _ruled_at(page: PageContent, y: float) -> list[float]:
    """The x of every vertical rule crossing height `y`."""
    near = SNAP_TOLERANCE
    return [e.x0 for e in page.edges if e.orientation == "v" and e.top - near <= y <= e.bottom + near]


def _rules_match_columns(ruled: Sequence[float], header: TableHeader) -> bool:
    """Most of the header's column borders are ruled here."""
    hits = sum(1 for c in header.columns if any(abs(x - c.x0) <= SNAP_TOLERANCE for x in ruled))
    return hits >= max(2, len(header.columns) // 2)


def _border_top(page: PageContent, x: float, below: float) -> float:
    """Where the vertical rule at `x` that reaches `below` starts, followed upwards."""
    left = sorted(
        (e for e in page.edges if e.orientation == "v" and abs(e.x0 - x) <= SNAP_TOLERANCE),
        key=lambda e: -e.bottom,
    )
    top = below
    for e in left:
        if e.top < top <= e.bottom + SNAP_TOLERANCE:
            top = e.top
    return top if top < below else below  # no rule reaches it: the table is not ruled here


def _assign_blocks(rows: Sequence[RawRow], block: str) -> str:
    """Every row sits in the block of the last heading above it; returns the page's last block."""
    for row in rows:
        block = row.block or block  # a heading row names its own block
        row.block = block
    return block


def _left_open(
    words: Sequence[Word],
    tables: Sequence[_Table],
    headings: Sequence[Heading],
    block: str,
    in_force: TableHeader | None,
) -> OpenTable:
    """The table a page ends in, or the header lines under a heading that the page end cut off.

    After a heading that ends the page, the next page may open with the heading's own header
    (its first lines are `header_words`), or, in one long table, with rows under the header
    in force.
    """
    last_table = tables[-1] if tables else None
    in_force = last_table.header if last_table else in_force
    if headings and (last_table is None or headings[-1].top > last_table.top):
        below = [w for w in words if w.ymid > headings[-1].bottom]
        return OpenTable(in_force, below, block)
    return OpenTable(in_force, [], block)


def _table_bottom(page: PageContent, header: TableHeader) -> float:
    """The foot of a ruled table's grid, else the page's foot."""
    return ruled_table_bottom(page.edges, header.box, column_borders(header)) or page.height


def _rows_under_header(
    page: PageContent,
    words: Sequence[Word],
    header: TableHeader,
    top: float,
    bottom: float,
    rules: Rules,
    continued: bool = False,
) -> list[RawRow]:
    # a family whose bodies are never ruled says so: its only rules (a page frame, the line over
    # the footnotes) would otherwise be taken for row rules
    ruled = rules.spec.table.ruled_body
    spans = row_spans_from_rules(page, header, top, bottom) if ruled else []
    code_col = header.column("code")
    token = re.compile(rules.spec.codes.token or ANY_CODE_TOKEN)
    if spans and code_col:
        read = page.source == "ocr"
        spans = split_spans_at_codes(words, code_col, spans, lambda text: _opens_code(text, rules, token, ocr=read))
    if not spans:
        spans = row_spans_from_anchors(words, code_col, top, bottom, token) if code_col else []
    if not spans and continued:
        spans = [(top, bottom)]  # no code: all of it is the rest of the previous page's last row
    join_hyphens = rules.spec.text.join_hyphen_wraps
    progress_col = next((c for c in header.columns if c.role.startswith("progress_")), None)
    rows = []
    for span_top, span_bottom in spans:
        cells = cells_of_row_span(words, header.columns, span_top, span_bottom, join_hyphens)
        if not any(v.strip() for v in cells.values()):
            continue
        fill = fill_color_at(page.fills, progress_col, span_top, span_bottom)
        boxes = cell_boxes(page, header.columns, span_top, span_bottom)
        rows.append(RawRow(page.number, span_top, span_bottom, cells, fill=fill, boxes=boxes, source=page.source,
                           assumptions=list(header.assumptions),
                           glued_cuts=glued_cuts_in(words, header.columns, span_top, span_bottom)))
    return rows


def glued_cuts_in(words: Sequence[Word], columns: Sequence[Column], top: float, bottom: float) -> list[GluedCut]:
    """The words glued across cells that were cut apart in a row span (the span `cells_of_row_span`
    reads), once per word as read: its text, its pieces left to right, the column of the first."""
    pieces: dict[Word, list[Word]] = {}
    for w in words:
        if w.glued_from is not None and top <= w.ymid < bottom:
            pieces.setdefault(w.glued_from, []).append(w)
    cuts = []
    for word, parts in pieces.items():
        parts.sort(key=lambda p: p.x0)
        first = column_of(parts[0], columns)
        cuts.append(GluedCut(word.text, tuple(p.text for p in parts), first.role if first else ""))
    return cuts


MIN_CODE_CHARS = 5  # a damaged code still this long ("1SS.02.03"); shorter tokens may be values
MIN_DAMAGED_CODE_DIGITS = 4  # two of a code's two-digit groups: what dropout leaves of the shortest code


def _opens_code(text: str, rules: Rules, token: re.Pattern[str], *, ocr: bool = False) -> bool:
    """A code of the grammar, or one damaged by OCR that still has a code's shape (specks read as
    marks at its ends, ":" for "." inside: ":1SS:01.03.02.01.").

    Read by OCR (`ocr`), a code's prefix may come out in lower case ("oP.03"), and toner dropout
    may take part of its glyphs ("155.0. 7.02:01" for ISS.02.07.02.01): a word of the code
    column with a code's length and MIN_DAMAGED_CODE_DIGITS digits or more is a code too, so
    that the rule lost between two rows is found again between their codes; and so is one of the
    family's `codes.scanned_token` shape, its prefix misread as other glyphs ("0>.04", "o.03").
    """
    if rules.parse_code(text) is not None:
        return True
    confusions = load_ocr_confusions()
    shape = re.sub(r"[:;]", ".", text.strip(confusions.code_specks))
    if ocr and shape != (read := _group_glyphs_read(shape, confusions.code_group_glyphs)):
        return _opens_code(read, rules, token, ocr=True)
    scanned = rules.spec.codes.scanned_token
    if ocr and scanned is not None and re.fullmatch(scanned, shape) is not None:
        return True  # a prefix misread whole ("0>.04", "o.03"): the grammar's digit groups stand
    if ocr and re.fullmatch(_clipped_code(rules), shape) is not None:
        return True  # a level's prefix read whole, its groups cut short ("OP.3." for OP.03: trata s304)
    if len(shape) < MIN_CODE_CHARS:
        return False
    if token.fullmatch(shape) is not None:
        return True
    damaged = sum(c.isdigit() for c in shape) >= MIN_DAMAGED_CODE_DIGITS
    return ocr and (token.fullmatch(shape.upper()) is not None or damaged)


def _clipped_code(rules: Rules) -> str:
    """A level's literal prefix (any case), a separator and digits: a code whose groups a scan
    cut short (a pattern; `re` keeps it compiled for the words of the code column that ask)."""
    literals = "|".join(re.escape(s.literal) for s in code_shapes(rules)) or "(?!)"
    return rf"(?i:{literals})[.,]\d[\d.,]*"


def _group_glyphs_read(shape: str, glyphs: dict[str, str]) -> str:
    """`shape` with the glyphs a scan reads for a digit inside a code's group (`_ocr.yaml`
    `code_group_glyphs`) read as it, where they stand between a separator and a digit."""
    for glyph in sorted(glyphs, key=len, reverse=True):
        shape = re.sub(rf"(?<=[.,]){re.escape(glyph)}(?=\d)", glyphs[glyph], shape)
    return shape


def cell_boxes(page: PageContent, columns: Sequence[Column], top: float, bottom: float) -> dict[str, CellBox]:
    """Each column's cell in a row band, empty or not, in the page's stored frame."""
    return {c.role: to_stored_frame(page, c.x0, top, c.x1, bottom) for c in columns}


def _with_heading_boxes(row: RawRow, page: PageContent, heading: Heading) -> RawRow:
    """A heading row's cells share one box: the heading's printed text."""
    words = heading.words or []
    x0 = min((w.x0 for w in words), default=0.0)
    x1 = max((w.x1 for w in words), default=page.width)
    box = to_stored_frame(page, x0, heading.top, x1, heading.bottom)
    row.boxes = {role: box for role in row.cells}
    return row


def _furniture_patterns(rules: Rules) -> list[re.Pattern[str]]:
    return [re.compile(p, re.I) for p in rules.spec.furniture]


def _is_furniture(line: Sequence[Word], patterns: Sequence[re.Pattern[str]]) -> bool:
    text = line_text(line)
    return any(p.search(text) for p in patterns)


def read_matrix(pages: Sequence[PageContent], rules: Rules, source: SourceInfo) -> Extraction:
    """Assemble the whole document: rows in order, joined across page breaks."""
    per_page: list[PageTables] = []
    open_table = OpenTable()
    # the matrix's header is one structure: what one page misread, another page printed
    numbers = [page.number for page in pages]
    headers = [find_headers(page, rules) for page in pages]
    mended: list[list[TableHeader]] | None = None  # each page's headers read from mended cells
    mended_used = False
    if not any(places_enough(h, rules.header, rules.spec.header.min_share) for found in headers for h in found):
        # Mended cells are the reading of last resort: a header the grid gave on one page is
        # placed on the pages whose rules dropout broke (matrix_columns.py), and reads truer.
        # A header with too few columns for the family is such a broken grid's too (a bitonal
        # scan's rules in dashes): it stands only where mending finds nothing.
        mended = [find_headers(page, rules, mend=True) for page in pages]
        if not any(headers) or any(MENDED_HEADER in h.assumptions for found in mended for h in found):
            headers = strongest_headers(pages, mended, rules.header.get("columns", {}))
            mended_used = True
    if not any(headers):
        # no cell read the anchor label on any page: the header over the body's codes; or, where
        # that places fewer columns, what each page read of the header, pieced together
        headers = lent_over_codes(pages, [headers_over_codes(page, rules) for page in pages], rules)
        pieced = pieced_headers(pages, rules)
        if _most_columns(pieced) > _most_columns(headers):
            headers = lent_over_codes(pages, pieced, rules)
    found = agree_years(headers, numbers)
    found = complete_headers(found, numbers, pages)
    found = place_headers(pages, found, rules.header.get("columns", {}))
    if not mended_used and any(headers) and not all(headers):
        # a page whose grid gave no header took another page's: the reading its own mended cells
        # give lends that header the columns it lacks (year columns a scan garbled on the lender)
        lenders = [(page.number, h) for k, (page, own) in enumerate(zip(pages, headers, strict=True)) if not own
                   for h in (mended[k] if mended is not None else find_headers(page, rules, mend=True))]
        found = complete_headers(found, numbers, pages, lenders)
    one_table = not BlockSpec.from_rules(rules)
    last_header = max((p.number for p, h in zip(pages, found, strict=True) if h), default=0)
    for page, headers in zip(pages, found, strict=True):
        if one_table and not headers and open_table.header is None and page.number < last_header:
            # a page before the matrix's last header with no table open (the pages before lost
            # their header): it is the matrix's if its codes open rows of the nearest page's table
            open_table = OpenTable(_nearest_header(found, pages, page.number))
        tables = read_page_tables(page, rules, open_table, headers)
        open_table = tables.open_table
        per_page.append(tables)
    return assemble(per_page, rules, source)


def _most_columns(found: Sequence[Sequence[TableHeader]]) -> int:
    return max((len(h.columns) for headers in found for h in headers), default=0)


def _nearest_header(
    found: Sequence[Sequence[TableHeader]], pages: Sequence[PageContent], number: int
) -> TableHeader | None:
    near = sorted(((abs(p.number - number), p.number, h[0]) for p, h in zip(pages, found, strict=True) if h),
                  key=lambda t: (t[0], t[1]))
    return near[0][2] if near else None


def assemble(per_page: Sequence[PageTables], rules: Rules, source: SourceInfo) -> Extraction:
    raw_rows: list[RawRow] = []
    narrative: list[tuple[int, str]] = []
    metadata_seen: dict[str, Counter[str]] = {}
    summaries: list[tuple[int, list[SummaryRow]]] = []
    years: list[int] = []
    progress_years: list[int] = []
    matrix_pages: list[int] = []
    following = {page.number: page.words for page in per_page}
    for page in per_page:
        if page.headers or page.raw_rows:
            matrix_pages.append(page.number)
            years = years or _years_of(page.headers, "expected_")
            progress_years = progress_years or _years_of(page.headers, "progress_")
            _mark_continuation(page.raw_rows, bool(raw_rows))
            raw_rows += page.raw_rows
            for key, value in read_metadata(page.outside_lines, rules).items():
                metadata_seen.setdefault(key, Counter())[value] += 1
            summary = read_summary_table(page.words, rules, page.number, following.get(page.number + 1, ()))
            summary = summary or read_summary(page.outside_lines, rules, page.number)
            if summary:
                summaries.append((page.number, summary))
        leftover = [ln for ln in page.outside_lines if not _is_meta_or_furniture(ln, rules)]
        if leftover:
            narrative.append((page.number, "\n".join(leftover)))
    # Every matrix page repeats the header block and the summary table: the reading most pages
    # agree on wins, so one page's OCR slip or clipped edge does not decide (on a text layer all
    # pages agree and the first page's reading is taken, as before).
    if not summaries and matrix_pages:
        # printed under the matrix, the summary table may open the page after the last matrix page
        after = next((p for p in per_page if p.number == matrix_pages[-1] + 1), None)
        summary = []
        if after:
            summary = read_summary_table(after.words, rules, after.number, following.get(after.number + 1, ()))
        if summary:
            summaries.append((after.number, summary))
    metadata = {key: seen.most_common(1)[0][0] for key, seen in metadata_seen.items()}
    summary = voted_summary(summaries, rules)
    return Extraction(
        source,
        rules.family,
        metadata,
        years,
        progress_years,
        raw_rows,
        summary,
        narrative,
        matrix_pages,
    )


def voted_summary(summaries: Sequence[tuple[int, list[SummaryRow]]], rules: Rules) -> list[SummaryRow]:
    """Each summary group's counts as most pages print them, in the rules' group order."""
    seen: dict[str, Counter[tuple[str, ...]]] = {}
    first: dict[tuple[str, tuple[str, ...]], SummaryRow] = {}
    for _, rows in summaries:
        for row in rows:
            counts = tuple(row.counts.values())
            seen.setdefault(row.group, Counter())[counts] += 1
            first.setdefault((row.group, counts), row)
    groups = rules.spec.summary.groups
    return [first[(g, seen[g].most_common(1)[0][0])] for g in groups if g in seen]


def _mark_continuation(rows: list[RawRow], has_previous: bool) -> None:
    """A page's first raw row without a code continues the previous page's last row."""
    if rows and has_previous and not rows[0].cells.get("code", "").strip():
        rows[0].continues_previous = True


def _years_of(headers: Sequence[TableHeader], prefix: str) -> list[int]:
    found = sorted(
        {int(c.role.rsplit("_", 1)[1]) for h in headers for c in h.columns if c.role.startswith(prefix)}
    )
    return found


def read_metadata(lines: Sequence[str], rules: Rules) -> dict[str, str]:
    # labels clipped by a scanner or misread ("inisterio conductor:") are put back first
    from extractor.furniture import clean_furniture_text

    lines, _ = clean_furniture_text(lines, rules)
    out: dict[str, str] = {}
    for key, pattern in rules.spec.metadata.items():
        rx = re.compile(pattern, re.I)
        for line in lines:
            m = rx.search(line)
            if m:
                out[key] = " ".join(m.group("v").split())
                break
    return out


def read_summary_table(
    words: Sequence[Word], rules: Rules, page: int, next_words: Sequence[Word] = ()
) -> list[SummaryRow]:
    """The summary-counts table wherever the page prints it, from word positions
    (extractor/summary.py), with the groups a page break carried to the top of the next page
    (`next_words`); `read_summary` reads lines of text when no table is found so."""
    columns = [(c.name, c.labels) for c in rules.summary_columns]
    groups = rules.spec.summary.groups
    table = find_summary_table(words, columns, groups)
    if table is None:
        return []
    rows = [SummaryRow(line.group, line.counts, page=page) for line in table.lines]
    if len(rows) < len(groups) and next_words:
        rows += [SummaryRow(line.group, line.counts, page=page + 1)
                 for line in continued_summary(table, next_words, groups)]
    return rows


def read_summary(lines: Sequence[str], rules: Rules, page: int) -> list[SummaryRow]:
    """Each summary group's line: its name followed by one whole number per count column, in
    the order the page's header line prints the columns (the rules' order when none is read)."""
    groups = rules.spec.summary.groups
    columns = rules.summary_columns
    if not columns:
        return []
    printed = printed_column_order(lines, columns) or [c.name for c in columns]
    counts = r"\s+(\d+)" * len(columns)
    out = []
    for group in groups:
        rx = re.compile(r"^\s*" + re.escape(group) + counts + r"\s*$", re.I)
        for line in lines:
            m = rx.match(line)
            if m:
                found = dict(zip(printed, m.groups(), strict=True))
                out.append(SummaryRow(group, {c.name: found[c.name] for c in columns}, page=page))
                break
    return out


def printed_column_order(lines: Sequence[str], columns: Sequence[SummaryColumn]) -> list[str] | None:
    """The count columns in the order a header line names them, if one line names them all."""
    patterns = {
        c.name: [re.compile(rf"(?<!\w){re.escape(normalize_label(label))}(?!\w)") for label in c.labels]
        for c in columns
    }
    for line in lines:
        text = normalize_label(line)
        at = {}
        for name, labels in patterns.items():
            starts = [m.start() for rx in labels if (m := rx.search(text))]
            if starts:
                at[name] = min(starts)
        if len(at) == len(columns) and len(set(at.values())) == len(at):
            return sorted(at, key=at.__getitem__)
    return None


def _is_meta_or_furniture(line: str, rules: Rules) -> bool:
    patterns = [*rules.spec.furniture, *rules.spec.metadata.values()]
    return any(re.search(p, line, re.I) for p in patterns)
