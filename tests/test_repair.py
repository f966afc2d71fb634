"""The repair stage on the seed dump: every defect of repairs.csv, and the whole matrix.

The dump is tab-separated text of the PDF: a matrix line's tab fields are the 21 columns. The
helpers below turn its lines into the `RawRow` bands the extraction stage would hand on (page
furniture skipped with the rules' own patterns), so the tests drive `repair()` exactly as the
pipeline does.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import pytest

from extractor import repair as rp
from extractor.furniture import clean_furniture_text
from extractor.model import RawRow, Row
from extractor.repair.words import Lexicon, fix_text
from extractor.rules import Rules, load_rules, normalize_label
from tests.gold import TRATA, gold_rows, read_csv, seed_lines

YEARS = range(2019, 2025)
ROLES = [
    "code", "name", "responsible", "indicator_type", "direction", "aggregation",
    "baseline_year", "baseline_value",
    *[f"expected_{y}" for y in YEARS], *[f"obtained_{y}" for y in YEARS], "progress_2024",
]  # fmt: skip
KIND_NAMES = {"wrap": "wrap_join"}  # repairs.csv kind → the kind the stage records
WINDOW = 5  # bands either side of a defect given to repair() as context


@dataclass(frozen=True, slots=True)
class DumpBand:
    line: int  # 1-based line of the dump
    raw: RawRow


@cache
def rules() -> Rules:
    return load_rules("policy-matrix")


@cache
def lines() -> tuple[str, ...]:
    return tuple(seed_lines())


def _is_furniture(line: str, rules: Rules) -> bool:
    text = " ".join(line.split())
    return any(re.search(p, text) for p in rules.raw["furniture"])


def _is_header(line: str, rules: Rules) -> bool:
    anchors = {normalize_label(a) for a in rules.header["anchor"]}
    return normalize_label(line.split("\t")[0]) in anchors


def dump_bands(rules: Rules) -> list[DumpBand]:
    """The matrix lines of the dump as bands: below each page's column header, up to the
    policy index row; a band without a code right under a header continues the last page."""
    out: list[DumpBand] = []
    page, in_table, under_header = 0, False, 0
    for no, line in enumerate(lines(), 1):
        if _is_furniture(line, rules):
            page += 1 if in_table or page == 0 else 0
            in_table = False
        elif _is_header(line, rules):
            in_table, under_header = True, 2  # the header and its second line
        elif under_header == 2:
            under_header = 1
        elif in_table and "\t" in line:
            cells = dict(zip(ROLES, line.split("\t"), strict=True))
            first = under_header == 1 and not cells["code"].strip()
            out.append(DumpBand(no, RawRow(page, float(no), no + 1.0, cells,
                                           continues_previous=first)))
            under_header = 0
            if re.search(rules.section("codes")["named_rows"][0]["name_pattern"], cells["name"]):
                break
    return out


def window(line: int, extra: Sequence[DumpBand] = ()) -> list[RawRow]:
    """The band printed on a dump line and its neighbours, in document order."""
    bands = sorted([*dump_bands(rules()), *extra], key=lambda b: b.line)
    at = next(i for i, b in enumerate(bands) if b.line >= line)
    return [b.raw for b in bands[max(0, at - WINDOW) : at + WINDOW + 1]]


def first_line(note: str) -> int | None:
    m = re.search(r"\blines?\s+(\d+)", note)
    return int(m.group(1)) if m else None


# ---- every defect of repairs.csv -----------------------------------------------------------------
# The gold data is read on first use, never at collection. Each test checks every defect of its
# selection and reports all that fail, by case id.


@cache
def repairs_csv() -> tuple[dict[str, str], ...]:
    return tuple(read_csv(TRATA / "repairs.csv"))


@cache
def matrix_end() -> int:
    return dump_bands(rules())[-1].line  # the policy index row


def _case_id(rec: dict[str, str]) -> str:
    return f"{rec['kind']}-{rec['code'] or 'page'}-{rec['raw_text'][:24]}"


def check_each(records: Sequence[dict[str, str]], check: Callable[[dict[str, str]], None]) -> None:
    failures = []
    for rec in records:
        try:
            check(rec)
        except AssertionError as exc:
            failures.append(f"{_case_id(rec)}: {exc}")
    assert records, "no defect selected"
    assert not failures, "\n".join(failures)


def _row_with(rows: list[Row], code: str) -> Row:
    matches = [r for r in rows if r.code == code]
    assert len(matches) == 1, f"{code}: {len(matches)} rows, codes {[r.code for r in rows]}"
    return matches[0]


def _kinds(row: Row) -> set[str]:
    return {rep.split(":", 1)[0] for rep in row.repairs}


def matrix_defects() -> list[dict[str, str]]:
    return [r for r in repairs_csv() if r["code"] and not r["code"].startswith("S.")]


def _matrix_defect_is_repaired(rec: dict[str, str]) -> None:
    line = first_line(rec["note"])
    assert line is not None
    rows, findings = rp.repair(window(line), rules())
    row = _row_with(rows, rec["code"])
    kind = KIND_NAMES.get(rec["kind"], rec["kind"])
    assert kind in _kinds(row), row.repairs
    fields = [row.code, *(v for k, v in row.fields.items() if k != "service_no")]
    raw, fixed = rec["raw_text"], rec["fixed_text"]
    if kind in ("code_prefix", "code_ocr"):
        assert row.code == fixed
    elif kind == "stray" and not fixed:
        pieces = {raw.strip(), *raw.split(" | ")}
        assert not pieces & set(fields), fields
        assert any(rep.startswith(f"stray:{raw}->") for rep in row.repairs), row.repairs
    elif kind == "stray":
        assert f"stray:{raw}->{fixed}" in row.repairs
    else:
        assert any(fixed in f for f in fields), (fixed, fields)
        if raw not in fixed:
            assert not any(raw in f for f in fields)
    assert any(f.rule == "repair" and f.code == row.code for f in findings)


def test_matrix_defects_are_repaired() -> None:
    check_each(matrix_defects(), _matrix_defect_is_repaired)


def page_header_defects() -> list[dict[str, str]]:
    return [
        r for r in repairs_csv()
        if not r["code"] and (first_line(r["note"]) or 0) <= matrix_end()
        and r["raw_text"].startswith(("Ministerio", "S 27"))
    ]  # fmt: skip


def _page_header_defect_is_repaired(rec: dict[str, str]) -> None:
    start = _locate(rec)
    block = _header_block(start)
    cleaned, repairs = clean_furniture_text(block, rules())
    assert repairs
    fixed = rec["fixed_text"]
    assert not fixed or any(fixed in line for line in cleaned), cleaned
    for piece in rec["raw_text"].split(" | "):
        if piece not in fixed:
            assert not any(piece in line for line in cleaned), cleaned


def test_page_header_defects_are_repaired() -> None:
    check_each(page_header_defects(), _page_header_defect_is_repaired)


def _locate(rec: dict[str, str]) -> int:
    """The dump line a defect is on: from the note, else where its first piece is printed."""
    line = first_line(rec["note"])
    if line:
        return line
    first = rec["raw_text"].split(" | ")[0]
    return next(no for no, text in enumerate(lines(), 1) if text.strip() == first)


def _header_block(line: int) -> list[str]:
    """The page-header lines around a dump line: from "Sector:" down to the summary table."""
    text = lines()
    start = max(no for no in range(1, line + 1) if text[no - 1].startswith("Sector"))
    end = next(no for no in range(line, len(text) + 1) if text[no - 1].startswith("\t[0-75%>"))
    return [t for t in text[start - 1 : end - 1] if t.strip()]


def lone_mark_defects() -> list[dict[str, str]]:
    return [r for r in repairs_csv() if r["raw_text"] == "A"]


def _lone_mark_is_dropped(rec: dict[str, str]) -> None:
    line = first_line(rec["note"])
    cells = dict(zip(ROLES, lines()[line - 1].split("\t"), strict=True))
    stray = DumpBand(line, RawRow(4, float(line), line + 1.0, cells, continues_previous=True))
    rows, findings = rp.repair(window(line, [stray]), rules())
    assert not any("A" in r.fields.values() for r in rows)
    assert any(f.printed == "A" and f.rule == "repair" for f in findings)


def test_lone_mark_above_the_header_is_dropped() -> None:
    check_each(lone_mark_defects(), _lone_mark_is_dropped)


def unrepaired_defects() -> list[dict[str, str]]:
    """Defects no stage repairs: OCR garbage in the column header (layout.py matches the header
    by its labels and reads no cell of it), and the narrative's text (narrative.py reads its
    claims as printed)."""
    def in_column_header(line: int | None) -> bool:
        return bool(line) and line <= matrix_end() and (
            _is_header(lines()[line - 1], rules()) or _is_header(lines()[line - 2], rules())
        )

    return [
        r for r in repairs_csv()
        if (not r["code"] and in_column_header(first_line(r["note"])))
        or (first_line(r["note"]) or 0) > matrix_end() or r["code"].startswith("S.")
        or r["raw_text"].startswith("**")
    ]  # fmt: skip


def test_every_defect_of_repairs_csv_is_tested_or_named_unrepaired() -> None:
    selections = [matrix_defects(), page_header_defects(), lone_mark_defects(), unrepaired_defects()]
    claimed = Counter(id(rec) for selection in selections for rec in selection)
    assert len(repairs_csv()) == 91
    assert all(claimed[id(rec)] == 1 for rec in repairs_csv()), [
        rec["raw_text"] for rec in repairs_csv() if claimed[id(rec)] != 1
    ]


# ---- the whole matrix ------------------------------------------------------------------------------

COMPARED = ("code", "level", "parent", "service_no", "name")


@cache
def repaired_dump() -> tuple[list[Row], list]:
    return rp.repair([b.raw for b in dump_bands(rules())], rules())


def _key(row: Row, column: str) -> str:
    return getattr(row, column) if column in ("code", "level", "parent") else row.get(column)


def test_whole_dump_matches_the_gold_matrix() -> None:
    rows, _ = repaired_dump()
    _, gold = gold_rows()
    assert len(rows) == len(gold)
    matched = sum(
        all(_key(r, c) == _key(g, c) for c in COMPARED) for r, g in zip(rows, gold, strict=True)
    )
    assert matched / len(gold) >= 0.99, f"{matched}/{len(gold)} rows match the gold"


def test_whole_dump_values_match_the_gold_matrix() -> None:
    rows, _ = repaired_dump()
    _, gold = gold_rows()
    for row, ref in zip(rows, gold, strict=True):
        for column, value in ref.fields.items():
            if column not in ("name", "service_no"):
                assert row.get(column) == value, (ref.code, column, row.get(column), value)


def test_no_code_is_left_unrepaired_in_the_dump() -> None:
    _, findings = repaired_dump()
    assert not [f for f in findings if f.rule == "unrepaired_code"]


# ---- mechanisms, on small inputs -------------------------------------------------------------------


def _band(page: int, code: str, name: str, **cells: str) -> RawRow:
    return RawRow(page, 0.0, 1.0, {role: "" for role in ROLES} | {"code": code, "name": name}
                  | cells, continues_previous=not code)  # fmt: skip


def test_codes_of_a_scanned_report_are_read_through_ocr_confusions() -> None:
    """Readings tesseract gives on scans (docs: shared/notes/stack.md)."""
    cfg = rp.RepairConfig.from_rules(rules())
    indicator = rp.Content(indicator=True, head_levels=None)
    service = rp.Content(indicator=False, head_levels=frozenset({"SS"}))
    cases = [
        ("10P.01.02", indicator, "IOP.01.02"),
        ("155.01.01.01.01", indicator, "ISS.01.01.01.01"),
        ("S5.01.01.01", service, "SS.01.01.01"),
        ("85.01.0202", service, "SS.01.02.02"),
        ("ISS.03.0S.01.01", indicator, "ISS.03.05.01.01"),
    ]
    for printed, content, code in cases:
        guess = rp.provisional_code(printed, content, cfg)
        assert guess is not None and guess.code == code, (printed, guess)


def test_a_code_the_context_cannot_settle_is_kept_with_a_warning() -> None:
    """Sequence says SS.03.02.04, the next row's parent says SS.03.02.09: no silent guess."""
    raws = window(149)
    child = next(r for r in raws if r.cells["code"] == "ISS.03.02.04.01")
    child.cells["code"] = "ISS.03.02.09.01"
    rows, findings = rp.repair(raws, rules())
    lost = next(r for r in rows if r.get("name").startswith("Servicio de otorgamiento"))
    assert lost.code == "" and lost.parent == ""
    assert [f for f in findings if f.rule == "unrepaired_code" and f.severity == "warning"]


def test_a_catalog_supplies_a_lost_code_and_the_rest_of_a_cut_name() -> None:
    _, gold = gold_rows()
    catalog = [r for r in gold if r.code.startswith("SS.03.")]
    lone = [_band(4, "", "Servicio de otorgamiento de medidas de protección para las víctimas "
                         "del delito de")]  # fmt: skip
    rows, findings = rp.repair(lone, rules())
    assert rows[0].code == "" and any(f.rule == "unrepaired_code" for f in findings)
    rows, _ = rp.repair(lone, rules(), catalog)
    expected = next(r for r in gold if r.code == "SS.03.02.04")
    assert (rows[0].code, rows[0].get("name")) == (expected.code, expected.get("name"))


def test_a_band_at_the_top_of_a_page_continues_the_last_row() -> None:
    raws = [
        _band(1, "LN.01.01", "Mejorar la calidad de la información de difusión sobre los"),
        _band(2, "", "riesgos de victimización en la población"),
        _band(2, "SS.01.01.01", "Servicio de asistencia técnica"),
    ]
    rows, _ = rp.repair(raws, rules())
    assert [r.code for r in rows] == ["LN.01.01", "SS.01.01.01"]
    assert rows[0].get("name").endswith("sobre los riesgos de victimización en la población")
    assert rows[1].get("service_no") == "1" and rows[1].parent == "LN.01.01"


def test_two_real_words_are_not_joined_and_author_typos_stay() -> None:
    rows, _ = repaired_dump()
    names = " ".join(r.get("name") for r in rows)
    for typo in ("MINITER", "advoicecentes", "Acogisda", "terapétuticas", "Total, de"):
        assert typo in names
    text = "Dos metas principales. Su misión principal es articular."
    fixed, _ = fix_text(text, Lexicon.build([text], rp.RepairConfig.from_rules(rules())))
    assert "principal es" in fixed


def test_a_band_without_code_but_with_its_own_values_is_a_row_not_a_continuation() -> None:
    values = {f"expected_{y}": "10%" for y in YEARS} | {"baseline_year": "2020"}
    raws = [
        _band(1, "SS.01.01.01", "Servicio de asistencia técnica"),
        _band(2, "", "Porcentaje de asistencias técnicas realizadas", responsible="PNP", **values),
    ]
    rows, findings = rp.repair(raws, rules())
    assert len(rows) == 2 and rows[1].get("expected_2024") == "10%"
    assert rows[0].get("name") == "Servicio de asistencia técnica"
    # An ISS after its SS, or the first IOP of OP.01: the context alone cannot say which.
    warned = [f.message for f in findings if f.rule == "unrepaired_code"]
    assert rows[1].code == "" and "best candidates ISS.01.01.01.01" in warned[0]


def test_ocr_specks_in_text_go_and_the_index_keeps_its_value() -> None:
    raws = [
        _band(1, "LN.02.04", "Mejorar la aplicación de instrumentos para investigar y . sancionar"),
        _band(1, "", "Indice de gestión de la política nacional", progress_2024="70.6."),
    ]
    rows, _ = rp.repair(raws, rules())
    assert rows[0].get("name").endswith("para investigar y sancionar")
    assert "stray:.->" in rows[0].repairs
    # the index keeps its value, read without the speck after it (rules/_ocr.yaml value_marks)
    assert (rows[1].level, rows[1].get("progress_2024")) == ("INDEX", "70.6")
    assert "ocr_value:70.6.->70.6" in rows[1].repairs


@pytest.mark.parametrize(("source", "repaired"), [("text", False), ("ocr", True)])
def test_an_accent_is_read_as_a_speck_only_on_words_read_off_an_image(source: str, repaired: bool) -> None:
    """A text layer's "í" is what its producer wrote: a word printed both with and without its
    accent is the author's spelling. OCR may read a speck over a vowel as an accent."""
    names = [
        ("LN.01.01", "Laboratorios Geofisicos especializados"),
        ("LN.01.02", "Observatorios Geofisicos especializados"),
        ("LN.01.03", "Laboratorios Geofísicos especializados"),
    ]
    raws = [_band(1, code, name) for code, name in names]
    for raw in raws:
        raw.source = source  # type: ignore[assignment]
    rows, _ = rp.repair(raws, rules())
    accented = rows[2]
    spelling = "Geofisicos" if repaired else "Geofísicos"
    assert accented.get("name") == f"Laboratorios {spelling} especializados"
    assert any(r.startswith("ocr_letter:Geofísicos->Geofisicos") for r in accented.repairs) == repaired


def test_a_text_layer_keeps_its_letter_repairs() -> None:
    """trata-2024's text layer carries an old OCR's misread letters: those are still repaired."""
    text = "trabajo forzoso y trabajo infantil; trabaio forzoso"
    fixed, repairs = fix_text(text, Lexicon.build([text, "trabajo"], rp.RepairConfig.from_rules(rules())))
    assert fixed == "trabajo forzoso y trabajo infantil; trabajo forzoso"
    assert ("ocr_letter", "trabaio", "trabajo") in repairs
