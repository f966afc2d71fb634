"""Findings that rest on a doubtful OCR reading say so, and are warnings rather than errors.

A scan's misread digit ("56.7" read "58.7") makes a row contradict itself where the printed
report does not. tesseract says how sure it is of each word; a finding whose figures were read
with low confidence is worth a look, not an alarm. The words a finding rests on are those of
its printed figure and the other figures on the same printed line (a progress cell is computed
from the expected and obtained cells beside it).

A figure read twice that the two readings disagree on (`ocr.read.second_opinion`) carries the
other reading, and the note names both.

A figure the repair stage had to change to read it as a value at all ("§57.4%" → "57.4%", an
`ocr_value` repair) is doubtful whatever tesseract's confidence: a finding resting on it — on its
row, or on a row whose figures are computed from it (an objective from its indicators) — is a
warning that names the reading too.

Some findings rest on cells rather than on one printed line, and say so the same way:
- a figure of a row checked against another page (the text's "176%" against the matrix): the
  row's own cell and the cells it is computed from, found by their boxes;
- a cell of an OCR'd page that breaks its column's own format (a code off the grammar, a value
  that does not parse, a label outside the vocabulary): print almost never does, OCR often;
- a parent missing from a scan whose other rows include codes OCR left unreadable: the parent
  may be one of them; so may a code of the parent's level the scan reads on two rows (one
  of them is likely the parent misread as its neighbour: "LN.01.01" read "LN.01.02");
- a unit the text names by its number ("S.04") is counted in row order: codes left unreadable,
  or read twice, may have shifted the count;
- a count of rows (the summary table's, the text's) that differs from the recount by no more
  than the rows whose code, or whose counted progress, the scan left in doubt — a row of a
  page whose scan shows no column of the counted progress at all (a binding shadow or a
  cropped edge hid it) is blank there whatever the print says, so it is in doubt too.
A cell of a scan that lies mostly inside an area the scan burnt solid black (a semaphore fill
or a binding shadow a photocopy thresholded; `PageContent.blacked`, found by the OCR stage) and
reads blank or as no value was not read, whatever the print says there: a finding resting on it —
a figure computed from it, a parent's figure rolled up from it, a count by its progress — is a
warning that names the cell ("cell blacked out in the scan, page N").
A figure the text states on an OCR'd page that is one slip of the scan away from the matrix's
("3%" for "67.3%": glyphs lost at the edge of a faded word; "100.1%" for "100.0%": one glyph misread)
may be the scan's doing however sure tesseract was: the claim is a warning that names both; so is
a matrix figure that is the text's with its first digit lost ("12.1" read for the "112.1" the
text states as "112%": faint or clipped at the cell's left edge).
So is a printed progress that one digit a scan commonly misreads for another (`_ocr.yaml`
`digit_confusions`: "62.4" read "52.4") would make agree, in the progress itself or in the
expected or obtained value it is computed from.
Two claims of an OCR'd text that state different figures for one subject and field (a garbled
sentence bound one of them to the wrong subject) are both warnings that name the figures.
A failed check of the header's year columns (a year missing between printed ones, a progress
year no group prints) on a matrix the scan read rests on year labels and columns OCR may have
misread or lost.
A row whose code the print did not give (read from its context or parted by the hierarchy, the
row's `INFERRED_CODE` assumptions) is as doubtful: a finding on it, or on a row computed from
it, is a warning that names the assumption.
An error whose readings are all sure stays an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from extractor.frames import to_stored_frame
from extractor.model import LOW_OCR_CONFIDENCE, Box, CellBox, Finding, PageContent, Row, SummaryRow, Word
from extractor.reconcile.claims import numbered_subject
from extractor.reconcile.counts import recounted
from extractor.rules import renumbered
from extractor.validate import checked_kind, checks_header_years
from extractor.values import FIGURE_COLUMNS, Value, parse_value

LOW_CONFIDENCE = LOW_OCR_CONFIDENCE
LOW_CONFIDENCE_NOTE = "rests on a low-confidence OCR reading"
LINE_REACH = 0.6  # a figure on the same printed line: centre within this share of a line height
DIGIT = re.compile(r"\d")
EDGE_DIGITS = re.compile(r"([-+]?)(\d[\d.,]*\d|\d)(%?)")  # a figure: its sign, its digits, its unit
# a second code's print left in a row's code cell ("(P02" of OP.02 after "SS.01.06.01.01"; "OP.0:"
# of OP.03, its last digit cut): prefix glyphs, then digits and separators; a code's own groups
# spaced apart ("10P 01 02") have no prefix
LEFTOVER_CODE = re.compile(r"[^\d\s.,:;]+[\d.,:;]*\d[\d.,:;]*")
FIGURE_GLYPHS = re.compile(r"[^\d.,]")  # what a figure's reading keeps when compared glyph by glyph
REPAIRED_READING = "ocr_value"  # the repair kind that changed what OCR read in a value cell
REPAIRED_LABEL = "ocr_label"  # … in a label cell, read as the column's label it was nearest to
FORMULA_LABELS = ("direction", "aggregation")  # the label cells a progress is computed with
FORMAT_CHECKS = ("grammar", "parses", "integer", "norm")  # expectations on a cell's own format
PARENT_CHECK = "present"  # the expectation that a row's parent is in the report
ORDER_CHECK = "precedes"  # the expectation that a row's parent comes before it
COUNT_RULES = ("summary_count_mismatch", "narrative_mismatch")  # a count finding has no row code
ROW_COUNT = "count"  # the column of a count of one level's rows ("ISS.count")
NAMED = 3  # doubtful rows a note names
NARRATIVE = "narrative_mismatch"
PROGRESS = "progress_mismatch"  # an indicator's printed progress against its expected and obtained values
INDEX = "index_mismatch"  # the policy's index: the mean of its objectives, a finding with no row code
UNREADABLE = "?"  # the unit `parse_value` gives a text that is no value
INFERRED_CODE = ("code_from_context:", "code_by_hierarchy:")  # assumptions: a code the print did not give
BLACKED_SHARE = 0.5  # a cell this much inside areas the scan burnt black was not read
BLACKED = "cell blacked out in the scan"


def flag_doubtful(
    findings: Sequence[Finding],
    pages: Iterable[PageContent],
    rows: Sequence[Row] = (),
    number_words: Mapping[str, int] | None = None,  # counts the text writes as words ("cuatro": 4)
    digit_confusions: Sequence[tuple[str, str]] = (),  # digits a scan reads one for the other (`_ocr.yaml`)
    summary: Sequence[SummaryRow] = (),  # the summary table's lines, as printed
    total_column: str = "",  # the summary column that counts every row (rules `summary.columns`, `all`)
) -> list[Finding]:
    """`findings` with every error resting on a doubtful OCR reading made a warning that names
    the reading (see the module docstring for what makes a reading doubtful)."""
    ocr_pages = [p for p in pages if p.source == "ocr"]
    read = {p.number: p.words for p in ocr_pages}
    doubt = Doubt(findings, ocr_pages, rows, number_words, digit_confusions, summary, total_column)
    inferred = _inferred_codes(rows)
    out = []
    for finding in findings:
        if finding.severity == "error":
            note = (
                _low_confidence_note(finding, read.get(finding.page, []))
                or _repaired_note(finding, doubt.repaired, doubt.below)
                or doubt.blacked_note(finding)
                or doubt.cell_note(finding)
                or doubt.format_note(finding)
                or doubt.parent_note(finding)
                or doubt.misread_alike_note(finding)
                or doubt.summary_note(finding)
                or doubt.count_note(finding)
                or doubt.numbering_note(finding)
                or doubt.named_other_note(finding)
                or _inferred_note(finding, inferred, doubt.below)
                or doubt.slip_note(finding)
                or doubt.stated_twice_note(finding)
                or doubt.index_note(finding)
                or doubt.confused_digit_note(finding)
                or doubt.header_years_note(finding)
            )
            if note:
                message = f"{finding.message} — {LOW_CONFIDENCE_NOTE} ({note})"
                finding = replace(finding, severity="warning", message=message)
        out.append(finding)
    return out


class Doubt:
    """What an OCR'd report's readings leave in doubt: repaired figures, weak cells, codes OCR
    could not read."""

    def __init__(
        self,
        findings: Sequence[Finding],
        ocr_pages: Sequence[PageContent],
        rows: Sequence[Row],
        number_words: Mapping[str, int] | None = None,
        digit_confusions: Sequence[tuple[str, str]] = (),
        summary: Sequence[SummaryRow] = (),
        total_column: str = "",
    ) -> None:
        self.pages = {p.number for p in ocr_pages}
        self.total_column = total_column
        self.confused: dict[str, set[str]] = {}
        for a, b in digit_confusions:
            self.confused.setdefault(a, set()).add(b)
            self.confused.setdefault(b, set()).add(a)
        # the summary lines of a scan that one slip of one cell keeps from adding up, and the slip
        self.slipped = [(line, slip) for line in summary if line.page in self.pages
                        and (slip := self.summary_slip(line)) is not None]
        self.number_words = {k.lower(): v for k, v in (number_words or {}).items()}
        self.blacked = {p.number: [_stored(p, b) for b in p.blacked] for p in ocr_pages}
        self.repaired = repaired_figures(findings, self.pages)
        self.below = _descendants(rows)
        self.rows = [r for r in rows if r.page in self.pages]
        self.by_code = {r.code: r for r in self.rows if r.code}
        self.order: dict[str, int] = {}  # each code's first place in the document
        for at, r in enumerate(rows):
            if r.code:
                self.order.setdefault(r.code, at)
        self.boxed = {p.number: [(w, _stored(p, w)) for w in p.words] for p in ocr_pages}
        self.unread_codes = [
            f.code or f.printed for f in findings
            if f.page in self.pages and checked_kind(f) == "grammar" and (f.code or f.printed)
        ]
        self.duplicated = duplicated_codes(self.rows)
        self.leftovers = leftover_codes(self.rows)
        # the figures an OCR'd text's claims state for one subject and field
        self.stated: dict[tuple[str, str], set[str]] = {}
        for f in findings:
            if f.rule == NARRATIVE and f.page in self.pages:
                self.stated.setdefault((f.code, f.field), set()).add(f.printed)

    def weakest_cell(self, row: Row, fields: Iterable[str]) -> Word | None:
        """The least confident OCR word inside the row's cells of `fields`."""
        inside = [
            w
            for name in fields
            for box in row.boxes.get(name, [])
            for w, at in self.boxed.get(box.page, [])
            if w.conf is not None and DIGIT.search(w.text) and _centre_in(at, box)
        ]
        return min(inside, key=lambda w: w.conf or 0.0) if inside else None

    def blacked_cell(self, row: Row, field: str) -> str:
        """Why the row's `field` was not read, if it reads blank or as no value and lies mostly
        inside an area the scan burnt black; else ""."""
        if _read_as_value(row.get(field)):
            return ""
        for box in row.boxes.get(field, []):
            if _covered_share(box, self.blacked.get(box.page, [])) >= BLACKED_SHARE:
                return f"{BLACKED}, page {box.page}"
        return ""

    def blacked_note(self, finding: Finding) -> str:
        """A row's figure computed from a cell the scan blacked out: its own cell, the cells of its
        year it is computed from, or those of a row below it it rolls up from."""
        row = self.by_code.get(finding.code)
        if row is None or not finding.field.startswith(FIGURE_COLUMNS) or not any(self.blacked.values()):
            return ""
        for code in [row.code, *self.below.get(row.code, [])]:
            under = self.by_code.get(code)
            for field in _inputs_of(finding.field) if under else []:
                why = self.blacked_cell(under, field)
                if why:
                    return f"{code} {field}: {why}"
        return ""

    def cell_note(self, finding: Finding) -> str:
        """A row's figure found doubtful in its own cell, or in a cell it is computed from."""
        row = self.by_code.get(finding.code)
        if row is None or not finding.field.startswith(FIGURE_COLUMNS):
            return ""
        weakest = self.weakest_cell(row, _inputs_of(finding.field))
        if weakest is None or (weakest.conf or 0) >= LOW_CONFIDENCE:
            return ""
        other = f" (read again as {weakest.other!r})" if weakest.other else ""
        return f"{row.code}: {weakest.text!r}{other}, {weakest.conf:.0f}%"

    def index_note(self, finding: Finding) -> str:
        """The index is the mean of every objective, each the mean of its own indicators: it rests
        on all their cells of the year, and is in doubt when any of them is."""
        if finding.rule != INDEX or not self.rows:
            return ""
        tops = {r.code for r in self.rows if r.code and not r.parent}
        doubtful = []
        for field in _inputs_of(finding.field):
            # a level none of whose rows reads the figure (lineamientos) prints none
            figured = {r.level for r in self.rows if r.get(field)}
            under = [r for r in self.rows if r.parent in tops and r.level in figured]
            doubtful += self.doubtful_cells_of(under, field)
        return f"the objectives' indicators it rests on: {_listed(doubtful)}" if doubtful else ""

    def confused_digit_note(self, finding: Finding) -> str:
        """A printed progress one slip of the scan away from agreeing (`slips_of`: a commonly
        confused digit, or a digit lost or added at either end): in the printed figure itself, or
        in the expected or obtained value it is the ratio of (a progress is their quotient, so a
        misread input scales it by the misread's own ratio). Seed 161 read an obtained 61.7% as
        "1.7%" with full confidence: 56.7 / 1.7 made 3335.3 of a printed 91.9."""
        row = self.by_code.get(finding.code)
        # the index row's printed figure too ("0.6" of 70.6, its first digit lost: trata s408)
        index = finding.rule == INDEX and finding.page in self.pages
        if not index and (finding.rule != PROGRESS or row is None):
            return ""
        printed, recomputed = parse_value(finding.printed), parse_value(finding.recomputed)
        if printed.value is None or not recomputed.value:
            return ""
        slack = 10.0 ** -printed.decimals  # the printed figure's last digit, and the rounding of ours
        for other in self.slips_of(finding.printed):
            if other.value is not None and abs(other.value - recomputed.value) <= slack:
                return f"printed {finding.printed!r} may be {other.raw!r} misread"
        if row is None:
            return ""
        year = finding.field.rsplit("_", 1)[-1]
        for field in (f"expected_{year}", f"obtained_{year}"):
            read = parse_value(row.get(field))
            for other in self.slips_of(row.get(field)) if read.value else []:
                if not other.value:
                    continue
                scale = other.value / read.value  # type: ignore[operator]
                # the recomputed figure is rounded: its rounding grows with the scale ("2.5%" for
                # 22.5%: 16.7 × 9 = 150.3 of a printed 150.0, trata s402)
                rounding = 0.5 * 10.0 ** -recomputed.decimals
                if any(abs(recomputed.value * s - printed.value) <= slack + rounding * s for s in (scale, 1 / scale)):
                    return f"{row.code} {field} {row.get(field)!r} may be {other.raw!r} misread"
        return ""

    def slips_of(self, text: str) -> list[Value]:
        """`text` read back past one slip of the scan: a digit confused (`confusions_of`), or a
        digit lost or added at either end of the figure (a faded edge, a speck read as a digit)."""
        match = EDGE_DIGITS.fullmatch(text.strip())
        if not match:
            return self.confusions_of(text)
        head, body, tail = match.group(1), match.group(2), match.group(3)
        readings = [d + body for d in "123456789"] + [body + d for d in "0123456789"]
        readings += [body[1:], body[:-1]] if len(body.replace(".", "").replace(",", "")) > 1 else []
        return self.confusions_of(text) + [parse_value(head + r + tail) for r in readings if r[:1].isdigit()]

    def confusions_of(self, text: str) -> list[Value]:
        """`text` with one digit read as a digit it is commonly confused with, each way it can be."""
        return [
            parse_value(text[:i] + other + text[i + 1 :])
            for i, glyph in enumerate(text)
            for other in sorted(self.confused.get(glyph, ()))
        ]

    def header_years_note(self, finding: Finding) -> str:
        """A year column missing from a header the scan read: a year label misread ("2075"), or a
        column lost to a shadow or a cropped edge, leaves the same gap as one never printed."""
        if not self.rows or not checks_header_years(finding):
            return ""
        pages = sorted({r.page for r in self.rows})
        where = f"page{'s' if len(pages) > 1 else ''} {_pages(pages)}"
        return f"the header's year columns as the scan of {where} reads them"

    def stated_twice_note(self, finding: Finding) -> str:
        """The scan's text states two figures for one subject ("20" and "4" Indicadores de
        objetivos prioritarios at ≥ 95%): a garbled sentence bound one of them to the wrong
        subject, and neither claim is sure."""
        stated = self.stated.get((finding.code, finding.field), set())
        if finding.rule != NARRATIVE or finding.page not in self.pages or len(stated) < 2:
            return ""
        return f"the scan's text states {_listed(sorted(stated))} for it"

    def slip_note(self, finding: Finding) -> str:
        """The text's figure, on an OCR'd page, one slip of the scan from the matrix's printed one."""
        if finding.rule != NARRATIVE or finding.page not in self.pages:
            return ""
        if one_slip_apart(finding.printed, finding.recomputed):
            return f"the text's {finding.printed!r} is one OCR slip from the matrix's {finding.recomputed!r}"
        # the matrix's own figure misread: its row on a page the scan read
        if finding.code in self.by_code and leading_glyph_lost(finding.recomputed, finding.printed):
            return (f"the matrix's {finding.recomputed!r} is the text's {finding.printed!r} with its first "
                    "digit lost to the scan")
        return ""

    def format_note(self, finding: Finding) -> str:
        if finding.page not in self.pages or checked_kind(finding) not in FORMAT_CHECKS:
            return ""
        return f"{finding.printed!r} breaks its column's format as the scan reads it"

    def parent_note(self, finding: Finding) -> str:
        if finding.page not in self.pages or checked_kind(finding) != PARENT_CHECK:
            return ""
        if self.unread_codes:
            return f"the parent may be a row whose code the scan left unreadable: {_listed(self.unread_codes)}"
        twins = [c for c in self.duplicated if _same_shape(c, finding.printed)]
        if twins:
            return f"the parent may be a row whose code the scan read as another row's: {_listed(twins)} read twice"
        digits = "".join(DIGIT.findall(finding.printed))
        merged = [f"{code} ('{left}')" for code, left in self.leftovers if _reads_code(left, finding.printed)]
        if digits and merged:
            return f"the parent may be a row the scan merged into another whose code cell reads it: {_listed(merged)}"
        return ""

    def misread_alike_note(self, finding: Finding) -> str:
        """A row before its parent whose code, one digit read alike wherever it stands in its
        groups, is a code no row holds that goes on from a sibling before it ("SS.02.02.08" after
        SS.01.01.07: a bitonal scan's thin 1 read 2 twice, trata s412)."""
        at = self.order.get(finding.code)
        if finding.page not in self.pages or checked_kind(finding) != ORDER_CHECK or at is None:
            return ""
        head, _, groups = finding.code.partition(".")
        meant = []
        for digit in sorted({c for c in groups if c.isdigit()}):
            for other in "0123456789".replace(digit, ""):
                code = f"{head}.{groups.replace(digit, other)}"
                sibling = renumbered(code, -1)
                if code not in self.order and sibling is not None and self.order.get(sibling, at) < at:
                    meant.append(code)
        return f"{finding.code} may be {_listed(meant)} read with one digit misread alike" if meant else ""

    def summary_note(self, finding: Finding) -> str:
        """A summary line of an OCR'd page that does not add up as the scan reads it, and would
        with one slip of the scan in one of its cells (`slips_of`: "47" for a "4" and a speck):
        a finding on that cell, or the line's failed total, rests on the misread."""
        for line, (column, read, meant) in self.slipped:
            counts = [self.count_value(v) for c, v in line.counts.items() if c != self.total_column]
            on_cell = finding.field == f"{line.group}.{column}"
            on_total = (finding.field == self.total_column and finding.code in ("", line.group)
                        and self.count_value(finding.printed) == self.count_value(line.get(self.total_column))
                        and self.count_value(finding.recomputed) == sum(c or 0 for c in counts))
            if on_cell or on_total:
                return (f"the summary line {line.group!r} does not add up as the scan of page {line.page} reads it; "
                        f"reading {read!r} as {meant:g}, one slip of the scan away, would make it add up")
        return ""

    def summary_slip(self, line: SummaryRow) -> tuple[str, str, float] | None:
        """The one cell of a summary line, and the value one slip of the scan away from its
        reading, that makes the line's counts add up to its total; None if the line adds up as
        read, or no one cell explains it."""
        if not self.total_column or self.total_column not in line.counts:
            return None
        values = {c: self.count_value(v) for c, v in line.counts.items()}
        if any(v is None for v in values.values()):
            return None
        total = values[self.total_column] or 0.0
        others = sum(v or 0.0 for c, v in values.items() if c != self.total_column)
        if others == total:
            return None
        found = []
        for column, text in line.counts.items():
            for slipped in self.slips_of(text):
                if slipped.value is None:
                    continue
                fits = (others == slipped.value if column == self.total_column
                        else others - (values[column] or 0.0) + slipped.value == total)
                if fits:
                    found.append((column, text, slipped.value))
                    break
        return found[0] if len(found) == 1 else None

    def count_note(self, finding: Finding) -> str:
        """A recount that differs by no more rows than the scan left in doubt: rows whose code it
        could not read (any of them may belong to the count) or inferred at the counted level, and,
        for a count by progress, rows of the counted level whose counted progress is doubtful."""
        if finding.rule not in COUNT_RULES or finding.code or "." not in finding.field:
            return ""
        printed, recount = self.count_value(finding.printed), self.count_value(finding.recomputed)
        if printed is None or recount is None:
            return ""
        counted = recounted(finding)
        # the counted cells first, the ones the scan blacked out leading: the surest reason a
        # row's progress was not read is the one the note names
        cells = sorted(self.doubtful_cells(*counted) if counted else [], key=lambda c: BLACKED not in c)
        doubtful = cells + list(self.unread_codes) + self.inferred_of_level(finding.field.split(".")[0])
        if not doubtful or abs(printed - recount) > len(doubtful):
            return ""
        return f"rows whose code or counted progress the scan left in doubt: {_listed(doubtful)}"

    def inferred_of_level(self, level: str) -> list[str]:
        """Rows of `level` whose code the scan lost and the rows around it gave: the level is
        inferred too, so any of them may be a row of another level (or none of the matrix)."""
        return [r.code for r in self.rows if r.level == level and any(
            a.startswith(INFERRED_CODE) for a in r.assumptions)]

    def count_value(self, text: str) -> float | None:
        """A count as printed: a figure, or a word the text writes counts with ("cuatro")."""
        value = parse_value(text).value
        return value if value is not None else self.number_words.get(text.strip().lower())

    def numbering_note(self, finding: Finding) -> str:
        """A text's "S.21" is found by counting the units in order: a row whose code the scan
        left unreadable may have shifted the count."""
        subject = numbered_subject(finding)
        if not subject:
            return ""
        if self.unread_codes:
            unread = _listed(self.unread_codes)
            return f"{subject} is counted in row order, past codes the scan left unreadable: {unread}"
        if self.duplicated:
            return f"{subject} is counted in row order, past codes the scan read twice: {_listed(self.duplicated)}"
        return ""

    def named_other_note(self, finding: Finding) -> str:
        """A text's "S.23" whose own words name another unit: the quote holds the name of a row of
        its level that is not the one its number found, and not the name of that row (trata s202:
        "El servicio 23. Denominado "Servicio de ejecución de actos especiales …"", S.21's name, its
        "21" read "23"). Only off a page image, where a number's digit may be misread."""
        subject = numbered_subject(finding)
        row = self.by_code.get(finding.code)
        if not subject or row is None or finding.page not in self.pages:
            return ""
        unit = self.by_code.get(row.parent) if row.parent in self.by_code else row
        quoted = finding.message.partition(": ")[2]
        same = [r for r in self.rows if r.level == unit.level and len(r.get("name")) >= MIN_NAMED]
        scored = sorted(((fuzz.partial_ratio(_name_head(r), quoted), r.code) for r in same), reverse=True)
        if not scored or scored[0][0] < NAMED_MATCH or scored[0][1] == unit.code:
            return ""
        own = fuzz.partial_ratio(_name_head(unit), quoted)
        if own >= NAMED_OWN:
            return ""
        other = self.by_code[scored[0][1]]
        return f"the text's {subject} names {other.code} ({_name_head(other)!r}…): its number may be misread"

    def doubtful_cells(self, level: str, field: str) -> list[str]:
        """The level's rows whose `field` was read with low confidence, repaired, read as no
        value of its column at all ("e" for "27"), read as nothing where the column reads figures
        on the same page (dropout, or a tile tesseract dropped), read as nothing or no value inside
        an area the scan burnt black, or not read because the scan of its page shows no such
        column (a binding shadow or a cropped edge can hide a whole column).
        A column that reads blank in every row of a page is taken as printed blank."""
        return self.doubtful_cells_of([r for r in self.rows if r.level == level], field)

    def doubtful_cells_of(self, rows: Sequence[Row], field: str) -> list[str]:
        """`doubtful_cells` among `rows`."""
        out = []
        unseen = self.pages_without_column(field)
        # pages where the column reads figures: a blank cell among them may be a tile the scan lost
        read = {r.page for r in self.rows if r.get(field)}
        for row in rows:
            blacked = self.blacked_cell(row, field)
            if blacked:
                out.append(f"{row.code} {field} ({blacked})")
                continue
            if row.page in unseen and not row.get(field):
                out.append(f"{row.code} {field} (no such column read on page {row.page})")
                continue
            if not row.get(field):
                if row.page in read:
                    out.append(f"{row.code} {field} (nothing read, among figures read on page {row.page})")
                continue
            weakest = self.weakest_cell(row, [field])
            repaired = any(f.field == field for f in self.repaired.get(row.code, []))
            unread = parse_value(row.get(field)).unit == UNREADABLE
            if repaired or unread or (weakest is not None and (weakest.conf or 0) < LOW_CONFIDENCE):
                out.append(f"{row.code} {field} {row.get(field)!r}")
        return out

    def pages_without_column(self, field: str) -> set[int]:
        """OCR'd pages none of whose rows has a cell in `field`: the page's header gave no such
        column, so every row of the page is blank there whatever the print says."""
        with_column = {box.page for r in self.rows for box in r.boxes.get(field, [])}
        return {r.page for r in self.rows} - with_column


def _pages(pages: Sequence[int]) -> str:
    return ", ".join(str(p) for p in pages[:NAMED]) + (", …" if len(pages) > NAMED else "")


def one_slip_apart(read: str, printed: str) -> bool:
    """Whether a figure's glyphs as read could be `printed` as a scan misreads it: glyphs lost at
    one edge ("3" of "67.3"), or one glyph misread, lost or added ("100.1" of "100.0")."""
    a, b = _figure_glyphs(read), _figure_glyphs(printed)
    if not a or not b or a == b:
        return False
    return b.endswith(a) or b.startswith(a) or Levenshtein.distance(a, b) == 1


def leading_glyph_lost(read: str, stated: str) -> bool:
    """Whether a matrix figure as read (`read`: "12.1") is one that the text states (`stated`:
    "112%", as its precision rounds it) with its first digit lost: faint or clipped at the
    cell's left edge, a scan loses it ("112.1" read "12.1")."""
    a, b = _figure_glyphs(stated), _figure_glyphs(read)
    if not a or not b or "," in a + b:
        return False
    decimals = len(a.partition(".")[2])
    for digit in "123456789":
        try:
            value = float(digit + b)
        except ValueError:
            return False
        if f"{value:.{decimals}f}" == a:
            return True
    return False


def _figure_glyphs(text: str) -> str:
    """The digits and points of a figure ("67.3%" → "67.3"); "" for a text with no digit."""
    glyphs = FIGURE_GLYPHS.sub("", text).strip(".,")  # a sentence's full stop is no glyph of it
    return glyphs if DIGIT.search(glyphs) else ""


MIN_NAMED = 20  # letters of a name long enough to be told apart in a text's quote
NAME_HEAD = 40  # letters of a name a text's quote is searched for (quotes are cut at ~50)
NAMED_MATCH = 90  # partial likeness at which a quote names a row
NAMED_OWN = 75  # …and below which it does not name its own


def _name_head(row: Row) -> str:
    return row.get("name")[:NAME_HEAD]


def leftover_codes(rows: Sequence[Row]) -> list[tuple[str, str]]:
    """(row code, leftover) for each row whose code was read out of a print that goes on past it
    with what reads as a second code ("SS.01.06.01.01 (P02"): two rows whose rule the scan lost,
    one of them now inside the other."""
    out = []
    for row in rows:
        for repair in row.repairs:
            kind, _, change = repair.partition(":")
            printed = change.rpartition("->")[0]
            if kind in ("code_ocr", "code_prefix") and printed:
                rest = printed.split()[1:]
                # the second code's print may come in pieces a gap cut apart ("o. 03" of OP.03)
                pieces = [*rest, "".join(rest)] if len(rest) > 1 else rest
                out += [(row.code, token) for token in dict.fromkeys(pieces) if LEFTOVER_CODE.fullmatch(token)]
    return out


def _reads_code(left: str, code: str) -> bool:
    """Whether a leftover print reads `code`: its digits, or its prefix and the first of its
    digits with the last lost ("OP.0:" of OP.03, cut at the band's edge)."""
    digits, read = "".join(DIGIT.findall(code)), "".join(DIGIT.findall(left))
    if read == digits:
        return len(read) >= 2
    prefix = re.match(r"[A-Za-z]+", code)
    return (bool(read) and len(read) == len(digits) - 1 and digits.startswith(read) and prefix is not None
            and left.upper().startswith(prefix.group(0)))


def duplicated_codes(rows: Sequence[Row]) -> list[str]:
    """Codes the scan reads on more than one row, in document order: print gives each row its own
    code, so one of the copies is likely a neighbour's code misread."""
    seen: set[str] = set()
    out: list[str] = []
    for row in (r for r in rows if r.code):
        if row.code in seen and row.code not in out:
            out.append(row.code)
        seen.add(row.code)
    return out


def _same_shape(code: str, other: str) -> bool:
    """Codes of one level by their look: the same prefix and as many groups ("LN.01.02", "LN.01.01")."""
    return bool(code and other) and code.split(".")[0] == other.split(".")[0] and code.count(".") == other.count(".")


def _inputs_of(field: str) -> list[str]:
    """A figure's own cell and, for a progress, the cells of its year it is computed from."""
    year = field.rsplit("_", 1)[-1]
    return [field, f"expected_{year}", f"obtained_{year}"] if field.startswith("progress_") else [field]


def _stored(page: PageContent, word: Word | Box) -> CellBox:
    return to_stored_frame(page, word.x0, word.top, word.x1, word.bottom)


def _read_as_value(text: str) -> bool:
    return bool(text.strip()) and parse_value(text).unit != UNREADABLE


def _covered_share(cell: CellBox, areas: Sequence[CellBox]) -> float:
    """Share of the cell's area inside `areas` (disjoint boxes, so their overlaps add up)."""
    size = (cell.x1 - cell.x0) * (cell.bottom - cell.top)
    if size <= 0 or not areas:
        return 0.0
    inside = sum(
        max(0.0, min(cell.x1, a.x1) - max(cell.x0, a.x0)) * max(0.0, min(cell.bottom, a.bottom) - max(cell.top, a.top))
        for a in areas
    )
    return min(inside / size, 1.0)


def _centre_in(box: CellBox, cell: CellBox) -> bool:
    x, y = (box.x0 + box.x1) / 2, (box.top + box.bottom) / 2
    return cell.x0 <= x <= cell.x1 and cell.top <= y <= cell.bottom


def _listed(items: Sequence[str]) -> str:
    more = f", … (+{len(items) - NAMED})" if len(items) > NAMED else ""
    return ", ".join(repr(i) if " " not in i else i for i in items[:NAMED]) + more


def _low_confidence_note(finding: Finding, words: Sequence[Word]) -> str:
    weakest = _weakest_support(finding, words)
    if weakest is None or (weakest.conf or 0) >= LOW_CONFIDENCE:
        return ""
    # a second reading that disagreed is named too: the reader sees both figures the scan gave
    other = f" (read again as {weakest.other!r})" if weakest.other else ""
    return f"{weakest.text!r}{other}, {weakest.conf:.0f}%"


def repaired_figures(findings: Iterable[Finding], ocr_pages: Iterable[int]) -> dict[str, list[Finding]]:
    """Row code → the repairs that changed an OCR'd figure of the row into a value, or a label
    its figures are computed with (a direction read from "ascendernie") into the column's label."""
    pages = set(ocr_pages)
    out: dict[str, list[Finding]] = {}
    for f in findings:
        if f.rule == "repair" and f.code and f.page in pages and _changed_a_figure(f):
            out.setdefault(f.code, []).append(f)
    return out


def _changed_a_figure(repair: Finding) -> bool:
    if repair.message.startswith(f"{REPAIRED_READING}:"):
        return repair.field.startswith(FIGURE_COLUMNS)
    return repair.message.startswith(f"{REPAIRED_LABEL}:") and repair.field in FORMULA_LABELS


def _repaired_note(finding: Finding, repaired: dict[str, list[Finding]], below: dict[str, list[str]]) -> str:
    """The first repaired figure the finding's row rests on (its own, or its descendants'), for
    a finding about a figure (a missing parent or a code's grammar rests on no figure)."""
    if not finding.code or not repaired or not finding.field.startswith(FIGURE_COLUMNS):
        return ""
    # the text against a printed cell rests on that cell alone, not on the rows below it
    own = finding.rule == NARRATIVE and finding.severity == "error"
    for code in [finding.code] if own else [finding.code, *below.get(finding.code, [])]:
        for rep in repaired.get(code, []):
            if own and rep.field != finding.field:
                continue
            where = "" if code == finding.code and rep.field == finding.field else f", {code} {rep.field}"
            return f"{rep.printed!r} read as {rep.recomputed!r}{where}"
    return ""


def _inferred_codes(rows: Sequence[Row]) -> dict[str, str]:
    """Code → the assumption that gave a row its code, for rows whose print did not."""
    return {row.code: note for row in rows for note in row.assumptions if note.startswith(INFERRED_CODE)}


def _inferred_note(finding: Finding, inferred: dict[str, str], below: dict[str, list[str]]) -> str:
    """The inferred code the finding's row is, or rests on (a row computed from its descendants)."""
    if not finding.code or not inferred:
        return ""
    return next((inferred[c] for c in [finding.code, *below.get(finding.code, [])] if c in inferred), "")


def _descendants(rows: Sequence[Row]) -> dict[str, list[str]]:
    """Code → the codes of every row below it in the hierarchy (whose figures roll up into it)."""
    children: dict[str, list[str]] = {}
    for row in rows:
        if row.code and row.parent:
            children.setdefault(row.parent, []).append(row.code)

    def under(code: str, seen: frozenset[str]) -> list[str]:
        out = []
        for child in children.get(code, []):
            if child not in seen:
                out += [child, *under(child, seen | {child})]
        return out

    return {code: under(code, frozenset({code})) for code in children}


def _weakest_support(finding: Finding, words: Sequence[Word]) -> Word | None:
    """The least confident figure on the printed line(s) of the finding's printed value."""
    printed = finding.printed.strip()
    if not printed or not words:
        return None
    anchors = [w for w in words if w.text.strip() == printed]
    support = [w for w in words if DIGIT.search(w.text) and any(_same_line(w, a) for a in anchors)]
    scored = [w for w in support if w.conf is not None]
    return min(scored, key=lambda w: w.conf or 0.0) if scored else None


def _same_line(word: Word, anchor: Word) -> bool:
    height = max(anchor.bottom - anchor.top, 1.0)
    return abs(word.ymid - anchor.ymid) <= LINE_REACH * height
