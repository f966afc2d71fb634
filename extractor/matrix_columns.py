"""One matrix, one set of columns: a page's header completed from the headers of its other pages.

A matrix printed over several pages repeats its header on each, at the same place on the sheet.
On a scan one page's header can lose a label (blur over a shaded group label turns "Logros
esperados" into "Loyivs us"), and with it every column under it: the year columns of a group,
or the name column. The other pages printed the same header, so the missing columns are taken
from them, placed by the columns both headers read (an x mapping fitted on them, so a sheet
shifted or scaled on the glass, and the deskew, are followed) and snapped to this page's own
header cell when one lies there. A header of another table (other columns at other places) does
not align, and lends nothing.

A page where no header was found at all, but whose text prints the other pages' header labels
at the place they print them (rules broken by toner dropout merged its cells with the first
row's), gets their header placed on it: x by its own column rules, y by the table's top rule.
Its rows carry `header_from_page:N`.

The rows read under a completed header carry the assumption (`header_columns_from_page:N:…`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from extractor.brokengrid import MENDED_HEADER
from extractor.celltext import join_cell_text
from extractor.geometry import Box, ExtentIndex
from extractor.header import YEAR, TableHeader
from extractor.labels import LABEL_MATCH_MIN, label_score
from extractor.model import Column, PageContent

ALIGN_PT = 4.0  # a column boundary mapped from another page's header lands this close to its own
MIN_SHARED = 3  # columns both headers read, to place the rest by
ALIGNED_SHARE = 0.8  # of the shared boundaries, at least this many land within ALIGN_PT
OVERLAP_PT = 2.0  # a borrowed column may overlap a column the page read by this much (a rule's width)
MAX_SHIFT_PT = 40.0  # how far a sheet may lie from where another page's sheet lay
MIN_RULE_PT = 8.0  # a column rule at least this long (a row's height)
RULES_SHARE = 0.5  # of a header's column borders, this many ruled on the page place it by the rules
LABELS_SHARE = 0.4  # of a placed header's columns, this many must read their label there


@dataclass(frozen=True, slots=True)
class XMap:
    """x on a donor page → x on this page (`scale` * x + `shift`)."""

    scale: float
    shift: float

    def __call__(self, x: float) -> float:
        return self.scale * x + self.shift


def complete_headers(
    found: Sequence[Sequence[TableHeader]], numbers: Sequence[int], pages: Sequence[PageContent] | None = None,
    lenders: Sequence[tuple[int, TableHeader]] = (),
) -> list[list[TableHeader]]:
    """Each page's headers (`found[i]` on page `numbers[i]`) with the columns they miss taken from
    the matching headers of the other pages: the nearest page first.

    `lenders`: more headers (page, header) that only lend columns, read no page of their own.

    With the `pages`, a header's table reaches as far as the rules that bound its band run: a
    scan that lost the border of the last header cell (toner dropout, a cut sheet) still has
    the table's top rule, and the column beyond its last cell is borrowed there.
    """
    donors = [(n, h) for n, headers in zip(numbers, found, strict=True) for h in headers] + list(lenders)
    out = []
    for i, (number, headers) in enumerate(zip(numbers, found, strict=True)):
        page = pages[i] if pages is not None else None
        out.append([completed_from_donors(h, number, donors, ruled_extent(h, page)) for h in headers])
    return out


Placing = Callable[[TableHeader, TableHeader], XMap | None]  # (donor, header) → donor x onto this page


def by_shared_columns(donor: TableHeader, header: TableHeader) -> XMap | None:
    return fit_columns(donor.columns, header.columns)


def completed_from_donors(
    header: TableHeader, number: int, donors: Sequence[tuple[int, TableHeader]], ruled: tuple[float, float] | None,
    placing: Placing = by_shared_columns,
) -> TableHeader:
    """`header` (page `number`) with the columns it lacks, or reads cut short, taken from the
    donors, nearest page first, each laid on this page by `placing` (by default the columns both
    read; a header's piece shares too few, and is laid by the page's rules: codeheader.py)."""
    own = {c.role for c in header.columns}
    for donor_page, donor in sorted(donors, key=lambda d: (abs(d[0] - number), d[0])):
        if donor is header:
            continue
        mapping = placing(donor, header)
        if mapping is not None:
            if {c.role for c in donor.columns} - own:
                header = borrow_columns(header, donor, mapping, donor_page, ruled)
            header = widen_cut_columns(header, donor, mapping, donor_page)
            own = {c.role for c in header.columns}
    return header


def widen_cut_columns(header: TableHeader, donor: TableHeader, mapping: XMap, donor_page: int) -> TableHeader:
    """`header` with a column the donor prints wider taken at the donor's width, where no other
    column of this page lies in the part it gains: a stray rule in the header cut its cell (a
    toner streak through a shaded header leaves two fill borders: salud s313's code column
    33–63 pt, its codes printed from 16 pt, every row's code lost)."""
    theirs = {c.role: (mapping(c.x0), mapping(c.x1)) for c in donor.columns}
    columns, widened = [], []
    for col in header.columns:
        x0, x1 = theirs.get(col.role, (col.x0, col.x1))
        x0, x1 = min(x0, col.x0), max(x1, col.x1)
        if (x0 < col.x0 - ALIGN_PT or x1 > col.x1 + ALIGN_PT) and not any(
            o is not col and min(x1, o.x1) - max(x0, o.x0) > OVERLAP_PT for o in header.columns
        ):
            columns.append(Column(col.role, x0, x1, col.label))
            widened.append(col.role)
        else:
            columns.append(col)
    if not widened:
        return header
    box = Box(min(header.box.x0, *(c.x0 for c in columns)), max(header.box.x1, *(c.x1 for c in columns)),
              header.box.top, header.box.bottom)
    note = f"header_columns_widened_from_page:{donor_page}:{describe_roles(widened)}"
    return replace(header, box=box, columns=columns, assumptions=[*header.assumptions, note])


def ruled_extent(header: TableHeader, page: PageContent | None) -> tuple[float, float] | None:
    """Left and right end of the horizontal rules bounding the header's band (its top rule and the
    rule under it) that run along the header, if the page has any."""
    if page is None:
        return None
    box = header.box
    along = [e for e in page.edges if e.orientation == "h" and box.top - ALIGN_PT <= e.pos <= box.bottom + ALIGN_PT
             and e.start < box.x1 and e.end > box.x0]
    return (min(e.start for e in along), max(e.end for e in along)) if along else None


def fit_columns(donor: Sequence[Column], own: Sequence[Column]) -> XMap | None:
    """The x mapping that lays the donor's columns over this header's, if they are one structure:
    enough shared columns, and their boundaries land where this header has them."""
    mine = {c.role: c for c in own}
    pairs = [(getattr(d, side), getattr(mine[d.role], side)) for d in donor if d.role in mine for side in ("x0", "x1")]
    if len(pairs) < 2 * MIN_SHARED:
        return None
    # a least-squares fit over all boundaries, or one over those the shift most of them agree on:
    # the first is pulled off by a few a misread year put one column over (salud s197: four of
    # 32), the second misses a page printed at another scale; the one more boundaries agree with
    shifts = sorted(b - a for a, b in pairs)
    start = XMap(1.0, shifts[len(shifts) // 2])
    agreed = [(a, b) for a, b in pairs if abs(start(a) - b) <= ALIGN_PT]
    fits = [_least_squares(pairs), *([_least_squares(agreed)] if agreed else [])]
    mapping = max(fits, key=lambda m: sum(abs(m(a) - b) <= ALIGN_PT for a, b in pairs))
    close = [(a, b) for a, b in pairs if abs(mapping(a) - b) <= ALIGN_PT]
    if len(close) < ALIGNED_SHARE * len(pairs) or len(close) < 2 * MIN_SHARED:
        return None  # a misread label may put one column elsewhere; most must agree
    return _least_squares(close)


def _least_squares(pairs: Sequence[tuple[float, float]]) -> XMap:
    n = len(pairs)
    mean_a = sum(a for a, _ in pairs) / n
    mean_b = sum(b for _, b in pairs) / n
    spread = sum((a - mean_a) ** 2 for a, _ in pairs)
    if spread < 1e-6:
        return XMap(1.0, mean_b - mean_a)
    scale = sum((a - mean_a) * (b - mean_b) for a, b in pairs) / spread
    return XMap(scale, mean_b - scale * mean_a)


def borrow_columns(
    header: TableHeader, donor: TableHeader, mapping: XMap, donor_page: int, ruled: tuple[float, float] | None = None
) -> TableHeader:
    """`header` with the donor's columns it lacks, mapped onto this page, where they fit: inside
    the table's extent (its header cells, or the `ruled` extent of the rules bounding the header
    band) and clear of the columns this page read."""
    own = {c.role for c in header.columns}
    left, right = _extent(header)
    if ruled is not None:
        left, right = min(left, ruled[0]), max(right, ruled[1])
    taken: list[Column] = []
    for col in donor.columns:
        if col.role in own:
            continue
        x0, x1 = _snapped(mapping(col.x0), mapping(col.x1), header.cells)
        if x0 < left - ALIGN_PT or x1 > right + ALIGN_PT:
            continue
        if any(min(x1, c.x1) - max(x0, c.x0) > OVERLAP_PT for c in [*header.columns, *taken]):
            continue
        taken.append(Column(col.role, x0, x1, col.label))
    if not taken:
        return header
    columns = sorted([*header.columns, *taken], key=lambda c: c.x0)
    years = {template: list(ys) for template, ys in header.years.items()}
    for template, donor_years in donor.years.items():
        for year in donor_years:
            if any(c.role == template.format(year=year) for c in taken):
                years.setdefault(template, []).append(year)
    box = Box(min(c.x0 for c in columns), max(c.x1 for c in columns), header.box.top, header.box.bottom)
    note = f"header_columns_from_page:{donor_page}:{describe_roles([c.role for c in taken])}"
    return replace(header, box=box, columns=columns, years={t: sorted(ys) for t, ys in years.items()},
                   assumptions=[*header.assumptions, note])


def _extent(header: TableHeader) -> tuple[float, float]:
    """Left and right edge of the table as this page's header shows it (its cells, read or not)."""
    xs0 = [header.box.x0, *(c.x0 for c in header.cells)]
    xs1 = [header.box.x1, *(c.x1 for c in header.cells)]
    return min(xs0), max(xs1)


def _snapped(x0: float, x1: float, cells: Sequence[Box]) -> tuple[float, float]:
    """A mapped column on this page's own header cell, when one has both its borders there."""
    for cell in cells:
        if abs(cell.x0 - x0) <= ALIGN_PT and abs(cell.x1 - x1) <= ALIGN_PT:
            return cell.x0, cell.x1
    return x0, x1


def describe_roles(roles: Sequence[str]) -> str:
    """Column roles in a few words: year columns of one group as a range (expected_2021-2025)."""
    groups: dict[str, list[str]] = {}
    for role in roles:
        stem, _, year = role.rpartition("_")
        key = stem if year.isdigit() else role
        groups.setdefault(key, []).append(year if year.isdigit() else "")
    parts = []
    for key, years in groups.items():
        years = [y for y in years if y]
        parts.append(f"{key}_{years[0]}-{years[-1]}" if len(years) > 1 else f"{key}_{years[0]}" if years else key)
    return ",".join(parts)


# ---- a page whose header was not found --------------------------------------------------------


def place_headers(
    pages: Sequence[PageContent], found: Sequence[Sequence[TableHeader]], labels: dict[str, list[str]]
) -> list[list[TableHeader]]:
    """Each page's headers; a page with none found gets the nearest page's header where its own
    text prints that header's labels (`labels`: the family's synonyms per column role)."""
    donors = [(page.number, h) for page, headers in zip(pages, found, strict=True) for h in headers]
    out = []
    for page, headers in zip(pages, found, strict=True):
        if not headers:
            for donor_page, donor in sorted(donors, key=lambda d: (abs(d[0] - page.number), d[0])):
                placed = header_on_page(page, donor, labels)
                if placed is not None:
                    headers = [replace(placed, assumptions=[f"header_from_page:{donor_page}"])]
                    break
        out.append(list(headers))
    return out


def strongest_headers(
    pages: Sequence[PageContent], found: Sequence[Sequence[TableHeader]], labels: dict[str, list[str]]
) -> list[list[TableHeader]]:
    """Headers read from mended cells (no page's grid gave one), the fullest lent to the others.

    Mending reads each page's broken rules differently; the header placing the most of the
    family's columns apart is the surest reading of the one structure, so it is placed on every
    page that prints its labels, and a page that does not keeps its own reading."""
    most = max((len(h.columns) for headers in found for h in headers), default=0)
    fullest = [[h for h in headers if len(h.columns) == most] for headers in found]
    placed = [[_noted(h, MENDED_HEADER) for h in headers] for headers in place_headers(pages, fullest, labels)]
    return [here or list(own) for here, own in zip(placed, found, strict=True)]


def _noted(header: TableHeader, note: str) -> TableHeader:
    return header if note in header.assumptions else replace(header, assumptions=[*header.assumptions, note])


def header_on_page(page: PageContent, donor: TableHeader, labels: dict[str, list[str]]) -> TableHeader | None:
    """The donor's header laid over this page, if the page prints enough of its labels there."""
    mapping = map_by_rules(donor, column_rule_xs(page))
    columns = [Column(c.role, mapping(c.x0), mapping(c.x1), c.label) for c in donor.columns]
    index = ExtentIndex(page.words)
    # the table's top rule may be lost on this page (a rule lower down then passes for it): where
    # the donor's header stood on its own sheet is the other reading, and the labels decide
    # (labels read, the rule's reading first on a tie, shift)
    read, _, dy = max((_labels_read(columns, index, donor.box.top + d, donor.box.bottom + d, labels), d == ruled, d)
                      for ruled in [vertical_shift(page, donor, mapping)] for d in (ruled, 0.0))
    top, bottom = donor.box.top + dy, donor.box.bottom + dy
    if read < max(MIN_SHARED, LABELS_SHARE * len(columns)):
        return None
    box = Box(columns[0].x0, columns[-1].x1, top, bottom)
    return TableHeader(box, columns, {t: list(ys) for t, ys in donor.years.items()})


def _labels_read(columns: Sequence[Column], index: ExtentIndex, top: float, bottom: float,
                 labels: dict[str, list[str]]) -> int:
    """How many columns read their label (or year) in the band between top and bottom."""
    return sum(1 for c in columns if _label_printed(c, join_cell_text(index.inside(Box(c.x0, c.x1, top, bottom))),
                                                    labels))


def _label_printed(column: Column, text: str, labels: dict[str, list[str]]) -> bool:
    """Whether a column's text in the header band reads its label (a year column: its year)."""
    year = column.role.rpartition("_")[2]
    if YEAR.match(year):
        return year in text.replace(" ", "")
    return label_score(text, [*labels.get(column.role, []), column.label]) >= LABEL_MATCH_MIN


def column_rule_xs(page: PageContent) -> np.ndarray:
    return np.array([e.x0 for e in page.edges if e.orientation == "v" and e.bottom - e.top >= MIN_RULE_PT])


def map_by_rules(donor: TableHeader, rules_x: np.ndarray) -> XMap:
    """The donor's column borders moved onto this page's column rules: the shift that rules the
    most of them, refined on those; no shift when the page is not ruled so."""
    borders = np.array(sorted({c.x0 for c in donor.columns} | {c.x1 for c in donor.columns}))
    if not len(rules_x) or not len(borders):
        return XMap(1.0, 0.0)
    shifts = (rules_x[None, :] - borders[:, None]).ravel()
    shifts = np.unique(np.round(shifts[np.abs(shifts) <= MAX_SHIFT_PT]))  # to the point: refined below
    if not len(shifts):
        return XMap(1.0, 0.0)
    near = np.abs(borders[None, :, None] + shifts[:, None, None] - rules_x[None, None, :]).min(axis=2) <= ALIGN_PT
    best = int(near.sum(axis=1).argmax())
    if near[best].sum() < RULES_SHARE * len(borders):
        return XMap(1.0, 0.0)
    shift = float(shifts[best])
    pairs = [(float(b), float(rules_x[np.abs(rules_x - b - shift).argmin()])) for b, hit in zip(borders, near[best],
                                                                                                 strict=True) if hit]
    return _least_squares(pairs)


def vertical_shift(page: PageContent, donor: TableHeader, mapping: XMap) -> float:
    """How much lower this page's table starts: its top rule against the donor header's top."""
    x0, x1 = mapping(donor.box.x0), mapping(donor.box.x1)
    tops = [e.top - donor.box.top for e in page.edges
            if e.orientation == "h" and abs(e.top - donor.box.top) <= MAX_SHIFT_PT
            and min(e.x1, x1) - max(e.x0, x0) >= 0.5 * (x1 - x0)]
    return min(tops, key=abs, default=0.0)


# ---- years misread in a header -----------------------------------------------------------------


def agree_years(found: Sequence[Sequence[TableHeader]], numbers: Sequence[int]) -> list[list[TableHeader]]:
    """Each header's year columns read as the matrix prints them.

    A year misread in one header cell ("2022" for 2021, "2028" for 2025) makes two columns of
    one role, or a column no other page has, and its cells are lost or glued to the next
    column's. A group's years run on one by one, so one year that repeats or steps back in a
    run of three or more is read from its neighbours, and so is a year at a run's end that jumps
    further than one skipped year ("2021 … 2024 2028"); a year the other pages' headers print at
    that place wins by their vote, a tie going to the year the header's other groups print; then
    a group's lone year that no other group prints is the last year they print when the two
    differ in one digit (progress printed for the report's year; every page misread it alike).
    """
    runs = [[_years_run_on(_end_year_run_on(h)) for h in headers] for headers in found]
    donors = [(n, h) for n, headers in zip(numbers, runs, strict=True) for h in headers]
    # the other pages' vote first: a lone year is guessed from its own header only when they agree with it
    return [[_lone_year_read(_years_voted(h, n, donors)) for h in headers]
            for n, headers in zip(numbers, runs, strict=True)]


def _year_of(role: str) -> tuple[str, int] | None:
    stem, _, year = role.rpartition("_")
    return (stem, int(year)) if stem and YEAR.match(year) else None


def _years_run_on(header: TableHeader) -> TableHeader:
    renamed: dict[int, str] = {}
    stems = dict.fromkeys(y[0] for c in header.columns if (y := _year_of(c.role)))
    for stem in stems:
        group = [(i, y[1]) for i, c in enumerate(header.columns) if (y := _year_of(c.role)) and y[0] == stem]
        if len(group) < 3 or all(a[1] < b[1] for a, b in itertools.pairwise(group)):
            continue  # years in order may skip one (2019, 2020, 2021, 2023): only a repeat or a step back is misread
        starts = [year - k for k, (_, year) in enumerate(group)]
        start = max(set(starts), key=starts.count)
        if starts.count(start) >= len(group) - 1 and starts.count(start) < len(group):
            renamed |= {i: f"{stem}_{start + k}" for k, (i, year) in enumerate(group) if year != start + k}
    return _renamed(header, renamed, "years of the group run on") if renamed else header


MAX_YEAR_SKIP = 2  # years in order may skip one (2019, 2020, 2021, 2023); a longer jump is a misread


def _end_year_run_on(header: TableHeader) -> TableHeader:
    """A group's last (or first) year read from the run of three or more before (after) it when it
    jumps past it by more than one skipped year: bold print fattened "2025" into "2028"."""
    renamed: dict[int, str] = {}
    for stem, group in _year_groups(header).items():
        if len(group) < 4:
            continue
        steps = [b[1] - a[1] for a, b in itertools.pairwise(group)]
        if all(s == 1 for s in steps[:-1]) and steps[-1] > MAX_YEAR_SKIP:
            renamed[group[-1][0]] = f"{stem}_{group[-2][1] + 1}"
        elif all(s == 1 for s in steps[1:]) and steps[0] > MAX_YEAR_SKIP:
            renamed[group[0][0]] = f"{stem}_{group[1][1] - 1}"
    return _renamed(header, renamed, "years of the group run on") if renamed else header


def _lone_year_read(header: TableHeader) -> TableHeader:
    """A group printing one year that no other group prints, read as the last year the others
    print when the two differ in one digit only (a year group of the report's year)."""
    groups = _year_groups(header)
    renamed: dict[int, str] = {}
    for stem, group in groups.items():
        others = sorted({y for s, g in groups.items() if s != stem for _, y in g})
        if len(group) != 1 or not others or group[0][1] in others:
            continue
        last = str(others[-1])
        if sum(a != b for a, b in zip(str(group[0][1]), last, strict=True)) == 1:
            renamed[group[0][0]] = f"{stem}_{last}"
    return _renamed(header, renamed, "the year the other groups end with") if renamed else header


def _year_groups(header: TableHeader) -> dict[str, list[tuple[int, int]]]:
    """Each year group's (column index, year), in column order."""
    groups: dict[str, list[tuple[int, int]]] = {}
    for i, c in enumerate(header.columns):
        if (y := _year_of(c.role)) is not None:
            groups.setdefault(y[0], []).append((i, y[1]))
    return groups


def _years_voted(header: TableHeader, number: int, donors: Sequence[tuple[int, TableHeader]]) -> TableHeader:
    renamed: dict[int, str] = {}
    for i, col in enumerate(header.columns):
        own = _year_of(col.role)
        if own is None:
            continue
        votes = [col.role, *(role for n, d in donors if n != number for role in [_role_at(d, header, col)] if role)]
        ranked = sorted(set(votes), key=lambda r: (-votes.count(r), _year_of(r) is None,
                                                   not _printed_elsewhere(r, header), r != col.role))
        best = ranked[0]
        if best != col.role and (_year_of(best) or ("", 0))[0] == own[0] and votes.count(best) >= votes.count(col.role):
            renamed[i] = best
    return _renamed(header, renamed, "the other pages' headers") if renamed else header


def _printed_elsewhere(role: str, header: TableHeader) -> bool:
    """Whether the role's year is printed in another group of this header."""
    year = _year_of(role)
    return year is not None and any(
        (y := _year_of(c.role)) and y[1] == year[1] and y[0] != year[0] for c in header.columns)


def _role_at(donor: TableHeader, header: TableHeader, col: Column) -> str | None:
    """The role of the donor's column at this column's place, when the two headers align."""
    if donor is header:
        return None
    mapping = fit_columns(donor.columns, header.columns)
    if mapping is None:
        return None
    for d in donor.columns:
        if abs(mapping(d.x0) - col.x0) <= ALIGN_PT and abs(mapping(d.x1) - col.x1) <= ALIGN_PT:
            return d.role
    return None


def _renamed(header: TableHeader, renamed: dict[int, str], why: str) -> TableHeader:
    columns = [replace(c, role=renamed[i]) if i in renamed else c for i, c in enumerate(header.columns)]
    years: dict[str, list[int]] = {}
    for c in columns:
        if (y := _year_of(c.role)) and f"{y[0]}_{{year}}" in header.years:
            years.setdefault(f"{y[0]}_{{year}}", []).append(y[1])
    notes = [f"header_year:{header.columns[i].role}->{role} ({why})" for i, role in sorted(renamed.items())]
    return replace(header, columns=columns, years={t: sorted(set(ys)) for t, ys in years.items()},
                   assumptions=[*header.assumptions, *notes])
