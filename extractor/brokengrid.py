"""Header cells of a ruled header whose rules a scan broke, mended from the header's text.

Toner dropout on a bitonal scan erases stretches of the header's rules. The grid then gives
cells that disagree with the print: a cell reaching down into the body because the rule under
the header is gone ("Código OP.01"), one cell over several labels because the rules between
them are gone ("Código Objetivo prioritario / …"), or no cell at all over a label. The text
still shows where each label stands, so the cells crossing the anchor label's line are mended
from it, and only where the labels say so:

- a cell whose top lines hold a label, and whose lines below a gap wider than a line break
  hold none, is cut under the label (the body's first row leaked into it);
- neighbouring cells are joined where together they read as a label better than apart (a
  rule's fragment cut the label);
- a cell holding two or more labels far apart is cut between them: on the rule between them
  where its body's stretch survived, else where the body's text leaves the gap between columns;
- words on the anchor's line that no cell holds become cells of their own.

Distances are in letter heights (the page's median word height), so any dpi or font size reads
alike. `layout.py` tries these cells only when the grid's own cells give no header, or one
with too few columns for the family (`header.places_enough`).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Iterable, Sequence

from extractor.geometry import Box
from extractor.labels import LABEL_MATCH_MIN, label_score, squash_label
from extractor.model import Word
from extractor.textheader import YEAR, cells_meet

MENDED_HEADER = "header_cells_mended_from_text"  # the assumption rows under such a header carry
LINE_BREAK_EM = 1.5  # lines of one cell's label stand closer than this (letter heights)
LABEL_GAP_EM = 1.0  # words of one label stand closer than this on a line (letter heights)


def mended_header_cells(cells: Sequence[Box], words: Sequence[Word], anchor: Word,
                        score: Callable[[str], float], rules_x: Sequence[float] = ()) -> list[Box] | None:
    """The cells with those crossing the anchor's line mended; None when nothing needed mending.

    `score`: how well a text reads as one of the family's labels (0-100). `rules_x`: the x of
    the page's vertical rules; a cut between two labels goes on the rule that stands between
    them (the body's stretch of it survived), else midway."""
    em = _letter_height(words)
    crossing = [c for c in cells if c.top <= anchor.ymid <= c.bottom]
    if not crossing:
        return None  # a header printed without rules: the text header's case, not a broken grid
    def is_label(text: str) -> bool:
        return score(text) >= LABEL_MATCH_MIN

    tops = [_cut_under_label(cell, _inside(cell, words), em, is_label) for cell in crossing]
    body = [w for w in words if w.top > anchor.bottom]

    def cut(left: float, right: float) -> float:
        return _cut_between(left, right, rules_x, body)

    mended: list[Box] = []
    for cell in _joined_where_a_label_was_split(tops, words, score):
        mended += _cut_across(cell, _inside(cell, words), em, is_label, cut)
    row_top = min(c.top for c in crossing)
    row_bottom = max(b.bottom for b in mended)
    mended += _uncovered_cells(mended, cells, words, (row_top, row_bottom), em, is_label, cut)
    if sorted(mended, key=_key) == sorted(crossing, key=_key):
        return None
    return [c for c in cells if c not in crossing] + mended


def label_scorer(labels: Sequence[str]) -> Callable[[str], float]:
    """How well a text reads as one of the labels, a year reading as one (a year group's sub-cell)."""
    return lambda text: 100.0 if YEAR.match(squash_label(text)) else label_score(text, labels)


def _inside(cell: Box, words: Sequence[Word]) -> list[Word]:
    return [w for w in words if cell.contains(w)]


def _joined_where_a_label_was_split(cells: Sequence[Box], words: Sequence[Word],
                                    score: Callable[[str], float]) -> list[Box]:
    """Neighbouring cells joined where a rule fragment (a speck on the scan read as a rule) cut
    one label in two: together they read as a label better than either alone."""
    joined: list[Box] = []
    for cell in sorted(cells, key=lambda c: c.x0):
        last = joined[-1] if joined else None
        if last is not None and abs(last.x1 - cell.x0) <= 1:
            union = Box(last.x0, cell.x1, min(last.top, cell.top), max(last.bottom, cell.bottom))
            whole = score(_text(_inside(union, words)))
            if whole >= LABEL_MATCH_MIN and whole > max(score(_text(_inside(b, words))) for b in (last, cell)):
                joined[-1] = union
                continue
        joined.append(cell)
    return joined


def header_labels(header_rules: dict) -> list[str]:
    """Every label of the family's header: anchor, columns, groups and their sub-columns."""
    labels = list(header_rules.get("anchor", []))
    labels += [label for names in header_rules.get("columns", {}).values() for label in names]
    for group in header_rules.get("groups", []):
        labels += group["labels"] + [label for names in group.get("sub", {}).values() for label in names]
    return labels


def _key(box: Box) -> tuple[float, float, float, float]:
    return (box.x0, box.top, box.x1, box.bottom)


def _letter_height(words: Sequence[Word]) -> float:
    heights = [w.bottom - w.top for w in words if w.bottom > w.top]
    return statistics.median(heights) if heights else 1.0


def _text(words: Sequence[Word]) -> str:
    ordered = sorted(words, key=lambda w: (round(w.ymid), w.x0))
    return " ".join(w.text for w in ordered)


def _gap_runs(words: Iterable[Word], start: Callable[[Word], float], end: Callable[[Word], float],
              gap: float) -> list[list[Word]]:
    """The words along one axis in runs: a run ends where a gap wider than `gap` opens."""
    runs: list[list[Word]] = []
    reach = 0.0
    for w in sorted(words, key=start):
        if not runs or start(w) - reach > gap:
            runs.append([])
            reach = end(w)
        runs[-1].append(w)
        reach = max(reach, end(w))
    return runs


def _line_groups(words: Sequence[Word], em: float) -> list[list[Word]]:
    """The cell's words in vertical runs: a run ends where a gap wider than a line break opens."""
    return _gap_runs(words, lambda w: w.top, lambda w: w.bottom, LINE_BREAK_EM * em)


def _cut_under_label(cell: Box, inside: Sequence[Word], em: float, is_label: Callable[[str], bool]) -> Box:
    """The cell cut under its label when the body's first row leaked into it: the fuzzy match
    forgives a cell's whole text too much ("Código OP.01 …"), so the lines are read apart."""
    groups = _line_groups(inside, em)
    body = [w for group in groups[1:] for w in group]
    if len(groups) < 2 or not _holds_label(groups[0], em, is_label) or _holds_label(body, em, is_label):
        return cell
    first_below = min(w.top for w in groups[1])
    cut = (max(w.bottom for w in groups[0]) + first_below) / 2
    return Box(cell.x0, cell.x1, cell.top, cut)


def _holds_label(words: Sequence[Word], em: float, is_label: Callable[[str], bool]) -> bool:
    """Whether the words read as a label, alone or beside other labels."""
    return any(is_label(_text(c)) for c in _x_clusters(words, em))


def _x_clusters(words: Sequence[Word], em: float) -> list[list[Word]]:
    """Words whose x extents lie closer than a label's gap, together (wrapped lines overlap)."""
    # a mark with no letter or digit (a rule's broken stretch read as "¡" or ":") bridges no gap
    marked = (w for w in words if any(ch.isalnum() for ch in w.text))
    return _gap_runs(marked, lambda w: w.x0, lambda w: w.x1, LABEL_GAP_EM * em)


def _cut_across(cell: Box, inside: Sequence[Word], em: float, is_label: Callable[[str], bool],
                cut: Callable[[float, float], float]) -> list[Box]:
    """The cell cut between the labels it holds, when it holds two or more far apart."""
    clusters = _x_clusters([w for w in inside if cell.contains(w)], em)
    if sum(1 for c in clusters if is_label(_text(c))) < 2:
        return [cell]
    cuts = [cut(max(w.x1 for w in a), min(w.x0 for w in b)) for a, b in itertools.pairwise(clusters)]
    edges = [cell.x0, *cuts, cell.x1]
    return [Box(x0, x1, cell.top, cell.bottom) for x0, x1 in itertools.pairwise(edges)]


def _uncovered_cells(mended: Sequence[Box], cells: Sequence[Box], words: Sequence[Word], row: tuple[float, float],
                     em: float, is_label: Callable[[str], bool], cut: Callable[[float, float], float]) -> list[Box]:
    """Cells for the labels on the header row that no cell holds, each reaching to its
    neighbours (a cell's edge, or the middle of the gap to the next label)."""
    top, bottom = row
    loose = [w for w in words if top <= w.ymid <= bottom and not any(c.contains(w) for c in mended)]
    clusters = [c for c in _x_clusters(loose, em) if is_label(_text(c))]
    if not clusters:
        return []
    table_x0 = min(c.x0 for c in cells)
    table_x1 = max(c.x1 for c in cells)
    found = []
    for cluster in clusters:
        x0, x1 = min(w.x0 for w in cluster), max(w.x1 for w in cluster)
        left = max([table_x0, *(c.x1 for c in mended if c.x1 <= x0 + 1)])
        right = min([table_x1, *(c.x0 for c in mended if c.x0 >= x1 - 1)])
        found.append([x0, x1, left, right])
    for a, b in itertools.pairwise(found):
        mid = cut(a[1], b[0])
        a[3], b[2] = min(a[3], mid), max(b[2], mid)
    return [Box(min(left, x0), max(right, x1), top, bottom) for x0, x1, left, right in found]


def _cut_between(left: float, right: float, rules_x: Sequence[float], body: Sequence[Word] = ()) -> float:
    """Where two neighbouring labels' cells meet: on the rule between them nearest the middle;
    where the scan lost that rule everywhere, where the body's text below leaves the gap between
    its columns (textheader.cells_meet), else midway."""
    middle = (left + right) / 2
    between = [x for x in rules_x if left < x < right]
    if between:
        return min(between, key=lambda x: abs(x - middle))
    return cells_meet(left, right, body) if body else middle
