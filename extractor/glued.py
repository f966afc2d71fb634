"""Words a text layer glued across cell boundaries, cut back into cells.

Some producers leave no gap between neighbouring cells, so the text layer reads one word where
the page shows two cells: `ND000084-INSTITUTO` (a progress ND and the executing unit),
`Cantidad2014` (a measure and a year), `12.002015`, `94.44100.00`, `IND.01.OEI.01porcentaje`.
A word that straddles column boundaries is cut once per boundary, where the text's own shape
lets one cell end and the next begin:

- at a change between letters and digits, after a percent sign, or after a two-decimal part
  (strong cuts), or between two digits of a run of values (weak cuts, integers side by side);
- every piece made only of digits and separators must read as one value (`ND`, `2014`,
  `12.00`, `1,250.5%`; no leading zeros), so `84.62000084-INSTITUTO` can only be
  `84.62` + `000084-INSTITUTO`; a weak cut must follow a whole value of two digits or more
  (never inside a code such as `IND.01.AEI.02.03`);
- among the allowed cuttings, the one whose cuts sit nearest to the boundaries wins.

A word that reads as one value or one code and only overhangs a boundary is not cut.
Each piece keeps the word's other fields (an OCR'd word's confidence) and remembers the word it
was cut from (`Word.glued_from`): the row that holds the pieces records the cut.
Character positions are not kept in a `Word`, so a cut's x is estimated from typical relative
glyph widths (digits share one width in every common font; points and commas are narrow).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from extractor.model import Column, Word

NUMERIC = re.compile(r"^(?:[\d.,%]|ND)+$")
VALUE = re.compile(r"^(?:ND|[-+]?(?:0|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*)(?:[.,]\d+)?%?|[-+]?0[.,]\d+%?)$")
STRONG, WEAK = 2, 1
REACH = {STRONG: 2.0, WEAK: 0.9}  # how far (in average glyph widths) a cut may sit from its boundary
WEAK_COST = 0.5  # a weak cut is taken over a strong one only when clearly nearer
MIN_STRADDLE = 0.6  # glyphs a glued word must reach past a boundary on each side
ONE_VALUE_STRADDLE = 1.5  # the same for a word that reads as one value or one code
MAX_CANDIDATES = 24
SAME_BOUNDARY = 3.0  # points
CellFits = Callable[[str, str], bool]  # (column role, text): may the text be a whole cell of the column
# A cut x shared by this many glued words of one table is where its cells meet; another word's
# cut that close to it (points, and a share of its glyph pitch) is taken as well.
MIN_ALIGNED_CUTS = 2
ALIGNED_CUT_PT = 0.8
ALIGNED_CUT_PITCH = 0.25

_NARROW = set(".,:;'!|iljI")
_WIDE = set("MWmw%@")


def _glyph_width(ch: str) -> float:
    """A glyph's width relative to a digit's, as in common sans fonts."""
    if ch in _NARROW:
        return 0.5
    if ch in _WIDE:
        return 1.45
    if ch in "-()":
        return 0.6
    if ch.isupper():
        return 1.1
    if ch.isalpha():
        return 0.9
    return 1.0


def char_edges(word: Word) -> list[float]:
    """Estimated x of each character boundary of the word (len + 1 values)."""
    widths = [_glyph_width(c) for c in word.text]
    scale = (word.x1 - word.x0) / (sum(widths) or 1.0)  # a word with no text has one edge, its start
    edges = [word.x0]
    for w in widths:
        edges.append(edges[-1] + w * scale)
    return edges


def cut_strength(text: str, i: int) -> int:
    """STRONG: a cell may well end before text[i]; WEAK: only between two digits; 0: not here."""
    left, right = text[i - 1], text[i]
    if right in ".,%" or left in ".,+-":
        return 0
    if left.isalpha() != right.isalpha() and left.isalnum() and right.isalnum():
        return STRONG
    if left == "%" and right.isalnum():
        return STRONG
    if left.isdigit() and right.isdigit():
        decimals = re.search(r"\d[.,](\d+)$", text[:i])  # a number's decimals, not a sentence's end
        return STRONG if decimals and len(decimals.group(1)) == 2 else WEAK
    return 0


def piece_is_valid(piece: str) -> bool:
    """A piece of digits and separators must be one value; a piece of text may be anything."""
    return not NUMERIC.match(piece) or bool(VALUE.match(piece))


def straddled(word: Word, bounds: Sequence[float], is_code: Callable[[str], bool] | None) -> list[float]:
    pitch = (word.x1 - word.x0) / len(word.text)
    # a number led by a zero is no one value ("0100.00": a 0 glued to 100.00)
    whole = VALUE.match(word.text) or (is_code is not None and is_code(word.text))
    margin = (ONE_VALUE_STRADDLE if whole else MIN_STRADDLE) * pitch
    return [b for b in bounds if word.x0 + margin < b < word.x1 - margin]


def glued_cuts(word: Word, bounds: Sequence[float], is_code: Callable[[str], bool] | None = None) -> list[int]:
    """Character indices where the word is cut: one per column boundary it straddles, or none."""
    text = word.text
    if len(text) < 3:
        return []
    crossed = straddled(word, bounds, is_code)
    if not crossed:
        return []
    edges = char_edges(word)
    pitch = (word.x1 - word.x0) / len(text)
    candidates = {}
    for i in range(1, len(text)):
        strength = cut_strength(text, i) or _sentence_end(text, i, is_code)
        if strength and any(abs(edges[i] - b) <= REACH[strength] * pitch for b in crossed):
            candidates[i] = strength
    on_bound = {i for i in candidates if any(abs(edges[i] - b) <= _aligned(pitch) for b in crossed)}
    best: tuple[float, tuple[int, ...]] | None = None
    for cuts in itertools.combinations(sorted(candidates)[:MAX_CANDIDATES], len(crossed)):
        cost = _cost(cuts, crossed, candidates, edges, pitch)
        if cost is None or not _valid_cutting(text, cuts, candidates, on_bound):
            continue
        if best is None or cost < best[0]:
            best = (cost, cuts)
    return list(best[1]) if best else []


def _cost(
    cuts: Sequence[int], bounds: Sequence[float], strength: dict[int, int], edges: list[float], pitch: float
) -> float | None:
    total = 0.0
    for i, b in zip(cuts, bounds, strict=True):
        distance = abs(edges[i] - b) / pitch
        if distance > REACH[strength[i]]:
            return None
        total += distance + (WEAK_COST if strength[i] == WEAK else 0.0)
    return total


def _sentence_end(text: str, i: int, is_code: Callable[[str], bool] | None) -> int:
    """STRONG after a point that ends a word of letters, before a digit: a text cell's last
    sentence glued to the next cell's figures (`incrementado.000084-INSTITUTO`); not inside a
    code of the family's grammar (`IND.01.AEI.03.01`)."""
    if not (i >= 2 and text[i - 1] == "." and text[i - 2].isalpha() and text[i].isdigit()):
        return 0
    return 0 if is_code is not None and _inside_code(text, i, is_code) else STRONG


def _inside_code(text: str, i: int, is_code: Callable[[str], bool]) -> bool:
    """Whether the characters around index i belong to one code: a piece of the text that starts
    a run of letters before i and ends a run of digits after it, and reads as a code."""
    starts = [a for a in range(i) if text[a].isalpha() and (a == 0 or not text[a - 1].isalpha())]
    ends = [b for b in range(i + 1, len(text) + 1) if text[b - 1].isdigit() and not text[b : b + 1].isdigit()]
    return any(is_code(text[a:b]) for a in starts for b in ends)


def _aligned(pitch: float) -> float:
    """How near a cut's estimated x must be to a column edge to sit on it (points)."""
    return min(ALIGNED_CUT_PT, ALIGNED_CUT_PITCH * pitch)


def _valid_cutting(text: str, cuts: Sequence[int], strength: dict[int, int], on_bound: set[int]) -> bool:
    """Every piece reads as a cell, and a cut between two digits separates two values."""
    pieces = _pieces(text, cuts)
    if not all(piece_is_valid(p) for p in pieces):
        return False
    weak = [(k, i) for k, i in enumerate(cuts) if strength[i] == WEAK]
    return all(_weak_cut_allowed(pieces[k], pieces[k + 1], on_bound=i in on_bound) for k, i in weak)


def _weak_cut_allowed(left: str, right: str, *, on_bound: bool = False) -> bool:
    """Between two digits a cell ends only after a whole value ("100" + "100.00", "100" +
    "000084-INSTITUTO"). One digit cut off is an overhang ("0" + "00084-…", a centred "12.50"
    reaching into the next cell), unless its glyph ends right on the column's edge and a value
    follows (values right-aligned in their cells: "2" + "100.00")."""
    figures = bool(NUMERIC.match(right))
    whole = bool(NUMERIC.match(left)) and (len(left) >= 2 or (on_bound and figures))
    return whole and (figures or right[:1].isdigit())


def _pieces(text: str, cuts: Sequence[int]) -> list[str]:
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def column_bounds(columns: Sequence[Column]) -> list[float]:
    """Where one column ends and the next begins: the middle of the gap (or overlap) between
    them; boundaries closer than a glyph (a column found twice) are one."""
    found = []
    ordered = sorted(columns, key=lambda c: c.x0)
    for col in ordered:
        nxt = next((c for c in ordered if c.x0 > col.x0 + 1 and c.role != col.role), None)
        found.append((col.x1 + nxt.x0) / 2 if nxt else col.x1)
    bounds: list[list[float]] = []
    for b in sorted(found):
        if bounds and b - bounds[-1][-1] < SAME_BOUNDARY:
            bounds[-1].append(b)
        else:
            bounds.append([b])
    return [sum(group) / len(group) for group in bounds]


def printed_bounds(cut_words: Sequence[tuple[Word, list[int]]]) -> list[float]:
    """Where the table's cells really meet, as its glued words show: x's at which at least
    `MIN_ALIGNED_CUTS` cut words were cut (values right-aligned in a column share their edge)."""
    xs = sorted(char_edges(w)[i] for w, cuts in cut_words for i in cuts)
    found: list[list[float]] = []
    for x in xs:
        if found and x - found[-1][0] <= ALIGNED_CUT_PT:
            found[-1].append(x)
        else:
            found.append([x])
    return [sum(group) / len(group) for group in found if len(group) >= MIN_ALIGNED_CUTS]


def aligned_cut(word: Word, printed: Sequence[float]) -> list[int]:
    """One cut where other words of the table were cut, for a word the header's boundaries
    could not cut (`22019`: a one-digit value glued to a year, its glyph wholly in its column)."""
    if len(word.text) < 2 or not printed:
        return []
    edges = char_edges(word)
    pitch = (word.x1 - word.x0) / len(word.text)
    for i in range(1, len(word.text)):
        at_cut = any(abs(edges[i] - x) <= _aligned(pitch) for x in printed)
        if at_cut and cut_strength(word.text, i) and all(piece_is_valid(p) for p in _pieces(word.text, [i])):
            return [i]
    return []


def grammar_cut(word: Word, columns: Sequence[Column], fits: CellFits) -> list[int]:
    """One cut at a column boundary for a word the grammar of the column it stands in does not
    take whole, where each piece is a cell of the column it stands in (`62023` in a year column:
    a one-digit value glued to the year, its glyph only just past the boundary)."""
    text = word.text
    whole = _column_at((word.x0 + word.x1) / 2, columns)
    if len(text) < 2 or whole is None or fits(whole.role, text):
        return []
    edges = char_edges(word)
    pitch = (word.x1 - word.x0) / len(text)
    best: tuple[float, int] | None = None
    for i in range(1, len(text)):
        strength = cut_strength(text, i)
        left = _column_at((edges[0] + edges[i]) / 2, columns)
        right = _column_at((edges[i] + edges[-1]) / 2, columns)
        if not strength or left is None or right is None or left is right:
            continue
        distance = min(abs(edges[i] - left.x1), abs(edges[i] - right.x0)) / pitch
        pieces = (text[:i], text[i:])
        if distance > REACH[strength] or not all(piece_is_valid(p) for p in pieces):
            continue
        if fits(left.role, pieces[0]) and fits(right.role, pieces[1]) and (best is None or distance < best[0]):
            best = (distance, i)
    return [best[1]] if best else []


def _column_at(x: float, columns: Sequence[Column]) -> Column | None:
    """The column whose span holds x (the nearest one's, in a gap between two)."""
    return min(columns, key=lambda c: max(c.x0 - x, x - c.x1, 0.0), default=None)


def split_glued_words(
    words: Sequence[Word],
    columns: Sequence[Column],
    is_code: Callable[[str], bool] | None = None,
    fits: CellFits | None = None,
) -> list[Word]:
    """Every word cut at the column boundaries it was glued across (see the module's doc);
    then a word left whole that its column's grammar (`fits`) does not take, cut where the
    grammars of two neighbouring columns take its pieces; then words left whole cut where the
    table's other glued words show its cells meet."""
    bounds = column_bounds(columns)
    cut_words = [(w, glued_cuts(w, bounds, is_code)) for w in words]
    printed = printed_bounds(cut_words)
    out: list[Word] = []
    for w, cuts in cut_words:
        if not cuts and not (is_code is not None and is_code(w.text)):
            cuts = (grammar_cut(w, columns, fits) if fits else []) or aligned_cut(w, printed)
        if not cuts:
            out.append(w)
            continue
        out += cut_apart(w, cuts)
    return out


def cut_apart(word: Word, cuts: Sequence[int]) -> list[Word]:
    """The word's pieces between the cuts, each remembering the word it was cut from and keeping
    every other field (an OCR'd word's confidence stays on each of its pieces)."""
    edges = char_edges(word)
    origin = word.glued_from or word
    return [
        replace(word, text=word.text[a:b], x0=edges[a], x1=edges[b], glued_from=origin)
        for a, b in zip([0, *cuts], [*cuts, len(word.text)], strict=True)
    ]
