"""One matrix, one set of columns: a page's header completed from the headers of its other pages.

A matrix printed over several pages repeats its header on each, at the same place on the sheet.
On a scan one page's header can lose a label (blur over a shaded group label turns "Logros
esperados" into "Loyivs us"), and with it every column under it: the year columns of a group,
or the name column. The other pages printed the same header, so the missing columns are taken
from them, placed by the columns both headers read (an x mapping fitted on them, so a sheet
shifted or scaled on the glass, and the deskew, are followed) and snapped to this page's own
header cell when one lies there. A header of another table (other columns at other places) does
not align, and lends nothing.

The rows read under a completed header carry the assumption (`header_columns_from_page:N:…`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from extractor.geometry import Box
from extractor.layout import TableHeader
from extractor.model import Column

ALIGN_PT = 4.0  # a column boundary mapped from another page's header lands this close to its own
MIN_SHARED = 3  # columns both headers read, to place the rest by
ALIGNED_SHARE = 0.8  # of the shared boundaries, at least this many land within ALIGN_PT
OVERLAP_PT = 2.0  # a borrowed column may overlap a column the page read by this much (a rule's width)


@dataclass(frozen=True, slots=True)
class XMap:
    """x on a donor page → x on this page (`scale` * x + `shift`)."""

    scale: float
    shift: float

    def __call__(self, x: float) -> float:
        return self.scale * x + self.shift


def complete_headers(found: Sequence[Sequence[TableHeader]], numbers: Sequence[int]) -> list[list[TableHeader]]:
    """Each page's headers (`found[i]` on page `numbers[i]`) with the columns they miss taken from
    the matching headers of the other pages: the nearest page first."""
    donors = [(n, h) for n, headers in zip(numbers, found, strict=True) for h in headers]
    out = []
    for number, headers in zip(numbers, found, strict=True):
        out.append([_completed(h, number, donors) for h in headers])
    return out


def _completed(header: TableHeader, number: int, donors: Sequence[tuple[int, TableHeader]]) -> TableHeader:
    own = {c.role for c in header.columns}
    for donor_page, donor in sorted(donors, key=lambda d: (abs(d[0] - number), d[0])):
        if donor is header or not {c.role for c in donor.columns} - own:
            continue
        mapping = fit_columns(donor.columns, header.columns)
        if mapping is not None:
            header = borrow_columns(header, donor, mapping, donor_page)
            own = {c.role for c in header.columns}
    return header


def fit_columns(donor: Sequence[Column], own: Sequence[Column]) -> XMap | None:
    """The x mapping that lays the donor's columns over this header's, if they are one structure:
    enough shared columns, and their boundaries land where this header has them."""
    mine = {c.role: c for c in own}
    pairs = [(getattr(d, side), getattr(mine[d.role], side)) for d in donor if d.role in mine for side in ("x0", "x1")]
    if len(pairs) < 2 * MIN_SHARED:
        return None
    mapping = _least_squares(pairs)
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


def borrow_columns(header: TableHeader, donor: TableHeader, mapping: XMap, donor_page: int) -> TableHeader:
    """`header` with the donor's columns it lacks, mapped onto this page, where they fit: inside
    the table's extent and clear of the columns this page read."""
    own = {c.role for c in header.columns}
    left, right = _extent(header)
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
