"""A table header read from its cells: the anchor label's row, its columns and year groups.

`layout.find_headers` and `codeheader.py` hand in the candidate cells (ruled, painted or mended
from the text) and the cell the header is anchored on; this module places the family's column
labels and year groups on that row, splitting a group's sub cells where a scan lost the rules
between them.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from extractor.celltext import join_cell_text
from extractor.geometry import Box
from extractor.labels import LABEL_MATCH_MIN, label_score, squash_label
from extractor.model import Column, Word
from extractor.rules import load_ocr_confusions

YEAR = re.compile(r"^(19|20)\d{2}$")


@dataclass(slots=True)
class TableHeader:
    """One table header found on a page, and the columns it defines."""

    box: Box
    columns: list[Column]
    years: dict[str, list[int]] = field(default_factory=dict)  # group template → years
    cells: list[Box] = field(default_factory=list)  # the header's cells with text, a label read or not
    assumptions: list[str] = field(default_factory=list)  # how the header was completed (on its rows)
    # a header read from its text alone: its columns as the labels place them, and the page's
    # headers of this kind with the body words their columns were widened to (textheader.py)
    labels: list[Column] = field(default_factory=list)
    bodies: list[tuple[list[Column], list[Word]]] = field(default_factory=list)

    def column(self, role: str) -> Column | None:
        return next((c for c in self.columns if c.role == role), None)


# ---- cell text ------------------------------------------------------------------------------


@dataclass(slots=True)
class HeaderCell:
    box: Box
    text: str
    words: list[Word] = field(default_factory=list)



def header_from_anchor(
    anchor: HeaderCell, cells: list[HeaderCell], header_rules: dict, min_share: float,
    rules_x: Sequence[float] = (), code_by_content: bool = False,
) -> TableHeader | None:
    """The header whose row holds `anchor`. `code_by_content`: the anchor is the code column's
    cell because the body's codes stand under it, whatever its text reads (codeheader.py)."""
    row_top, row_bottom = anchor.box.top - 1, anchor.box.bottom + 1
    row = [c for c in cells if (c.text or c is anchor) and row_top <= c.box.ymid <= row_bottom
           and c.box.x1 > anchor.box.x0 - 1]
    notes: list[str] = []
    row = _rejoined_labels(_innermost(row), header_rules, notes)
    columns: list[Column] = []
    years: dict[str, list[int]] = {}
    used: set[int] = set()
    for i, cell in enumerate(row):
        by_content = code_by_content and cell is anchor
        role = "code" if by_content else _single_column_role(cell.text, header_rules.get("columns", {}))
        if role:
            columns.append(Column(role, cell.box.x0, cell.box.x1, cell.text))
            used.add(i)
    groups = header_rules.get("groups", [])
    read: dict[int, Box] = {}  # group (rules order) → the cell read as its label
    sub_bottoms: list[float] = []
    labelled = {g for g, group in enumerate(groups)
                if any(label_score(c.text, group["labels"]) >= LABEL_MATCH_MIN for c in row)}
    for g, group in enumerate(groups):
        for i, cell in enumerate(row):
            if i in used or label_score(cell.text, group["labels"]) < LABEL_MATCH_MIN:
                continue
            used.add(i)
            if group.get("years"):
                cell = _widened(cell, cells, row, group, header_rules, _open_sides(g, len(groups), labelled), notes)
            read[g] = cell.box
            subs = _subs_under(cell, row) or _subs_under(cell, _row_below(cell, cells))
            sub_bottoms += [c.box.bottom for c in subs]
            columns += group_columns(group, split_subs(subs, group, rules_x), years, notes)
    by_order = groups_by_order(row, used, groups, read)
    labelled |= {g for g, _ in by_order}
    for g, i in by_order:
        used.add(i)
        cell = _widened(row[i], cells, row, groups[g], header_rules, _open_sides(g, len(groups), labelled), notes)
        read[g] = cell.box
        columns += group_columns(groups[g], split_subs(_subs_under(cell, row), groups[g], rules_x), years, notes)
        notes.append(f"header_group_by_order:{groups[g]['labels'][0]}")
    columns += _last_group_by_place(row, used, groups, read, years, notes)
    if not any(c.role == "code" for c in columns) or len(columns) < 3:
        return None
    if not _enough_labels(columns, len(read), header_rules, min_share):
        return None
    columns.sort(key=lambda c: c.x0)
    bottom = _above_the_body(anchor, cells, max(row_bottom - 1, _agreed_bottom(sub_bottoms)))
    box = Box(min(c.x0 for c in columns), max(c.x1 for c in columns), row_top + 1, bottom)
    return TableHeader(box, columns, years, cells=[c.box for c in row], assumptions=notes)


def _above_the_body(anchor: HeaderCell, cells: Sequence[HeaderCell], bottom: float) -> float:
    """The header's bottom, no lower than the anchor's cell where a cell with text stands under
    the anchor above it: the code column has no sub labels, so that cell is the body's first row,
    taken in where the scan lost the rule under the group labels' sub cells (trata s402: OP.01's
    row read as part of the header, and every row under it missing its parent)."""
    under = [c for c in cells if c.text and c is not anchor and c.box.top >= anchor.box.bottom - 1
             and c.box.bottom <= bottom + 1 and _under(c.box, anchor.box)]
    return anchor.box.bottom if under else bottom


def _under(cell: Box, anchor: Box) -> bool:
    """Whether the cell covers most of the anchor's width (one column)."""
    return min(cell.x1, anchor.x1) - max(cell.x0, anchor.x0) > 0.5 * (anchor.x1 - anchor.x0)


def _rejoined_labels(row: list[HeaderCell], header_rules: dict, notes: list[str]) -> list[HeaderCell]:
    """The row with each pair of neighbouring cells of one band joined where a rule the scan put
    up between them (a column rule drawn on by dropout's mending, a speck) cut one label in two:
    neither half reads a label of the family, the two together do ("Line" | "a base"). `notes`
    records each joining. Stricter than brokengrid's joining, which runs only on a grid known
    broken and joins where the whole reads better than either half: this runs on every header."""
    cells = sorted(row, key=lambda c: c.box.x0)
    for left in list(cells):
        right = next((c for c in cells if c is not left and _one_band(left.box, c.box)
                      and abs(left.box.x1 - c.box.x0) <= ALIGN_CELL), None)
        if right is None or left not in cells:
            continue
        text = f"{left.text} {right.text}"
        if (_reads_a_label(left.text, header_rules) or _reads_a_label(right.text, header_rules)
                or not _reads_a_label(text, header_rules)):
            continue
        box = Box(left.box.x0, right.box.x1, min(left.box.top, right.box.top), max(left.box.bottom, right.box.bottom))
        cells[cells.index(left)] = HeaderCell(box, text, left.words + right.words)
        cells.remove(right)
        notes.append(f"header_label_rejoined:{text}")
    return cells


def _one_band(a: Box, b: Box) -> bool:
    return abs(a.top - b.top) <= ALIGN_CELL and abs(a.bottom - b.bottom) <= ALIGN_CELL


def groups_by_order(
    row: Sequence[HeaderCell], used: set[int], groups: Sequence[dict], read: dict[int, Box]
) -> list[tuple[int, int]]:
    """Year groups whose labels no cell reads, found by their place among the groups read.

    The family's groups are printed in the rules' order. For each run of consecutive unread
    groups, all of them year groups, between groups read before and after it (or one side and
    the row's end), the unread cells with years under them that lie in that gap are the run's
    labels misread ("Lugano S882 ss" for "Logros esperados"), in print order: but only when
    there are exactly as many such cells as groups in the run. (group, cell index) pairs.
    """
    found: list[tuple[int, int]] = []
    for run in _unread_runs(groups, read):
        if not all(groups[g].get("years") for g in run):
            continue
        left = max((box.x1 for k, box in read.items() if k < run[0]), default=None)
        right = min((box.x0 for k, box in read.items() if k > run[-1]), default=None)
        if left is None and right is None:
            continue
        candidates = sorted(
            (i for i, cell in enumerate(row)
             if i not in used and _within(cell.box, left, right) and _year_subs(cell, row) >= 2),
            key=lambda i: row[i].box.x0,
        )  # fmt: skip
        if len(candidates) == len(run):
            found += zip(run, candidates, strict=True)
    return found


def _last_group_by_place(
    row: Sequence[HeaderCell], used: set[int], groups: Sequence[dict], read: dict[int, Box],
    years: dict[str, list[int]], notes: list[str],
) -> list[Column]:
    """The columns of the family's last group, a year group no cell reads, from the year cells
    standing right of every group read: a faint patch took its label's cell (the rule over it),
    and only its years' cells are left. Only the last group, and only when the group before it
    was read, so the year cells right of the groups read can be no other group's."""
    last = len(groups) - 1
    if last < 1 or last in read or last - 1 not in read or not groups[last].get("years"):
        return []
    right = max(box.x1 for box in read.values())
    subs = [c for i, c in enumerate(row)
            if i not in used and c.box.x0 >= right - 1 and YEAR.match(squash_label(c.text))]
    if not subs:
        return []
    notes.append(f"header_group_by_place:{groups[last]['labels'][0]}")
    return group_columns(groups[last], subs, years, notes)


def _within(box: Box, left: float | None, right: float | None) -> bool:
    return (left is None or box.x0 >= left - 1) and (right is None or box.x1 <= right + 1)


def _year_subs(cell: HeaderCell, row: Sequence[HeaderCell]) -> int:
    return sum(1 for sub in _subs_under(cell, row) if YEAR.match(squash_label(sub.text)))


def _unread_runs(groups: Sequence[dict], read: dict[int, Box]) -> list[list[int]]:
    """Runs of consecutive groups (rules order) that no cell reads."""
    runs: list[list[int]] = []
    for g in range(len(groups)):
        if g in read:
            continue
        if runs and runs[-1][-1] == g - 1:
            runs[-1].append(g)
        else:
            runs.append([g])
    return runs


def _agreed_bottom(bottoms: list[float]) -> float:
    """Where the groups' sub cells end: where most of them end. A sub cell reaching far below its
    siblings ran into the body through a rule a scan lost under it; its bottom is no header's."""
    if len(bottoms) < 3:
        return max(bottoms, default=float("-inf"))
    return sorted(bottoms)[len(bottoms) // 2]


def _subs_under(group: HeaderCell, cells: Sequence[HeaderCell]) -> list[HeaderCell]:
    return [
        c for c in cells if c.box.top >= group.box.bottom - 1 and group.box.x0 - 1 <= c.box.xmid <= group.box.x1 + 1
    ]


def _open_sides(g: int, count: int, placed: set[int]) -> tuple[bool, bool]:
    """Whether group `g` may widen left and right: not toward a group placed nowhere, as the cell
    beside it may be that group's, its label misread."""
    return (g == 0 or g - 1 in placed, g == count - 1 or g + 1 in placed)


def _widened(
    label: HeaderCell, cells: Sequence[HeaderCell], row: Sequence[HeaderCell], group: dict,
    header_rules: dict, sides: tuple[bool, bool], notes: list[str],
) -> HeaderCell:
    """A year group's label cell with the cells beside it (on the open `sides`) that read no label
    of the family and whose sub cells carry the years just past its own: a rule the scan put up
    between them (a speck, a column rule drawn on) cut the label's cell, and the cut-off part
    reads nothing, or a scrap of the label ("Mi"). `notes` records the widening."""
    box = label.box
    while (beside := _next_year_cell(box, cells, row, group, header_rules, sides)) is not None:
        box = Box(min(box.x0, beside.x0), max(box.x1, beside.x1), box.top, box.bottom)
    if box == label.box:
        return label
    notes.append(f"header_group_widened:{group['labels'][0]}")
    return HeaderCell(box, label.text, label.words)


ALIGN_CELL = 1.5  # points two cells' edges may stand apart and still meet


def _next_year_cell(
    box: Box, cells: Sequence[HeaderCell], row: Sequence[HeaderCell], group: dict, header_rules: dict,
    sides: tuple[bool, bool],
) -> Box | None:
    """A cell of the label's band touching `box` whose subs continue the group's run of years."""
    own = _subs_within(box, row)
    if not _years_read(own):
        return None
    for cell in cells:
        if not _one_band(cell.box, box):
            continue
        right = sides[1] and abs(cell.box.x0 - box.x1) <= ALIGN_CELL
        left = sides[0] and abs(cell.box.x1 - box.x0) <= ALIGN_CELL
        if not (right or left) or _reads_a_label(cell.text, header_rules):
            continue
        beyond = _subs_within(cell.box, row)
        if not beyond:
            continue
        subs = own + beyond if right else beyond + own
        run = _year_run(subs, group)
        if len(run) == len(subs):
            return cell.box
    return None


def _subs_within(box: Box, row: Sequence[HeaderCell]) -> list[HeaderCell]:
    return sorted((c for c in row if c.box.top >= box.bottom - 1 and box.x0 - 1 <= c.box.xmid <= box.x1 + 1),
                  key=lambda c: c.box.x0)


def _years_read(subs: Sequence[HeaderCell]) -> bool:
    return any(YEAR.match(squash_label(c.text)) for c in subs)


def _reads_a_label(text: str, header_rules: dict) -> bool:
    """Whether a header cell's text reads one of the family's column or group labels."""
    if _single_column_role(text, header_rules.get("columns", {})):
        return True
    return any(label_score(text, g["labels"]) >= LABEL_MATCH_MIN for g in header_rules.get("groups", []))


def _row_below(group: HeaderCell, cells: Sequence[HeaderCell]) -> list[HeaderCell]:
    """The header cells of the row right under a group label that its own header row does not
    reach (single labels printed in the top row over an empty cell, as a table without merged
    rows prints them): their tops meet the group's bottom."""
    return [c for c in cells if c.text and abs(c.box.top - group.box.bottom) <= 1.5]


def places_enough(header: TableHeader, header_rules: dict, min_share: float) -> bool:
    """Whether the header places columns for the share of the family's labels a header needs.

    A header is the family's when it reads enough of its labels; a group label read over no sub
    cell (a scan lost the rules under it) places none of its values. Such a header, with too few
    columns for the family, is a header whose grid was broken: the mending paths are tried on
    it, and it stands only when they find nothing better."""
    placed = sum(1 for group in header_rules.get("groups", []) if any(in_group(c.role, group) for c in header.columns))
    return _enough_labels(header.columns, placed, header_rules, min_share)


def in_group(role: str, group: dict) -> bool:
    """Whether a column role is one of the group's: a year of its template or one of its subs."""
    template = group.get("years")
    if template and role.startswith(template.split("{")[0]) and YEAR.match(role.rpartition("_")[2]):
        return True
    return role in (group.get("sub") or {})


def _enough_labels(columns: list[Column], groups_found: int, header_rules: dict, min_share: float) -> bool:
    """Enough of the family's header labels (columns and groups) are printed in this header.

    Another family's table shares some labels (a code, an indicator, the year groups); its own
    columns are what tells it apart.
    """
    named = header_rules.get("columns", {})
    wanted = len(named) + len(header_rules.get("groups", []))
    found = len({c.role for c in columns if c.role in named}) + groups_found
    return found >= min_share * wanted


def _innermost(cells: list[HeaderCell]) -> list[HeaderCell]:
    """Drop cells that merely enclose other header cells (a fill behind a ruled grid)."""
    out = []
    for c in cells:
        inner = [
            d
            for d in cells
            if d is not c
            and c.box.x0 - 1 <= d.box.x0
            and d.box.x1 <= c.box.x1 + 1
            and c.box.top - 1 <= d.box.top
            and d.box.bottom <= c.box.bottom + 1
            and (d.box.x1 - d.box.x0) * (d.box.bottom - d.box.top)
            < 0.9 * (c.box.x1 - c.box.x0) * (c.box.bottom - c.box.top)
        ]
        if not inner:
            out.append(c)
    return out


def _single_column_role(text: str, columns: dict[str, list[str]]) -> str | None:
    best_role, best = None, 0.0
    for role, labels in columns.items():
        score = label_score(text, labels)
        if score > best:
            best_role, best = role, score
    return best_role if best >= LABEL_MATCH_MIN else None


def split_subs(subs: list[HeaderCell], group: dict, rules_x: Sequence[float]) -> list[HeaderCell]:
    """Sub-cells of a group, one per label: a cell that reads two years ("2021 2022") or two sub
    labels ("Año | valor") is two cells whose rule between them was lost (toner dropout, a
    faint scan); it is cut at a column rule of the page between the two, else midway."""
    out = []
    for sub in subs:
        pieces = _year_pieces(sub.words) if group.get("years") else _label_pieces(sub.words, group.get("sub") or {})
        if len(pieces) < 2:
            out.append(sub)
            continue
        cuts = [sub.box.x0, *(_cut_between(a, b, rules_x) for a, b in itertools.pairwise(pieces)), sub.box.x1]
        out += [HeaderCell(Box(x0, x1, sub.box.top, sub.box.bottom), join_cell_text(piece), piece)
                for (x0, x1), piece in zip(itertools.pairwise(cuts), pieces, strict=True)]
    return out


def _year_pieces(words: Sequence[Word]) -> list[list[Word]]:
    """The words of a cell, one piece per year printed side by side (all of them in one piece
    unless two years or more are)."""
    years = sorted((w for w in words if YEAR.match(squash_label(w.text))), key=lambda w: w.x0)
    if len(years) < 2 or any(b.x0 < a.x1 for a, b in itertools.pairwise(years)):
        return [list(words)]
    return [[y] for y in years]


def _label_pieces(words: Sequence[Word], labels: dict[str, list[str]]) -> list[list[Word]]:
    """The words of a cell cut into two side-by-side pieces that each read a different sub label."""
    ordered = sorted(words, key=lambda w: w.x0)
    text = [w for w in ordered if squash_label(w.text)]  # a rule read as "|" is no word of a label
    for i in range(1, len(text)):
        left, right = text[:i], text[i:]
        if left[-1].x1 > right[0].x0:
            continue
        roles = [_single_column_role(join_cell_text(part), labels) for part in (left, right)]
        if roles[0] and roles[1] and roles[0] != roles[1]:
            return [left, right]
    return [list(words)]


def _cut_between(left: Sequence[Word], right: Sequence[Word], rules_x: Sequence[float]) -> float:
    lo, hi = max(w.x1 for w in left), min(w.x0 for w in right)
    between = [x for x in rules_x if lo <= x <= hi]
    return min(between, key=lambda x: abs(x - (lo + hi) / 2)) if between else (lo + hi) / 2


def group_columns(group: dict, subs: list[HeaderCell], years: dict[str, list[int]],
                  notes: list[str] | None = None) -> list[Column]:
    """The columns of a group's sub cells: a year of its template, or one of its sub labels.

    A year group's years run one a column, left to right ("2021 … 2025"): where that run is what
    most of the years read agree on (two at least), a cell a scan garbled ("2073", "202l") or
    left blank takes its year in the run, and `notes` records it (`header_years_in_sequence`)."""
    columns = []
    template = group.get("years")
    ordered = sorted(subs, key=lambda c: c.box.x0)
    run = _year_run(ordered, group) if template else {}
    for k, sub in enumerate(ordered):
        text = sub.text.strip()
        year = squash_label(text)  # an OCR'd year cell may carry a speck read as punctuation ("2021'")
        if k in run:
            if str(run[k]) != year and notes is not None:
                notes.append(f"header_years_in_sequence:{template.format(year=run[k])} (printed {text!r})")
            year = str(run[k])
        if template and YEAR.match(year):
            columns.append(Column(template.format(year=year), sub.box.x0, sub.box.x1, text))
            years.setdefault(template, []).append(int(year))
            continue
        for role, labels in (group.get("sub") or {}).items():
            if label_score(text, labels) >= LABEL_MATCH_MIN:
                columns.append(Column(role, sub.box.x0, sub.box.x1, text))
                break
    return columns


MIN_RUN_VOTES = 2  # years read that must agree on a group's run before it fills or mends a cell
WIDE_SLOT = 1.6  # a year cell this many times the median one's width spans two columns


def _year_run(subs: Sequence[HeaderCell], group: dict) -> dict[int, int]:
    """The year of each of a year group's cells (by position) where the group's years read agree
    on one run of consecutive years: each year read votes for the run's first year (its year
    less its place, in cell widths from the first cell that may hold one); the run needs
    MIN_RUN_VOTES and more than half of the years read, no year read inside its span may stand
    off its place, and no cell
    may be as wide as two (WIDE_SLOT). A cell holding one of the group's sub labels, or letters
    other than those a scan reads for digits (`_ocr.yaml` `code_digit_readings`), is no year's."""
    labels = group.get("sub") or {}
    digit_glyphs = load_ocr_confusions().code_digit_readings  # letters a scan reads for digits ("202l")
    slots = [k for k, sub in enumerate(subs)
             if not any(label_score(sub.text, names) >= LABEL_MATCH_MIN for names in labels.values())
             and all(not ch.isalpha() or ch in digit_glyphs for ch in squash_label(sub.text))]
    widths = sorted(subs[k].box.x1 - subs[k].box.x0 for k in slots)
    if not widths or widths[-1] > WIDE_SLOT * widths[len(widths) // 2]:
        return {}  # a cell over two years' columns (a rule lost between them): places are off
    # a cell's place is where it stands, in cell widths: a year cell read as nothing (no cell
    # here) leaves its place empty, and those after it keep theirs (salud s197: "2022 2022 · 2024
    # 2025" over 2021-2025, the 2023 cell unread)
    pitch, origin = widths[len(widths) // 2], subs[slots[0]].box.x0
    place_of = {k: round((subs[k].box.x0 - origin) / pitch) for k in slots}
    if len(set(place_of.values())) < len(slots):
        return {}
    read = [(place_of[k], int(squash_label(subs[k].text))) for k in slots if YEAR.match(squash_label(subs[k].text))]
    votes = Counter(year - place for place, year in read)
    if not votes:
        return {}
    first, count = votes.most_common(1)[0]
    last = first + max(place_of.values())
    # a year read inside the run's span but off its place says the cells are not the run
    # ("2021 2022 2024 2025 2026": a column lost); one outside it was garbled
    off_place = any(first <= year <= last and year != first + place for place, year in read)
    if count < MIN_RUN_VOTES or 2 * count <= len(read) or off_place:
        return {}
    return {k: first + place_of[k] for k in slots}
