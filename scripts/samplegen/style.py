"""How the samples look: colours, fonts and sizes of the matrix pages, notes and narrative."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, landscape

RGB = tuple[float, float, float]

RED: RGB = (0.98, 0.76, 0.76)
YELLOW: RGB = (1.0, 0.92, 0.58)
GREEN: RGB = (0.75, 0.91, 0.75)
GREY: RGB = (0.86, 0.86, 0.86)
OP_SHADE: RGB = (0.89, 0.92, 0.97)
HEADER_SHADE: RGB = (0.80, 0.85, 0.93)
NOTE_TAG: RGB = (0.80, 0.12, 0.12)

SEMAPHORE = {"low": RED, "mid": YELLOW, "high": GREEN, "nd": GREY}

SINGLE_LABELS = {
    "code": "Código",
    "name": "Objetivo prioritario / Lineamiento / Servicio / Indicador",
    "responsible": "Responsable de indicador",
    "indicator_type": "Tipo de indicador / Estándar de cumplimiento",
    "direction": "Sentido esperado",
    "aggregation": "Tipo de agregación",
}
# Widths (pt) of the fixed columns; each fits its widest usual word at 6 pt. The value columns
# are sized from the data (like Excel's autofit) and the name column takes what is left.
FIXED_WIDTHS = {
    "code": 49.0,
    "responsible": 54.0,
    "indicator_type": 46.0,
    "direction": 40.0,
    "aggregation": 43.0,
    "baseline_year": 21.0,
    "baseline_value": 27.0,
}
LEFT_ALIGNED = {"code", "name", "responsible"}


@dataclass(frozen=True, slots=True)
class MatrixStyle:
    page: tuple[float, float] = landscape(A4)
    margin_left: float = 14.0
    margin_right: float = 14.0
    margin_top: float = 18.0
    margin_bottom: float = 18.0
    font: str = "Cond"
    bold: str = "Cond-Bold"
    size: float = 6.0  # cell text
    leading: float = 7.1
    pad_x: float = 2.0
    pad_y: float = 1.6
    header_size: float = 5.8
    furniture_size: float = 7.5
    rule: float = 0.45
    # a gap wider than pdfplumber's default x_tolerance (3 pt) between texts of adjacent cells
    min_text_gap: float = 4.5


# ----- the summary-counts table above the matrix -----------------------------------------------

SUMMARY_ROW_H = 10.0
SUMMARY_WIDTHS = [176.0, 44.0, 44.0, 44.0, 36.0, 36.0]
SUMMARY_HEADER = ["", "[0-75%>", "[75-95%>", "≥ 95%", "ND", "Total"]
SUMMARY_HEADER_FILLS: list[RGB | None] = [None, RED, YELLOW, GREEN, GREY, None]

# ----- call-out notes -----------------------------------------------------------------------------

NOTE_SIZE = 7.0
NOTE_LEADING = 8.6
NOTE_WIDTH = 470.0
NOTE_TAG_W = 30.0
NOTE_GAP = 5.0

# ----- narrative pages ------------------------------------------------------------------------------

NARRATIVE_PAGE = A4
NARRATIVE_MARGINS = (62.0, 62.0, 56.0, 56.0)  # left, right, top, bottom
