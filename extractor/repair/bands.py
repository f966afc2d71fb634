"""Grouping cleaned printed bands into logical rows (`Draft`s).

A band without a code is the start of the next coded row, a row of its own (code lost) or the
continuation of the row above; a coded band repeating the row above is merged into it; the tail
of a name printed at the start of the next row's name goes back where it belongs.
"""

from __future__ import annotations

from collections import Counter

from extractor.celltext import join_wrapped
from extractor.model import CellBox, Finding
from extractor.repair.codes import content_of, head_levels
from extractor.repair.config import RepairConfig
from extractor.repair.records import CleanRow, Draft, Repair
from extractor.repair.words import ends_cut
from extractor.values import parse_value

SAME_ROW_AGREEMENT = 0.7  # share of a coded band's values equal to the row above's: a duplicate


def inner_head(name: str, level: str | None, cfg: RepairConfig) -> int | None:
    """Where, past the first word, a name of `level` starts inside `name` (a spill before it)."""
    starts = [
        m.start()
        for hw in cfg.head_words
        if level is None or level in hw.levels
        for m in [hw.inside.search(name)]
        if m
    ]
    return min(starts) if starts else None


def group_rows(bands: list[CleanRow], cfg: RepairConfig, findings: list[Finding]) -> list[Draft]:
    """Join bands without a code to their row, merge duplicated bands, return spilled text.

    A band without a code is the start of the next coded row when its name starts with a head
    word of that row's level and the coded band's own name does not (the code is printed on the
    middle line of a tall cell); it is a row of its own (code lost) when the next row starts its
    own name; otherwise it continues the row above, possibly up to a head word where the next
    row's name begins.
    """
    drafts: list[Draft] = []
    pending: Draft | None = None  # a row begun by bands without a code, waiting for its code
    for i, band in enumerate(bands):
        if band.named:
            pending = _close(pending, drafts)
            drafts.append(_new_draft(band, cfg))
        elif band.code_text:
            _take_coded(band, pending, drafts, cfg)
            pending = None
        elif not band.name and not any(band.cells.values()):
            _drop_band(band, findings)
        else:
            pending = _take_codeless(band, _next_coded(bands, i), pending, drafts, cfg)
    _close(pending, drafts)
    return drafts


def _take_coded(band: CleanRow, pending: Draft | None, drafts: list[Draft], cfg: RepairConfig) -> None:
    """A coded band ends the pending row, repeats the row above, or starts a row."""
    level = band.guess.level if band.guess else None
    if pending and band.head is None and _compatible(pending.head, level):
        _absorb(pending, band, cfg, coded=True)
        drafts.append(pending)
        return
    _close(pending, drafts)
    prev = drafts[-1] if drafts else None
    if prev and _same_row(prev, band, cfg):
        _merge_duplicate(prev, band, drafts, cfg)
        return
    draft = _new_draft(band, cfg)
    if band.head is None and prev and not prev.named:
        _return_spill(draft, prev, level, cfg)
    drafts.append(draft)


def _take_codeless(
    band: CleanRow, nxt: CleanRow | None, pending: Draft | None, drafts: list[Draft], cfg: RepairConfig
) -> Draft | None:
    """A band without a code starts a row (returned as the new pending row) or continues one."""
    target = pending or (drafts[-1] if drafts and not drafts[-1].named else None)
    next_level = nxt.guess.level if nxt and nxt.guess else None
    opens_next = nxt is not None and nxt.head is None and not nxt.named
    # An indicator's own values on the band: a row whose code was lost, never a continuation.
    has_values = bool(content_of(band.cells, cfg).indicator)
    if band.head is not None and (has_values or not band.continues_previous):
        starts_next = opens_next and _compatible(band.head, next_level)
        # A row of its own when nothing above is waiting for its end ("…del delito de").
        if starts_next or has_values or target is None or not ends_cut(target.name, cfg):
            _close(pending, drafts)
            return _new_draft(band, cfg)
    if target is None:
        return _new_draft(band, cfg)
    cut = inner_head(band.name, next_level, cfg) if opens_next else None
    if cut is None:
        _absorb(target, band, cfg, coded=False)
        return pending
    # The band ends one row and starts the next: "personas y delitos conexos Porcentaje de …".
    _absorb_text(target, band.name[:cut].strip(), hyphen_wraps=cfg.join_hyphen_wraps)
    if target is pending:
        drafts.append(pending)
    rest = CleanRow(band.page, {**band.cells, "name": band.name[cut:].strip()}, "", band.repairs, boxes=band.boxes,
                    assumptions=band.assumptions)
    rest.head = head_levels(rest.name, cfg)
    return _new_draft(rest, cfg)


def note_split_rows(drafts: list[Draft]) -> None:
    """List the rows whose name was printed over several bands, piece by piece."""
    for draft in drafts:
        if len(draft.name_parts) - draft.page_joins > 1:
            joined = " ".join(draft.name_parts)
            draft.repairs.append(Repair("split_row", " | ".join(draft.name_parts), joined, "name"))


def _close(pending: Draft | None, drafts: list[Draft]) -> None:
    if pending is not None:
        drafts.append(pending)


def _compatible(levels: frozenset[str] | None, level: str | None) -> bool:
    return levels is None or level is None or level in levels


def _next_coded(bands: list[CleanRow], i: int) -> CleanRow | None:
    for band in bands[i + 1 :]:
        if band.code_text or band.named:
            return band
        if band.head is not None:  # another row starts first
            return None
    return None




def _new_draft(band: CleanRow, cfg: RepairConfig) -> Draft:
    draft = Draft(band.page, band.page, {}, {}, head=band.head, guess=band.guess, named=band.named)
    _absorb(draft, band, cfg, coded=bool(band.code_text))
    return draft


def _drop_band(band: CleanRow, findings: list[Finding]) -> None:
    for rep in band.repairs:
        findings.append(
            Finding(
                "repair",
                "info",
                f"stray band dropped: {rep.before!r} in {rep.field}",
                field=rep.field,
                printed=rep.before,
                page=band.page,
            )
        )


def _absorb(draft: Draft, band: CleanRow, cfg: RepairConfig, *, coded: bool) -> None:
    """Add one band's cells to a row: names joined, values merged (a coded band's win)."""
    draft.repairs += band.repairs
    if band.continues_previous and not coded and band.page != draft.last_page:
        # a row printed over a page break is joined as the layout says; not a repair
        draft.page_joins += 1
        draft.assumptions.append(f"continued_on_page:{band.page}")
    draft.assumptions += [note for note in band.assumptions if note not in draft.assumptions]
    draft.last_page = band.page
    draft.read_by_ocr = draft.read_by_ocr or band.read_by_ocr
    add_boxes(draft.boxes, band.boxes)
    if coded:
        draft.code_texts.append(band.code_text)
        draft.guess = band.guess
    _absorb_text(draft, band.name, hyphen_wraps=cfg.join_hyphen_wraps)
    for role, text in band.cells.items():
        if role != "name" and text:
            _merge_cell(draft, role, text, coded, cfg)


def add_boxes(boxes: dict[str, list[CellBox]], band: dict[str, CellBox]) -> None:
    """A row's cells grow by a band's: one box per cell and page, the union of its bands."""
    for role, box in band.items():
        on_pages = boxes.setdefault(role, [])
        same = next((i for i, b in enumerate(on_pages) if b.page == box.page), None)
        if same is None:
            on_pages.append(box)
        else:
            on_pages[same] = on_pages[same].union(box)


def _absorb_text(draft: Draft, text: str, *, hyphen_wraps: bool = False) -> None:
    """Add a piece of name printed on one band: kept as a part, and joined to the name."""
    if text:
        draft.name_parts.append(text)
        draft.cells["name"] = join_wrapped(draft.name, text, hyphen_wraps)


def _merge_cell(draft: Draft, role: str, text: str, coded: bool, cfg: RepairConfig) -> None:
    current = draft.cells.get(role, "")
    if not current or current == text:
        draft.cells[role], draft.origin[role] = text, coded or draft.origin.get(role, False)
        return
    if not cfg.is_value_column(role):
        # a text cell wrapped over two bands
        draft.cells[role] = join_wrapped(current, text, cfg.join_hyphen_wraps)
        return
    # Two values for one cell: the band carrying the code holds the row's values; a number on a
    # band without a code is something else printed there (a stray).
    if coded and not draft.origin.get(role, False):
        draft.repairs.append(Repair("stray", current, "", role))
        draft.cells[role], draft.origin[role] = text, True
    else:
        draft.repairs.append(Repair("stray", text, "", role))


def _same_row(prev: Draft, band: CleanRow, cfg: RepairConfig) -> bool:
    """A coded band repeating the row above: same code once read, and the same values."""
    if not prev.code_texts or not prev.guess or not band.guess:
        return False
    if prev.guess.code != band.guess.code:
        return False
    pairs = [
        (prev.cells.get(role, ""), text)
        for role, text in band.cells.items()
        if role != "name" and text and prev.cells.get(role)
    ]
    return bool(pairs) and sum(a == b for a, b in pairs) / len(pairs) >= SAME_ROW_AGREEMENT


def _merge_duplicate(draft: Draft, band: CleanRow, drafts: list[Draft], cfg: RepairConfig) -> None:
    """Merge a duplicated band: keep agreeing cells, fill empty ones, pick the sound variant."""
    draft.repairs += band.repairs
    draft.repairs.append(Repair("split_row", f"duplicate band {band.code_text}", to_row=draft))
    draft.code_texts.append(band.code_text)
    draft.last_page = band.page
    draft.read_by_ocr = draft.read_by_ocr or band.read_by_ocr
    add_boxes(draft.boxes, band.boxes)
    _absorb_text(draft, band.name, hyphen_wraps=cfg.join_hyphen_wraps)
    for role, text in band.cells.items():
        current = draft.cells.get(role, "")
        if role == "name" or not text or current == text:
            continue
        if not current:
            draft.cells[role] = text
            continue
        winner = _sounder(current, text, role, drafts, cfg)
        if winner is None:
            draft.repairs.append(Repair("conflict", f"{current} | {text}", current, role))
            continue
        loser = text if winner == current else current
        draft.cells[role] = winner
        draft.repairs.append(Repair("ocr_letter", loser, winner, role))


def _sounder(a: str, b: str, role: str, drafts: list[Draft], cfg: RepairConfig) -> str | None:
    """Of two printings of one cell, the one that parses (a value) or that other rows print."""
    if cfg.is_value_column(role):
        ok = [v for v in (a, b) if parse_value(v).unit != "?"]
        return ok[0] if len(ok) == 1 else None
    seen = Counter(d.cells.get(role, "") for d in drafts)
    if seen[a] != seen[b]:
        return a if seen[a] > seen[b] else b
    return None


def _return_spill(draft: Draft, prev: Draft, level: str | None, cfg: RepairConfig) -> None:
    """Give the row above the tail of its name printed at the start of this row's name."""
    cut = inner_head(draft.name, level, cfg)
    if cut is None:
        return
    fragment = draft.name[:cut].strip()
    if not _continues_text(fragment):
        return
    draft.cells["name"] = draft.name[cut:].strip()
    draft.name_parts = [draft.name]
    prev.cells["name"] = f"{prev.name} {fragment}".strip()
    prev.repairs.append(Repair("spill", fragment, to_row=prev))
    draft.repairs.append(Repair("spill", fragment, to_row=prev))


def _continues_text(fragment: str) -> bool:
    """Text that continues a sentence: starts lower-case or with an acronym, not a new phrase."""
    first = fragment.split()[0] if fragment else ""
    return bool(first) and (first[0].islower() or first.isupper() or not first[0].isalpha())

