"""Page-header text around the matrix, cleaned before its metadata is read (rows.py): call-out
markers dropped, labels wrapped around their value or misread put back, clipped headings
restored (`furniture_text` of the rules)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from extractor.rules import Rules, normalize_label


def clean_furniture_text(lines: Sequence[str], rules: Rules) -> tuple[list[str], list[str]]:
    """Page-header lines with call-out markers dropped, labels wrapped around their value or
    misread put back ("Ministerio 007: … conductor:" → "Ministerio conductor: 007: …"), a bare
    label joined with the value printed lines below it, and clipped headings restored."""
    spec = rules.spec.furniture_text
    labels = spec.labels
    markers = [re.compile(p) for p in spec.markers]
    repairs: list[str] = []
    kept = []
    for line in (" ".join(raw.split()) for raw in lines):
        if line and any(m.match(line) for m in markers):
            repairs.append(f"stray:{line}->")
        elif line:
            kept.append(line)
    out: list[str] = []
    for line in kept:
        fixed = _fix_heading(_fix_label(line, labels), spec.headings)
        if fixed != line:
            repairs.append(f"furniture:{line}->{fixed}")
        if out and out[-1] in labels and not _starts_with_label(fixed, labels):
            repairs.append(f"split_row:{out[-1]} | {fixed}->{out[-1]} {fixed}")
            out[-1] = f"{out[-1]} {fixed}"
        else:
            out.append(fixed)
    return out, repairs


def _starts_with_label(line: str, labels: Sequence[str]) -> bool:
    return any(normalize_label(line).startswith(normalize_label(lab)) for lab in labels)


def _fix_label(line: str, labels: Sequence[str]) -> str:
    if _starts_with_label(line, labels):
        return line
    for label in labels:
        words = label.split()
        for k in range(1, len(words)):
            head, tail = " ".join(words[:k]), " ".join(words[k:])
            if line.startswith(head + " ") and line.endswith(" " + tail):
                value = line[len(head) : len(line) - len(tail)].strip()
                return f"{label} {value}".strip()
        first = " ".join(line.split()[: len(words)])
        if fuzz.ratio(normalize_label(first), normalize_label(label)) >= 85:
            return f"{label} {line[len(first):].strip()}".strip()
    return line


def _fix_heading(line: str, headings: Sequence[str]) -> str:
    """A known heading misread or clipped on the left; the shortest completion when several fit."""
    core = line.rstrip(":").strip()
    colon = ":" if line.endswith(":") else ""
    if len(core.split()) > 8 or not core:
        return line
    fuzzy = [(fuzz.ratio(normalize_label(core), normalize_label(h)), h) for h in headings]
    good = [fh for fh in fuzzy if fh[0] >= 85]
    if good:
        return max(good)[1] + colon
    clipped = [h for h in headings if len(core) >= 8 and h.endswith(core) and h != core]
    return min(clipped, key=len) + colon if clipped else line

