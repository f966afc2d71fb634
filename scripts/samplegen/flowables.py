"""Narrative pages as reportlab flowables: paragraphs, bullets, footnotes and ruled tables."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from samplegen.model import Block
from samplegen.style import HEADER_SHADE


def paragraph_styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName="Sans", fontSize=9, leading=12.4, alignment=TA_JUSTIFY,
                          spaceAfter=6)
    return {
        "paragraph": body,
        "title": ParagraphStyle("title", parent=body, fontName="Sans-Bold", fontSize=12,
                                leading=15, alignment=TA_CENTER, spaceAfter=12),
        "heading": ParagraphStyle("heading", parent=body, fontName="Sans-Bold", fontSize=9.5,
                                  leading=13, alignment=TA_LEFT, spaceBefore=6, spaceAfter=6),
        "service": ParagraphStyle("service", parent=body, fontName="Sans-Bold"),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=22, firstLineIndent=-12,
                                 spaceAfter=4),
        "footnote": ParagraphStyle("footnote", parent=body, fontSize=7, leading=9,
                                   spaceAfter=4),
        "label": ParagraphStyle("label", parent=body, fontName="Sans-Bold", fontSize=8,
                                leading=10, alignment=TA_LEFT),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=9.6, alignment=TA_LEFT,
                               spaceAfter=0),
        "cell_center": ParagraphStyle("cell_center", parent=body, fontSize=8, leading=9.6,
                                      alignment=TA_CENTER, spaceAfter=0),
        "cell_head": ParagraphStyle("cell_head", parent=body, fontName="Sans-Bold", fontSize=8,
                                    leading=9.6, alignment=TA_CENTER, spaceAfter=0),
    }


def markup(text: str) -> str:
    """Plain text (with the dump's ``**bold**`` markers) → reportlab paragraph markup."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escape(text))


class Rule(Flowable):
    """The short line above a footnote."""

    def __init__(self, width: float = 120.0) -> None:
        super().__init__()
        self.width, self.height = width, 6.0

    def draw(self) -> None:
        self.canv.setLineWidth(0.5)
        self.canv.line(0, 3, self.width, 3)


def table_flowable(block: Block, styles: dict[str, ParagraphStyle], width: float) -> Table:
    n_cols = max(len(r) for r in block.rows)
    rel = block.widths or [1.0] * n_cols
    col_widths = [width * w / sum(rel) for w in rel]
    data = []
    for r, row in enumerate(block.rows):
        cells = []
        for c in range(n_cols):
            text = row[c] if c < len(row) else ""
            style = styles["cell_head"] if r < block.header_rows else (
                styles["cell"] if c < block.left_columns or len(text) > 40
                else styles["cell_center"])
            cells.append(Paragraph(markup(text), style) if text else "")
        data.append(cells)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if block.header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, block.header_rows - 1), HEADER_SHADE))
    commands.extend(("SPAN", a, b) for a, b in block.spans)
    table = Table(data, colWidths=col_widths, repeatRows=block.header_rows, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def narrative_flowables(blocks: Sequence[Block], width: float) -> list[Flowable]:
    styles = paragraph_styles()
    story: list[Flowable] = []
    for block in blocks:
        if block.kind == "table":
            story += [Spacer(1, 4), table_flowable(block, styles, width), Spacer(1, 8)]
        elif block.kind == "rule":
            story.append(Rule())
        elif block.kind == "bullet":
            story.append(Paragraph(markup(block.text), styles["bullet"]))
        else:
            story.append(Paragraph(markup(block.text), styles[block.kind]))
    return story
