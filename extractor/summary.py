"""The summary-counts table, found by its column labels wherever a page prints it.

Producers put it above the matrix, beside the header block (on the same lines as "Sector: …"),
or below the matrix; its group names may wrap over two lines, with the counts centred beside
them. So the table is read from word positions, not from lines of text: the line holding every
column label gives the columns, each line below with a whole number under every label is a
row, and the row's group is the text left of the counts in the row's band, matched fuzzily.
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
LABEL_EDGE_TOLERANCE = 3.0  # pt: label lines of one cell start at its left edge
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
    if not columns or not groups:
        return []  # the family prints no summary table
    lines = text_lines(words)
    for i, line in enumerate(lines):
        located = _label_centres(line, columns)
        if located is None:
            continue
        names = [name for name, _ in located]
        found = _rows_below(lines[i + 1 :], line, [x for _, x in located], groups)
        if found:
            return [SummaryLine(group, dict(zip(names, counts, strict=True))) for group, counts in found]
    return []


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
    lines: Sequence[Sequence[Word]], header: Sequence[Word], centres: Sequence[float], groups: Sequence[str]
) -> list[tuple[str, list[str]]]:
    """Lines with a whole number under every column, until the first line without."""
    half = min(b - a for a, b in itertools.pairwise(centres)) / 2 if len(centres) > 1 else 20.0
    count_lines: list[tuple[Sequence[Word], list[str]]] = []
    label_words: list[Word] = []
    for line in lines:
        counts = _counts_of(line, centres, half)
        if counts is None:
            if count_lines and not _left_only(line, centres[0] - half):
                break
            label_words += [w for w in line if w.x1 < centres[0] - half]
            continue
        count_lines.append((line, counts))
        label_words += [w for w in line if w.x1 < centres[0] - half]
        if len(count_lines) == len(groups):
            break
    return _label_rows(count_lines, label_words, header, centres[0] - half, groups)


def _left_only(line: Sequence[Word], left_of: float) -> bool:
    return all(w.x1 < left_of for w in line)


def _counts_of(line: Sequence[Word], centres: Sequence[float], half: float) -> list[str] | None:
    counts = []
    for centre in centres:
        near = [w for w in line if abs(w.xmid - centre) < half]
        if len(near) != 1 or not COUNT.match(near[0].text):
            return None
        counts.append(near[0].text)
    return counts


def _label_rows(
    count_lines: Sequence[tuple[Sequence[Word], list[str]]],
    label_words: Sequence[Word],
    header: Sequence[Word],
    right: float,
    groups: Sequence[str],
) -> list[tuple[str, list[str]]]:
    """Each count line's group: the label cell text in its band (wrapped lines included)."""
    mids = [sum(w.ymid for w in line) / len(line) for line, _ in count_lines]
    top = max(w.bottom for w in header)
    # the label column's left edge, from the cells beside the counts: a wrapped label's other
    # lines may share their height with the header block printed further left
    lefts = sorted(cell[0].x0 for line, _ in count_lines if (cell := _label_cell(line, right)))
    left = lefts[len(lefts) // 2] - LABEL_EDGE_TOLERANCE if lefts else float("-inf")
    bottom = mids[-1] + (mids[-1] - ((mids[-2] + mids[-1]) / 2 if len(mids) > 1 else top))
    tight = _tight_lines([w for w in label_words if w.x0 >= left and top <= w.ymid <= bottom])
    lines = [" ".join(w.text for w in _label_cell(line, right)) for line in tight]
    line_mids = [sum(w.ymid for w in line) / len(line) for line in tight]
    out = []
    for k, group in enumerate(_label_groups(lines, line_mids, mids, groups)):
        if group:
            out.append((group, count_lines[k][1]))
    return out


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
