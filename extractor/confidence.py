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

A row whose code the print did not give (read from its context or parted by the hierarchy, the
row's `INFERRED_CODE` assumptions) is as doubtful: a finding on it, or on a row computed from
it, is a warning that names the assumption.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from extractor.model import LOW_OCR_CONFIDENCE, Finding, PageContent, Row, Word
from extractor.values import FIGURE_COLUMNS

LOW_CONFIDENCE = LOW_OCR_CONFIDENCE
LOW_CONFIDENCE_NOTE = "rests on a low-confidence OCR reading"
LINE_REACH = 0.6  # a figure on the same printed line: centre within this share of a line height
DIGIT = re.compile(r"\d")
REPAIRED_READING = "ocr_value"  # the repair kind that changed what OCR read in a value cell
INFERRED_CODE = ("code_from_context:", "code_by_hierarchy:")  # assumptions: a code the print did not give


def flag_doubtful(
    findings: Sequence[Finding], pages: Iterable[PageContent], rows: Sequence[Row] = ()
) -> list[Finding]:
    """`findings` with every error resting on a low-confidence OCR word, or on a figure of an
    OCR'd page that had to be repaired to be read, made a warning that names the reading."""
    read = {p.number: p.words for p in pages if p.source == "ocr"}
    repaired = repaired_figures(findings, read)
    below = _descendants(rows)
    inferred = _inferred_codes(rows)
    out = []
    for finding in findings:
        if finding.severity == "error":
            words = read.get(finding.page, [])
            note = (_low_confidence_note(finding, words) or _repaired_note(finding, repaired, below)
                    or _inferred_note(finding, inferred, below))
            if note:
                message = f"{finding.message} — {LOW_CONFIDENCE_NOTE} ({note})"
                finding = replace(finding, severity="warning", message=message)
        out.append(finding)
    return out


def _low_confidence_note(finding: Finding, words: Sequence[Word]) -> str:
    weakest = _weakest_support(finding, words)
    if weakest is None or (weakest.conf or 0) >= LOW_CONFIDENCE:
        return ""
    # a second reading that disagreed is named too: the reader sees both figures the scan gave
    other = f" (read again as {weakest.other!r})" if weakest.other else ""
    return f"{weakest.text!r}{other}, {weakest.conf:.0f}%"


def repaired_figures(findings: Iterable[Finding], ocr_pages: Iterable[int]) -> dict[str, list[Finding]]:
    """Row code → the repairs that changed an OCR'd figure of the row into a value."""
    pages = set(ocr_pages)
    out: dict[str, list[Finding]] = {}
    for f in findings:
        if (f.rule == "repair" and f.code and f.page in pages and f.message.startswith(f"{REPAIRED_READING}:")
                and f.field.startswith(FIGURE_COLUMNS)):
            out.setdefault(f.code, []).append(f)
    return out


def _repaired_note(finding: Finding, repaired: dict[str, list[Finding]], below: dict[str, list[str]]) -> str:
    """The first repaired figure the finding's row rests on (its own, or its descendants'), for
    a finding about a figure (a missing parent or a code's grammar rests on no figure)."""
    if not finding.code or not repaired or not finding.field.startswith(FIGURE_COLUMNS):
        return ""
    for code in [finding.code, *below.get(finding.code, [])]:
        for rep in repaired.get(code, []):
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
