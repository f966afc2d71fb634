"""From the frame a page is read in to the frame the PDF stores it in.

A text layer is read in the stored frame. A scan is read upright and levelled: its image is
turned by a multiple of 90° (`PageContent.rotation`) and then by a small angle about its
centre (`PageContent.skew`). A mark placed on the PDF (an annotation, a crop) needs the stored
frame, so cell boxes are mapped back through both turns.
"""

from __future__ import annotations

import math

from extractor.model import CellBox, PageContent

Point = tuple[float, float]


def to_stored_frame(page: PageContent, x0: float, top: float, x1: float, bottom: float) -> CellBox:
    """The box (upright reading frame of `page`) as it lies on the stored page, as a bounding box."""
    if not page.rotation and not page.skew:
        return CellBox(page.number, float(x0), float(top), float(x1), float(bottom))
    corners = [(x0, top), (x1, top), (x1, bottom), (x0, bottom)]
    stored = [_unturn(_unlevel(p, page), page) for p in corners]
    xs, ys = [p[0] for p in stored], [p[1] for p in stored]
    return CellBox(page.number, float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)))


def _unlevel(point: Point, page: PageContent) -> Point:
    """Undo the levelling turn (OpenCV's rotation about the centre, y pointing down)."""
    if not page.skew:
        return point
    # OpenCV turns by +angle with M = [[c, s], [-s, c]] about the centre; its inverse uses -angle
    angle = math.radians(-page.skew)
    c, s = math.cos(angle), math.sin(angle)
    cx, cy = page.width / 2, page.height / 2
    dx, dy = point[0] - cx, point[1] - cy
    return (c * dx + s * dy + cx, -s * dx + c * dy + cy)


def _unturn(point: Point, page: PageContent) -> Point:
    """Undo the clockwise quarter turns that made the stored image upright."""
    u, v = point
    rotation = page.rotation % 360
    if rotation == 90:  # stored (x, y) went to (H0 - y, x); the upright width is H0
        return (v, page.width - u)
    if rotation == 180:
        return (page.width - u, page.height - v)
    if rotation == 270:  # stored (x, y) went to (y, W0 - x); the upright height is W0
        return (page.height - v, u)
    return (u, v)
