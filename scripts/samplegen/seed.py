"""Parsing the seed text dump of a report (tab-separated cells) into call-out notes and narrative.

The dump is the text of the real trata-2024 PDF (tests/data/seed/): after the matrix and its
"Indice de gestión" row come the call-out notes, then the narrative from the report's title on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from samplegen.model import Block, Note, NoteGroup
from samplegen.tables import form_table, op_table

OP_LABEL = re.compile(r"^OP\.\d{2}\.$")
SERVICE_HEADING = re.compile(r"^(?:S\.\s?\d{2}\.|\\?\$\.\d{2}\.)\s")
ROMAN_HEADING = re.compile(r"^(?:I|II|III|IV|V)\.\s")


def parse_seed(lines: list[str], note_headings: Mapping[str, str]) -> tuple[list[NoteGroup], list[Block]]:
    """Split the dump after the matrix into call-out notes and narrative blocks.

    ``note_headings`` maps call-out headings as the dump has them (damaged) to what is printed.
    """
    index_at = next(i for i, line in enumerate(lines) if "Indice de gestión" in line)
    title_at = next(i for i in range(index_at + 1, len(lines))
                    if lines[i].startswith("Reporte de Cumplimiento de la Política Nacional"))
    tags = {m.group(1) for line in lines[:index_at] if (m := re.match(r"^S (\d+)$", line.strip()))}
    matrix_notes = [Note(line.strip(), tag_for(line, tags)) for line in lines[:index_at]
                    if line.startswith("El servicio ")]
    groups = [NoteGroup("", matrix_notes)] if matrix_notes else []
    groups += parse_note_groups(lines[index_at + 1:title_at], note_headings)
    return groups, parse_narrative(lines[title_at:])


def tag_for(line: str, tags: set[str]) -> str:
    m = re.match(r"El servicio (\d+)", line)
    return f"S {m.group(1)}" if m and m.group(1) in tags else ""


def parse_note_groups(lines: list[str], headings: Mapping[str, str]) -> list[NoteGroup]:
    groups: list[NoteGroup] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if line in headings:
            groups.append(NoteGroup(headings[line], []))
            continue
        starts_services = line.startswith("El servicio ") and not (
            groups and groups[-1].notes and groups[-1].notes[-1].text.startswith("El servicio"))
        if not groups or starts_services:
            groups.append(NoteGroup("", []))
        groups[-1].notes.append(Note(line))
    return groups


def parse_narrative(lines: list[str]) -> list[Block]:
    """The dump's narrative as blocks: tab-separated runs are tables, other lines paragraphs."""
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        if "\t" in lines[i]:
            j = i
            while j < len(lines) and "\t" in lines[j]:
                j += 1
            blocks.append(seed_table(lines[i:j]))
            i = j
            continue
        blocks.append(text_block(lines[i], first=not blocks))
        i += 1
    attach_op_labels(blocks)
    return blocks


def text_block(line: str, first: bool = False) -> Block:
    text = line.strip()
    if first:
        return Block("title", text)
    if text.startswith("- "):
        body = text[2:]
        return Block("bullet", body if re.match(r"^(✓|\d+\.)\s", body) else f"• {body}")
    if text[0] in "¹²³⁴⁵":
        return Block("footnote", text)
    if text == "_":
        return Block("rule")
    if OP_LABEL.match(text):
        return Block("label", text)
    if SERVICE_HEADING.match(text):
        # "\$.06." is the dump's markdown-escaped OCR misreading of "S.06."; the claims file
        # attributes that paragraph to S.06, so the born-digital page prints what was meant.
        return Block("service", re.sub(r"^\\?\$", "S", text))
    if is_heading(text):
        return Block("heading", text)
    return Block("paragraph", text)


def is_heading(text: str) -> bool:
    if ROMAN_HEADING.match(text):
        return True
    if len(text) > 110 or not text[0].isupper() or text.endswith((".", ",", ";")):
        return False
    return not text.endswith(":") or len(text) < 40


def seed_cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")]


def trim_columns(rows: list[list[str]]) -> list[list[str]]:
    """Drop trailing columns that are empty in every row (the dump pads with tabs)."""
    width = max((max((i + 1 for i, c in enumerate(r) if c), default=0) for r in rows), default=0)
    return [(r + [""] * width)[:width] for r in rows]


def seed_table(lines: list[str]) -> Block:
    first = seed_cells(lines[0])
    if first[0].startswith("N°"):
        years = seed_cells(lines[1])
        body = [seed_cells(line)[:8] for line in lines[2:]]
        return op_table(years[1:4], years[7:8], body)
    if first[0].startswith("Reporte de cumplimiento de políticas"):
        return seed_form_table(lines)
    rows = trim_columns([seed_cells(line) for line in lines])
    n = len(rows[0])
    return Block("table", rows=rows, header_rows=1, widths=[2.6] + [1.0] * (n - 1))


def seed_form_table(lines: list[str]) -> Block:
    """The "Reporte de cumplimiento de políticas nacionales" box: label | value rows.

    The dump repeats the start of some values in a cell of their own ("Mini" | "Ministerio
    del Interior"), a text-extraction artefact that is dropped. A line with an empty label
    continues the value above it (a second paragraph in the same cell).
    """
    title = seed_cells(lines[0])[0]
    pairs: list[tuple[str, list[str]]] = []
    levels: list[str] = []
    for line in lines[1:]:
        cells = seed_cells(line)
        label, rest = cells[0], cells[1:]
        if not label and rest and not rest[0]:
            levels = trim_columns([rest[1:]])[0]  # the Inicial / Intermedio / Avanzado boxes
            continue
        values = [c for i, c in enumerate(rest) if c and not is_prefix_artifact(c, rest[i + 1:])]
        if not label and pairs:
            pairs[-1][1].extend(values)
        else:
            pairs.append((label, values))
    return form_table(title, pairs, levels)


def is_prefix_artifact(cell: str, following: Sequence[str]) -> bool:
    nxt = next((c for c in following if c), "")
    return bool(nxt) and nxt != cell and nxt.startswith(cell)


def attach_op_labels(blocks: list[Block]) -> None:
    """Put the floating "OP.0N." label of each per-objective table into its objective row.

    In the dump the label sits just before or just after the table (it is the N° cell of the
    row that carries the objective's progress); the nearest free label within three blocks wins.
    """
    for i, block in enumerate(blocks):
        if block.kind != "table" or block.rows[0][0] != "N°":
            continue
        op_row = next((r for r in block.rows[2:] if not r[0]), None)
        if op_row is None:
            continue
        candidates = [j for j in range(max(0, i - 3), min(len(blocks), i + 4))
                      if blocks[j].kind == "label"]
        if candidates:
            j = min(candidates, key=lambda j: (abs(j - i), j > i))
            op_row[0] = blocks[j].text
            blocks[j].kind = "paragraph"
            blocks[j].text = ""
    blocks[:] = [b for b in blocks if b.kind == "table" or b.text or b.kind == "rule"]
