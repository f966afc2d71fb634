"""The shared page geometry: boxes, edges, the grid they close and the two line rules."""

from __future__ import annotations

from extractor.geometry import Box, Edge, grid_cells, text_lines
from extractor.model import Word


def _ruled(xs: list[float], ys: list[float]) -> list[Edge]:
    """Full-length rules at the given x and y: a table of (len(xs)-1) × (len(ys)-1) cells."""
    h = [Edge("h", xs[0], xs[-1], y, y) for y in ys]
    v = [Edge("v", x, x, ys[0], ys[-1]) for x in xs]
    return h + v


def test_box_from_pdfplumber_bbox_keeps_each_side() -> None:
    box = Box.from_bbox((10, 20, 30, 40))  # (x0, top, x1, bottom)
    assert (box.x0, box.x1, box.top, box.bottom) == (10, 30, 20, 40)
    assert box.scaled(2) == Box(20, 60, 40, 80)
    assert box.contains(Word("a", 15, 25, 25, 35))
    assert not box.contains(Word("a", 31, 39, 25, 35))


def test_edge_along_reads_back_as_position_and_extent() -> None:
    h, v = Edge.along("h", 5, 1, 9), Edge.along("v", 7, 2, 8)
    assert h == Edge("h", 1, 9, 5, 5) and v == Edge("v", 7, 7, 2, 8)
    assert (h.pos, h.start, h.end) == (5, 1, 9)
    assert (v.pos, v.start, v.end) == (7, 2, 8)
    assert h.scaled(0.5) == Edge.along("h", 2.5, 0.5, 4.5)


def test_grid_cells_of_a_ruled_table() -> None:
    cells = grid_cells(_ruled([0, 50, 120], [0, 10, 30]))
    assert sorted((c.x0, c.x1, c.top, c.bottom) for c in cells) == [
        (0, 50, 0, 10),
        (0, 50, 10, 30),
        (50, 120, 0, 10),
        (50, 120, 10, 30),
    ]


def test_grid_cells_snap_joins_a_rule_drawn_in_pieces_slightly_apart() -> None:
    # the middle rule printed as two pieces 2 pt apart vertically, the left one short of x=50
    edges = [*_ruled([0, 50, 120], [0, 30]), Edge("h", 0, 48, 10, 10), Edge("h", 51, 120, 12, 12)]
    unsnapped = grid_cells(edges)
    assert sorted((c.x0, c.top, c.bottom) for c in unsnapped) == [(0, 0, 30), (50, 0, 12), (50, 12, 30)]
    snapped = grid_cells(edges, snap=3)
    assert sorted((c.x0, c.top, c.bottom) for c in snapped) == [(0, 0, 11), (0, 11, 30), (50, 0, 11), (50, 11, 30)]


def test_grid_cells_drops_slivers_below_min_size() -> None:
    edges = _ruled([0, 2, 60], [0, 20])  # a 2 pt sliver beside a real cell (a double rule)
    assert len(grid_cells(edges)) == 2
    assert [(c.x0, c.x1) for c in grid_cells(edges, min_size=3)] == [(2, 60)]


def test_overlap_rule_groups_a_text_layer_line_left_to_right() -> None:
    words = [Word("dos", 40, 60, 0.2, 10), Word("uno", 10, 30, 0, 10), Word("tres", 10, 30, 12, 22)]
    assert [[w.text for w in line] for line in text_lines(words)] == [["uno", "dos"], ["tres"]]


def test_middle_rule_keeps_a_tall_blob_from_swallowing_two_lines() -> None:
    words = [
        Word("uno", 10, 30, 0, 10),
        Word("STAMP", 100, 150, -5, 30),
        Word("tres", 10, 30, 15, 25),
    ]
    middle = [[w.text for w in line] for line in text_lines(words, "middle")]
    assert middle == [["STAMP"], ["uno"], ["tres"]]
    # the overlap rule, made for text layers, lets the stamp swallow both lines
    assert [[w.text for w in line] for line in text_lines(words)] == [["uno", "tres", "STAMP"]]
