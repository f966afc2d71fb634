"""Cleaning the cells of one printed band: marks and specks out of text cells, values read
through OCR marks, cells that are never data dropped, and the cells a level never prints."""

from __future__ import annotations

import fnmatch
import re

from extractor.model import RawRow
from extractor.repair.codes import content_of, head_levels, provisional_code
from extractor.repair.config import RepairConfig
from extractor.repair.records import CleanRow, Draft, Repair
from extractor.values import parse_value

QUOTES = "\"'“”‘’«»`´"
LONE_PUNCTUATION = re.compile(r"(?<=\s)[.,:;·](?=\s)")  # "para investigar y . sancionar"


def clean_row(raw: RawRow, cfg: RepairConfig) -> CleanRow:
    """One printed band cleaned: whitespace normalised, stray marks removed, and a first reading
    of its code and level."""
    cells = {role: " ".join(text.split()) for role, text in raw.cells.items()}
    repairs: list[Repair] = []
    code_text = _drop_code_mark(cells.pop("code", ""), cfg, repairs)
    named = _named_row(cells.get("name", ""), cfg)
    coded = bool(code_text) or named is not None  # a named row's values are its own
    for role, text in cells.items():
        if text and role in cfg.text_columns:
            cells[role] = _clean_text_cell(text, role, coded, cfg, repairs)
        elif text:
            base = " ".join(cfg.markup.sub(" ", text).split())
            clean = _read_value(base, role, cfg, repairs)
            if _is_stray(clean, role, coded, cfg):
                clean = ""
            if base != text or not clean:
                repairs.append(Repair("stray", text, "", role))
            cells[role] = clean
    band = CleanRow(raw.page, cells, code_text, repairs, raw.continues_previous, boxes=dict(raw.boxes),
                    assumptions=list(raw.assumptions))
    band.named = named
    band.head = head_levels(band.name, cfg)
    if code_text:
        band.guess = provisional_code(code_text, content_of(cells, cfg), cfg)
    return band


def _clean_text_cell(
    text: str, role: str, coded: bool, cfg: RepairConfig, repairs: list[Repair]
) -> str:
    """A text cell without markup and lone punctuation marks ("investigar y . sancionar")."""
    marks = cfg.markup.findall(text) + LONE_PUNCTUATION.findall(text)
    clean = " ".join(LONE_PUNCTUATION.sub(" ", cfg.markup.sub(" ", text)).split())
    words = clean.split()
    clean = " ".join(_read_capitals(w, cfg) for w in words)
    repairs += [Repair("ocr_letter", a, b, role) for a, b in zip(words, clean.split(), strict=True) if a != b]
    clean = _drop_marks(clean, cfg, marks)
    if role != "name" and _is_stray(clean, role, coded, cfg):
        marks, clean = [text], ""
    repairs += [Repair("stray", mark, "", role) for mark in marks]
    return clean


def _drop_marks(text: str, cfg: RepairConfig, marks: list[str]) -> str:
    """Specks read as punctuation (`text_marks`): lone mark tokens, marks or a stray letter alone
    at either end of the cell, marks glued to its first or last word; what was dropped is added
    to `marks`."""
    kept = []
    for token in text.split():
        (marks if cfg.lone_mark.fullmatch(token) else kept).append(token)

    def at_edge(token: str) -> bool:
        return bool(cfg.edge_mark.fullmatch(token) or cfg.lone_letter.fullmatch(token))

    while kept and at_edge(kept[-1]):
        marks.append(kept.pop())
    while kept and at_edge(kept[0]):
        marks.append(kept.pop(0))
    if kept:
        kept[0] = _unglue(kept[0], text, cfg, marks, at_start=True)
        kept[-1] = _unglue(kept[-1], text, cfg, marks, at_start=False)
    return " ".join(kept)


def _read_capitals(token: str, cfg: RepairConfig) -> str:
    """A word in capitals with a mark misread for one of its letters ("INE!" → "INEI")."""
    letters = [c for c in token if c not in cfg.in_capitals]
    if len(letters) < 2 or len(letters) == len(token) or not all(c.isupper() for c in letters):
        return token
    return "".join(cfg.in_capitals.get(c, c) for c in token)


def _unglue(token: str, text: str, cfg: RepairConfig, marks: list[str], *, at_start: bool) -> str:
    """The word without the marks glued to its outer side ("'Número" → "Número"); a mark whose
    partner is elsewhere in the cell (`“Programa Juntos”`, "'SIS'") is punctuation and stays."""
    chars = token if at_start else token[::-1]
    n = 0
    while n < len(chars) and cfg.glued_mark.fullmatch(chars[n]):
        n += 1
    core = token[n:] if at_start else token[: len(token) - n]
    glued = token[:n] if at_start else token[len(token) - n :]
    rest = text[n:] if at_start else text[: len(text) - n]
    if not n or not any(c.isalnum() for c in core) or any(_partner_in(c, rest) for c in glued):
        return token
    marks.append(glued)
    return core


def _partner_in(mark: str, text: str) -> bool:
    """Whether `text` holds the other half of a pair the mark may belong to (quotes of any kind)."""
    return any(q in text for q in QUOTES) if mark in QUOTES else mark in text


def _read_value(text: str, role: str, cfg: RepairConfig, repairs: list[Repair]) -> str:
    """An OCR'd value cell read as a value: marks around it dropped ("62.0.", "- 50.9"), letters
    inside a number read as digits ("1,O15"). Changed only when that makes it parse; the change
    is listed as an `ocr_value` repair."""
    if not text or not cfg.is_value_column(role):
        return text
    stripped = text
    for pattern in cfg.value_strip:
        stripped = pattern.sub("", stripped).strip()
    for candidate in (stripped, _value_digits(stripped, cfg)):
        if candidate != text and candidate and parse_value(candidate).unit != "?":
            repairs.append(Repair("ocr_value", text, candidate, role))
            return candidate
    return text


def _value_digits(text: str, cfg: RepairConfig) -> str:
    """Characters next to a digit read as the digit or separator they stand for."""
    out = list(text)
    for i, ch in enumerate(text):
        beside = text[i - 1 : i] + text[i + 1 : i + 2]
        if ch in cfg.value_readings and any(c.isdigit() for c in beside):
            out[i] = cfg.value_readings[ch]
    return "".join(out)


def _drop_code_mark(code_text: str, cfg: RepairConfig, repairs: list[Repair]) -> str:
    """Remove a margin mark printed after the code ("SS.03.06.01 d")."""
    m = cfg.code_mark.search(code_text)
    if not m:
        return code_text
    cleaned = code_text[: m.start()].rstrip()
    repairs.append(Repair("stray", code_text, cleaned, "code"))
    return cleaned


def _is_stray(text: str, role: str, coded: bool, cfg: RepairConfig) -> bool:
    if any(p.fullmatch(text) for p in cfg.stray_cells):
        return True
    if coded:
        return False
    # On a band without a code the real values sit on the row's coded band: what is left here
    # is a vertical rule read as a character, or something that is not a value at all.
    if cfg.rule_marks.fullmatch(text):
        return True
    return cfg.is_value_column(role) and parse_value(text).unit == "?"


def _named_row(name: str, cfg: RepairConfig) -> tuple[str, str] | None:
    for level, code, pattern in cfg.named_rows:
        if pattern.search(name):
            return level, code
    return None



# ---- once the level is known ---------------------------------------------------------------------


def drop_level_strays(drafts: list[Draft], cfg: RepairConfig) -> None:
    """Empty the cells a row of its level never prints (overflow from a neighbour's cell)."""
    for draft in drafts:
        allowed = cfg.level_cells.get(draft.level)
        if allowed is None:
            continue
        for role, text in draft.cells.items():
            if role != "name" and text and not any(fnmatch.fnmatch(role, p) for p in allowed):
                draft.repairs.append(Repair("stray", text, "", role))
                draft.cells[role] = ""

