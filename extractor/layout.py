"""Table layout: the header and its columns, where the table ends, and its row spans.

Column boundaries come from the header row, found by its labels (synonyms in `rules/`), never
from fixed x positions; the year columns come from the header text. Header cells are taken
from the ruling grid (`geometry.grid_cells`) or, for producers that shade header cells instead
of ruling them, from the filled rectangles. A *row span* is the vertical extent (top, bottom)
of one printed row of a table body; `rows.py` makes a `RawRow` of the cells in it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from extractor.brokengrid import MENDED_HEADER, header_labels, label_scorer, mended_header_cells
from extractor.celltext import join_cell_text
from extractor.geometry import Box, Edge, ExtentIndex, grid_cells, text_lines
from extractor.header import HeaderCell, TableHeader, header_from_anchor, places_enough
from extractor.labels import LABEL_MATCH_MIN, label_score
from extractor.model import Column, Fill, PageContent, Word
from extractor.rules import Rules, leading_code_length
from extractor.textheader import band_cells, header_bands, widen_to_body

SEPARATORS = re.compile(r"[.:;,]+")  # a code's group separators, as OCR reads them (doubled where a word ended on one)
SNAP_TOLERANCE = 3.0  # ruling edges this close are one rule (a cell's own border beside its neighbour's)
PAINTED_OVERLAP = 0.3  # a ruled cell overlapping a painted cell this much (IoU) is not a cell of its own
SAME_CELL_OVERLAP = 0.7  # … and this much, it is the painted cell again
CELLS_COVER = 0.5  # a header band this much covered by cells is a ruled or painted header




# ---- grid ------------------------------------------------------------------------------------


def fill_cells(fills: Sequence[Fill], min_size: float = 4.0) -> list[Box]:
    """Shaded rectangles that can serve as header cells when a producer draws no rules."""
    return [
        Box(f.x0, f.x1, f.top, f.bottom)
        for f in fills
        if f.x1 - f.x0 >= min_size and f.bottom - f.top >= min_size
    ]


def horizontal_rules(edges: Sequence[Edge], x0: float, x1: float, top: float, bottom: float) -> list[float]:
    """y of horizontal rules covering most of [x0, x1] between top and bottom.

    Producers often rule each cell on its own, so collinear segments are pooled and their
    union measured, rather than asking for one long line.
    """
    segments: dict[float, list[tuple[float, float]]] = {}
    for e in sorted(
        (e for e in edges if e.orientation == "h" and top - 1 <= e.top <= bottom + 1), key=lambda e: e.top
    ):
        y = next((k for k in segments if abs(k - e.top) <= SNAP_TOLERANCE), e.top)
        segments.setdefault(y, []).append((max(e.x0, x0), min(e.x1, x1)))
    width = x1 - x0
    return sorted(y for y, spans in segments.items() if _union_length(spans) >= 0.5 * width)


def _union_length(spans: list[tuple[float, float]]) -> float:
    total, reach = 0.0, float("-inf")
    for a, b in sorted(spans):
        if b <= reach:
            continue
        total += b - max(a, reach)
        reach = b
    return total


def ruled_table_bottom(edges: Sequence[Edge], header_box: Box, borders: Sequence[float] = ()) -> float | None:
    """Where the ruled grid under a header ends: the foot of its left border, followed down.

    Boxes drawn below a table (call-out notes) are ruled too, but they are not joined to the
    table's own left border. With `borders` (the x of the table's column rules), the foot that
    two of them or more reach: toner dropout may break any one rule, the left border too, and a
    rule followed down stops at its break.
    """
    feet = [f for x in (borders or [header_box.x0]) if (f := _border_foot(edges, header_box, x)) is not None]
    if len(feet) < 2:
        return feet[0] if feet else None
    return max(f for f in feet if sum(1 for g in feet if g >= f - SNAP_TOLERANCE) >= 2)


def _border_foot(edges: Sequence[Edge], header_box: Box, x: float) -> float | None:
    """The foot of the vertical rule at `x` that starts at the header, followed down."""
    left = sorted(
        (e for e in edges if e.orientation == "v" and abs(e.x0 - x) <= SNAP_TOLERANCE),
        key=lambda e: e.top,
    )
    reach = None
    for e in left:
        start = header_box.top if reach is None else reach
        if e.top <= start + SNAP_TOLERANCE and e.bottom > (reach or header_box.top):
            reach = e.bottom
    return reach if reach is not None and reach > header_box.bottom + 2 else None


def column_borders(header: TableHeader) -> list[float]:
    """The x of a table's column rules: each column's left side and the last one's right."""
    return sorted({c.x0 for c in header.columns} | {max(c.x1 for c in header.columns)})


# ---- header ----------------------------------------------------------------------------------



def find_headers(
    page: PageContent, rules: Rules, mend: bool = False, min_share: float | None = None
) -> list[TableHeader]:
    """Every table header on the page, top to bottom.

    `mend`: where the grid's cells give no header, or one with too few columns for the family
    (`header.places_enough`), try them mended by the text (a scan's dropout broke the header's
    rules) before the text alone. `min_share`: of the family's labels a header must read, when
    not the family's `header.min_share` (a piece of a header, codeheader.pieced_headers)."""
    share = rules.spec.header.min_share if min_share is None else min_share
    header_rules = rules.header
    anchors = header_rules.get("anchor", [])
    cells = header_cells(page)
    index = ExtentIndex(page.words)
    hcells = [HeaderCell(box, join_cell_text(words), words) for box in cells for words in [index.inside(box)]]
    headers: list[TableHeader] = []
    for anchor in hcells:
        if label_score(anchor.text, anchors) < LABEL_MATCH_MIN:
            continue
        if any(h.box.top - 1 <= anchor.box.ymid <= h.box.bottom + 1 for h in headers):
            continue
        header = header_from_anchor(anchor, hcells, header_rules, share, vertical_rule_xs(page))
        if header:
            headers.append(header)
    if mend and not any(places_enough(h, header_rules, share) for h in headers):
        headers = _headers_of_mended_grid(page, rules, cells, share) or headers
    return sorted(headers or _text_headers(page, rules, cells), key=lambda h: h.box.top)


def _headers_of_mended_grid(page: PageContent, rules: Rules, cells: list[Box], share: float) -> list[TableHeader]:
    """The header read from the grid's cells mended by its text (brokengrid.py), when the
    grid's own cells gave none: a scan's dropout broke the header's rules."""
    header_rules = rules.header
    anchors = header_rules.get("anchor", [])
    score = label_scorer(header_labels(header_rules))
    for word in page.words:
        if label_score(word.text, anchors) < LABEL_MATCH_MIN:
            continue
        mended = mended_header_cells(cells, page.words, word, score, vertical_rule_xs(page))
        if mended is None:
            continue
        index = ExtentIndex(page.words)
        hcells = [HeaderCell(box, join_cell_text(ws), ws) for box in mended for ws in [index.inside(box)]]
        for anchor in hcells:
            if not anchor.box.top <= word.ymid <= anchor.box.bottom:
                continue
            if label_score(anchor.text, anchors) >= LABEL_MATCH_MIN:
                header = header_from_anchor(anchor, hcells, header_rules, share, vertical_rule_xs(page))
                if header:
                    header.assumptions.append(MENDED_HEADER)
                    return [header]
    return []



def _text_headers(page: PageContent, rules: Rules, cells: Sequence[Box]) -> list[TableHeader]:
    """Headers printed as text alone, neither painted nor ruled (textheader.py).

    Where the band such a header would span is ruled or painted, its cells were there to be
    read: the cells' labels were misread (a scan), and the text's fragment of a header would
    only hide the header that the other pages of the table lend it (matrix_columns.py)."""
    found = _text_headers_in(page.words, rules, page.height, _heading_words(page, rules))
    return [h for h in found if not _band_in_cells(h.box, cells)]


def _heading_words(page: PageContent, rules: Rules) -> set[int]:
    """Ids of the words of the page's block headings: a heading is printed across the columns,
    and where its text ends between two labels it would pass for a cell of theirs."""
    from extractor.blocks import BlockSpec, find_headings  # blocks reads headings with this module's helpers

    spec = BlockSpec.from_rules(rules)
    return {id(w) for h in (find_headings(page, page.words, spec) if spec else []) for w in h.words}


def _band_in_cells(band: Box, cells: Sequence[Box]) -> bool:
    """Whether cells cover most of the band's width at its middle line."""
    across = [(max(c.x0, band.x0), min(c.x1, band.x1)) for c in cells if c.top <= band.ymid <= c.bottom]
    width = band.x1 - band.x0
    return width > 0 and _union_length([s for s in across if s[1] > s[0]]) >= CELLS_COVER * width


def _text_headers_in(
    words: Sequence[Word], rules: Rules, page_bottom: float, not_body: set[int] | None = None
) -> list[TableHeader]:
    bands = header_bands(words, rules.header)
    tops = [min(w.top for w in band[0]) for band in bands] + [page_bottom]
    found: list[tuple[TableHeader, list[Word]]] = []
    for band, next_top in zip(bands, tops[1:], strict=True):
        hcells = [HeaderCell(c.box, c.text) for c in band_cells(band, rules.header)]
        anchors = rules.header.get("anchor", [])
        anchor = next((c for c in hcells if label_score(c.text, anchors) >= LABEL_MATCH_MIN), None)
        header = anchor and header_from_anchor(anchor, hcells, rules.header, rules.spec.header.min_share)
        if header:
            below = [w for w in words if header.box.bottom < w.top and w.bottom <= next_top]
            found.append((header, [w for w in below if id(w) not in (not_body or set())]))
    bodies = [(list(header.columns), words) for header, words in found]
    for (header, _), (labels, _) in zip(found, bodies, strict=True):
        header.labels, header.bodies = labels, bodies
        _widen(header, rules)
    return [header for header, _ in found]


def _widen(header: TableHeader, rules: Rules) -> None:
    header.columns = widen_to_body(header.labels, header.bodies, _cell_code_length(rules))
    header.box = Box(header.columns[0].x0, header.columns[-1].x1, header.box.top, header.box.bottom)


def _cell_code_length(rules: Rules) -> Callable[[str], int]:
    """The length of the code a code cell's text opens with: a block heading's code (a bar
    printed across the columns, `AEI.01.02INVESTIGACIONES`) is no code cell's."""
    heading = re.compile(rules.spec.blocks.start) if rules.spec.blocks else None
    return lambda text: 0 if heading and heading.match(text) else leading_code_length(rules, text)


def carried_over(header: TableHeader, body: Sequence[Word], rules: Rules) -> TableHeader:
    """A table going on at the top of the next page, its columns found again with the rows
    printed there: a header read from its text alone at a page's foot has few rows (or none)
    under it to show where its cells meet, and the rest of its body is printed on this page."""
    if not header.labels or not body:
        return header
    bodies = [(labels, [*words, *body] if labels is header.labels else words) for labels, words in header.bodies]
    # every other field (cells, assumptions) goes on with the table: a copy, not a positional rebuild
    widened = replace(header, columns=list(header.columns), bodies=bodies)
    _widen(widened, rules)
    return widened


SAME_EDGE_PT = 2.0  # column edges this close on two pages: the same column


def completed_from(header: TableHeader, previous: TableHeader | None) -> TableHeader:
    """A repeated header with the columns it could not read taken from the previous page's.

    A header repeated on every page may print a label cut short (a word processor clips a
    repeated header row lower than the first: "OBJETIVO PRIORITARIO /" for the whole label).
    When every column this page did read stands where the previous page had it, the table
    goes on, and a previous column over an unread cell of this header keeps its role.
    """
    if previous is None:
        return header
    before = {c.role: c for c in previous.columns}
    if not header.columns or not all(
        (p := before.get(c.role)) is not None and abs(p.x0 - c.x0) <= SAME_EDGE_PT and abs(p.x1 - c.x1) <= SAME_EDGE_PT
        for c in header.columns
    ):
        return header
    have = {c.role for c in header.columns}
    missing = [
        c
        for c in previous.columns
        if c.role not in have
        and header.box.x0 - SAME_EDGE_PT <= c.x0
        and c.x1 <= header.box.x1 + SAME_EDGE_PT
        and not any(min(c.x1, o.x1) - max(c.x0, o.x0) > SAME_EDGE_PT for o in header.columns)
    ]
    if not missing:
        return header
    return replace(header, columns=sorted(header.columns + missing, key=lambda c: c.x0))


def find_continued_header(
    page: PageContent, rules: Rules, words: Sequence[Word], carried: Sequence[Word], top: float, bottom: float
) -> TableHeader | None:
    """A header cut in two by a page break, completed from the top of this page.

    Its first lines were printed at the foot of the previous page (`carried`, only their x is
    used); the rest of its cells open this page between `top` and `bottom`. A table keeps its x
    geometry across the break, so this page's cells give the columns, and a cell cut by the
    break reads the carried words over it followed by its own (`PARAMETRO` + `DE MEDICION`).
    """
    boxes = [c for c in header_cells(page) if top - 1 <= c.top and c.bottom <= bottom + 1]
    if not boxes:
        return _continued_text_header(rules, words, carried, top, bottom)
    cut_top = min(c.top for c in boxes)
    hcells = []
    for box in boxes:
        above = [w for w in carried if box.x0 <= w.xmid <= box.x1] if box.top <= cut_top + 1 else []
        own = [w for w in words if box.contains(w)]
        text = " ".join(t for t in (join_cell_text(above), join_cell_text(own)) if t)
        hcells.append(HeaderCell(box, text, own))
    anchors = rules.header.get("anchor", [])
    for anchor in hcells:
        if label_score(anchor.text, anchors) >= LABEL_MATCH_MIN:
            header = header_from_anchor(anchor, hcells, rules.header, rules.spec.header.min_share,
                                         vertical_rule_xs(page))
            if header:
                return header
    return None


def _continued_text_header(
    rules: Rules, words: Sequence[Word], carried: Sequence[Word], top: float, bottom: float
) -> TableHeader | None:
    """A header printed as text alone and cut by a page break: its carried lines, set one line
    above this page's first, and the lines that open this page are read as one band."""
    here = [w for w in words if top - 1 <= w.top and w.bottom <= bottom + 1]
    if not carried or not here:
        return None
    carried_lines, first_line = text_lines(carried), min(here, key=lambda w: w.top)
    last = carried_lines[-1][0]
    step = (last.top - carried_lines[-2][0].top) if len(carried_lines) > 1 else 1.2 * (last.bottom - last.top)
    shift = first_line.top - step - last.top
    moved = [Word(w.text, w.x0, w.x1, w.top + shift, w.bottom + shift) for w in carried]
    found = _text_headers_in([*moved, *here], rules, bottom)
    return found[0] if found else None


def header_cells(page: PageContent) -> list[Box]:
    """Candidate header cells without ruled cells that a painted cell contradicts.

    A producer that paints each header cell and separates them with white borders draws the
    borders as thin filled rectangles; read as rules, they give a grid shifted against the
    painted cells (a cell straddling two of them). A ruled cell that overlaps a painted cell
    much without lying inside it is such a misread and is dropped; one that repeats a painted
    cell is a duplicate and goes too.
    """
    cells = _header_candidate_cells(page)
    painted = fill_cells(page.fills)
    painted_set = set(painted)
    return [
        c
        for c in cells
        if c in painted_set or not any(_same_box(p, c) or _contradicts(p, c) for p in painted)
    ]


def _same_box(painted: Box, ruled: Box) -> bool:
    return _overlap_share(painted, ruled) >= SAME_CELL_OVERLAP


def _contradicts(painted: Box, ruled: Box) -> bool:
    """A painted cell overlapping a ruled cell without enclosing it (a background band or the
    same cell painted encloses it)."""
    encloses = (
        painted.x0 - 1 <= ruled.x0
        and ruled.x1 <= painted.x1 + 1
        and painted.top - 1 <= ruled.top
        and ruled.bottom <= painted.bottom + 1
    )
    return not encloses and _overlap_share(ruled, painted) >= PAINTED_OVERLAP


def _overlap_share(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / ((a.x1 - a.x0) * (a.bottom - a.top) + (b.x1 - b.x0) * (b.bottom - b.top) - inter)


def _header_candidate_cells(page: PageContent) -> list[Box]:
    cells = grid_cells(page.edges, snap=SNAP_TOLERANCE) + fill_cells(page.fills)
    # a cell holding other cells (a whole-table frame, a page-wide strip) is no header cell
    return [c for c in cells if c.bottom - c.top < page.height * 0.25]


def vertical_rule_xs(page: PageContent) -> list[float]:
    """The x of the page's vertical rules."""
    return sorted(e.x0 for e in page.edges if e.orientation == "v")


# ---- body rows -------------------------------------------------------------------------------


def row_spans_from_rules(
    page: PageContent, header: TableHeader, top: float, bottom: float
) -> list[tuple[float, float]]:
    """Row spans between consecutive horizontal rules below the header, if the body is ruled."""
    ys = horizontal_rules(page.edges, header.box.x0, header.box.x1, top, bottom)
    if ys and ys[0] - top > 2:  # the header's own bottom rule may be missing or short
        ys.insert(0, top)
    if ys:
        # a row cut by the page end has no bottom rule: the table's left border still runs down
        # beside it, to where the page ends the row
        foot = _open_border_foot(page, header.box.x0, ys[-1], bottom)
        if foot is not None:
            ys.append(foot)
    return [(a, b) for a, b in itertools.pairwise(ys) if b - a > 2]


def _open_border_foot(page: PageContent, x: float, last_rule: float, bottom: float) -> float | None:
    """The foot of the vertical rule at `x` that starts at the last horizontal rule and runs on."""
    feet = [
        e.bottom for e in page.edges
        if e.orientation == "v" and abs(e.x0 - x) <= SNAP_TOLERANCE
        and abs(e.top - last_rule) <= SNAP_TOLERANCE and e.bottom > last_rule + 2
    ]  # fmt: skip
    return min(max(feet), bottom) if feet and min(max(feet), bottom) > last_rule + 2 else None


def row_spans_from_anchors(
    words: Sequence[Word], code_col: Column, top: float, bottom: float, code_pattern: re.Pattern[str]
) -> list[tuple[float, float]]:
    """Row spans for an unruled body: one per code in the code column, cut at the widest gap.

    Codes may sit at the top of their row or be centred in it; between two codes the rows
    are separated where the vertical whitespace across all columns is widest.
    """
    body = [w for w in words if top <= w.ymid <= bottom]
    anchors = sorted(
        (w for w in body if code_col.x0 - 2 <= w.xmid <= code_col.x1 + 2 and code_pattern.search(w.text)),
        key=lambda w: w.top,
    )
    if not anchors:
        return []
    cuts = [top]
    for a, b in itertools.pairwise(anchors):
        cuts.append(_widest_gap(body, a.bottom, b.top))
    cuts.append(bottom)
    return list(itertools.pairwise(cuts))


def split_spans_at_codes(
    words: Sequence[Word], code_col: Column, spans: Sequence[tuple[float, float]], is_code: Callable[[str], bool]
) -> list[tuple[float, float]]:
    """Ruled row spans, each holding two rows or more cut between their codes.

    Toner dropout or a faint scan can take the whole rule between two rows: the span between
    the rules left then holds both, and their cells would read as one row ("ISS.02.03.03.02
    OP.03"). Codes one under the other in the code column are rows of their own, cut where the
    whitespace between them is widest.
    """
    out: list[tuple[float, float]] = []
    for top, bottom in spans:
        column = [w for w in words if top <= w.ymid < bottom and code_col.x0 - 2 <= w.xmid <= code_col.x1 + 2]
        coded = [line[0] for line in text_lines([w for w in column if is_code(w.text)])]
        pieces = [line[0] for line in text_lines(column)
                  if not any(is_code(w.text) for w in line) and is_code(_dotted(line))]
        firsts = sorted(coded + pieces, key=lambda w: w.top)
        if len(firsts) < 2:
            out.append((top, bottom))
            continue
        body = [w for w in words if top <= w.ymid < bottom]
        cuts = [top, *(_widest_gap(body, a.bottom, b.top) for a, b in itertools.pairwise(firsts)), bottom]
        out += list(itertools.pairwise(cuts))
    return out


def _dotted(line: Sequence[Word]) -> str:
    """A line of the code column read as one code whose separators a scan lost: a bitonal
    threshold drops a code's dots, and OCR reads its groups as words ("ISS 02 01 03 01")."""
    return SEPARATORS.sub(".", ".".join(w.text for w in line)).strip(".")


def _widest_gap(words: Sequence[Word], lo: float, hi: float) -> float:
    intervals = sorted((max(w.top, lo), min(w.bottom, hi)) for w in words if w.bottom > lo and w.top < hi)
    best_gap, best_y, cursor = -1.0, (lo + hi) / 2, lo
    for t, b in intervals:
        if t - cursor > best_gap:
            best_gap, best_y = t - cursor, (cursor + t) / 2
        cursor = max(cursor, b)
    if hi - cursor > best_gap:
        best_y = (cursor + hi) / 2
    return best_y


def cells_of_row_span(
    words: Sequence[Word],
    columns: Sequence[Column],
    top: float,
    bottom: float,
    join_hyphen_wraps: bool = False,
) -> dict[str, str]:
    """Cell text per column role for the words whose centre lies in the row span."""
    in_span = [w for w in words if top <= w.ymid < bottom]
    cells: dict[str, list[Word]] = {}
    for w in in_span:
        col = column_of(w, columns)
        if col:
            cells.setdefault(col.role, []).append(w)
    return {role: join_cell_text(ws, join_hyphen_wraps) for role, ws in cells.items()}


def column_of(word: Word, columns: Sequence[Column]) -> Column | None:
    for col in columns:
        if col.x0 - 0.5 <= word.xmid <= col.x1 + 0.5:
            return col
    return None


def fill_color_at(
    fills: Sequence[Fill], col: Column | None, top: float, bottom: float
) -> tuple[float, float, float] | None:
    if col is None:
        return None
    for f in fills:
        if f.x0 <= (col.x0 + col.x1) / 2 <= f.x1 and f.top <= (top + bottom) / 2 <= f.bottom:
            return f.color
    return None
