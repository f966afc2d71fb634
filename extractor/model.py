"""The plain dataclasses passed between stages.

PDF → PageContent (words, ruling edges, fills) → RawRow (cells of one printed row span)
→ Row (one logical matrix row, codes repaired) → Finding → Report.

Coordinates are PDF points with the origin at the top-left of the page (pdfplumber's
convention): ``top`` grows downwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Box and Edge are geometry (extractor/geometry.py); stages may read them from here with the rest
from extractor.geometry import Box as Box
from extractor.geometry import Edge, Extent

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


# tesseract word confidence below which a figure's reading is doubtful: the OCR reads such a
# figure a second time, and a finding resting on it is a warning (confidence.py)
LOW_OCR_CONFIDENCE = 70.0


@dataclass(frozen=True, slots=True)
class Word(Extent):
    """A run of characters on one line, as the text layer (or OCR) gives it."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    conf: float | None = None  # OCR confidence 0-100 (tesseract's); None: read from a text layer
    other: str = ""  # a second OCR reading of the same print that disagreed with `text`
    # the word as read, when this one is a piece of it cut apart at cell boundaries (glued.py):
    # the text layer (or OCR) glued neighbouring cells into it, and the row records the cut
    glued_from: Word | None = None


@dataclass(frozen=True, slots=True)
class CellBox:
    """Where a cell is printed: its page and rectangle in that page's stored frame.

    The stored frame is the page as the PDF stores it (its /Rotate not applied), origin at the
    top-left: where a viewer's annotation goes. On a scan it differs from the upright frame
    the OCR reads in; `frames.to_stored_frame` maps one to the other.
    """

    page: int
    x0: float
    top: float
    x1: float
    bottom: float

    def union(self, other: CellBox) -> CellBox:
        return CellBox(
            self.page,
            min(self.x0, other.x0),
            min(self.top, other.top),
            max(self.x1, other.x1),
            max(self.bottom, other.bottom),
        )


@dataclass(frozen=True, slots=True)
class Fill:
    """A filled rectangle (header shading, semaphore colour of a progress cell)."""

    x0: float
    x1: float
    top: float
    bottom: float
    color: tuple[float, float, float]


@dataclass(slots=True)
class PageContent:
    """Everything later stages need from one page, whatever produced it."""

    number: int  # 1-based
    width: float
    height: float
    words: list[Word]
    edges: list[Edge] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    text: str = ""  # the page's text in reading order (family detection, narrative)
    source: Literal["text", "ocr"] = "text"
    rotation: int = 0  # degrees the page image was turned to read it upright
    skew: float = 0.0  # degrees the upright image was then turned about its centre to level it
    image_coverage: float = 0.0  # share of the page covered by its largest image (scans ≈ 1)
    # areas of a scan that were solid ink (a fill or a shadow the copy burnt black), as disjoint
    # boxes in the frame the words are in: what was printed under them the scan did not give
    blacked: list[Box] = field(default_factory=list)

    def __setstate__(self, state: tuple[object, dict[str, object]]) -> None:
        # pages pickled before a field existed leave its slot unset: they get its default
        self.blacked = []
        for name, value in (state[1] or {}).items():
            setattr(self, name, value)


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table, located by its header label, never by a fixed x."""

    role: str  # e.g. "code", "name", "expected_2024"
    x0: float
    x1: float
    label: str = ""


@dataclass(frozen=True, slots=True)
class GluedCut:
    """A word read across cell boundaries, cut into one piece per cell (`12.002015` → `12.00|2015`)."""

    word: str
    pieces: tuple[str, ...]
    role: str  # the column its first piece went to


@dataclass(slots=True)
class RawRow:
    """One printed row of the matrix on one page (its row span, top to bottom): cell texts by column role."""

    page: int
    top: float
    bottom: float
    cells: dict[str, str]
    block: str = ""  # heading of the block the row sits in (families with per-block tables)
    continues_previous: bool = False  # no code, first row after a page's header
    fill: tuple[float, float, float] | None = None  # colour of the progress cell, if any
    boxes: dict[str, CellBox] = field(default_factory=dict)  # column role → the cell on the page
    # where its words come from: a text layer prints what its producer wrote, OCR may misread
    # (repair undoes misreadings only an image can cause on OCR'd rows alone)
    source: Literal["text", "ocr"] = "text"
    assumptions: list[str] = field(default_factory=list)  # how layout read it (a header completed)
    glued_cuts: list[GluedCut] = field(default_factory=list)  # words layout cut apart (repairs of the row)


# `rows.csv` columns that are `Row` attributes, not entries of `Row.fields`
ROW_KEYS = ("code", "level", "parent", "page", "repairs")


@dataclass(slots=True)
class Row:
    """One logical matrix row after repair: what `rows.csv` holds."""

    code: str
    level: str
    parent: str
    fields: dict[str, str]  # every other output column except page and repairs
    page: int
    repairs: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    # column role → the cell's box on each page it is printed on (a row may cross a page break)
    boxes: dict[str, list[CellBox]] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


@dataclass(slots=True)
class SummaryRow:
    """One line of the printed summary-counts table: counts keyed by the family's summary
    columns (rules `summary.columns`), as printed."""

    group: str
    counts: dict[str, str]
    page: int = 0

    def get(self, column: str) -> str:
        return self.counts.get(column, "")


@dataclass(slots=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    code: str = ""
    field: str = ""
    printed: str = ""
    recomputed: str = ""
    page: int = 0


@dataclass(slots=True)
class SourceInfo:
    path: str
    sha256: str
    pages: int
    ocr_pages: list[int] = field(default_factory=list)
    # page → degrees its content is turned from upright (pages read upside down, sideways)
    page_rotations: dict[int, int] = field(default_factory=dict)


@dataclass(slots=True)
class Extraction:
    """What the extraction stage hands on: raw row bands plus the page furniture read."""

    source: SourceInfo
    family: str
    metadata: dict[str, str]
    years: list[int]  # years of the expected/obtained columns
    progress_years: list[int]  # years with a printed progress column
    raw_rows: list[RawRow]
    summary: list[SummaryRow]
    narrative: list[tuple[int, str]]  # (page, text) outside the matrix tables
    matrix_pages: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Report:
    """The final product of the pipeline, ready for export."""

    source: SourceInfo
    family: str
    metadata: dict[str, str]
    years: list[int]
    progress_years: list[int]
    columns: list[str]  # output columns of rows.csv, in order
    rows: list[Row]
    summary: list[SummaryRow]
    narrative: list[tuple[int, str]]
    findings: list[Finding] = field(default_factory=list)
    summary_columns: list[str] = field(default_factory=list)  # the family's count columns, in order
    # page → the words OCR read on it, boxed on the stored page: where text findings go on a scan
    ocr_words: dict[int, list[tuple[str, CellBox]]] = field(default_factory=dict)
