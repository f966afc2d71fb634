"""The records the repair stage passes between its steps: repairs, code candidates, cleaned
printed bands (`CleanRow`) and logical rows under construction (`Draft`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.model import CellBox


@dataclass(slots=True)
class Repair:
    """One repair on a row. `to_row` names the row a moved fragment went to, once its code is known."""

    kind: str
    before: str
    after: str = ""
    field: str = ""
    to_row: Draft | None = None

    def render(self) -> str:
        after = self.to_row.code if self.to_row is not None else self.after
        return f"{self.kind}:{self.before}->{after}"


@dataclass(frozen=True, slots=True)
class Candidate:
    code: str
    level: str
    evidence: float  # how well the printed code supports it (0 when only the context does)


@dataclass(frozen=True, slots=True)
class Content:
    """What a row's cells say about its level."""

    indicator: bool | None  # fills values like an indicator / clearly not / cannot tell
    head_levels: frozenset[str] | None  # levels whose head word the name starts with


@dataclass(slots=True)
class CleanRow:
    """One printed row band (a layout `RawRow`) after cleaning: its cells without the code, the
    code as printed, and first guesses about its level and code. Several make one `Draft`."""

    page: int
    cells: dict[str, str]
    code_text: str
    repairs: list[Repair]
    continues_previous: bool = False
    head: frozenset[str] | None = None
    guess: Candidate | None = None
    named: tuple[str, str] | None = None
    boxes: dict[str, CellBox] = field(default_factory=dict)  # the band's cells on its page
    read_by_ocr: bool = False  # its words were read off a page image
    assumptions: list[str] = field(default_factory=list)  # layout's, carried to the row

    @property
    def name(self) -> str:
        return self.cells.get("name", "")


@dataclass(slots=True)
class Draft:
    """A logical row under construction, built from one or more cleaned printed bands."""

    page: int
    last_page: int
    cells: dict[str, str]
    origin: dict[str, bool]  # column → True when its value came from a band with a code
    code_texts: list[str] = field(default_factory=list)
    name_parts: list[str] = field(default_factory=list)  # from the row's own bands, in order
    page_joins: int = 0  # bands that carry the row on over a page break (layout, not damage)
    repairs: list[Repair] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    head: frozenset[str] | None = None
    guess: Candidate | None = None
    named: tuple[str, str] | None = None
    code: str = ""
    level: str = ""
    parent: str = ""
    unrepaired: str = ""  # why the code could not be repaired, if it could not
    boxes: dict[str, list[CellBox]] = field(default_factory=dict)  # the bands' cells, per page
    read_by_ocr: bool = False  # some of its bands were read off a page image

    @property
    def name(self) -> str:
        return self.cells.get("name", "")

    @property
    def printed_code(self) -> str:
        return self.code_texts[0] if self.code_texts else ""

