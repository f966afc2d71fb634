"""Cell boxes: mapped from the OCR's upright, levelled frame back to the stored page."""

from __future__ import annotations

import numpy as np
import pytest

from extractor.frames import to_stored_frame
from extractor.model import PageContent


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("skew", [0.0, 0.8, -1.0])
def test_a_box_read_upright_lands_where_the_page_stores_it(rotation: int, skew: float) -> None:
    from extractor.ocr.image import deskew, turn

    stored = np.full((600, 400), 255, np.uint8)
    stored[100:110, 50:60] = 0  # a dark cell at x 50..60, y 100..110 of the stored page
    upright = deskew(turn(stored, rotation), skew)
    ys, xs = np.nonzero(upright < 128)
    page = PageContent(1, float(upright.shape[1]), float(upright.shape[0]), [], rotation=rotation, skew=skew)
    box = to_stored_frame(page, xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    assert (box.x0, box.top, box.x1, box.bottom) == pytest.approx((50, 100, 60, 110), abs=1.0)
