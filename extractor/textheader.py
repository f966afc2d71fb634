"""A table header printed as text alone: no painted and no ruled cells to take its columns from.

Some printouts draw the header with neither backgrounds nor borders; only its words show it.
Its cells are then found from the text:

1. the header *band*: the run of lines around a line holding the anchor label (the code's)
   whose words are mostly words of the family's labels, or years;
2. its *labels*: runs of neighbouring words on a line, alone or stacked over the next lines (a
   label wrapped in its cell), matched fuzzily to the family's column, group and sub-column
   labels, exact and longest first; every printed year is a cell of its own;
3. their *boxes*: a column's label spans the band; a group's label spans the sub-columns (years,
   "Año"/"Valor") below it, each going to the nearest group label above it.

`layout.py` matches these cells as it matches painted or ruled ones. The columns it makes are
then widened to the data's alignment (`widen_to_body`): two neighbouring columns meet where the
body's words leave the widest gap between their labels.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from extractor.geometry import Box
from extractor.glued import NUMERIC, STRONG, char_edges, cut_strength
from extractor.labels import LABEL_MATCH_MIN, label_score
from extractor.model import Column, Word
from extractor.rules import label_words

YEAR = re.compile(r"^(19|20)\d{2}$")
LABELISH_SHARE = 0.6  # a header line: at least this share of its words are label words or years
MAX_RUN_WORDS = 5  # words of one label on one line
MAX_STACK_LINES = 3  # lines a label wraps over in its cell
RUN_GAP_EM = 1.2  # words of one label on a line stand closer than this (in line heights)
LINE_GAP_EM = 1.6  # lines of one header band stand closer than this (in line heights)
WORD_SPACE_EM = 0.1  # narrower gaps are no word space: cells printed without padding touch
RUNNING_GAP_EM = 0.4  # words of running text stand a word space apart, closer than this (line heights)
PROFILE_STEP = 0.1  # points between the x's where the body's coverage is counted
ALIGNED_PT = 0.5  # word edges this close are aligned
MIN_ALIGNED = 2  # words aligned on one edge that show where two cells meet
SAME_LABEL_PT = 1.0  # labels of two headers this close are printed at the same place (tables sized by
# their own content centre their labels a few points apart, and their cells meet elsewhere)


@dataclass(frozen=True, slots=True)
class TextCell:
    box: Box
    text: str


@dataclass(frozen=True, slots=True)
class _Label:
    words: tuple[Word, ...]
    text: str
    kind: str  # "column", "group", "sub" or "year"
    score: float
    box: Box  # around its words

    @classmethod
    def of(cls, words: tuple[Word, ...], text: str, kind: str, score: float) -> _Label:
        return cls(words, text, kind, score, Box.around(words))


def header_bands(words: Sequence[Word], header_rules: dict) -> list[list[list[Word]]]:
    """Every band of header lines (each line's words left to right) around an anchor label."""
    lines = _lines(words)
    vocabulary = _label_vocabulary(header_rules)
    anchors = header_rules.get("anchor", [])
    bands: list[list[list[Word]]] = []
    taken: set[int] = set()
    for k, line in enumerate(lines):
        if k in taken or not any(label_score(w.text, anchors) >= LABEL_MATCH_MIN for w in line):
            continue
        if not _labelish(line, vocabulary):
            continue
        lo, hi = k, k
        while lo > 0 and _joins(lines[lo - 1], lines[lo]) and _labelish(lines[lo - 1], vocabulary):
            lo -= 1
        while hi + 1 < len(lines) and _joins(lines[hi], lines[hi + 1]) and _labelish(lines[hi + 1], vocabulary):
            hi += 1
        taken.update(range(lo, hi + 1))
        bands.append(lines[lo : hi + 1])
    return bands


def band_cells(band: Sequence[Sequence[Word]], header_rules: dict) -> list[TextCell]:
    """The header cells a band of text lines prints (see the module's doc)."""
    labels = _whole(_choose(_candidates(band, header_rules)), band)
    top = min(w.top for line in band for w in line)
    bottom = max(w.bottom for line in band for w in line)
    cells = [TextCell(Box(lb.box.x0, lb.box.x1, top, bottom), lb.text) for lb in labels if lb.kind == "column"]
    subs = [lb for lb in labels if lb.kind in ("sub", "year")]
    cells += [TextCell(Box(sub.box.x0, sub.box.x1, sub.box.top, bottom), sub.text) for sub in subs]
    owned = _owners([lb for lb in labels if lb.kind == "subs"], [s for s in subs if s.kind == "sub"])
    owned += _owners([lb for lb in labels if lb.kind == "years"], [s for s in subs if s.kind == "year"], runs=True)
    for group, own in owned:
        x0 = min([group.box.x0, *(s.box.x0 for s in own)])
        x1 = max([group.box.x1, *(s.box.x1 for s in own)])
        cells.append(TextCell(Box(x0, x1, top, group.box.bottom), group.text))
    return cells


def widen_to_body(
    columns: Sequence[Column],
    bodies: Sequence[tuple[Sequence[Column], Sequence[Word]]],
    code_length: Callable[[str], int] | None = None,
) -> list[Column]:
    """Columns found from their labels alone, widened until they meet: each boundary where the
    body's words (rows below the header) cover the least between two labels' middles.

    `bodies` are the page's headers of this kind (this one among them) with the words below
    each: tables printed alike (one per OEI/AEI) place two columns' labels alike, and their
    bodies together show where those cells meet, even under a header with one short row.
    `code_length` (the family's code grammar) tells where a code printed in the code column
    ends, glued to the next cell's text or not (`_code_cell_end`)."""
    ordered = sorted(columns, key=lambda c: c.x0)
    if not ordered:
        return []
    bounds = [_meeting_point(a, b, _bodies_alike(a, b, bodies), code_length) for a, b in itertools.pairwise(ordered)]
    body = _bodies_alike(ordered[0], ordered[-1], bodies)
    first_x0 = min([ordered[0].x0, *(w.x0 for w in body if w.x1 <= (bounds or [ordered[0].x1])[0])])
    last_x1 = max([ordered[-1].x1, *(w.x1 for w in body if w.x0 >= (bounds or [ordered[-1].x0])[-1])])
    lefts, rights = [first_x0, *bounds], [*bounds, last_x1]
    return [Column(c.role, x0, x1, c.label) for c, x0, x1 in zip(ordered, lefts, rights, strict=True)]


def cells_meet(left: float, right: float, body: Sequence[Word]) -> float:
    """Where the cells of two labels meet, one's label ending at `left` and the next's starting at
    `right`, as the `body`'s words below show it (the least covered stretch between them, at
    its aligned end): for a header whose rule between the two was lost."""
    return _meeting_point(Column("", left, left, ""), Column("", right, right, ""), body)


def _bodies_alike(a: Column, b: Column, bodies: Sequence[tuple[Sequence[Column], Sequence[Word]]]) -> list[Word]:
    """The words under every header that prints the labels of `a` and `b` where this one does."""
    def placed(col: Column, columns: Sequence[Column]) -> bool:
        return any(c.role == col.role and abs((c.x0 + c.x1) - (col.x0 + col.x1)) / 2 <= SAME_LABEL_PT for c in columns)

    return [w for columns, words in bodies if placed(a, columns) and placed(b, columns) for w in words]


# ---- the band ---------------------------------------------------------------------------------


def _lines(words: Iterable[Word]) -> list[list[Word]]:
    """Words sharing a top (one font on a text layer) as lines, top to bottom, left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        last = lines[-1] if lines else None
        if last and abs(last[0].top - w.top) < 0.3 * (w.bottom - w.top):
            last.append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _joins(upper: Sequence[Word], lower: Sequence[Word]) -> bool:
    height = max(w.bottom - w.top for w in upper)
    return lower[0].top - upper[0].top < LINE_GAP_EM * height


def _label_vocabulary(header_rules: dict) -> set[str]:
    texts = list(header_rules.get("anchor", []))
    for labels in header_rules.get("columns", {}).values():
        texts += labels
    for group in header_rules.get("groups", []):
        texts += group["labels"]
        for labels in (group.get("sub") or {}).values():
            texts += labels
    return {w for text in texts for w in label_words(text)}


def _is_label_word(text: str, vocabulary: set[str]) -> bool:
    if YEAR.match(text):
        return True
    pieces = label_words(text)
    if not pieces:
        return text.strip() in ("(%)", "%", "/")
    # a word of a label, abbreviated ("PARÁM.", "ESP.") or initials ("U.O.", "UE")
    return all(any(v.startswith(p) for v in vocabulary) or (len(p) <= 2 and p.isalpha()) for p in pieces)


def _labelish(line: Sequence[Word], vocabulary: set[str]) -> bool:
    return sum(_is_label_word(w.text, vocabulary) for w in line) >= LABELISH_SHARE * len(line)


# ---- labels -------------------------------------------------------------------------------------


def _targets(header_rules: dict) -> list[tuple[str, list[str]]]:
    """(kind, synonyms) of every label; a group's kind says what it holds: "years" or "subs"."""
    out = [("column", labels) for labels in header_rules.get("columns", {}).values()]
    for group in header_rules.get("groups", []):
        out.append(("years" if group.get("years") else "subs", group["labels"]))
        out += [("sub", labels) for labels in (group.get("sub") or {}).values()]
    return out


def _runs(line: Sequence[Word]) -> list[tuple[Word, ...]]:
    """Every run of up to MAX_RUN_WORDS neighbouring words of a line."""
    out = []
    for i in range(len(line)):
        for j in range(i + 1, min(i + MAX_RUN_WORDS, len(line)) + 1):
            height = line[j - 1].bottom - line[j - 1].top
            if j - 1 > i and line[j - 1].x0 - line[j - 2].x1 > RUN_GAP_EM * height:
                break
            out.append(tuple(line[i:j]))
    return out


def _overlaps(a: Sequence[Word], b: Sequence[Word]) -> bool:
    """A run below another is its wrapped rest: they share most of the narrower one's width."""
    a0, a1 = min(w.x0 for w in a), max(w.x1 for w in a)
    b0, b1 = min(w.x0 for w in b), max(w.x1 for w in b)
    return min(a1, b1) - max(a0, b0) > 0.5 * min(a1 - a0, b1 - b0)


def _stacks(band: Sequence[Sequence[Word]]) -> list[tuple[Word, ...]]:
    """Runs alone and stacked over the lines below them. A cell's next line is the next one
    down under it: a neighbouring cell centred at another height prints its lines in between."""
    runs = [run for line in band for run in _runs(line)]
    out: list[tuple[Word, ...]] = []
    frontier = [(run, run) for run in runs]
    for _ in range(MAX_STACK_LINES):
        out += [words for words, _ in frontier]
        frontier = [(words + run, run) for words, last in frontier for run in runs if _next_line_of(last, run)]
    return out


def _next_line_of(upper: Sequence[Word], lower: Sequence[Word]) -> bool:
    height = upper[0].bottom - upper[0].top
    step = lower[0].top - upper[0].top
    return 0.5 * height < step < LINE_GAP_EM * height and _overlaps(upper, lower)


def _candidates(band: Sequence[Sequence[Word]], header_rules: dict) -> list[_Label]:
    targets = _targets(header_rules)
    out = []
    for words in _stacks(band):
        text = " ".join(w.text for w in words)
        if len(words) == 1 and YEAR.match(text):
            out.append(_Label.of(words, text, "year", 100.0))
            continue
        best = max(((label_score(text, labels), kind) for kind, labels in targets), default=(0.0, ""))
        if best[0] >= LABEL_MATCH_MIN:
            out.append(_Label.of(words, text, best[1], best[0]))
    return out


def _choose(candidates: list[_Label]) -> list[_Label]:
    """The best labels first (exact, then longest), none sharing a word with one taken."""
    chosen: list[_Label] = []
    used: set[int] = set()
    for label in sorted(candidates, key=lambda lb: (-lb.score, -len(lb.text))):
        if any(id(w) in used for w in label.words):
            continue
        chosen.append(label)
        used.update(id(w) for w in label.words)
    return chosen


def _whole(labels: list[_Label], band: Sequence[Sequence[Word]]) -> list[_Label]:
    """Labels that are whole printed labels: a label with a word of no label right above or
    below one of its words is a piece of another ("RESPONSABLE" of "UNIDAD ORGANICA RESPONSABLE")."""
    used = {id(w) for lb in labels for w in lb.words}
    orphans = [w for line in band for w in line if id(w) not in used]

    def adjacent(u: Word, w: Word) -> bool:
        height = u.bottom - u.top
        return 0.5 * height < abs(w.top - u.top) < LINE_GAP_EM * height and _overlaps([u], [w])

    return [lb for lb in labels if lb.kind == "year" or not any(adjacent(u, w) for u in lb.words for w in orphans)]


def _owners(
    groups: Sequence[_Label], subs: Sequence[_Label], *, runs: bool = False
) -> list[tuple[_Label, list[_Label]]]:
    """Each group label with the sub-column labels under it. With `runs`, years go by runs (a
    group prints its years in order; the next group starts again), a run to the group label
    nearest its middle; otherwise each label goes to the nearest group label above it."""
    owned: dict[int, list[_Label]] = {id(g): [] for g in groups}
    pieces = _year_runs(subs) if runs else [[s] for s in subs]
    for piece in pieces:
        middle = Box.around(s.box for s in piece).xmid
        above = [g for g in groups if g.box.bottom <= min(s.box.top for s in piece) + 1]
        nearest = min(above, key=lambda g: abs(g.box.xmid - middle), default=None)
        if nearest is not None:
            owned[id(nearest)] += piece
    return [(g, owned[id(g)]) for g in groups]


def _year_runs(years: Sequence[_Label]) -> list[list[_Label]]:
    out: list[list[_Label]] = []
    for year in sorted(years, key=lambda y: y.box.x0):
        if out and int(year.text) > int(out[-1][-1].text):
            out[-1].append(year)
        else:
            out.append([year])
    return out


# ---- the data's alignment -------------------------------------------------------------------------


def _meeting_point(
    a: Column, b: Column, body: Sequence[Word], code_length: Callable[[str], int] | None = None
) -> float:
    """Where two neighbouring columns meet: between their labels, in a stretch the
    fewest body words cover (words a text layer glued across cells cut first where they may be:
    `ND100.00`, `Cantidad2015`). Of those stretches, the one with the most evidence: its width,
    and the words that end at its left (values right-aligned in their cells) or start at its
    right (text left-aligned). At that end, or in its middle when neither shows."""
    # each label is printed inside its cell (centred, or wrapped in it): the cells meet between them
    lo, hi = a.x1, b.x0
    if hi - lo <= 2 * PROFILE_STEP:
        return (lo + hi) / 2
    if a.role == "code" and code_length is not None:
        # the code column's codes, read from the whole body: a name glued to its code runs on
        # from the code column like running text
        glued_end, whole_end = _code_cell_end(body, a, b, code_length)
        if glued_end is not None:  # the grammar's cut is where the cells meet: nothing else shows it
            return glued_end
        lo = max(lo, whole_end) if whole_end < hi else lo
    chains = _cell_chains(body, lo, hi)
    every = [span for chain in chains for w in chain for span in _pieces(w)]
    spans = [(x0, x1) for x0, x1 in every if x1 > lo and x0 < hi]
    # a word space between two words of text lies in one cell's text: it shows where the cells
    # meet only when nothing else does (a one-line table of text cells printed without padding)
    texts = [(x0, x1) for chain in chains for x0, x1 in _text_runs(chain) if x1 > lo and x0 < hi]
    stretches = _free_stretches(texts, lo, hi) or _free_stretches(spans, lo, hi)
    if not stretches:  # every x is covered (cuts of glued words estimated): the least covered
        xs = [lo + PROFILE_STEP * i for i in range(1, int((hi - lo) / PROFILE_STEP))]
        counts = [sum(1 for x0, x1 in spans if x0 < x < x1) for x in xs]
        stretches = _stretches(xs, counts, min(counts, default=0))
    best: tuple[float, float] | None = None
    for left, right in stretches:
        # judged whole: a stretch the labels' bounds cut off goes on to the words beside it
        whole_left, whole_right = _whole_stretch(left, right, every)
        ending = sum(1 for _, x1 in every if abs(x1 - whole_left) <= ALIGNED_PT)
        starting = sum(1 for x0, _ in every if abs(x0 - whole_right) <= ALIGNED_PT)
        x = left if ending >= max(MIN_ALIGNED, starting) else right if starting >= MIN_ALIGNED else (left + right) / 2
        evidence = whole_right - whole_left + ending + starting
        if best is None or evidence > best[0]:
            best = (evidence, x)
    return best[1] if best else (a.x1 + b.x0) / 2


def _code_cell_end(
    body: Sequence[Word], code: Column, right: Column, code_length: Callable[[str], int]
) -> tuple[float | None, float]:
    """Where the code cell ends by the codes printed in it (the family's grammar says where a
    code stops, even glued to the next cell's text: `IND.01.AEI.03.01porcentaje`): the furthest
    end of a code glued to, or touching, the next cell's text (None when none is), and the
    furthest end of a code printed alone. A table with one or two rows shows no gap between the
    cells to go by, and a word space in the name beside the code would otherwise pass for it."""
    glued: list[float] = []
    whole: list[float] = []
    for w in body:
        n = code_length(w.text) if w.x0 < code.x1 and w.x1 > code.x0 else 0
        if n and n < len(w.text) and cut_strength(w.text, n):
            glued.append(char_edges(w)[n])
        elif n == len(w.text) and w.x1 < right.x0 and _touched(w, body):
            glued.append(w.x1)
        elif n:
            whole.append(w.x1)
    return (max([*glued, *whole]) if glued else None), max(whole, default=0.0)


def _touched(word: Word, body: Sequence[Word]) -> bool:
    """Cells printed without padding: a word beside this one (its lines overlapping, a code
    centred between a name's wrapped lines) starts closer than a word space after it."""
    space = WORD_SPACE_EM * (word.bottom - word.top)
    return any(
        w.top < word.bottom and w.bottom > word.top and -ALIGNED_PT <= w.x0 - word.x1 < space
        for w in body if w is not word
    )  # fmt: skip


def _whole_stretch(left: float, right: float, spans: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """A free stretch cut off by the labels' bounds, taken up to the words on either side."""
    before = [x1 for x0, x1 in spans if x1 <= left + 1e-6 and x0 < left]
    after = [x0 for x0, x1 in spans if x0 >= right - 1e-6 and x1 > right]
    return (max(before, default=left), min(after, default=right))


def _free_stretches(spans: Sequence[tuple[float, float]], lo: float, hi: float) -> list[tuple[float, float]]:
    """The stretches of [lo, hi] no span covers, a point where two spans touch included (cells
    printed without padding: a value right-aligned in one, text left-aligned in the next)."""
    out, reach = [], lo
    for x0, x1 in sorted(spans):
        if x0 >= reach and x0 > lo:
            out.append((reach, min(x0, hi)))
        reach = max(reach, x1)
        if reach >= hi:
            return out
    return [*out, (reach, hi)]


def _stretches(xs: Sequence[float], counts: Sequence[int], least: int) -> list[tuple[float, float]]:
    """The runs of x's where the count is `least`, each as the (left, right) where it starts
    and ends (half a step outside its first and last x)."""
    out, start = [], None
    for i, n in enumerate([*counts, least + 1]):
        if n == least and start is None:
            start = i
        elif n != least and start is not None:
            out.append((xs[start] - PROFILE_STEP / 2, xs[i - 1] + PROFILE_STEP / 2))
            start = None
    return out


def _pieces(word: Word) -> list[tuple[float, float]]:
    """A word's extent, cut where a glued word may be (glued.py's strong cuts), each piece a
    little short of the cut so that the cut shows as a gap."""
    return [(x0, x1) for _, x0, x1 in _text_pieces(word)]


def _text_pieces(word: Word) -> list[tuple[str, float, float]]:
    """`_pieces` with the text of each piece."""
    edges = char_edges(word)
    cuts = [i for i in range(1, len(word.text)) if cut_strength(word.text, i) == STRONG]
    shrink = ALIGNED_PT  # the cut's x is estimated from typical glyph widths
    return [
        (word.text[i:j], edges[i] + (shrink if i else 0.0), edges[j] - (shrink if j < len(word.text) else 0.0))
        for i, j in itertools.pairwise([0, *cuts, len(word.text)])
    ]


def _text_runs(chain: Sequence[Word]) -> list[tuple[float, float]]:
    """A chain's pieces, each two neighbouring words' pieces of text (no figure) taken as one
    with the word space between them."""
    runs: list[tuple[str, float, float]] = []
    for k, w in enumerate(chain):
        for n, (text, x0, x1) in enumerate(_text_pieces(w)):
            if k and not n and runs and not NUMERIC.match(runs[-1][0]) and not NUMERIC.match(text):
                runs[-1] = (text, runs[-1][1], x1)
            else:
                runs.append((text, x0, x1))
    return [(x0, x1) for _, x0, x1 in runs]


def _cell_chains(body: Sequence[Word], lo: float, hi: float) -> list[list[Word]]:
    """The body's words in chains a word space apart on a line, without running text that
    reaches from `lo` to `hi` (a heading printed across the columns): words a word space apart,
    together spanning both labels' middles with their own text (a figure glued to either end
    word, `ND000084-INSTITUTO`, is another cell's). Words that touch are not running text but
    cells glued without padding, nor are figures (values of neighbouring cells a little apart,
    `71.43100.00 74.07100.00`), nor are two cells' lines a word space apart where another
    line's cell starts (`_at_cell_start`)."""
    lines = _lines(body)
    starts = _cell_starts(lines)
    out: list[list[Word]] = []
    for k, line in enumerate(lines):
        others = [x for j, x in starts if j != k]
        chain: list[Word] = []
        for w in [*line, None]:
            height = chain[-1].bottom - chain[-1].top if chain else 0.0
            if (
                w is not None and chain
                and WORD_SPACE_EM * height <= w.x0 - chain[-1].x1 < RUNNING_GAP_EM * height
                and not _at_cell_start(w, others)
            ):  # fmt: skip
                chain.append(w)
                continue
            if chain and not (_text_start(chain[0]) <= lo and _text_end(chain[-1]) >= hi and _wordy(chain)):
                out.append(chain)
            chain = [w] if w is not None else []
    return out


def _text_start(word: Word) -> float:
    """Where the word's text starts, past a figure glued to its front (`ND000084-INSTITUTO`)."""
    pieces = _text_pieces(word)
    return next((x0 for text, x0, _ in pieces if not NUMERIC.match(text)), pieces[-1][1])


def _text_end(word: Word) -> float:
    """Where the word's text ends, before a figure glued to its end (`Número2019`)."""
    pieces = _text_pieces(word)
    return next((x1 for text, _, x1 in reversed(pieces) if not NUMERIC.match(text)), pieces[0][2])


def _wordy(chain: Sequence[Word]) -> bool:
    """Most of the words have letters: text, not a run of figures."""
    return 2 * sum(any(c.isalpha() for c in w.text) for w in chain) > len(chain)


def _cell_starts(lines: Sequence[Sequence[Word]]) -> list[tuple[int, float]]:
    """Per line, where its cells' texts start: a line's first word, and a word after a gap wider
    than a word space."""
    return [
        (k, w.x0)
        for k, line in enumerate(lines)
        for i, w in enumerate(line)
        if i == 0 or w.x0 - line[i - 1].x1 >= RUNNING_GAP_EM * (w.bottom - w.top)
    ]


def _at_cell_start(word: Word, starts: Sequence[float]) -> bool:
    """A word a word space after another starts a cell of its own where another line's cell text
    starts (text left-aligned in its cell): a cell printed without padding puts its neighbour's
    text a word space away."""
    return any(abs(x - word.x0) <= ALIGNED_PT for x in starts)
