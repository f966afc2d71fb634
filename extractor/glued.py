"""Words a text layer glued across cell boundaries, cut back into cells.

Some producers leave no gap between neighbouring cells, so the text layer reads one word where
the page shows two cells: `ND000084-INSTITUTO` (a progress ND and the executing unit),
`Cantidad2014` (a measure and a year), `12.002015`, `94.44100.00`, `IND.01.OEI.01porcentaje`.
A word that straddles a column boundary is cut where the text's own shape allows a cell to end
and the next to begin — a change between letters and digits, the end of a decimal part, a
percent sign — choosing, for each boundary, the allowed cut nearest to it. Cutting between two
digits without such a sign (integers printed side by side) is accepted only very close to the
boundary. A word that reads as one value or one code is never cut (a value overhanging its
header cell is still one value).

Character positions are not kept in a `Word`, so a cut's x is estimated from typical relative
glyph widths (digits share one width in every common font; points and commas are narrow).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from extractor.model import Column, Word

ONE_VALUE = re.compile(r"^(?:ND|[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|[-+]?\d+(?:[.,]\d+)?%?)$")
VALUE_RUN = re.compile(r"^(?:[\d.,%]|ND)+$")  # values only: "10091.4394.74", "ND100.00"
STRONG_REACH = 1.6  # how far (in average glyph widths) a letter/digit change may sit from the boundary
WEAK_REACH = 0.75  # the same for a cut between two digits
MIN_STRADDLE = 0.6  # a word crossing a boundary by less than this share of a glyph overhangs, not glued

_NARROW = set(".,:;'!|il1") - {"1"}
_WIDE = set("MWmw%@")


def _glyph_width(ch: str) -> float:
    if ch in _NARROW:
        return 0.45
    if ch in _WIDE:
        return 1.5
    if ch.isupper():
        return 1.2
    return 1.0


def char_edges(word: Word) -> list[float]:
    """Estimated x of each character boundary of the word (len + 1 values)."""
    widths = [_glyph_width(c) for c in word.text]
    scale = (word.x1 - word.x0) / sum(widths)
    edges = [word.x0]
    for w in widths:
        edges.append(edges[-1] + w * scale)
    return edges


def cut_strength(text: str, i: int) -> int:
    """2: a cell may well end before text[i]; 1: only between two digits; 0: not here."""
    left, right = text[i - 1], text[i]
    if right in ".,%" or left in ".,+":
        return 0
    if left.isalpha() != right.isalpha() and left.isalnum() and right.isalnum():
        return 2
    if left == "%" and right.isalnum():
        return 2
    if left.isdigit() and right.isdigit():
        if not VALUE_RUN.match(text):
            return 0  # digits inside a text cell ("000084-INSTITUTO") are that cell's
        decimals = re.search(r"[.,](\d+)$", text[:i])
        return 2 if decimals and len(decimals.group(1)) == 2 else 1
    return 0  # inside a word, or at a hyphen ("000084-INSTITUTO" is one cell's text)


def glued_cuts(word: Word, bounds: Sequence[float], is_code: Callable[[str], bool] | None = None) -> list[int]:
    """Character indices where the word is cut, one per column boundary it straddles."""
    text = word.text
    if len(text) < 3 or ONE_VALUE.match(text) or (is_code is not None and is_code(text)):
        return []
    edges = char_edges(word)
    pitch = (word.x1 - word.x0) / len(text)
    cuts = set()
    for b in bounds:
        if not word.x0 + MIN_STRADDLE * pitch < b < word.x1 - MIN_STRADDLE * pitch:
            continue
        best = None
        for i in range(1, len(text)):
            strength = cut_strength(text, i)
            if strength == 1 and min(i, len(text) - i) < 2:
                continue  # a digit cut off a number's end ("0|00084-") is an overhang, not a cell
            reach = STRONG_REACH if strength == 2 else WEAK_REACH
            distance = abs(edges[i] - b) / pitch
            if strength and distance <= reach:
                key = (-strength, distance)
                if best is None or key < best[0]:
                    best = (key, i)
        if best:
            cuts.add(best[1])
    return sorted(cuts)


def column_bounds(columns: Sequence[Column]) -> list[float]:
    """Where one column ends and the next begins: the middle of the gap (or overlap) between them."""
    bounds = set()
    ordered = sorted(columns, key=lambda c: c.x0)
    for col in ordered:
        nxt = next((c for c in ordered if c.x0 > col.x0 + 1 and c.role != col.role), None)
        bounds.add(round((col.x1 + nxt.x0) / 2, 1) if nxt else col.x1)
    return sorted(bounds)


def split_glued_words(
    words: Sequence[Word], columns: Sequence[Column], is_code: Callable[[str], bool] | None = None
) -> list[Word]:
    """Every word cut at the column boundaries it was glued across (see the module's doc)."""
    bounds = column_bounds(columns)
    out: list[Word] = []
    for w in words:
        cuts = glued_cuts(w, bounds, is_code)
        if not cuts:
            out.append(w)
            continue
        edges = char_edges(w)
        for a, b in zip([0, *cuts], [*cuts, len(w.text)], strict=True):
            out.append(Word(w.text[a:b], edges[a], edges[b], w.top, w.bottom))
    return out
