"""A ruled header whose anchor label no page reads, its code column found by the body's codes.

A scan can lose the header's anchor label ("Código") while the rest of the header reads: a
photocopy thresholds a grey header fill to black where the lamp was dim (the labels there are
gone from the pixels), or fattens bold print until tesseract reads "Clip". The body still shows
which header cell is the code column's: the family's codes stand under it. So each header cell
over a column of codes is tried as the anchor, and the row it opens must still read the share
of the family's other labels a header needs (`header.min_share`), which no body row and no
other table does. Rows read under such a header carry `header_code_column_from_body`.

`rows.read_matrix` tries this only when no page of the document gave a header otherwise.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import replace

from extractor.celltext import join_cell_text
from extractor.geometry import Box, ExtentIndex
from extractor.header import (
    YEAR,
    HeaderCell,
    TableHeader,
    group_columns,
    header_from_anchor,
    in_group,
    places_enough,
)
from extractor.labels import LABEL_MATCH_MIN, label_score, squash_label
from extractor.layout import find_headers, header_cells, vertical_rule_xs
from extractor.matrix_columns import (
    ALIGN_PT,
    MIN_RULE_PT,
    completed_from_donors,
    map_by_rules,
    ruled_extent,
    vertical_shift,
)
from extractor.matrix_columns import column_rule_xs as column_rules_x
from extractor.model import Column, PageContent, Word
from extractor.rules import Rules, load_ocr_confusions

CODE_COLUMN_HEADER = "header_code_column_from_body"  # the assumption rows under such a header carry
ANY_CODE_TOKEN = r"\d{2}(?:\.\d{2})+"  # what a code looks like when a family names no `codes.token`
SEPARATOR = re.compile(r"[.,]")
MIN_CODES = 3  # codes of the family's grammar under a cell that make it the code column's
PIECE_SHARE = 0.3  # of the family's labels, a page's piece of a header reads at least this many
PIECED_HEADER = "header_pieced"  # the assumption rows under a header pieced from several pages carry


def headers_over_codes(page: PageContent, rules: Rules, min_share: float | None = None) -> list[TableHeader]:
    """The page's header found from the cell its body's codes stand under, when no cell reads
    the anchor label; [] when a cell does (the normal search decided) or none qualifies.
    `min_share` as `layout.find_headers`'."""
    share = rules.spec.header.min_share if min_share is None else min_share
    anchors = rules.header.get("anchor", [])
    index = ExtentIndex(page.words)
    cells = [HeaderCell(box, join_cell_text(ws), ws) for box in header_cells(page) for ws in [index.inside(box)]]
    if any(label_score(c.text, anchors) >= LABEL_MATCH_MIN for c in cells):
        return []
    shaped = _code_shape(rules)
    codes = [w for w in page.words if shaped(w.text)]
    for cell in _over_most_codes(cells, codes):
        header = header_from_anchor(cell, cells, rules.header, share, vertical_rule_xs(page), code_by_content=True)
        if header is not None:
            header.assumptions.append(CODE_COLUMN_HEADER)
            return [_with_unread_labels(_code_column_to_its_rule(header, page, codes), cell, cells, rules.header)]
    return []


def _code_column_to_its_rule(header: TableHeader, page: PageContent, codes: Sequence[Word]) -> TableHeader:
    """The code column ending at the first column rule of the body right of its codes, where the
    header cell over them reached past it: a blacked-out header lost the rule between the code
    and name labels, and a stray one in the black stands for it (trata s236: a code column
    14–94 pt took the first words of every name, printed from 63 pt)."""
    code = header.column("code")
    if code is None:
        return header
    under = [w for w in codes if w.top >= header.box.bottom - 1 and code.x0 - 1 <= w.xmid <= code.x1 + 1]
    body_rules = [e.x0 for e in page.edges if e.orientation == "v" and e.bottom - e.top >= MIN_RULE_PT
                  and e.bottom > header.box.bottom + MIN_RULE_PT]
    right = statistics.median(w.x1 for w in under) if under else code.x1  # most codes: one may run over
    rule = min((x for x in body_rules if right - 1 <= x < code.x1 - ALIGN_PT), default=None)
    if rule is None:
        return header
    columns = [replace(c, x1=rule) if c is code else c for c in header.columns]
    return replace(header, columns=columns)


def _code_shape(rules: Rules) -> Callable[[str], bool]:
    """Whether a word reads as a code: one of the grammar's, or (a scan misreads a code's letters:
    "155.01.02", "§8.01.02.03") the family's code token, separators and all, specks around it cut."""
    token = re.compile(rules.spec.codes.token or ANY_CODE_TOKEN)
    specks = load_ocr_confusions().code_specks

    def shaped(text: str) -> bool:
        core = text.strip(specks)
        if rules.parse_code(core) is not None:
            return True
        return bool(SEPARATOR.search(core)) and token.fullmatch(core) is not None
    return shaped


def _over_most_codes(cells: Sequence[HeaderCell], codes: Sequence[Word]) -> list[HeaderCell]:
    """Cells holding no code with at least MIN_CODES codes under them inside their width, the
    most codes first, then the lowest (the header cell nearest the body before a frame above)."""
    counted = [(_codes_under(c.box, codes), c) for c in cells if not any(c.box.contains(w) for w in codes)]
    ranked = sorted(((n, c) for n, c in counted if n >= MIN_CODES), key=lambda t: (-t[0], -t[1].box.bottom))
    return [c for _, c in ranked]


def _codes_under(box: Box, codes: Sequence[Word]) -> int:
    return sum(1 for w in codes if w.top >= box.bottom - 1 and box.x0 - 1 <= w.xmid <= box.x1 + 1
               and w.x0 >= box.x0 - 1)


def lent_over_codes(
    pages: Sequence[PageContent], found: Sequence[Sequence[TableHeader]], rules: Rules
) -> list[list[TableHeader]]:
    """Each page's headers; a page with none gets the nearest page's header found over the body's
    codes, laid where its column rules stand, when codes stand in that header's code column here
    too: the dim end of the glass blacked its header out, and its labels with it, so it is
    known by the same evidence that found the header on the other page. Its rows carry
    `header_from_page:N`."""
    donors = [(page.number, h) for page, headers in zip(pages, found, strict=True) for h in headers
              if CODE_COLUMN_HEADER in h.assumptions]
    shaped = _code_shape(rules)
    out = []
    for page, headers in zip(pages, found, strict=True):
        for number, donor in sorted(donors, key=lambda d: (abs(d[0] - page.number), d[0])) if not headers else ():
            placed = _over_codes_on_page(page, donor, shaped)
            if placed is not None:
                headers = [replace(placed, assumptions=[*donor.assumptions, f"header_from_page:{number}"])]
                break
        out.append(list(headers))
    return out


def _over_codes_on_page(page: PageContent, donor: TableHeader, shaped: Callable[[str], bool]) -> TableHeader | None:
    """The donor's header laid over this page by its column rules, if codes stand under its code
    column there."""
    mapping = map_by_rules(donor, column_rules_x(page))
    dy = vertical_shift(page, donor, mapping)
    columns = [Column(c.role, mapping(c.x0), mapping(c.x1), c.label) for c in donor.columns]
    box = Box(columns[0].x0, columns[-1].x1, donor.box.top + dy, donor.box.bottom + dy)
    code = next((c for c in columns if c.role == "code"), None)
    if code is None:
        return None
    codes = [w for w in page.words if shaped(w.text)]
    if _codes_under(Box(code.x0, code.x1, box.top, box.bottom), codes) < MIN_CODES:
        return None
    return TableHeader(box, columns, {t: list(ys) for t, ys in donor.years.items()})


# ---- a header no page reads whole ---------------------------------------------------------------


def pieced_headers(pages: Sequence[PageContent], rules: Rules) -> list[list[TableHeader]]:
    """Each page's header pieced together from what every page read of it, when no page reads
    enough of the family's labels alone.

    A bitonal scan makes dots of a shaded header, and the lamp darkest over another part of it
    on each sheet blacks that part out (trata s236: page 1 reads the code, name and responsible
    labels, page 2 the groups and their years, no page seven of the ten labels). A page's piece
    is its header read needing PIECE_SHARE of the labels (by its anchor, else over the body's
    codes); each piece takes the columns it lacks from the others, nearest page first, laid by
    this page's column rules (the sheets lie alike on the glass); a pieced header that now places
    the share a header needs stands, and its rows carry `header_pieced`."""
    pieces = [find_headers(page, rules, mend=True, min_share=PIECE_SHARE)
              or headers_over_codes(page, rules, min_share=PIECE_SHARE) for page in pages]
    donors = [(page.number, h) for page, found in zip(pages, pieces, strict=True) for h in found]
    out = []
    for page, found in zip(pages, pieces, strict=True):
        whole = [_pieced(h, page, donors) for h in found]
        out.append([replace(h, assumptions=[*h.assumptions, PIECED_HEADER]) for h in whole
                    if places_enough(h, rules.header, rules.spec.header.min_share)])
    return out


def _pieced(header: TableHeader, page: PageContent, donors: Sequence[tuple[int, TableHeader]]) -> TableHeader:
    rules_x = column_rules_x(page)
    return completed_from_donors(header, page.number, donors, ruled_extent(header, page),
                                 lambda donor, _: map_by_rules(donor, rules_x))


# ---- labels the scan lost, placed by the family's order -----------------------------------------


def _with_unread_labels(header: TableHeader, anchor: HeaderCell, cells: Sequence[HeaderCell],
                        header_rules: dict) -> TableHeader:
    """The header with the cells of its row whose label no reading matched given their place.

    A header found over the codes lost its anchor's label, and the same darkness or fattening
    garbles others ("EA preinenvo / Linspailento …", "Unen base", a blank "Valores obtenidos").
    The family prints its columns, and its groups, in the rules' order; an unread cell of the
    row takes the one role of that order missing between its read neighbours, and a group's cell
    the group whose sub labels (or years) stand under it. Each is recorded on the header."""
    row = [c for c in cells if anchor.box.top - 1 <= c.box.top <= anchor.box.top + 1 and c.box.x0 >= anchor.box.x0 - 1]
    roles = list(header_rules.get("columns", {}))
    groups = header_rules.get("groups", [])
    columns, years, notes = list(header.columns), {t: list(ys) for t, ys in header.years.items()}, []
    for cell in sorted(row, key=lambda c: c.box.x0):
        if any(min(c.x1, cell.box.x1) - max(c.x0, cell.box.x0) > 1 for c in columns):
            continue
        subs = [c for c in cells if c.box.top >= cell.box.bottom - 1 and c.box.bottom <= header.box.bottom + 1
                and cell.box.x0 - 1 <= c.box.xmid <= cell.box.x1 + 1]
        if subs:
            g = _group_between(cell, subs, columns, groups)
            if g is not None:
                columns += group_columns(groups[g], subs, years, notes)
                notes.append(f"header_group_by_order:{groups[g]['labels'][0]}")
            continue
        role = _role_between(cell, columns, roles)
        if role is not None:
            columns.append(Column(role, cell.box.x0, cell.box.x1, cell.text))
            notes.append(f"header_column_by_order:{role}")
    if not notes:
        return header
    columns.sort(key=lambda c: c.x0)
    return replace(header, columns=columns, years={t: sorted(set(ys)) for t, ys in years.items()},
                   assumptions=[*header.assumptions, *notes])


def _role_between(cell: HeaderCell, columns: Sequence[Column], roles: Sequence[str]) -> str | None:
    """The one column role of the family's order missing between the columns read left and right
    of the cell, if the cell is the only room for it (its neighbours are those columns)."""
    ordered = sorted((c for c in columns if c.role in roles), key=lambda c: c.x0)
    left = [c for c in ordered if c.x1 <= cell.box.x0 + 1]
    right = [c for c in ordered if c.x0 >= cell.box.x1 - 1]
    if not left or not right:
        return None
    lo, hi = roles.index(left[-1].role), roles.index(right[0].role)
    missing = [r for r in roles[lo + 1:hi] if not any(c.role == r for c in columns)]
    return missing[0] if hi - lo == 2 and len(missing) == 1 else None


def _group_between(cell: HeaderCell, subs: Sequence[HeaderCell], columns: Sequence[Column],
                   groups: Sequence[dict]) -> int | None:
    """The group whose label the cell holds: the one unread group whose sub labels all stand under
    it, else the one unread year group between the groups read left and right with years under it."""
    read = {g for g, group in enumerate(groups) for c in columns if in_group(c.role, group)}
    unread = [g for g in range(len(groups)) if g not in read]
    texts = [s.text for s in subs]
    by_subs = [g for g in unread if groups[g].get("sub") and all(
        any(label_score(t, labels) >= LABEL_MATCH_MIN for t in texts) for labels in groups[g]["sub"].values())]
    if len(by_subs) == 1:
        return by_subs[0]
    if sum(1 for t in texts if YEAR.match(squash_label(t))) < 2:
        return None
    left = max((g for g in read for c in columns if in_group(c.role, groups[g]) and c.x1 <= cell.box.x0 + 1),
               default=-1)
    right = min((g for g in read for c in columns if in_group(c.role, groups[g]) and c.x0 >= cell.box.x1 - 1),
                default=len(groups))
    between = [g for g in unread if left < g < right and groups[g].get("years")]
    return between[0] if len(between) == 1 else None

