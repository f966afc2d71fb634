"""Areas of solid ink on a scan inverted before the grid and the reading (ocr/image.py)."""

from __future__ import annotations

import cv2
import numpy as np

from extractor.ocr.grid import find_grid
from extractor.ocr.image import area_boxes, invert_areas, solid_fill_areas

DPI = 200
COLUMNS_PX = [40, 175, 890, 1040, 1170]  # a table's column rules (x, pixels at 200 dpi)


def photocopied_table() -> np.ndarray:
    """A ruled table whose grey header fill a photocopy thresholded to solid black (its labels
    lost in it), with a body of 8 rows of text below and the binding's shadow burnt black under it."""
    page = np.full((1200, 1300), 255, np.uint8)
    page[290:395, 40:1171] = 0  # the header: black, rules and labels with it
    for x in COLUMNS_PX:
        page[290:900, x - 1 : x + 2] = 0
    for y in range(395, 900, 63):
        page[y - 1 : y + 2, 40:1171] = 0
        cv2.putText(page, "ISS.01.02.03", (50, y + 40), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (0,), 2)
        cv2.putText(page, "Porcentaje de gestantes", (190, y + 40), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (0,), 2)
    page[1100:, :] = 0  # the binding's shadow
    return page


def column_rules(image: np.ndarray) -> list[float]:
    """x (pixels) of the vertical rules that run down the body."""
    return sorted(e.x0 * DPI / 72 for e in find_grid(image, dpi=DPI) if e.orientation == "v" and e.bottom - e.top > 100)


def test_the_rules_a_blacked_out_header_swallowed_are_found_once_it_is_inverted() -> None:
    page = photocopied_table()
    assert len(column_rules(page)) < len(COLUMNS_PX)  # joined to the black block: one thick blob, dropped
    found = column_rules(invert_areas(page, solid_fill_areas(page, DPI)))
    assert len(found) == len(COLUMNS_PX) and all(abs(a - b) <= 2 for a, b in zip(found, COLUMNS_PX, strict=True))


def test_white_text_on_a_solid_fill_turns_black_and_print_elsewhere_stays() -> None:
    page = photocopied_table()
    cv2.putText(page, "Codigo", (60, 350), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255,), 2)  # white label on the fill
    letters = page[320:360, 60:160] == 255
    out = invert_areas(page, solid_fill_areas(page, DPI))
    assert (out[320:360, 60:160][letters] == 0).mean() > 0.9  # the label is dark print now
    assert (out[300:320, 300:800] == 255).all()  # the fill is paper
    assert (out[1150:, :] == 255).all()  # so is the shadow
    assert np.array_equal(out[420:880, 45:1165], page[420:880, 45:1165])  # the body as it was


def test_a_page_without_solid_ink_is_returned_as_it_is() -> None:
    page = photocopied_table()
    page[290:395, 41:1170] = 255
    page[1100:, :] = 255
    assert invert_areas(page, solid_fill_areas(page, DPI)) is page


def test_the_blacked_out_areas_are_kept_as_boxes_in_points_and_print_is_not_one() -> None:
    page = photocopied_table()
    boxes = area_boxes(solid_fill_areas(page, DPI), DPI)
    to_pt = 72 / DPI

    def covered(x: float, y: float) -> bool:
        return any(b.x0 <= x * to_pt <= b.x1 and b.top <= y * to_pt <= b.bottom for b in boxes)

    assert covered(600, 340) and covered(650, 1150)  # the header fill, the shadow
    assert not covered(300, 600) and not covered(100, 1000)  # a body cell's print, the blank margin
    for a in boxes:  # disjoint, so a cell's share inside them adds up
        assert not any(a is not b and a.x0 < b.x1 and b.x0 < a.x1 and a.top < b.bottom and b.top < a.bottom
                       for b in boxes)
    assert area_boxes(solid_fill_areas(np.full((400, 400), 255, np.uint8), DPI), DPI) == []
