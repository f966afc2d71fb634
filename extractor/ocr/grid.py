"""The ruled grid of a page image: long thin runs of ink, merged into lines, and the cells they close.

Lines are found in pixels (`Edge` with `pos` across and `start`..`end` along the line) and
handed on in PDF points. Rules cut off by the edge of the scan are closed along it, borders of
shaded areas stand in for rules the shading printed over, and strokes of big title letters,
thin and long as they are, are told from rules by what they touch.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from extractor.geometry import Box, Edge, Orientation, grid_cells
from extractor.ocr.image import DEFAULT_DPI, DUST_PT, background_of, connected_marks, ink_mask, px

MIN_LINE_PT = 15.0  # shorter runs are letters (an "l" of 11 pt body text is ~8 pt tall)
MAX_LINE_THICKNESS_PT = 2.5  # thicker runs are bold strokes of big titles or shading
SNAP_PT = 2.5  # lines closer than this are one line (double rules, outlined strokes)
JOIN_PT = 3.0  # collinear pieces with a gap up to this are one line (broken scan lines)
CELL_TOLERANCE_PT = 2.5  # a line ending this short of a crossing line still closes the cell
MIN_CELL_PT = 3.0  # thinner "cells" are slivers between double lines
MIN_ROW_PT = 5.0  # crossing lines closer than this bound a letter's stroke, not a table cell
LONG_LINE_PT = 40.0  # a rule this long stands on its own; title strokes are shorter
TEXTURE_INK = 0.35  # ink share beside a run above which it sits in halftone shading
FILL_STEP = 12  # grey levels between a shaded cell and its neighbour (sample shades: 20-30)
EDGE_REACH_PT = 3.0  # a rule ending this close to the edge of the scan was cut off by it
MIN_SHEET_EDGE_RULES = 3  # open rule ends in one line inside the scan that make a cut sheet's edge
LID_INK_SHARE = 0.1  # beyond a cut sheet only specks: dust inks ~4% of a rule's band, a broken rule's rest far more
MAX_STEP_ROWS = 4  # a hairline stepping over two pixel rows, taken with the next row: no thicker
HAIRLINE_CLEAR_INK = 0.25  # ink share over and under a hairline (letters touching it); a text line's stems: more
MAX_BRIDGE_PT = 150.0  # the longest break in a rule mended: a faint patch of the scan ~2 inches wide
DASH_GAP_PT = 1.0  # gaps a bitonal threshold leaves between the dashes of a thin, faint rule
DASHED_GAIN = 2.0  # closing those gaps at least doubles the rules found: the page's rules are dashed


@dataclass(frozen=True, slots=True)
class LineMasks:
    """A page's ink and its long runs each way (`line_masks`): the costliest image work of the
    grid, done once per page and shared by `find_grid` and `erase_lines`, which read the same ink."""

    ink: np.ndarray
    horizontal: np.ndarray
    vertical: np.ndarray


def page_line_masks(image: np.ndarray, dpi: int) -> LineMasks:
    ink = ink_mask(image)
    return LineMasks(ink, *line_masks(ink, dpi))


def find_grid(
    image: np.ndarray, *, dpi: int = DEFAULT_DPI, frame: np.ndarray | None = None, masks: LineMasks | None = None
) -> list[Edge]:
    """The page's long horizontal and vertical ruling lines, merged and snapped, in PDF points.

    `frame` (see `scan_frame`) marks the pixels that come from the scan; rules running into its
    edge were cut off by the scanner and are closed along it. Without a frame the image's own
    edges are the scan's. `masks` are the image's `page_line_masks`, when the caller has them.
    """
    masks = masks or page_line_masks(image, dpi)
    lines = _ruling_lines(masks, dpi, frame, fill_edges=_fill_edges(image, dpi))
    return [line.scaled(72 / dpi) for line in lines]


def line_masks(ink: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixels belonging to long horizontal and to long vertical runs (morphological opening)."""
    return line_mask(ink, dpi, 0), line_mask(ink, dpi, 1)


def line_mask(ink: np.ndarray, dpi: int, axis: int) -> np.ndarray:
    """`line_masks`' horizontal (`axis` 0) or vertical (1) one alone."""
    binary = ink.astype(np.uint8)
    length = px(MIN_LINE_PT, dpi)
    runs = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones(_along(axis, length), np.uint8))
    return with_stepped_runs(runs, binary, length, axis, px(MAX_LINE_THICKNESS_PT, dpi))


def _along(axis: int, size: int) -> tuple[int, int]:
    """A kernel's shape `size` long along rows (`axis` 0) or along columns (1), one pixel across."""
    return (1, size) if axis == 0 else (size, 1)


def with_stepped_runs(runs: np.ndarray, binary: np.ndarray, length: int, axis: int, reach: int) -> np.ndarray:
    """`runs` (long runs along rows, `axis` 0, or columns, 1) plus the ink of rules whose run
    steps between two neighbouring pixel rows (columns).

    A hairline of a bitonal scan, levelled by the deskew, comes out as dashes alternating between
    two pixel rows, none as long as a rule in either: in one row each the rule is lost, and two
    rows share a band (s131: a row's code and its name were cut off each other). Taken over the
    union of each row with the next, the dashes are one run again. Nothing within `reach` (a
    rule's thickness) across a run found already is added, so a whole rule keeps exactly its
    pixels, and no blob beside it makes it too thick to count.
    """
    return runs | _stepped_runs(runs, binary, length, axis, reach)


def _stepped_runs(runs: np.ndarray, binary: np.ndarray, length: int, axis: int, reach: int) -> np.ndarray:
    """The ink of runs over two neighbouring rows (columns) that no row's (column's) `runs` holds."""
    pair = _with_previous(binary, axis)
    joined = cv2.morphologyEx(pair, cv2.MORPH_OPEN, np.ones(_along(axis, length), np.uint8))
    before = _next_of(joined, axis)  # a pair's run is ink of its own row and of the row before it
    beside = cv2.dilate(runs, np.ones(_along(1 - axis, 2 * reach + 1), np.uint8))
    stepped = (joined | before) & binary & (1 - beside)
    return _hairlines(stepped, binary, length, axis) if stepped.any() else stepped


def _with_previous(mask: np.ndarray, axis: int) -> np.ndarray:
    """Each row (`axis` 0) or column (1) of `mask` together with the one before it."""
    pair = mask.copy()
    if axis == 0:
        pair[1:] |= mask[:-1]
    else:
        pair[:, 1:] |= mask[:, :-1]
    return pair


def _next_of(mask: np.ndarray, axis: int) -> np.ndarray:
    """Each row (`axis` 0) or column (1) of `mask` replaced by the one after it."""
    moved = np.zeros_like(mask)
    if axis == 0:
        moved[:-1] = mask[1:]
    else:
        moved[:, :-1] = mask[:, 1:]
    return moved


def _hairlines(stepped: np.ndarray, binary: np.ndarray, length: int, axis: int) -> np.ndarray:
    """The pieces of `stepped` (two rows taken together) at least `length` long, thin, with
    paper over and under them: a pixel or two a whole rule's run left out at its end is no
    rule, and neither is a run through a line of fattened letters, whose stems go on above and
    below it.

    Labelled band by band: a piece lies inside one run of rows (columns) that all hold some of
    `stepped`, and on most pages those runs are a small part of the page.
    """
    paired = cv2.dilate(stepped, np.ones(_along(1 - axis, 2), np.uint8))
    kept = np.zeros_like(stepped)
    for start, stop in _true_runs(paired.any(axis=1 - axis)):
        band = paired[start:stop] if axis == 0 else np.ascontiguousarray(paired[:, start:stop])
        count, labels, stats, _ = connected_marks(band)
        keep = np.zeros(count, bool)  # label → kept: a lookup, not a search per pixel
        for label in range(1, count):
            x, y, w, h, _ = stats[label]
            along, thick, at, lo = (w, h, y, x) if axis == 0 else (h, w, x, y)
            if along < length or thick > MAX_STEP_ROWS:
                continue
            over = _pixel_line(binary, axis, max(start + at - 2, 0), lo, lo + along)
            under = _pixel_line(binary, axis, min(start + at + thick + 1, binary.shape[axis] - 1), lo, lo + along)
            keep[label] = float((over | under).mean()) <= HAIRLINE_CLEAR_INK
        if keep.any():
            piece = keep[labels].astype(np.uint8)
            if axis == 0:
                kept[start:stop] = piece & stepped[start:stop]
            else:
                kept[:, start:stop] = piece & stepped[:, start:stop]
    return kept


def _true_runs(flags: np.ndarray) -> Iterator[tuple[int, int]]:
    """(start, stop) of each run of True in a 1-d array."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], flags.astype(np.int8), [0]))))
    yield from zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True)


def _pixel_line(image: np.ndarray, axis: int, at: int, lo: int, hi: int) -> np.ndarray:
    """Row `at` (`axis` 0) or column `at` (1) of `image`, from `lo` to `hi`."""
    return image[at, lo:hi] if axis == 0 else image[lo:hi, at]


def rule_masks(masks: LineMasks, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """`line_masks` of the page, with its rules' dashes joined if its rules are dashed.

    A thin, faint rule thresholded into a bitonal scan comes out as a row of dashes a pixel or
    two apart, none as long as a rule, so the page's grid is mostly lost. Joining each dash to
    the next along the rule's direction (over DASH_GAP_PT) is done only on evidence: where it at
    least doubles the length of the rules found (DASHED_GAIN) and of the page's longer side (on a
    page without rules, a few letters joined make short runs), and where the rules gained run
    both ways, each way at least a page side long: a table's threshold breaks its column rules
    as it breaks its row rules, while the lines of a page of text, their letters joined, only
    run across. A page whose rules are whole gains little from it (its letters, joined the same
    way, are too thick to pass for rules), so its grid is left exactly as found.
    """
    ink, horizontal, vertical = masks.ink, masks.horizontal, masks.vertical
    binary, gap = ink.astype(np.uint8), px(DASH_GAP_PT, dpi)
    joined_h = line_mask(cv2.morphologyEx(binary, cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8)), dpi, 0)
    joined_v = line_mask(cv2.morphologyEx(binary, cv2.MORPH_CLOSE, np.ones((gap, 1), np.uint8)), dpi, 1)
    found_h, found_v = _rule_length(horizontal, "h", dpi), _rule_length(vertical, "v", dpi)
    gained_h, gained_v = _rule_length(joined_h, "h", dpi) - found_h, _rule_length(joined_v, "v", dpi) - found_v
    side = float(max(ink.shape))
    doubled = found_h + found_v + gained_h + gained_v >= DASHED_GAIN * max(found_h + found_v, side)
    if doubled and min(gained_h, gained_v) >= side:
        return joined_h, joined_v
    return horizontal, vertical


def _rule_length(mask: np.ndarray, orientation: Orientation, dpi: int) -> float:
    """Total length (px) of the thin runs in `mask`."""
    return sum(s.end - s.start for s in _segments(mask, orientation, dpi))


def _ruling_lines(
    masks: LineMasks, dpi: int, frame: np.ndarray | None = None, fill_edges: Sequence[Edge] = ()
) -> list[Edge]:
    """Thin long runs of ink that form rules, as merged line segments in pixels.

    `fill_edges` (borders of shaded areas) count where they cross two rules: they stand in for
    a rule the shading printed over (a shaded row's top rule comes out a few grey levels dark).
    They come in after the rules cut by the scan's edge are closed: the border of a shading cut
    by the edge runs along it and would close some of them, splitting the table's edge in two.
    """
    ink = masks.ink
    horizontal, vertical = rule_masks(masks, dpi)
    lines = _segments(horizontal, "h", dpi) + _segments(vertical, "v", dpi)
    lines = [ln for ln in lines if not _in_texture(ln, ink, dpi)]
    tolerance = px(CELL_TOLERANCE_PT, dpi)
    snap, join = px(SNAP_PT, dpi), px(JOIN_PT, dpi)
    lines = _merge_lines(lines, snap=snap, join=join)
    frame = frame if frame is not None else np.ones(ink.shape, bool)
    lines = close_cut_lines(lines, frame, reach=px(EDGE_REACH_PT, dpi), tolerance=tolerance, ink=ink,
                            dust=px(DUST_PT, dpi))
    lines += [e for e in fill_edges if _crossings(e, lines, tolerance) >= 2]
    lines = _merge_lines(lines, snap=snap, join=join)
    lines = bridge_broken_lines(lines, tolerance=tolerance, max_gap=px(MAX_BRIDGE_PT, dpi), long=px(LONG_LINE_PT, dpi))
    return _structural(
        lines,
        tolerance=tolerance,
        long=px(LONG_LINE_PT, dpi),
        min_span=px(MIN_ROW_PT, dpi),
    )


def bridge_broken_lines(lines: list[Edge], *, tolerance: float, max_gap: float, long: float) -> list[Edge]:
    """Rules broken by worn toner or a faint patch of the scan, mended.

    A table's rules end where another rule crosses them: at a corner, a T, or the border of a
    merged cell. An end that no crossing rule closes is a break. Two collinear pieces whose
    facing ends are both open are one rule (a merged cell's gap is closed at both ends, and so
    is the space between two stacked tables); a piece of a grid rule whose end is open with no
    piece beyond is carried on to the next crossing rule, where the cell it bounds closes.
    """
    out = [ln for ln in lines if ln.orientation == "h"], [ln for ln in lines if ln.orientation == "v"]
    mended: list[Edge] = []
    for own, across in (out, out[::-1]):
        joined = _join_open_gaps(own, across, tolerance, max_gap, long)
        mended += [_carried_on(ln, across, tolerance, max_gap) for ln in joined]
    horizontal = [ln for ln in mended if ln.orientation == "h"]
    vertical = [ln for ln in mended if ln.orientation == "v"]
    horizontal = _led_to_open_ends(horizontal, vertical, tolerance, max_gap)
    vertical = _led_to_open_ends(vertical, horizontal, tolerance, max_gap)
    return horizontal + vertical


def _led_to_open_ends(lines: list[Edge], across: list[Edge], tolerance: float, max_gap: float) -> list[Edge]:
    """`lines` carried on to the open ends of grid rules across them.

    A grid rule ends on a rule across it; where its end is open, and a rule across it at that
    level stops short of it, the piece between was lost (a faint patch took the top rule over the
    last column groups, leaving their verticals standing open above the labels). The nearest such
    rule, within `max_gap`, is carried on to it."""
    out = list(lines)
    for other in across:
        if _crossings(other, out, tolerance) < 2:
            continue
        for at_start in (True, False):
            if _closed(other, at_start, out, tolerance):
                continue
            level = other.start if at_start else other.end
            reach = [(i, ln) for i, ln in enumerate(out) if abs(ln.pos - level) <= tolerance
                     and _crossings(ln, across, tolerance) >= 2
                     and (0 < other.pos - ln.end <= max_gap or 0 < ln.start - other.pos <= max_gap)]
            if not reach:
                continue
            i, ln = min(reach, key=lambda item: min(abs(other.pos - item[1].end), abs(item[1].start - other.pos)))
            out[i] = Edge.along(ln.orientation, ln.pos, min(ln.start, other.pos), max(ln.end, other.pos))
    return out


def _join_open_gaps(
    lines: list[Edge], across: list[Edge], tolerance: float, max_gap: float, long: float
) -> list[Edge]:
    """Collinear pieces of rules joined across gaps (up to `max_gap`) whose two facing ends are
    open. A piece of a rule is long or meets a crossing rule; the strokes of a line of bold
    text, which are level with those of the next cell, are neither."""

    def rule_piece(line: Edge) -> bool:
        return line.end - line.start >= long or _crossings(line, across, tolerance) > 0

    joined: list[Edge] = []
    for cluster in _clusters(sorted(lines, key=lambda ln: ln.pos), tolerance):
        pieces: list[Edge] = []
        for line in sorted(cluster, key=lambda ln: ln.start):
            last = pieces[-1] if pieces else None
            if (last is not None and line.start - last.end <= max_gap and rule_piece(last) and rule_piece(line)
                    and not _closed(last, False, across, tolerance) and not _closed(line, True, across, tolerance)):
                pos = (last.pos + line.pos) / 2
                pieces[-1] = Edge.along(line.orientation, pos, last.start, max(last.end, line.end))
            else:
                pieces.append(line)
        joined += pieces
    return joined


def _carried_on(line: Edge, across: list[Edge], tolerance: float, max_gap: float) -> Edge:
    """`line` with each open end carried to the next crossing rule within `max_gap`, if it is a
    grid rule (two crossing rules touch it)."""
    if _crossings(line, across, tolerance) < 2:
        return line
    start, end = line.start, line.end
    spanning = sorted(o.pos for o in across if o.start - tolerance <= line.pos <= o.end + tolerance)
    if not _closed(line, True, across, tolerance):
        before = [p for p in spanning if line.start - max_gap <= p < line.start]
        start = before[-1] if before else start
    if not _closed(line, False, across, tolerance):
        after = [p for p in spanning if line.end < p <= line.end + max_gap]
        end = after[0] if after else end
    return Edge.along(line.orientation, line.pos, start, end)


def _fill_edges(image: np.ndarray, dpi: int) -> list[Edge]:
    """Long borders between shaded and unshaded areas (or two shades), as lines in pixels.

    A closing wider than any stroke removes text and rules and keeps the background; a border
    is where it steps by FILL_STEP grey levels across 2 pt. Measured locally, so a scan lit
    unevenly does not make borders of its own.
    """
    background = background_of(image, dpi).astype(np.int16)
    step = px(1.0, dpi)
    across_rows = np.zeros_like(background)
    across_rows[step:-step] = background[2 * step :] - background[: -2 * step]
    across_cols = np.zeros_like(background)
    across_cols[:, step:-step] = background[:, 2 * step :] - background[:, : -2 * step]
    length = px(LONG_LINE_PT, dpi)
    horizontal = cv2.morphologyEx(
        (np.abs(across_rows) >= FILL_STEP).astype(np.uint8), cv2.MORPH_OPEN, np.ones((1, length), np.uint8)
    )
    vertical = cv2.morphologyEx(
        (np.abs(across_cols) >= FILL_STEP).astype(np.uint8), cv2.MORPH_OPEN, np.ones((length, 1), np.uint8)
    )
    return _segments(horizontal, "h", dpi) + _segments(vertical, "v", dpi)


def _crossings(line: Edge, others: Iterable[Edge], tolerance: float) -> int:
    """How many lines of the other orientation cross or touch `line`."""
    return sum(
        1
        for o in others
        if o.orientation != line.orientation
        and o.start - tolerance <= line.pos <= o.end + tolerance
        and line.start - tolerance <= o.pos <= line.end + tolerance
    )


def _segments(mask: np.ndarray, orientation: Orientation, dpi: int) -> list[Edge]:
    """One segment per connected run in `mask`, dropping thick blobs (bold strokes, shading).

    Labelled band by band: a run lies inside one run of rows (of columns, for vertical runs)
    that all hold some of the mask, and a page's rules fill a small part of its rows and columns.
    """
    axis = 0 if orientation == "h" else 1
    max_thickness = px(MAX_LINE_THICKNESS_PT, dpi)
    found = []
    for start, stop in _true_runs(mask.any(axis=1 - axis)):
        band = mask[start:stop] if axis == 0 else np.ascontiguousarray(mask[:, start:stop])
        count, _, stats, _ = connected_marks(band)
        for x, y, w, h, _area in stats[1:count]:
            if (h if orientation == "h" else w) > max_thickness:
                continue
            if orientation == "h":
                found.append(Edge.along("h", start + y + (h - 1) / 2, float(x), float(x + w - 1)))
            else:
                found.append(Edge.along("v", start + x + (w - 1) / 2, float(y), float(y + h - 1)))
    return found


def _in_texture(line: Edge, ink: np.ndarray, dpi: int) -> bool:
    """Whether both sides of the run are as dark as halftone shading (a run inside a dither)."""
    near, far = px(MAX_LINE_THICKNESS_PT, dpi), 2 * px(MAX_LINE_THICKNESS_PT, dpi)
    start, end, pos = int(line.start), int(line.end) + 1, round(line.pos)
    if line.orientation == "h":
        sides = [
            ink[max(pos - far, 0) : max(pos - near, 0), start:end],
            ink[pos + near : pos + far, start:end],
        ]
    else:
        sides = [
            ink[start:end, max(pos - far, 0) : max(pos - near, 0)],
            ink[start:end, pos + near : pos + far],
        ]
    return all(side.size and side.mean() > TEXTURE_INK for side in sides)


def _merge_lines(lines: Iterable[Edge], *, snap: float, join: float) -> list[Edge]:
    """Snap nearly collinear lines to their mean position, then join overlapping pieces."""
    merged: list[Edge] = []
    for orientation in ("h", "v"):
        # sorted whole, so the snapped positions do not depend on the order the runs were found in
        group = sorted((ln for ln in lines if ln.orientation == orientation), key=lambda ln: (ln.pos, ln.start, ln.end))
        for cluster in _clusters(group, snap):
            pos = sum(ln.pos * (ln.end - ln.start + 1) for ln in cluster) / sum(ln.end - ln.start + 1 for ln in cluster)
            merged.extend(_join(cluster, pos, join))
    return merged


def _clusters(lines: list[Edge], tolerance: float) -> list[list[Edge]]:
    """Lines (sorted by position) grouped while within `tolerance` of their group's first one.

    Measured from the first, not the previous, line: a chain of close runs (a dither) must not
    pull a rule sideways.
    """
    clusters: list[list[Edge]] = []
    for line in lines:
        if clusters and line.pos - clusters[-1][0].pos <= tolerance:
            clusters[-1].append(line)
        else:
            clusters.append([line])
    return clusters


def _structural(lines: list[Edge], *, tolerance: float, long: float, min_span: float) -> list[Edge]:
    """Lines that touch two crossing lines a cell apart (a grid) or are long on their own.

    Drops the strokes of big title letters, which are as thin and tall as a row's rule but
    touch at most an underline and the letter's own arms.
    """

    def touches(a: Edge, b: Edge) -> bool:
        return b.start - tolerance <= a.pos <= b.end + tolerance and a.start - tolerance <= b.pos <= a.end + tolerance

    kept = lines
    while True:  # dropping a letter's arm can orphan its stem: repeat until nothing changes
        before = len(kept)
        kept = [
            line
            for line in kept
            if line.end - line.start >= long
            or _span([o.pos for o in kept if o.orientation != line.orientation and touches(line, o)]) >= min_span
        ]
        if len(kept) == before:
            return kept


def close_cut_lines(
    lines: list[Edge], frame: np.ndarray, *, reach: int, tolerance: float, ink: np.ndarray | None = None,
    dust: int = 1,
) -> list[Edge]:
    """Rules cut off by the edge of the scan, closed by a line drawn along that edge.

    A page cropped by the scanner loses the table's outer border with a few millimetres of its
    first column: the rows' rules then run into the edge, the cells of that column are open on
    one side and the grid has no cell for the column (the header's "Código" is lost with it).
    Two or more open rule ends at one edge, each joined to the next by a crossing line (the
    rules of one table, not a table and the notes boxed under it), are joined by a new line at
    the outermost end, and each rule is extended to meet it.

    A sheet shifted on the glass is cut inside the image: past the cut lies the scanner's lid,
    as blank as paper, so the rules end short of the image's edge. Given the page's `ink`, open
    ends with nothing but specks beyond them up to the scan's edge (a streak of worn toner breaks
    rules too, but leaves their pieces beyond it, mended later by `bridge_broken_lines`), in one
    line within `tolerance`, MIN_SHEET_EDGE_RULES or more of one table, are closed the same way,
    unless print bigger than `dust` (px) lies beyond them beside the run: a faint patch of toner
    dropout ends a few rules in one line too, with the table's border or text beyond.
    """
    out = list(lines)
    for orientation, at_start in (("h", True), ("h", False), ("v", True), ("v", False)):
        across = [ln for ln in out if ln.orientation != orientation]
        own = [ln for ln in out if ln.orientation == orientation]
        open_ends = [ln for ln in own if not _closed(ln, at_start, across, tolerance)]
        cut = [ln for ln in open_ends if _runs_off_frame(ln, at_start, frame, reach)]
        for run in _runs(sorted(cut, key=lambda ln: ln.pos), across, tolerance):
            if len(run) >= 2:
                out = [ln for ln in out if ln not in run] + _closed_run(run, at_start)
        if ink is None or len(cut) >= 2:
            continue  # the scan's own edge cut this side
        sheet = [ln for ln in open_ends if ln not in cut and _blank_beyond(ln, at_start, ink, frame, tolerance)]
        for level in _level_ends(sheet, at_start, tolerance):
            for run in _runs(level, across, tolerance):
                if len(run) >= MIN_SHEET_EDGE_RULES and not _print_beyond(run, at_start, ink, frame, tolerance, dust):
                    out = [ln for ln in out if ln not in run] + _closed_run(run, at_start)
    return out


def _blank_beyond(line: Edge, at_start: bool, ink: np.ndarray, frame: np.ndarray, tolerance: float) -> bool:
    """Whether the band along the line beyond this end holds no more ink than specks, up to the
    scan's edge: at most LID_INK_SHARE of its columns (rows, for a vertical line) inked."""
    pos, width = round(line.pos), max(1, round(tolerance))
    if line.orientation == "h":
        band, inside = ink[max(pos - width, 0) : pos + width + 1], frame[min(max(pos, 0), frame.shape[0] - 1)]
    else:
        band, inside = ink[:, max(pos - width, 0) : pos + width + 1].T, frame[:, min(max(pos, 0), frame.shape[1] - 1)]
    along = np.flatnonzero(inside)
    if not along.size:
        return False
    end = int(line.start) if at_start else math.ceil(line.end)
    lo, hi = (int(along[0]), end - width) if at_start else (end + width + 1, int(along[-1]) + 1)
    if hi - lo < width:
        return True  # the scan's edge is right there
    return float(band[:, lo:hi].any(axis=0).mean()) <= LID_INK_SHARE


def _print_beyond(run: list[Edge], at_start: bool, ink: np.ndarray, frame: np.ndarray, tolerance: float,
                  dust: int) -> bool:
    """Whether anything bigger than dust lies beyond the run's open ends, beside the run, inside
    the scan: past a sheet's cut lies the blank lid, so print there (the table's border, the
    rest of a rule, the code its cell holds) says a faint patch, not the cut, ended these rules.
    Each rule's own band beyond may look blank all the same: the patch took that stretch whole."""
    orientation = run[0].orientation
    end = min(ln.start for ln in run) if at_start else max(ln.end for ln in run)
    lo, hi = max(round(run[0].pos - tolerance), 0), round(run[-1].pos + tolerance) + 1
    cut = round(end - tolerance) if at_start else round(end + tolerance) + 1
    region = (ink & frame).astype(np.uint8)
    region = region[lo:hi] if orientation == "h" else region[:, lo:hi].T
    region = region[:, : max(cut, 0)] if at_start else region[:, cut:]
    if not region.size:
        return False
    count, _, stats, _ = connected_marks(np.ascontiguousarray(region))
    return bool(np.any((stats[1:count, cv2.CC_STAT_WIDTH] > dust) | (stats[1:count, cv2.CC_STAT_HEIGHT] > dust)))


def _level_ends(lines: list[Edge], at_start: bool, tolerance: float) -> list[list[Edge]]:
    """Lines grouped by where their open end lies (within `tolerance` of the group's first),
    each group sorted by position."""
    def end(ln: Edge) -> float:
        return ln.start if at_start else ln.end

    groups: list[list[Edge]] = []
    for line in sorted(lines, key=end):
        if groups and end(line) - end(groups[-1][0]) <= tolerance:
            groups[-1].append(line)
        else:
            groups.append([line])
    return [sorted(g, key=lambda ln: ln.pos) for g in groups]


def _closed_run(run: list[Edge], at_start: bool) -> list[Edge]:
    """The run's lines extended to their outermost end, and the line along the edge there."""
    orientation = run[0].orientation
    edge = min(ln.start for ln in run) if at_start else max(ln.end for ln in run)
    extended = [
        Edge.along(orientation, ln.pos, edge, ln.end) if at_start else Edge.along(orientation, ln.pos, ln.start, edge)
        for ln in run
    ]
    across = "v" if orientation == "h" else "h"
    return [*extended, Edge.along(across, edge, run[0].pos, run[-1].pos)]


def _runs_off_frame(line: Edge, at_start: bool, frame: np.ndarray, reach: int) -> bool:
    """Whether the scan's edge lies within `reach` px beyond this end of the line."""
    end = int(line.start) if at_start else math.ceil(line.end)
    span = range(end - reach, end) if at_start else range(end + 1, end + reach + 1)
    pos = round(line.pos)
    for along in span:
        y, x = (pos, along) if line.orientation == "h" else (along, pos)
        if not (0 <= y < frame.shape[0] and 0 <= x < frame.shape[1]) or not frame[y, x]:
            return True
    return False


def _closed(line: Edge, at_start: bool, across: list[Edge], tolerance: float) -> bool:
    """Whether a crossing line closes this end of the line."""
    end = line.start if at_start else line.end
    return any(abs(o.pos - end) <= tolerance and o.start - tolerance <= line.pos <= o.end + tolerance for o in across)


def _runs(lines: list[Edge], across: list[Edge], tolerance: float) -> list[list[Edge]]:
    """Parallel lines (sorted by position) split where no crossing line joins one to the next."""
    runs: list[list[Edge]] = []
    for line in lines:
        if runs and _joined(runs[-1][-1], line, across, tolerance):
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def _joined(a: Edge, b: Edge, across: list[Edge], tolerance: float) -> bool:
    """Whether a crossing line runs from parallel line `a` to `b` within both their extents."""
    lo, hi = max(a.start, b.start) - tolerance, min(a.end, b.end) + tolerance
    return any(o.start - tolerance <= a.pos and b.pos <= o.end + tolerance and lo <= o.pos <= hi for o in across)


def _span(values: list[float]) -> float:
    return max(values) - min(values) if values else 0.0


def _join(lines: list[Edge], pos: float, gap: float) -> list[Edge]:
    """Collinear pieces at `pos`, joined where they overlap or nearly touch."""
    joined: list[Edge] = []
    for line in sorted(lines, key=lambda ln: ln.start):
        if joined and line.start <= joined[-1].end + gap:
            last = joined[-1]
            joined[-1] = Edge.along(last.orientation, pos, last.start, max(last.end, line.end))
        else:
            joined.append(Edge.along(line.orientation, pos, line.start, line.end))
    return joined


def table_cells(edges: Sequence[Edge]) -> list[Box]:
    """The cells the rules found in a scan close (in the edges' unit, PDF points), none over another.

    The lines are merged already (`find_grid`), so they are not snapped again; a scanned rule
    may end a little short of the one it meets, hence the wider tolerance than a text layer's.
    """
    return innermost_cells(grid_cells(edges, tolerance=CELL_TOLERANCE_PT, min_size=MIN_CELL_PT))


def innermost_cells(cells: Sequence[Box]) -> list[Box]:
    """The cells that lie over no smaller cell.

    Where toner dropout took a piece of a rule, the rules still close a wide cell around the
    small ones the rest of that rule bounds (a header cell over three rows of the body), and
    each was read: every word in them came out twice ("Línea Línea base base"). The small cells
    are kept; what the wide one holds beyond them is read with the rest of the page.
    """
    # one cell against all the kept ones at a time: a scanned matrix has ~700 cells, and a test
    # pair by pair took 0.5 s a page
    kept = np.empty((len(cells), 4))  # x0, x1, top, bottom
    count = 0
    chosen: set[Box] = set()
    for cell in sorted(cells, key=lambda c: (c.x1 - c.x0) * (c.bottom - c.top)):
        others = kept[:count]
        across = np.minimum(others[:, 1], cell.x1) - np.maximum(others[:, 0], cell.x0)
        down = np.minimum(others[:, 3], cell.bottom) - np.maximum(others[:, 2], cell.top)
        # sharing more than a border: a sliver thinner than any cell
        if not np.any((across >= MIN_CELL_PT) & (down >= MIN_CELL_PT)):
            kept[count] = (cell.x0, cell.x1, cell.top, cell.bottom)
            count += 1
            chosen.add(cell)
    return [c for c in dict.fromkeys(cells) if c in chosen]  # in the order the grid gave them


def erase_lines(image: np.ndarray, lines: Sequence[Edge], dpi: int, masks: LineMasks | None = None) -> np.ndarray:
    """The image with the pixels of the given ruling lines painted white (and a pixel around).

    Only long runs near a ruling line of the grid go: the strokes of a big title letter are long
    runs too, but `find_grid` did not take them for rules. `masks`: the image's `page_line_masks`.
    """
    masks = masks or page_line_masks(image, dpi)
    horizontal, vertical = masks.horizontal, masks.vertical
    near = np.zeros_like(horizontal)
    reach = px(MAX_LINE_THICKNESS_PT, dpi)
    for line in lines:
        across = slice(max(round(line.pos) - reach, 0), round(line.pos) + reach + 1)
        along = slice(int(line.start), math.ceil(line.end) + 1)
        if line.orientation == "h":
            near[across, along] |= horizontal[across, along]
        else:
            near[along, across] |= vertical[along, across]
    clean = image.copy()
    clean[cv2.dilate(near, np.ones((3, 3), np.uint8)) > 0] = 255
    return clean
