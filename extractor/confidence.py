"""Findings that rest on a doubtful OCR reading say so, and are warnings rather than errors.

A scan's misread digit ("56.7" read "58.7") makes a row contradict itself where the printed
report does not. tesseract says how sure it is of each word; a finding whose figures were read
with low confidence is worth a look, not an alarm. The words a finding rests on are those of
its printed figure and the other figures on the same printed line (a progress cell is computed
from the expected and obtained cells beside it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from extractor.model import Finding, PageContent, Word

LOW_CONFIDENCE = 70.0  # tesseract word confidence below which a figure's reading is doubtful
LOW_CONFIDENCE_NOTE = "rests on a low-confidence OCR reading"
LINE_REACH = 0.6  # a figure on the same printed line: centre within this share of a line height
DIGIT = re.compile(r"\d")


def flag_doubtful(findings: Sequence[Finding], pages: Iterable[PageContent]) -> list[Finding]:
    """`findings` with every error resting on a low-confidence OCR word made a warning that names it."""
    read = {p.number: p.words for p in pages if p.source == "ocr"}
    out = []
    for finding in findings:
        weakest = _weakest_support(finding, read.get(finding.page, []))
        if finding.severity == "error" and weakest is not None and (weakest.conf or 0) < LOW_CONFIDENCE:
            note = f" — {LOW_CONFIDENCE_NOTE} ({weakest.text!r}, {weakest.conf:.0f}%)"
            finding = replace(finding, severity="warning", message=finding.message + note)
        out.append(finding)
    return out


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
