"""The summary-counts table, found by its column labels wherever a page prints it.

Producers put it above the matrix, beside the header block (on the same lines as "Sector: …"),
or below the matrix; its group names may wrap over two lines, left-aligned or centred in their
column, with the counts centred beside them. So the table is read from word positions, not from
lines of text: the line holding every column label gives the columns, each line below with a
whole number under every label is a row, and the row's group is the text left of the counts in
the row's band, matched fuzzily.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from extractor.layout import text_lines
from extractor.model import Word
from extractor.rules import normalize_label

GROUP_MATCH_MIN = 85  # rapidfuzz ratio for a row label to name a summary group
LABEL_PREFIX = 5  # a column label is known by the first characters of its first word
LABEL_GAP_EM = 1.5  # words further apart than this (in line heights) are not one label cell
LABEL_EDGE_TOLERANCE = 3.0  # pt: label lines of one column start at its left edge (or share its axis)
LABEL_AXIS_EM = 0.25  # … give or take this share of the letter height (a centred line's spaces)
TIGHT_LINE = 0.35  # words whose centres differ by less than this share of their height: one line
COUNT = re.compile(r"^\d{1,6}$")


@dataclass(frozen=True, slots=True)
class SummaryLine:
    group: str
    counts: dict[str, str]  # column name → count as printed


Columns = Sequence[tuple[str, Sequence[str]]]  # (column name, its printed labels)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", normalize_label(text))


def find_summary(words: Sequence[Word], columns: Columns, groups: Sequence[str]) -> list[SummaryLine]:
    """Every group of the summary table printed among `words` (one page), in printed order."""
    table = find_summary_table(words, columns, groups)
    return table.lines if table else []


@dataclass(frozen=True, slots=True)
class SummaryTable:
    lines: list[SummaryLine]
    names: list[str]  # column names, in printed order
    centres: list[float]  # the x centre of each column's label


def find_summary_table(words: Sequence[Word], columns: Columns, groups: Sequence[str]) -> SummaryTable | None:
    """The summary table printed among `words` (one page): its groups and where its columns sit."""
    if not columns or not groups:
        return None  # the family prints no summary table
    lines = text_lines(words)
    bare: SummaryTable | None = None  # a header with no row under it (a page break follows)
    for i in range(len(lines)):
        for first, last in _header_spans(lines, i):
            header = [w for line in lines[first : last + 1] for w in line]
            located = _label_centres(header, columns)
            if located is None:
                continue
            names, centres = [name for name, _ in located], [x for _, x in located]
            below = lines[last + 1 :]
            found = _rows_below(below, max(w.bottom for w in header), centres, groups)
            if found:
                return SummaryTable(_summary_lines(names, found), names, centres)
            if not any(_numbers_under(line, centres, _half_gap(centres)) for line in below):
                bare = bare or SummaryTable([], names, centres)
    return bare


def _header_spans(lines: Sequence[Sequence[Word]], i: int) -> list[tuple[int, int]]:
    """The header as line `i`, or with the lines just above and below it: a label wrapped in a
    narrow cell ("[75-" / "95%>") sits above and below the line of the other labels."""
    spans = [(i, i)]
    above = i > 0 and _tight(lines[i - 1], lines[i])
    below = i + 1 < len(lines) and _tight(lines[i], lines[i + 1])
    if above:
        spans.append((i - 1, i))
    if below:
        spans.append((i, i + 1))
    if above and below:
        spans.append((i - 1, i + 1))
    return spans


def continued_summary(table: SummaryTable, words: Sequence[Word], groups: Sequence[str]) -> list[SummaryLine]:
    """The groups of a table cut by a page break (all of them when the page ends under its
    header), printed at the top of the next page (`words`) under the same columns: the first
    figures printed under those columns are their counts."""
    missing = [g for g in groups if g not in {line.group for line in table.lines}]
    if not missing:
        return []
    lines = text_lines(words)
    half = _half_gap(table.centres)
    left_of = table.centres[0] - half
    start = next((i for i, line in enumerate(lines) if _numbers_under(line, table.centres, half)), None)
    if start is None or _counts_of(lines[start], table.centres, half) is None:
        return []  # the page prints other figures under those columns first (a matrix, a table)
    first = start  # a wrapped label's lines just above its counts
    while first > 0 and _left_only(lines[first - 1], left_of) and _tight(lines[first - 1], lines[first]):
        first -= 1
    top = max(w.bottom for w in lines[first - 1]) if first > 0 else float("-inf")
    return _summary_lines(table.names, _rows_below(lines[first:], top, table.centres, missing))


def _numbers_under(line: Sequence[Word], centres: Sequence[float], half: float) -> bool:
    """The line prints a figure under one of the columns (page furniture above prints none)."""
    return any(w.text[:1].isdigit() and any(abs(w.xmid - c) < half for c in centres) for w in line)


def _summary_lines(names: Sequence[str], found: Sequence[tuple[str, list[str]]]) -> list[SummaryLine]:
    return [SummaryLine(group, dict(zip(names, counts, strict=True))) for group, counts in found]


def _tight(upper: Sequence[Word], lower: Sequence[Word]) -> bool:
    """Two lines of one wrapped cell: less than a line's height apart."""
    height = max(w.bottom - w.top for w in lower)
    return min(w.top for w in lower) - max(w.bottom for w in upper) < height


def _half_gap(centres: Sequence[float]) -> float:
    return min(b - a for a, b in itertools.pairwise(centres)) / 2 if len(centres) > 1 else 20.0


def _label_centres(line: Sequence[Word], columns: Columns) -> list[tuple[str, float]] | None:
    """Each column's name and the x centre of its label on this line, left to right (the
    printed order), or None when a column's label is not on the line."""
    located = []
    for name, labels in columns:
        prefixes = [_squash(label.split()[0])[:LABEL_PREFIX] for label in labels if label.split()]
        hit = next((w for w in line if any(_starts_label(_squash(w.text), p) for p in prefixes)), None)
        if hit is None:
            return None
        located.append((name, hit.xmid))
    located.sort(key=lambda item: item[1])
    if len({x for _, x in located}) < len(located):
        return None  # one word cannot head two columns
    return located


def _starts_label(word: str, prefix: str) -> bool:
    """The word opens the label: it starts with the label's prefix, or is the first part of a
    label wrapped in a narrow cell ("Tota" / "l", "N" / "D")."""
    if not word:
        return False
    return word.startswith(prefix) or (prefix.startswith(word) and len(word) >= min(3, len(prefix) - 1))


def _rows_below(
    lines: Sequence[Sequence[Word]], top: float, centres: Sequence[float], groups: Sequence[str]
) -> list[tuple[str, list[str]]]:
    """Lines with a whole number under every column, until the first line without (`top`: the
    foot of what is printed above the first row)."""
    half = _half_gap(centres)
    count_lines: list[tuple[Sequence[Word], list[str]]] = []
    label_words: list[Word] = []
    for k, line in enumerate(lines):
        done = len(count_lines) == len(groups)
        if done and not (_left_only(line, centres[0] - half) and _tight(lines[k - 1], line)):
            break  # past the last row, only its wrapped label's last line belongs to the table
        counts = None if done else _counts_of(line, centres, half)
        if counts is None:
            if count_lines and not _left_only(line, centres[0] - half):
                break
            label_words += [w for w in line if w.x1 < centres[0] - half]
            continue
        count_lines.append((line, counts))
        label_words += [w for w in line if w.x1 < centres[0] - half]
    return _label_rows(count_lines, label_words, top, centres[0] - half, groups)


def _left_only(line: Sequence[Word], left_of: float) -> bool:
    return all(w.x1 < left_of for w in line)


def _counts_of(line: Sequence[Word], centres: Sequence[float], half: float) -> list[str] | None:
    """One whole number under each column label. A word between the first and the last column
    belongs to the column whose label centre is nearest: counts aligned to the right of a wide
    cell sit further from its label's centre than half the gap between two labels."""
    cells: list[list[Word]] = [[] for _ in centres]
    for w in line:
        if centres[0] - half < w.xmid < centres[-1] + half:
            cells[min(range(len(centres)), key=lambda k: abs(w.xmid - centres[k]))].append(w)
    if any(len(cell) != 1 or not COUNT.match(cell[0].text) for cell in cells):
        return None
    return [cell[0].text for cell in cells]


def _label_rows(
    count_lines: Sequence[tuple[Sequence[Word], list[str]]],
    label_words: Sequence[Word],
    top: float,
    right: float,
    groups: Sequence[str],
) -> list[tuple[str, list[str]]]:
    """Each count line's group: the label cell text in its band (wrapped lines included)."""
    if not count_lines:  # a header row with no count line under it (another table's header)
        return []
    mids = [sum(w.ymid for w in line) / len(line) for line, _ in count_lines]
    # a wrapped label's other lines may share their height with a header block printed
    # further left: each line keeps only the run of words on the label column's edge or axis
    column = LabelColumn.of([cell for line, _ in count_lines if (cell := _label_cell(line, right))])
    bottom = mids[-1] + (mids[-1] - ((mids[-2] + mids[-1]) / 2 if len(mids) > 1 else top))
    tight = _tight_lines([w for w in label_words if top <= w.ymid <= bottom])
    lines = [" ".join(w.text for w in column.cell(line, right)) for line in tight]
    line_mids = [sum(w.ymid for w in line) / len(line) for line in tight]
    out = []
    for k, group in enumerate(_label_groups(lines, line_mids, mids, groups)):
        if group:
            out.append((group, count_lines[k][1]))
    return out


@dataclass(frozen=True, slots=True)
class LabelColumn:
    """Where the group labels sit, told by the label cells beside the counts: lines that start
    at one left edge (`x0`), or lines centred on one axis (`mid`). A wrapped label's other
    lines may share their height with a header block printed further left; the label is then
    the run of words ending the line that keeps to the column's edge or axis."""

    anchor: str = ""  # "x0" | "mid"; "" = unknown: the words of the cell beside the counts
    at: float = 0.0

    @classmethod
    def of(cls, cells: Sequence[Sequence[Word]]) -> LabelColumn:
        if not cells:
            return cls()
        fits = []
        for anchor in ("x0", "mid"):
            values = [_anchor(cell, anchor) for cell in cells]
            at = sorted(values)[len(values) // 2]
            agree = [abs(v - at) for v, cell in zip(values, cells, strict=True) if abs(v - at) <= _tolerance(cell)]
            # the most cells on it, then the closest: labels of similar widths fit both
            fits.append((len(agree), -sum(agree), anchor, at))
        _, _, anchor, at = max(fits)
        return cls(anchor, at)

    def cell(self, line: Sequence[Word], right: float) -> list[Word]:
        words = sorted((w for w in line if w.x1 < right), key=lambda w: w.x0)
        if not self.anchor:
            return _label_cell(line, right)
        for k in range(len(words)):  # the longest run first
            run = words[k:]
            if abs(_anchor(run, self.anchor) - self.at) <= _tolerance(run):
                return run
        return []


def _anchor(cell: Sequence[Word], anchor: str) -> float:
    left = min(w.x0 for w in cell)
    return left if anchor == "x0" else (left + max(w.x1 for w in cell)) / 2


def _tolerance(cell: Sequence[Word]) -> float:
    """Producers place a line within a few points of its edge or axis (padding, rounding)."""
    return LABEL_EDGE_TOLERANCE + LABEL_AXIS_EM * max(w.bottom - w.top for w in cell)


MAX_LABEL_SPLITS = 256  # ways to share wrapped label lines between rows tried, at most


def _label_groups(
    lines: Sequence[str], line_mids: Sequence[float], mids: Sequence[float], groups: Sequence[str]
) -> list[str | None]:
    """The group of each count row, from the label lines around it.

    A label line between two count lines belongs to one of them: the counts sit beside the
    first, middle or last line of a wrapped label as the cell aligns them. Each way of sharing
    those lines is tried; the one whose labels name the most groups, best, wins (ties: the
    lines nearer their row's counts)."""
    fixed = [_row_of(y, mids) for y in line_mids]  # the nearest row, where a line is unambiguous
    between = [i for i, y in enumerate(line_mids) if _between(y, mids) is not None]
    options = [(_between(line_mids[i], mids) or (0, 0)) for i in between]
    if not between or 2 ** len(between) > MAX_LABEL_SPLITS:
        return _groups_of(lines, fixed, len(mids), groups)[0]
    best: tuple[tuple[int, float, int], list[str | None]] | None = None
    for choice in itertools.product((0, 1), repeat=len(between)):
        rows = list(fixed)
        for i, pick, pair in zip(between, choice, options, strict=True):
            rows[i] = pair[pick]
        named, score = _groups_of(lines, rows, len(mids), groups)
        agree = sum(r == f for r, f in zip(rows, fixed, strict=True))
        key = (sum(g is not None for g in named), score, agree)
        if best is None or key > best[0]:
            best = (key, named)
    assert best is not None
    return best[1]


def _row_of(y: float, mids: Sequence[float]) -> int:
    return min(range(len(mids)), key=lambda k: abs(mids[k] - y))


def _between(y: float, mids: Sequence[float]) -> tuple[int, int] | None:
    """The two count rows a label line lies strictly between, if any."""
    for k, (a, b) in enumerate(itertools.pairwise(mids)):
        if a + LINE_SLACK < y < b - LINE_SLACK:
            return (k, k + 1)
    return None


LINE_SLACK = 1.0  # pt: a label line this close to a count line's middle is on that line


def _groups_of(
    lines: Sequence[str], rows: Sequence[int], n_rows: int, groups: Sequence[str]
) -> tuple[list[str | None], float]:
    """Each row's group from the label lines given to it, and the sum of their match scores
    (a group named twice counts once)."""
    named: list[str | None] = []
    total = 0.0
    for k in range(n_rows):
        text = " ".join(line for line, row in zip(lines, rows, strict=True) if row == k)
        group, score = _best_group(text, groups)
        if group in named:
            group = None
        named.append(group)
        total += score if group else 0.0
    return named, total


def _tight_lines(words: Sequence[Word]) -> list[list[Word]]:
    """Words in reading order by their own line: a label wrapped in a small font has lines
    closer than a general line grouping keeps apart (they sit beside one row of counts)."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: w.ymid):
        if lines and abs(lines[-1][0].ymid - w.ymid) < (w.bottom - w.top) * TIGHT_LINE:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _label_cell(line: Sequence[Word], right: float) -> list[Word]:
    """The words of the cell just left of the counts: from the right, until a wide gap
    (the header block printed beside the table sits further left)."""
    words = sorted((w for w in line if w.x1 < right), key=lambda w: w.x0)
    cell: list[Word] = []
    for w in reversed(words):
        if cell and cell[0].x0 - w.x1 > (w.bottom - w.top) * LABEL_GAP_EM:
            break
        cell.insert(0, w)
    return cell


def _best_group(text: str, groups: Sequence[str]) -> tuple[str | None, float]:
    """The group the label names. The label may carry text of its neighbourhood (a header
    block printed beside the table), so a group is looked for inside the label; a group longer
    than the label must match it whole ("Objetivos prioritarios" is not "Indicadores de
    objetivos prioritarios")."""
    label = _squash(text)
    best, best_key = None, (0.0, 0)
    for group in groups:
        g = _squash(group)
        score = fuzz.partial_ratio(g, label) if len(g) <= len(label) else fuzz.ratio(g, label)
        if (score, len(g)) > best_key:
            best, best_key = group, (score, len(g))
    return (best, best_key[0]) if best_key[0] >= GROUP_MATCH_MIN else (None, 0.0)
